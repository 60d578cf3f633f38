//! `exercises/info.toml`: every exercise with its place, tests, points, hint and forbidden calls
//! (rustlings' `info.toml` model, plus what grading needs).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How an exercise is graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grading {
    /// By its tests.
    Auto,
    /// By a person reading a written answer (never auto-scored).
    Hand,
}

/// One expectation of an exercise's check, with its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestInfo {
    /// The expectation, exactly as its checklist row names it.
    pub name: String,
    /// Points.
    pub points: f64,
}

/// One exercise of `info.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseInfo {
    /// Its id: the module in `exercises/src/`, the test name, the notebook cell's `grade_id`.
    pub id: String,
    /// A title in a few words.
    pub title: String,
    /// The tutorial section it closes.
    pub section: String,
    /// The notebook that holds it (file stem, `02_architectures`).
    pub notebook: String,
    /// nbgrader's `grade_id` of its solution cell.
    pub grade_id: String,
    /// Auto or hand graded.
    pub grading: Grading,
    /// What the participant is asked to do.
    pub task: String,
    /// The hint `mmsearch exercises hint <id>` prints.
    pub hint: String,
    /// The check cell's call (`projection_head::check(ProjectionHead::new)`), under
    /// `multimodal_search::exercise::`; empty for hand-graded answers.
    #[serde(default)]
    pub check: String,
    /// The check the grader's scorer calls instead, for an exercise whose stub defines types:
    /// through the plain functions of its driver (`course/exercises/<id>/driver.rs`, compiled
    /// beside the participant's code in the sandbox), `adam_step::check_driven(adam_trajectory)`.
    #[serde(default)]
    pub grader_check: Option<String>,
    /// Names the solution may not use (items of the crate that already answer the exercise).
    #[serde(default)]
    pub forbidden: Vec<String>,
    /// The visible tests and their points, in checklist order.
    #[serde(default)]
    pub tests: Vec<TestInfo>,
    /// Points of the hidden tests (run by the instructor's kit and the grader only).
    #[serde(default)]
    pub hidden_points: f64,
    /// The committed wrong solutions in `course/exercises/<id>/mutants/`.
    #[serde(default)]
    pub mutants: Vec<String>,
    /// A measured threshold a trained result must beat, when the exercise has one.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// The reference figure the threshold comes from, and how it was measured.
    #[serde(default)]
    pub reference: Option<String>,
    /// Seconds one check of this exercise may take (the grader's CPU limit on a run of it).
    pub time_limit_s: f64,
    /// CPU seconds the grader's build of this exercise may take (a build of several exercises
    /// together may take their sum), separate from its run.
    #[serde(default = "default_build_limit")]
    pub build_limit_s: f64,
    /// When Gradescope shows the participant the hidden tests' result (`results.json`'s
    /// visibility): `after_published` (the default: once the instructor publishes grades),
    /// `after_due_date`, `visible`, or `hidden` (never; only for hidden tests worth no points,
    /// as Gradescope hides the total of a participant who has hidden tests worth points).
    #[serde(default = "default_hidden_visibility")]
    pub hidden_visibility: String,
}

fn default_build_limit() -> f64 {
    60.0
}

fn default_hidden_visibility() -> String {
    "after_published".into()
}

/// The visibilities Gradescope's `results.json` accepts (gradescope/autograder_samples,
/// `docs/specs.md`, "Controlling Test Case Visibility").
pub const GRADESCOPE_VISIBILITIES: [&str; 4] =
    ["hidden", "after_due_date", "after_published", "visible"];

impl ExerciseInfo {
    /// Points of the visible tests.
    pub fn visible_points(&self) -> f64 {
        self.tests.iter().map(|t| t.points).sum()
    }

    /// The participant's file: `exercises/src/<id>.rs` (`exercises/answers/<id>.md` when
    /// hand-graded).
    pub fn file(&self) -> String {
        match self.grading {
            Grading::Auto => format!("src/{}.rs", self.id),
            Grading::Hand => format!("answers/{}.md", self.id),
        }
    }
}

/// The whole `info.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Every exercise, in course order.
    #[serde(rename = "exercise")]
    pub exercises: Vec<ExerciseInfo>,
}

impl Catalog {
    /// Reads and validates `path` (ids unique, auto exercises have a check and tests).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses `text` (read from `path`, named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let c: Catalog = toml::from_str(text).map_err(|e| Error::Course {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut seen = std::collections::HashSet::new();
        for e in &c.exercises {
            let bad = |reason: String| Error::Course {
                path: path.to_path_buf(),
                reason: format!("exercise `{}`: {reason}", e.id),
            };
            if !seen.insert(e.id.as_str()) {
                return Err(bad("the id is used twice".into()));
            }
            if e.grading == Grading::Auto && (e.check.is_empty() || e.tests.is_empty()) {
                return Err(bad(
                    "an auto-graded exercise needs `check` and `tests`".into()
                ));
            }
            if !GRADESCOPE_VISIBILITIES.contains(&e.hidden_visibility.as_str()) {
                return Err(bad(format!(
                    "hidden_visibility `{}` is not one of Gradescope's: {}",
                    e.hidden_visibility,
                    GRADESCOPE_VISIBILITIES.join(", ")
                )));
            }
            if e.hidden_visibility == "hidden" && e.hidden_points > 0.0 {
                return Err(bad(format!(
                    "hidden_visibility `hidden` is for hidden tests worth no points (these are \
                     worth {}): Gradescope would hide the participant's total; use \
                     `after_published`",
                    e.hidden_points
                )));
            }
            if e.grading == Grading::Auto && e.mutants.len() < 2 {
                return Err(bad(format!(
                    "needs at least 2 mutants, lists {}",
                    e.mutants.len()
                )));
            }
        }
        Ok(c)
    }

    /// The auto-graded exercises, in course order.
    pub fn auto_graded(&self) -> impl Iterator<Item = &ExerciseInfo> {
        self.exercises.iter().filter(|e| e.grading == Grading::Auto)
    }

    /// The exercise `id`.
    pub fn get(&self, id: &str) -> Result<&ExerciseInfo> {
        self.exercises.iter().find(|e| e.id == id).ok_or_else(|| {
            crate::error::Error::InvalidArgument(format!(
                "no exercise `{id}`; the exercises are: {}",
                self.exercises
                    .iter()
                    .map(|e| e.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}
