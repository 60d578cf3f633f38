//! `mmsearch doctor`'s data and checkpoint checks, on the real files and on broken ones.

mod common;

use multimodal_search::data::DataDir;
use multimodal_search::shell::doctor::{Status, check_checkpoints, check_data, check_toolchain};
use multimodal_search::train::pretrained_dir;

#[test]
fn real_data_and_committed_checkpoints_pass() {
    let checks = check_data(&DataDir::new(common::data_dir(), true));
    assert!(checks.iter().all(|c| c.status == Status::Ok), "{checks:#?}");
    assert!(
        checks[1]
            .detail
            .starts_with("3000 recordings (2700 train, 300 validation)")
    );
    let c = check_checkpoints(&pretrained_dir());
    assert_eq!(c.status, Status::Ok, "{c}");
    assert_eq!(check_toolchain().status, Status::Ok);
}

#[test]
fn missing_data_and_checkpoints_fail_with_a_fix() {
    let empty = tempfile::tempdir().expect("tempdir");
    let checks = check_data(&DataDir::new(empty.path(), false));
    assert_eq!(checks.len(), 2);
    for c in &checks {
        assert_eq!(c.status, Status::Fail, "{c}");
        assert!(c.fix.contains("MMS_DATA"), "{c}");
    }
    // Offline: the doctor never downloads, even when the data folder allows it.
    assert!(
        std::fs::read_dir(empty.path())
            .expect("dir")
            .next()
            .is_none()
    );
    let c = check_checkpoints(empty.path());
    assert_eq!(c.status, Status::Fail);
    assert!(c.fix.contains("checkpoints"), "{c}");
}
