//! What the grader writes for people: `grades.csv` (nbgrader's export columns), each
//! participant's feedback (Markdown, and HTML with anything a submission wrote shown as text),
//! the written answers for hand grading with a marks sheet to fill in, the hand marks read back
//! (`--manual`), and the class's statistics per exercise.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::exercise::Outcome as RowOutcome;
use crate::shell::grade::{ClassReport, ParticipantGrade, Source};

/// Points as a spreadsheet shows them: `5`, `4.5`, `0.25`.
pub(crate) fn points(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `grades.csv`: one row per participant, one column per auto-graded exercise, then one per
/// hand-graded exercise when marks were merged (empty where not marked), then nbgrader's export
/// columns `raw_score`, `score`, `max_score`.
pub fn grades_csv(report: &ClassReport) -> String {
    let mut s = String::from("student_id");
    for e in &report.exercises {
        let _ = write!(s, ",{e}");
    }
    for (id, _) in &report.hand_counted {
        let _ = write!(s, ",{id}");
    }
    s.push_str(",raw_score,score,max_score\n");
    for p in &report.participants {
        s.push_str(&p.student_id);
        for e in &p.exercises {
            let _ = write!(s, ",{}", points(e.score));
        }
        for (id, _) in &report.hand_counted {
            let mark = p.hand.iter().find(|h| &h.id == id).and_then(|h| h.mark);
            let _ = write!(s, ",{}", mark.map(points).unwrap_or_default());
        }
        let total = points(p.score());
        let _ = writeln!(s, ",{total},{total},{}", points(p.max_score()));
    }
    s
}

/// A participant's feedback: per exercise, where the code came from, the points, each visible
/// test with what it found and expected, each hidden test's name and points only (with what it
/// found and expected too when `show_hidden`: the instructor's choice, `--show-hidden`), and
/// compile errors in full; then their hand marks, where merged.
pub fn feedback_md(p: &ParticipantGrade, show_hidden: bool) -> String {
    let mut s = format!(
        "# Feedback for {}\n\nTotal: {} of {} points.\n",
        p.student_id,
        points(p.score()),
        points(p.max_score())
    );
    for n in &p.notes {
        let _ = writeln!(s, "\n- {n}");
    }
    for e in &p.exercises {
        let _ = write!(
            s,
            "\n## {}: {} of {} points\n\nGraded: {}.\n",
            e.id,
            points(e.score),
            points(e.max_score),
            e.source.describe()
        );
        if !e.compile_errors.is_empty() {
            s.push_str("\nIt does not compile:\n\n```text\n");
            for err in &e.compile_errors {
                let _ = writeln!(s, "{}", err.trim_end().replace("```", "'''"));
            }
            s.push_str("```\n");
        }
        if let Some(v) = &e.visible {
            s.push('\n');
            table(&mut s, v);
        }
        if let Some(h) = &e.hidden
            && show_hidden
        {
            s.push_str("\nHidden tests (shown in full by the instructor's choice):\n\n");
            table(&mut s, h);
        } else if let Some(h) = &e.hidden {
            s.push_str(
                "\nHidden tests (their inputs and expected values stay with the instructor):\n\n",
            );
            for r in h.rows() {
                let shown = match &r.outcome {
                    RowOutcome::Pass => "pass",
                    RowOutcome::NotSolved => "not solved yet",
                    _ => "fail",
                };
                let earned = if r.outcome.passed() { r.points } else { 0.0 };
                let _ = writeln!(
                    s,
                    "- {}: {shown}, {} / {}",
                    r.name,
                    points(earned),
                    points(r.points)
                );
            }
        }
    }
    for h in p.hand.iter().filter(|h| h.counted) {
        let mark = match h.mark {
            Some(m) => format!("{} of {} points", points(m), points(h.max_score)),
            None => format!("not marked yet (of {} points)", points(h.max_score)),
        };
        let from = match &h.source {
            Source::Unchanged => "no answer (nothing changed from the release)".to_string(),
            other => other.describe(),
        };
        let _ = write!(
            s,
            "\n## {} (graded by hand): {mark}\n\nAnswer: {from}.\n",
            h.id
        );
    }
    s
}

/// A checklist as a Markdown table: each row with its result, what it found and expected, and
/// its points.
fn table(s: &mut String, rows: &crate::exercise::Checklist) {
    s.push_str("| test | result | found | expected | points |\n|---|---|---|---|---|\n");
    for r in rows.rows() {
        let earned = if r.outcome.passed() { r.points } else { 0.0 };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} / {} |",
            cell(&r.name),
            r.outcome.label(),
            cell(&r.outcome.found()),
            cell(&r.expected),
            points(earned),
            points(r.points)
        );
    }
}

