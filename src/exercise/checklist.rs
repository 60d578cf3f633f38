//! A checklist: what an exercise's check found, one row per expectation, shown as a table in
//! the notebook (HTML) and in `cargo test` (text).

use std::cell::Cell;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use crate::error::Result;

/// What one expectation found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    /// The expectation holds.
    Pass,
    /// It does not: the value found and the one expected, as text.
    Fail {
        /// What the participant's code produced.
        found: String,
        /// What the expectation wanted.
        expected: String,
    },
    /// The code still reaches a `todo!()`.
    NotSolved,
    /// The code panicked (the message).
    Panicked(String),
    /// The code returned an error (its message).
    Error(String),
}

impl Outcome {
    /// Whether the expectation holds.
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Pass)
    }

    /// The short word the tables show: `pass`, `FAIL`, `not solved yet`, `panic`, `error`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail { .. } => "FAIL",
            Outcome::NotSolved => "not solved yet",
            Outcome::Panicked(_) => "panic",
            Outcome::Error(_) => "error",
        }
    }

    /// What was found (the failing value, the panic or error message), or "" for a pass.
    pub fn found(&self) -> String {
        match self {
            Outcome::Pass | Outcome::NotSolved => String::new(),
            Outcome::Fail { found, .. } => found.clone(),
            Outcome::Panicked(m) | Outcome::Error(m) => m.clone(),
        }
    }
}

/// The verdict of one expectation's test code: did it hold, what was found, what was expected.
///
/// # Example
/// ```
/// use multimodal_search::exercise::Verdict;
/// assert!(Verdict::equal(&[2, 512], &[2, 512]).passed);
/// assert!(!Verdict::close(0.30, 0.25, 1e-3).passed);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Whether the expectation holds.
    pub passed: bool,
    /// The value found, as text.
    pub found: String,
    /// The value expected, as text.
    pub expected: String,
}

impl Verdict {
    /// Holds when `found == expected` (both shown with `{:?}`).
    pub fn equal<T: PartialEq + fmt::Debug + ?Sized>(found: &T, expected: &T) -> Self {
        Verdict {
            passed: found == expected,
            found: shortened(format!("{found:?}")),
            expected: format!("{expected:?}"),
        }
    }

    /// Holds when `|found - expected| <= tol` (and both are finite).
    pub fn close(found: f64, expected: f64, tol: f64) -> Self {
        Verdict {
            passed: found.is_finite() && (found - expected).abs() <= tol,
            found: format!("{found:.6}"),
            expected: format!("{expected:.6} ± {tol:e}"),
        }
    }

    /// Holds when `passed`; `found` and `expected` describe the two sides in words.
    pub fn that(passed: bool, found: impl Into<String>, expected: impl Into<String>) -> Self {
        Verdict {
            passed,
            found: found.into(),
            expected: expected.into(),
        }
    }
}

/// One row of a [`Checklist`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    /// The expectation, in words (stable: `info.toml` lists it with its points).
    pub name: String,
    /// Points the row is worth.
    pub points: f64,
    /// The value the expectation wanted (also shown when it is not reached).
    pub expected: String,
    /// What it found.
    pub outcome: Outcome,
}

/// An exercise's checks: one [`Row`] per expectation, each run separately so that one panic
/// (or `todo!()`) costs only its own row.
///
/// In a notebook the value shows itself as an HTML table; `Display` gives the same table as text.
///
/// # Example
/// ```
/// use multimodal_search::exercise::{Checklist, Verdict};
/// let mut c = Checklist::new("demo");
/// c.check("two plus two", 1.0, || Ok(Verdict::equal(&(2 + 2), &4)));
/// c.check("unsolved", 1.0, || -> multimodal_search::Result<Verdict> { todo!() });
/// assert_eq!((c.score(), c.max_score()), (1.0, 2.0));
/// assert_eq!(c.rows()[1].outcome.label(), "not solved yet");
/// assert!(c.to_string().contains("not solved yet"));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Checklist {
    exercise: String,
    rows: Vec<Row>,
}

