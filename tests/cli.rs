//! The `mmsearch` command on the edges a newcomer meets: bad numbers, a mistyped data folder,
//! offline hints that name only what was set, a diverging learning rate, swapped checkpoint
//! folders, a failing doctor, and the data folder of the checkout found from any folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mmsearch(args: &[&str], env: &[(&str, &str)], cwd: Option<&Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mmsearch"));
    c.args(args)
        .env_remove("MMS_DATA")
        .env_remove("MMS_OFFLINE")
        .env("RAYON_NUM_THREADS", "2");
    for (k, v) in env {
        c.env(k, v);
    }
    if let Some(dir) = cwd {
        c.current_dir(dir);
    }
    c.output().expect("mmsearch runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn data() -> String {
    common::data_dir().display().to_string()
}

#[test]
fn counts_below_one_are_bad_values_not_unknown_flags() {
    for args in [
        &["train", "--out", "/nonexistent/x", "--epochs", "-1"][..],
        &["train", "--out", "/nonexistent/x", "--batch-size", "0"],
        &["tutorial", "--epochs", "-3"],
        &["eval", "--k", "0"],
    ] {
        let o = mmsearch(args, &[], None);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("must be at least 1, found"), "{args:?}: {err}");
        assert!(!err.contains("unexpected argument"), "{args:?}: {err}");
    }
}

#[test]
fn a_huge_embedding_is_refused_before_any_allocation() {
    let o = mmsearch(
        &[
            "train",
            "--out",
            "/nonexistent/x",
            "--embedding-size",
            "100000000",
        ],
        &[("MMS_DATA", &data())],
        None,
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("between 1 and 16384"), "{err}");
    assert!(!out.contains("data:"), "refused before loading data: {out}");
}

#[test]
fn progress_is_an_option_of_the_commands_that_train_only() {
    let o = mmsearch(&["eval", "--progress", "lines"], &[], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("unexpected argument '--progress'"));
    let o = mmsearch(&["train", "--help"], &[], None);
    assert!(text(&o).0.contains("--progress"));
}

#[test]
fn a_mistyped_data_folder_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("shraed-data");
    let o = mmsearch(&["summary"], &[("MMS_DATA", typo.to_str().unwrap())], None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("shraed-data named by MMS_DATA does not exist"),
        "{err}"
    );
    assert!(!typo.exists());
    let o = mmsearch(&["--data", typo.to_str().unwrap(), "summary"], &[], None);
    assert!(text(&o).1.contains("named by --data does not exist"));
    assert!(!typo.exists());
}

#[test]
fn offline_hints_name_what_the_user_set() {
    let empty = tempfile::tempdir().unwrap();
    let d = empty.path().to_str().unwrap();
    let o = mmsearch(&["summary"], &[("MMS_DATA", d), ("MMS_OFFLINE", "1")], None);
    let (_, err) = text(&o);
    assert!(
        err.contains("unsetting MMS_OFFLINE") && !err.contains("--offline"),
        "{err}"
    );
    let o = mmsearch(&["--offline", "summary"], &[("MMS_DATA", d)], None);
    let (_, err) = text(&o);
    assert!(
        err.contains("dropping --offline") && !err.contains("MMS_OFFLINE"),
        "{err}"
    );
    assert!(
        !err.contains("shared/data"),
        "no CI path in a user's message: {err}"
    );
}

/// `mmsearch train` of the speech model on the real data, offline, without validation, plus `extra`.
fn train_audio(extra: &[&str]) -> Output {
    let mut args = vec![
        "train",
        "--model",
        "unimodal_audio",
        "--out",
        "/nonexistent/x",
        "--no-validate",
    ];
    args.extend_from_slice(extra);
    mmsearch(&args, &[("MMS_DATA", &data()), ("MMS_OFFLINE", "1")], None)
}

