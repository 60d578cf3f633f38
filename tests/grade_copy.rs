//! The grader's submission copier against hostile folders: links, special files, oversized and
//! deeply nested entries, odd names. What it copies is byte for byte the participant's; what it
//! refuses is reported with its reason, and nothing outside the submission is ever read.
#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use multimodal_search::shell::grade::{CopyLimits, Refusal, copy_submission};

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn refusal_of(report: &multimodal_search::shell::grade::CopyReport, rel: &str) -> Option<Refusal> {
    report
        .refused
        .iter()
        .find(|(p, _)| p == Path::new(rel))
        .map(|(_, r)| r.clone())
}

#[test]
fn plain_files_are_copied_byte_for_byte_and_links_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("alice"), dir.path().join("copy"));
    let secret = dir.path().join("solutions/pca.rs");
    write(&secret, b"the instructor's solution");
    write(
        &from.join("notebooks/02_architectures.ipynb"),
        b"{\"cells\": []}",
    );
    write(&from.join("exercises/src/pca.rs"), &[0, 1, 2, 255]);
    write(
        &from.join("caf\u{e9}/r\u{e9}sum\u{e9}.md"),
        "non-ASCII names are fine".as_bytes(),
    );
    std::os::unix::fs::symlink(&secret, from.join("exercises/src/link.rs")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("solutions"), from.join("solutions")).unwrap();
    std::os::unix::fs::symlink("../../..", from.join("exercises/up")).unwrap();
    std::fs::hard_link(&secret, from.join("exercises/src/hard.rs")).unwrap();

    let report = copy_submission(&from, &to, &CopyLimits::default()).unwrap();
    let copied: Vec<PathBuf> = report.copied.clone();
    assert_eq!(
        copied,
        vec![
            PathBuf::from("caf\u{e9}/r\u{e9}sum\u{e9}.md"),
            PathBuf::from("exercises/src/pca.rs"),
            PathBuf::from("notebooks/02_architectures.ipynb"),
        ]
    );
    assert_eq!(
        std::fs::read(to.join("exercises/src/pca.rs")).unwrap(),
        [0, 1, 2, 255]
    );
    assert_eq!(
        refusal_of(&report, "exercises/src/link.rs"),
        Some(Refusal::Symlink)
    );
    assert_eq!(refusal_of(&report, "solutions"), Some(Refusal::Symlink));
    assert_eq!(refusal_of(&report, "exercises/up"), Some(Refusal::Symlink));
    assert_eq!(
        refusal_of(&report, "exercises/src/hard.rs"),
        Some(Refusal::HardLink { links: 2 })
    );
    // Nothing of the instructor's file reached the copy, under any name.
    for entry in walk(&to) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("instructor"),
            "{} holds the solution",
            entry.display()
        );
    }
    assert_eq!(report.bytes, 13 + 4 + 24);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        assert!(
            !meta.file_type().is_symlink(),
            "a link in the copy: {}",
            p.display()
        );
        if meta.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn special_files_big_files_deep_folders_and_bad_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("bob"), dir.path().join("copy"));
    write(&from.join("ok.rs"), b"fn main() {}");
    let fifo = from.join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo failed");
    write(&from.join("big.ipynb"), &vec![b'x'; 2_000]);
    let mut deep = from.clone();
    for i in 0..5 {
        deep = deep.join(format!("d{i}"));
    }
    write(&deep.join("deep.rs"), b"deep");
    write(&from.join(OsStr::from_bytes(b"bad\xffname.rs")), b"bad");
    write(&from.join("tab\tname.rs"), b"control character");

    let limits = CopyLimits {
        max_file_bytes: 1_000,
        max_depth: 3,
        ..CopyLimits::default()
    };
    // Reading a FIFO would block forever: the copier must not open it.
    let report = copy_submission(&from, &to, &limits).unwrap();
    assert_eq!(report.copied, vec![PathBuf::from("ok.rs")]);
    assert_eq!(refusal_of(&report, "pipe"), Some(Refusal::Special));
    assert_eq!(
        refusal_of(&report, "big.ipynb"),
        Some(Refusal::TooLarge {
            bytes: 2_000,
            limit: 1_000
        })
    );
    assert_eq!(
        refusal_of(&report, "d0/d1/d2/d3"),
        Some(Refusal::TooDeep { limit: 3 })
    );
    assert_eq!(refusal_of(&report, "tab\tname.rs"), Some(Refusal::BadName));
    assert!(
        report
            .refused
            .iter()
            .any(|(p, r)| p.as_os_str().as_bytes() == b"bad\xffname.rs" && *r == Refusal::BadName)
    );
    assert!(!to.join("big.ipynb").exists() && !to.join("pipe").exists());
    // Every refusal says what it was in words.
    for (path, why) in &report.refused {
        assert!(!why.to_string().is_empty(), "{}", path.display());
    }
}

#[test]
fn totals_stop_the_copy_and_a_linked_or_existing_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("carol");
    for i in 0..10 {
        write(&from.join(format!("f{i}.rs")), &[b'a'; 100]);
    }
    let limits = CopyLimits {
        max_files: 4,
        max_total_bytes: 300,
        ..CopyLimits::default()
    };
    let report = copy_submission(&from, &dir.path().join("copy"), &limits).unwrap();
    assert_eq!(
        report.copied.len(),
        3,
        "300 bytes allow three 100-byte files"
    );
    assert_eq!(report.refused.len(), 7);
    assert!(report.refused.iter().all(|(_, r)| *r == Refusal::OverTotal));

    // The submission itself may not be a link to a folder, and the copy may not exist yet.
    let link = dir.path().join("dave");
    std::os::unix::fs::symlink(&from, &link).unwrap();
    let err = copy_submission(&link, &dir.path().join("copy2"), &limits).unwrap_err();
    assert!(err.to_string().contains("must be a folder"), "{err}");
    let err = copy_submission(&from, &dir.path().join("copy"), &limits).unwrap_err();
    assert!(err.to_string().contains("copy"), "{err}");
}