thread_local! {
    /// Set while an expectation runs: the panic hook stays silent on this thread.
    static SILENT: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Installs (once) a panic hook that says nothing while [`SILENT`] is set on the panicking
/// thread and defers to the hook that was there before otherwise (the notebook's, the test
/// harness's), so checks running on other threads keep their messages.
fn install_quiet_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !SILENT.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into its message (`Err`), without printing anything.
///
/// # Example
/// ```
/// let r = multimodal_search::exercise::attempt(|| -> u32 { panic!("boom") });
/// assert_eq!(r, Err("boom".to_string()));
/// ```
pub fn attempt<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    install_quiet_hook();
    let was = SILENT.with(|s| s.replace(true));
    let out = catch_unwind(AssertUnwindSafe(f));
    SILENT.with(|s| s.set(was));
    out.map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "a panic without a message".to_string()
        }
    })
}

/// `todo!()` and `unimplemented!()` messages start this way.
fn is_todo(message: &str) -> bool {
    message.starts_with("not yet implemented") || message.starts_with("not implemented")
}

impl Checklist {
    /// An empty checklist for exercise `exercise` (its id in `info.toml`).
    pub fn new(exercise: &str) -> Self {
        Checklist {
            exercise: exercise.to_string(),
            rows: Vec::new(),
        }
    }

    /// Runs one expectation worth `points`: `test` calls the participant's code and judges it.
    /// A `todo!()` shows as "not solved yet", a panic or an error as its message.
    pub fn check(
        &mut self,
        name: &str,
        points: f64,
        test: impl FnOnce() -> Result<Verdict>,
    ) -> &mut Self {
        let (expected, outcome) = match attempt(test) {
            Ok(Ok(v)) if v.passed => (v.expected, Outcome::Pass),
            Ok(Ok(v)) => (
                v.expected.clone(),
                Outcome::Fail {
                    found: v.found,
                    expected: v.expected,
                },
            ),
            Ok(Err(e)) => (String::new(), Outcome::Error(e.to_string())),
            Err(m) if is_todo(&m) => (String::new(), Outcome::NotSolved),
            Err(m) => (String::new(), Outcome::Panicked(m)),
        };
        self.rows.push(Row {
            name: name.to_string(),
            points,
            expected,
            outcome,
        });
        self
    }

    /// Adds a row decided outside a test closure (the forbidden-call scan, for one).
    pub fn push(&mut self, row: Row) -> &mut Self {
        self.rows.push(row);
        self
    }

    /// Appends `other`'s rows (the hidden tests after the visible ones).
    pub fn extend(&mut self, other: Checklist) -> &mut Self {
        self.rows.extend(other.rows);
        self
    }

    /// The exercise id.
    pub fn exercise(&self) -> &str {
        &self.exercise
    }

    /// The rows, in the order they ran.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Points of the passing rows.
    pub fn score(&self) -> f64 {
        self.rows
            .iter()
            .filter(|r| r.outcome.passed())
            .map(|r| r.points)
            .sum()
    }

    /// Points of all rows.
    pub fn max_score(&self) -> f64 {
        self.rows.iter().map(|r| r.points).sum()
    }