/// The feedback as an HTML page. Whatever a submission controls (its panic messages, its file
/// names, its compiler output) is shown as text: raw HTML becomes text, links and images are
/// dropped.
pub fn feedback_html(p: &ParticipantGrade, show_hidden: bool) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let md = feedback_md(p, show_hidden);
    let events = Parser::new_ext(&md, Options::ENABLE_TABLES).filter_map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Link { .. } | Tag::Image { .. })
        | Event::End(TagEnd::Link | TagEnd::Image) => None,
        other => Some(other),
    });
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, events);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Feedback for {id}</title>\n<style>\n\
         body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; \
         padding: 0 1rem; line-height: 1.45; }}\n\
         table {{ border-collapse: collapse; margin: 0.5rem 0; }}\n\
         th, td {{ border: 1px solid #ccc; padding: 0.2rem 0.5rem; vertical-align: top; }}\n\
         pre {{ background: #f4f4f4; padding: 0.6rem; overflow-x: auto; }}\n\
         </style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        id = escape(&p.student_id)
    )
}

/// `s` with HTML's special characters escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Every participant's written answers, exercise by exercise, for a person to mark; each answer
/// quoted, with where it came from.
pub fn hand_graded_md(report: &ClassReport) -> String {
    let mut s = String::from(
        "# Answers to mark by hand\n\nFill in `hand_marks.csv` beside this file and pass it back: \
         `mmsearch grade ... --manual hand_marks.csv`.\n",
    );
    for (id, max) in &report.hand {
        let _ = write!(s, "\n## {id} ({} points)\n", points(*max));
        for p in &report.participants {
            let Some(h) = p.hand.iter().find(|h| &h.id == id) else {
                continue;
            };
            let _ = write!(s, "\n### {}\n\n", p.student_id);
            let answer = h.answer.trim();
            if answer.is_empty() {
                s.push_str("> (no answer)\n");
            } else {
                let _ = write!(s, "From {}.\n\n", h.source.describe());
                for line in answer.lines() {
                    let _ = writeln!(s, "> {line}");
                }
            }
        }
    }
    s
}

/// The marks sheet: `student_id` and one column per hand-graded exercise, one row per
/// participant, holding the marks given so far (empty where none).
pub fn marks_template(report: &ClassReport) -> String {
    let mut s = String::from("student_id");
    for (id, _) in &report.hand {
        let _ = write!(s, ",{id}");
    }
    s.push('\n');
    for p in &report.participants {
        s.push_str(&p.student_id);
        for (id, _) in &report.hand {
            let mark = p.hand.iter().find(|h| &h.id == id).and_then(|h| h.mark);
            let _ = write!(s, ",{}", mark.map(points).unwrap_or_default());
        }
        s.push('\n');
    }
    s
}

/// Hand marks from a CSV (`student_id`, then hand-graded exercise ids): per participant, per
/// exercise, the points given (an empty cell: not marked yet).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ManualMarks {
    /// `student_id` -> exercise id -> points.
    pub marks: BTreeMap<String, BTreeMap<String, f64>>,
    /// The exercise columns the file has.
    pub columns: Vec<String>,
}

impl ManualMarks {
    /// Reads `path`, checking every column against `hand` (the hand-graded exercises and their
    /// points) and every mark against its range; errors name the row and column.
    pub fn load(path: &Path, hand: &[(String, f64)]) -> Result<Self> {
        let bad = |what: String| Error::Grade(format!("{}: {what}", path.display()));
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| bad(e.to_string()))?;
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        if header.first().map(String::as_str) != Some("student_id") {
            return Err(bad(format!(
                "the first column must be `student_id`, found {:?}",
                header.first().map(String::as_str).unwrap_or("")
            )));
        }
        let mut columns = Vec::new();
        for name in &header[1..] {
            if !hand.iter().any(|(id, _)| id == name) {
                let known: Vec<&str> = hand.iter().map(|(id, _)| id.as_str()).collect();
                return Err(bad(format!(
                    "column `{name}` is not a hand-graded exercise (those are: {})",
                    known.join(", ")
                )));
            }
            if columns.contains(name) {
                return Err(bad(format!("column `{name}` appears twice")));
            }
            columns.push(name.clone());
        }
        let mut marks: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
        for (row, record) in reader.records().enumerate() {
            let line = row + 2;
            let record = record.map_err(|e| bad(e.to_string()))?;
            let who = record.get(0).unwrap_or("").to_string();
            if who.is_empty() {
                return Err(bad(format!("row {line} has no student_id")));
            }
            if marks.contains_key(&who) {
                return Err(bad(format!("`{who}` has two rows (row {line})")));
            }
            let mut given = BTreeMap::new();
            for (name, value) in columns.iter().zip(record.iter().skip(1)) {
                if value.is_empty() {
                    continue;
                }
                let max = hand.iter().find(|(id, _)| id == name).map_or(0.0, |h| h.1);
                let v: f64 = value.parse().map_err(|_| {
                    bad(format!(
                        "row {line} ({who}), column `{name}`: `{value}` is not a number"
                    ))
                })?;
                if !(0.0..=max).contains(&v) {
                    return Err(bad(format!(
                        "row {line} ({who}), column `{name}`: {value} is outside 0..={}",
                        points(max)
                    )));
                }
                given.insert(name.clone(), v);
            }
            marks.insert(who, given);
        }
        Ok(ManualMarks { marks, columns })
    }
}

