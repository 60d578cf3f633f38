//! Where a participant stands: each exercise's state in its notebook cell and in its file.

use std::path::Path;
use std::process::Command;

use crate::error::{Error, Result};
use crate::shell::course::catalog::{Catalog, ExerciseInfo, Grading};
use crate::shell::course::notebook::Notebook;
use crate::shell::course::release::{Release, ReleaseFile};

/// One place's state of an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Still the release's stub.
    NotStarted,
    /// Changed, and its check passes (what says so).
    Passing(String),
    /// Changed, and its check fails (how).
    Failing(String),
    /// Changed, not checked yet (what to run), or written by hand.
    Changed(String),
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Progress::NotStarted => write!(f, "not started"),
            Progress::Passing(s) => write!(f, "passing ({s})"),
            Progress::Failing(s) => write!(f, "failing ({s})"),
            Progress::Changed(s) => write!(f, "{s}"),
        }
    }
}

/// An exercise with its state in the notebook and in `exercises/`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseState {
    /// The exercise.
    pub info: ExerciseInfo,
    /// Its notebook cell's state.
    pub notebook: Progress,
    /// Its file's state.
    pub file: Progress,
}

/// `data-score` and `data-max-score` of the checklist table for `id` in `html`.
fn scores(html: &str, id: &str) -> Option<(String, String)> {
    let at = html.find(&format!("data-exercise=\"{id}\""))?;
    let rest = &html[at..];
    let attr = |name: &str| {
        let key = format!("{name}=\"");
        let s = rest.find(&key)? + key.len();
        Some(rest[s..].split('"').next()?.to_string())
    };
    Some((attr("data-score")?, attr("data-max-score")?))
}

fn notebook_state(repo: &Path, e: &ExerciseInfo, release: &Release) -> Progress {
    let rel = Path::new("notebooks").join(format!("{}.ipynb", e.notebook));
    let Ok(nb) = Notebook::load(&repo.join(&rel)) else {
        return Progress::Changed(format!("{} is missing", rel.display()));
    };
    let released = release.files.iter().find_map(|f| match f {
        ReleaseFile::Notebook(r) if r.path() == rel => Some(r),
        _ => None,
    });
    let (Some((i, _)), Some((j, _))) = (
        nb.cell_by_grade_id(&e.grade_id),
        released.and_then(|r| r.cell_by_grade_id(&e.grade_id)),
    ) else {
        return Progress::Changed(format!("no cell with grade_id `{}`", e.grade_id));
    };
    if released.is_some_and(|r| r.source(j) == nb.source(i)) {
        return Progress::NotStarted;
    }
    if e.grading == Grading::Hand {
        return Progress::Changed("answered (graded by hand)".into());
    }
    let check = nb.cell_by_grade_id(&format!("{}_check", e.grade_id));
    match check.and_then(|(k, _)| scores(&nb.html_outputs(k), &e.id)) {
        Some((s, m)) if s == m => {
            Progress::Passing(format!("{s}/{m} points in the saved check cell"))
        }
        Some((s, m)) => Progress::Failing(format!("{s}/{m} points in the saved check cell")),
        None => Progress::Changed("changed; run its check cell and save".into()),
    }
}

/// Runs the visible tests of `ids` in `exercises/` and reads which passed.
fn run_tests(repo: &Path, ids: &[&str]) -> Result<Vec<(String, bool)>> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(repo)
        .args([
            "test",
            "-q",
            "-p",
            "exercises",
            "--test",
            "visible",
            "--no-fail-fast",
            "--",
        ])
        .args(ids)
        .args(["--exact", "--format", "pretty"])
        .output()
        .map_err(|e| {
            Error::InvalidArgument(format!("could not run cargo for the exercises' tests: {e}"))
        })?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut results = Vec::new();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("test ")
            && let Some((name, verdict)) = rest.split_once(" ... ")
        {
            results.push((name.trim().to_string(), verdict.trim() == "ok"));
        }
    }
    Ok(results)
}

/// Every exercise's state. `run` runs the visible tests of the files that differ from their stub
/// (one `cargo test -p exercises`).
pub fn exercise_states(repo: &Path, run: bool) -> Result<Vec<ExerciseState>> {
    let catalog = Catalog::load(&repo.join("exercises/info.toml"))?;
    let release = Release::build(repo)?;
    let mut states = Vec::new();
    let mut started = Vec::new();
    for e in &catalog.exercises {
        let rel = Path::new("exercises").join(e.file());
        let stub = release.files.iter().find_map(|f| match f {
            ReleaseFile::Text { path, text } if *path == rel => Some(text.clone()),
            _ => None,
        });
        let file = match std::fs::read_to_string(repo.join(&rel)) {
            Err(_) => Progress::Changed(format!("{} is missing", rel.display())),
            Ok(t) if Some(&t) == stub.as_ref() => Progress::NotStarted,
            Ok(_) if e.grading == Grading::Hand => {
                Progress::Changed("answered (graded by hand)".into())
            }
            Ok(_) => {
                started.push(e.id.clone());
                Progress::Changed(format!("changed; run `cargo test -p exercises {}`", e.id))
            }
        };
        states.push(ExerciseState {
            notebook: notebook_state(repo, e, &release),
            file,
            info: e.clone(),
        });
    }
    if run && !started.is_empty() {
        let ids: Vec<&str> = started.iter().map(String::as_str).collect();
        let results = run_tests(repo, &ids)?;
        for s in states.iter_mut().filter(|s| started.contains(&s.info.id)) {
            let cmd = format!("cargo test -p exercises {}", s.info.id);
            s.file = match results.iter().find(|(n, _)| *n == s.info.id) {
                Some((_, true)) => Progress::Passing(cmd),
                Some((_, false)) => Progress::Failing(cmd),
                None => Progress::Failing(format!("does not compile: {cmd}")),
            };
        }
    }
    Ok(states)
}