#[test]
fn a_diverging_learning_rate_is_named() {
    let o = train_audio(&[
        "--learning-rate=1e30",
        "--max-steps",
        "4",
        "--progress",
        "quiet",
    ]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("training diverged at epoch 1, step 2") && err.contains("learning rate 1e30"),
        "{err}"
    );
}

#[test]
fn swapped_checkpoint_folders_are_named_before_the_data_loads() {
    let dir = tempfile::tempdir().unwrap();
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("checkpoints");
    for (from, to) in [
        ("unimodal_audio", "unimodal_image"),
        ("unimodal_image", "unimodal_audio"),
        ("multimodal", "multimodal"),
    ] {
        std::fs::create_dir(dir.path().join(to)).unwrap();
        for f in std::fs::read_dir(src.join(from)).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), dir.path().join(to).join(f.file_name())).unwrap();
        }
    }
    let o = mmsearch(
        &["eval", "--checkpoints", dir.path().to_str().unwrap()],
        &[("MMS_DATA", &data())],
        None,
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("are the checkpoint folders swapped?"), "{err}");
    assert!(!out.contains("data:"), "{out}");
}

#[test]
fn a_failing_doctor_ends_with_its_count_not_an_argument_error() {
    let empty = tempfile::tempdir().unwrap();
    let o = mmsearch(
        &["doctor"],
        &[("MMS_DATA", empty.path().to_str().unwrap())],
        None,
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("doctor: ") && last.ends_with("fix each as its line says"),
        "{out}"
    );
    assert!(!err.contains("invalid argument"), "{err}");
}

#[test]
fn one_step_of_a_huge_batch_still_prints_progress() {
    let o = train_audio(&[
        "--batch-size",
        "1024",
        "--max-steps",
        "1",
        "--progress",
        "lines",
    ]);
    let (out, _) = text(&o);
    assert!(out.contains("step 1/1: loss"), "{out}");
}

#[test]
fn the_checkouts_data_folder_is_found_from_any_working_folder() {
    // What a notebook meets: it runs in notebooks/, the data sits in the checkout's data/.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let link = repo.join("data");
    let made = !link.exists();
    if made {
        std::os::unix::fs::symlink(common::data_dir(), &link).unwrap();
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let o = mmsearch(&["--offline", "summary"], &[], Some(elsewhere.path()));
    if made {
        std::fs::remove_file(&link).unwrap();
    }
    let (out, err) = text(&o);
    assert!(
        out.starts_with(&format!("data folder: {} (Checkout", link.display())),
        "{out}{err}"
    );
    assert!(out.contains("10000 images"), "{out}{err}");
}

#[test]
fn the_reports_pytorch_column_is_the_readmes_pytorch_table() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    for (which, direction, p5, map) in multimodal_search::shell::tutorial::PYTORCH_REFERENCE {
        let label = if which == "unimodal" {
            "unimodal pair"
        } else {
            which
        };
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {label} | {direction} |")))
            .unwrap_or_else(|| panic!("README has no retrieval row for {label} {direction}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        // | model | direction | ours P@5 | ours mAP | PyTorch P@5 | PyTorch mAP |
        let mean = |c: &str| c.split_whitespace().next().unwrap().parse::<f64>().unwrap();
        assert_eq!((mean(cells[5]), mean(cells[6])), (p5, map), "{row}");
    }
}

#[test]
fn saved_checkpoints_are_readable_by_everyone() {
    use multimodal_search::candle_core::Device;
    use multimodal_search::model::ModelKind;
    use multimodal_search::train::{TrainConfig, TrainedModel};
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let m = TrainedModel::untrained(TrainConfig::tutorial(ModelKind::Image), &Device::Cpu).unwrap();
    m.save(dir.path()).unwrap();
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let f = f.unwrap();
        let mode = f.metadata().unwrap().permissions().mode() & 0o777;
        // A temporary file is created 0600; a checkpoint others load (a course's shared folder)
        // must not keep that.
        assert_eq!(mode, 0o644, "{:?}", f.file_name());
    }
}