/// Per graded exercise: its points, the class's mean, median, lowest and highest, and how many
/// earned all, some and none of its points; one line each.
pub fn statistics(report: &ClassReport) -> Vec<String> {
    let mut lines = Vec::new();
    let n = report.participants.len();
    if n == 0 {
        return lines;
    }
    let mut add = |id: &str, max: f64, mut scores: Vec<f64>| {
        if scores.is_empty() {
            lines.push(format!("{id} (of {}): no marks yet", points(max)));
            return;
        }
        scores.sort_by(f64::total_cmp);
        let mean = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
        let median = match scores.len() {
            0 => 0.0,
            k if k % 2 == 1 => scores[k / 2],
            k => (scores[k / 2 - 1] + scores[k / 2]) / 2.0,
        };
        let full = scores.iter().filter(|&&x| x >= max && max > 0.0).count();
        let none = scores.iter().filter(|&&x| x <= 0.0).count();
        lines.push(format!(
            "{id} (of {}): mean {:.2}, median {}, lowest {}, highest {}; all points {full}, some \
             {}, none {none} (of {})",
            points(max),
            mean,
            points(median),
            points(scores.first().copied().unwrap_or(0.0)),
            points(scores.last().copied().unwrap_or(0.0)),
            scores.len() - full - none,
            scores.len()
        ));
    };
    for (i, id) in report.exercises.iter().enumerate() {
        let max = report.participants[0].exercises[i].max_score;
        let scores = report
            .participants
            .iter()
            .map(|p| p.exercises[i].score)
            .collect();
        add(id, max, scores);
    }
    for (id, max) in &report.hand_counted {
        let scores = report
            .participants
            .iter()
            .filter_map(|p| p.hand.iter().find(|h| &h.id == id)?.mark)
            .collect();
        add(id, *max, scores);
    }
    lines
}