    /// Whether every row passes (and there is at least one).
    pub fn passed(&self) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|r| r.outcome.passed())
    }

    /// Whether any row still reaches a `todo!()`.
    pub fn unsolved(&self) -> bool {
        self.rows.iter().any(|r| r.outcome == Outcome::NotSolved)
    }

    /// The one-line summary under the table: `projection_head: 4/6 points, 2 expectations
    /// failing`.
    pub fn summary(&self) -> String {
        let failing = self.rows.iter().filter(|r| !r.outcome.passed()).count();
        let state = if self.passed() {
            "all expectations pass".to_string()
        } else if self.unsolved()
            && !self
                .rows
                .iter()
                .any(|r| r.points > 0.0 && r.outcome.passed())
        {
            "not solved yet".to_string()
        } else {
            format!(
                "{failing} expectation{} failing",
                if failing == 1 { "" } else { "s" }
            )
        };
        format!(
            "{}: {}/{} points, {state}",
            self.exercise,
            fmt_points(self.score()),
            fmt_points(self.max_score())
        )
    }

    /// The table as HTML; the `<table>` carries `data-exercise`, `data-score` and
    /// `data-max-score`, which `mmsearch exercises` reads from a saved notebook.
    pub fn to_html(&self) -> String {
        use crate::viz::escape_html as esc;
        let mut h = format!(
            "<table class=\"mms-checklist\" data-exercise=\"{}\" data-score=\"{}\" data-max-score=\"{}\">\
             <caption style=\"text-align:left\"><b>{}</b></caption>\
             <tr><th style=\"text-align:left\">expectation</th><th>result</th>\
             <th style=\"text-align:left\">found</th><th style=\"text-align:left\">expected</th><th>points</th></tr>",
            esc(&self.exercise),
            fmt_points(self.score()),
            fmt_points(self.max_score()),
            esc(&self.summary())
        );
        for r in &self.rows {
            let colour = match r.outcome {
                Outcome::Pass => "#1a7f37",
                Outcome::NotSolved => "#9a6700",
                _ => "#cf222e",
            };
            let got = if r.outcome.passed() { 1.0 } else { 0.0 } * r.points;
            h.push_str(&format!(
                "<tr><td style=\"text-align:left\">{}</td><td style=\"color:{colour}\"><b>{}</b></td>\
                 <td style=\"text-align:left\"><code>{}</code></td><td style=\"text-align:left\"><code>{}</code></td><td>{}/{}</td></tr>",
                esc(&r.name),
                r.outcome.label(),
                esc(&clip(&r.outcome.found(), 160)),
                esc(&clip(&r.expected, 160)),
                fmt_points(got),
                fmt_points(r.points)
            ));
        }
        h.push_str("</table>");
        h
    }

    /// Shows the table in a notebook (evcxr calls this for a cell's last value), with one more
    /// row: the forbidden-call scan of the exercise's cell in the saved notebook (the kernel runs
    /// in the notebook's folder).
    pub fn evcxr_display(&self) {
        let mut shown = self.clone();
        if let Some(spot) = super::EXERCISES.iter().find(|e| e.id == self.exercise) {
            shown.push(super::saved_notebook_row(
                std::path::Path::new("."),
                spot.notebook,
                spot.id,
                spot.forbidden,
            ));
        }
        crate::viz::rich::print_block("text/html", &shown.to_html());
    }
}

fn fmt_points(p: f64) -> String {
    let p = p + 0.0; // an empty sum is -0.0
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

impl fmt::Display for Checklist {
    /// The table as text, one line per expectation, then the summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
        for r in &self.rows {
            write!(f, "  {:<14} {:<w$}", r.outcome.label(), r.name)?;
            if !r.outcome.passed() {
                let found = clip(&r.outcome.found(), 200);
                if !found.is_empty() {
                    write!(f, "  found: {found}")?;
                }
                if !r.expected.is_empty() {
                    write!(f, "  expected: {}", clip(&r.expected, 200))?;
                }
            }
            writeln!(f)?;
        }
        write!(f, "{}", self.summary())
    }
}

/// At most [`FOUND_CHARS`] characters of `text` (a value found can be anything an answer held:
/// a feedback row shows its start and its length).
fn shortened(text: String) -> String {
    if text.chars().count() <= FOUND_CHARS {
        return text;
    }
    let start: String = text.chars().take(FOUND_CHARS).collect();
    format!("{start}... ({} characters in all)", text.chars().count())
}

/// How much of a found value a row shows.
const FOUND_CHARS: usize = 400;
