//! `mmsearch exercises` as a participant and an instructor use it, on a copy of the course: the
//! states read from the files and the saved notebooks, the hint, an unknown id, and the release
//! check that catches a hand-edited release.

use std::path::Path;
use std::process::{Command, Output};

fn mmsearch(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mmsearch"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("mmsearch runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A copy of what the exercises need: `exercises/`, `course/`, `notebooks/`.
fn course_copy() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for d in ["exercises", "course", "notebooks"] {
        copy_dir(&repo.join(d), &dir.path().join(d));
    }
    dir
}

fn line_of<'a>(out: &'a str, id: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(id))
        .unwrap_or_else(|| panic!("no line for {id} in:\n{out}"))
}

#[test]
fn states_follow_the_files_and_the_saved_notebooks() {
    let dir = course_copy();
    let root = dir.path();
    let out = mmsearch(&["exercises", "--no-run"], root);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for id in [
        "projection_head",
        "cosine_embedding_loss",
        "triplet_miners",
        "search_metrics",
        "metrics_differ",
    ] {
        assert_eq!(
            line_of(&text, id).matches("not started").count(),
            2,
            "{text}"
        );
    }
    // A file edited, a notebook cell edited with a saved check table showing every point.
    let file = root.join("exercises/src/triplet_miners.rs");
    let edited = std::fs::read_to_string(&file)
        .unwrap()
        .replace("todo!(\"list the hard triplets\")", "Ok(vec![])");
    std::fs::write(&file, edited).unwrap();
    let nb_path = root.join("notebooks/02_architectures.ipynb");
    let mut nb: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&nb_path).unwrap()).unwrap();
    for cell in nb["cells"].as_array_mut().unwrap() {
        match cell["metadata"]["nbgrader"]["grade_id"].as_str() {
            Some("projection_head") => {
                cell["source"] = serde_json::json!(["pub struct ProjectionHead;\n"])
            }
            Some("projection_head_check") => {
                cell["outputs"] = serde_json::json!([{"output_type": "display_data", "metadata": {},
                    "data": {"text/html": "<table class=\"mms-checklist\" data-exercise=\"projection_head\" data-score=\"6\" data-max-score=\"6\">"}}])
            }
            _ => {}
        }
    }
    std::fs::write(&nb_path, serde_json::to_string(&nb).unwrap()).unwrap();
    let text = stdout(&mmsearch(&["exercises", "--no-run"], root));
    assert!(
        line_of(&text, "projection_head").contains("passing (6/6 points in the saved check cell)"),
        "{text}"
    );
    assert!(
        line_of(&text, "triplet_miners")
            .contains("changed; run `cargo test -p exercises triplet_miners`"),
        "{text}"
    );
    // The instructor's check sees both edits.
    let out = mmsearch(&["exercises", "release", "--check"], root);
    assert!(!out.status.success());
    let said = stdout(&out);
    assert!(
        said.contains("exercises/src/triplet_miners.rs: differs from the release"),
        "{said}"
    );
    assert!(
        said.contains("notebooks/02_architectures.ipynb: cell"),
        "{said}"
    );
}

#[test]
fn hints_and_unknown_ids() {
    let dir = course_copy();
    let out = mmsearch(&["exercises", "hint", "projection_head"], dir.path());
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("Hint: Two `candle_nn::linear` layers"),
        "{}",
        stdout(&out)
    );
    let out = mmsearch(&["exercises", "hint", "projection"], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "no exercise `projection`; the exercises are: draw_digit, compose_transforms, time_mask, projection_head"
        ),
        "{err}"
    );
}