/// Text safe inside a markdown table cell.
fn cell(s: &str) -> String {
    let one: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .take(300)
        .collect();
    one.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::{Checklist, Verdict};
    use crate::shell::grade::{ExerciseGrade, HandGrade};

    /// A participant whose exercise `pca` found `found` (a string their code controls) and whose
    /// notes name a file called `note`.
    fn participant(who: &str, score: f64, found: &str, note: &str) -> ParticipantGrade {
        let mut visible = Checklist::new("pca");
        let found = found.to_string();
        visible.check("the mean is the column mean", 2.0, move || {
            Ok(Verdict::that(score > 0.0, found, "[0.5]"))
        });
        ParticipantGrade {
            student_id: who.into(),
            exercises: vec![ExerciseGrade {
                id: "pca".into(),
                source: Source::File("exercises/src/pca.rs".into()),
                visible: Some(visible),
                hidden: Some(Checklist::new("pca")),
                compile_errors: vec![],
                score,
                max_score: 2.0,
            }],
            hand: vec![HandGrade {
                id: "metrics_differ".into(),
                source: Source::Unchanged,
                answer: String::new(),
                mark: None,
                max_score: 2.0,
                counted: false,
            }],
            notes: vec![format!("not copied: `{note}` (Symlink)")],
            seconds: (0.0, 0.0),
        }
    }

    fn report(participants: Vec<ParticipantGrade>) -> ClassReport {
        ClassReport {
            participants,
            exercises: vec!["pca".into()],
            hand: vec![("metrics_differ".into(), 2.0)],
            hand_counted: vec![],
            not_graded: vec![],
            refused: vec![],
            seconds: 0.0,
            setup_seconds: 0.0,
            scoring_seconds: 0.0,
            resumed: 0,
            jobs: 1,
        }
    }

    #[test]
    fn html_feedback_shows_what_a_submission_wrote_as_text() {
        let p = participant(
            "eve",
            0.0,
            "<script>alert(1)</script> [click](javascript:alert(2))",
            "<img src=x onerror=alert(3)>.rs",
        );
        let html = feedback_html(&p, false);
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<table>") && html.contains("<h2>pca: 0 of 2 points</h2>"));
    }

    #[test]
    fn hidden_findings_show_only_when_the_instructor_asks() {
        let mut p = participant("ada", 0.0, "", "x");
        let mut hidden = Checklist::new("pca");
        hidden.check("other data, width 5", 1.0, || {
            Ok(Verdict::that(false, "[0.25, 7]", "[0.5, 3]"))
        });
        p.exercises[0].hidden = Some(hidden);
        let terse = feedback_md(&p, false);
        assert!(
            terse.contains("- other data, width 5: fail, 0 / 1"),
            "{terse}"
        );
        assert!(
            !terse.contains("[0.25, 7]") && !terse.contains("[0.5, 3]"),
            "{terse}"
        );
        let full = feedback_md(&p, true);
        assert!(
            full.contains("| other data, width 5 | FAIL | [0.25, 7] | [0.5, 3] | 0 / 1 |"),
            "{full}"
        );
    }

    #[test]
    fn marks_merge_into_the_totals_and_bad_sheets_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let hand = vec![("metrics_differ".to_string(), 2.0)];
        let sheet = |text: &str| {
            let p = dir.path().join("marks.csv");
            std::fs::write(&p, text).unwrap();
            ManualMarks::load(&p, &hand)
        };
        let m = sheet("student_id,metrics_differ\n\"ada\", 1.5\nbob,\n").unwrap();
        assert_eq!(m.columns, ["metrics_differ"]);
        assert_eq!(m.marks["ada"]["metrics_differ"], 1.5);
        assert!(m.marks["bob"].is_empty());
        for (text, says) in [
            (
                "student_id,pca\nada,1\n",
                "column `pca` is not a hand-graded exercise",
            ),
            (
                "name,metrics_differ\nada,1\n",
                "the first column must be `student_id`",
            ),
            ("student_id,metrics_differ\nada,3\n", "3 is outside 0..=2"),
            (
                "student_id,metrics_differ\nada,two\n",
                "`two` is not a number",
            ),
            (
                "student_id,metrics_differ\nada,1\nada,2\n",
                "`ada` has two rows",
            ),
        ] {
            let e = sheet(text).unwrap_err().to_string();
            assert!(e.contains(says), "{text:?}: {e}");
        }

        let mut r = report(vec![
            participant("ada", 2.0, "[0.5]", "x"),
            participant("bob", 0.0, "[9]", "y"),
        ]);
        r.hand_counted = r.hand.clone();
        r.participants[0].hand[0].counted = true;
        r.participants[0].hand[0].mark = Some(1.5);
        r.participants[1].hand[0].counted = true;
        assert_eq!(
            grades_csv(&r),
            "student_id,pca,metrics_differ,raw_score,score,max_score\n\
             ada,2,1.5,3.5,3.5,4\nbob,0,,0,0,4\n"
        );
        assert_eq!(
            marks_template(&r),
            "student_id,metrics_differ\nada,1.5\nbob,\n"
        );
        assert!(
            feedback_md(&r.participants[0], false)
                .contains("metrics_differ (graded by hand): 1.5 of 2")
        );
        let fb = feedback_md(&r.participants[1], false);
        assert!(fb.contains("not marked yet (of 2 points)"), "{fb}");
        assert!(
            fb.contains("Answer: no answer (nothing changed from the release)."),
            "{fb}"
        );
        // Counted, but marked for nobody yet.
        r.participants[0].hand[0].mark = None;
        assert_eq!(statistics(&r)[1], "metrics_differ (of 2): no marks yet");
    }

    #[test]
    fn statistics_give_mean_median_and_the_spread() {
        let r = report(vec![
            participant("a", 2.0, "", "x"),
            participant("b", 0.0, "", "x"),
            participant("c", 2.0, "", "x"),
            participant("d", 1.0, "", "x"),
        ]);
        assert_eq!(
            statistics(&r),
            [
                "pca (of 2): mean 1.25, median 1.5, lowest 0, highest 2; all points 2, some 1, \
              none 1 (of 4)"
            ]
        );
    }

    #[test]
    fn written_answers_are_quoted_for_marking() {
        let mut p = participant("ada", 0.0, "", "x");
        p.hand[0].source = Source::Cell("notebooks/06_search.ipynb".into());
        p.hand[0].answer = "# Cosine ignores length\nso it ranks differently".into();
        let md = hand_graded_md(&report(vec![p, participant("bob", 0.0, "", "y")]));
        assert!(md.contains("## metrics_differ (2 points)"), "{md}");
        assert!(
            md.contains("### ada\n\nFrom its cell in `notebooks/06_search.ipynb`.\n\n> # Cosine ignores length\n> so it ranks differently\n"),
            "{md}"
        );
        assert!(md.contains("### bob\n\n> (no answer)\n"), "{md}");
    }
}
