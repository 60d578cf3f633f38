//! The checklist and the notebook's forbidden-call scan, on the edges a participant meets: a
//! `todo!()`, a panic, an error, a saved notebook that delegates, one that is not saved.

use multimodal_search::exercise::{Checklist, Outcome, Verdict, saved_notebook_row};

#[test]
fn each_row_keeps_its_own_outcome() {
    let mut c = Checklist::new("demo");
    c.check("passes", 2.0, || Ok(Verdict::equal(&3, &3)));
    c.check("fails", 1.0, || Ok(Verdict::equal(&4, &3)));
    c.check("unsolved", 1.0, || -> multimodal_search::Result<Verdict> {
        todo!("later")
    });
    c.check("panics", 1.0, || -> multimodal_search::Result<Verdict> {
        let v: Vec<u8> = Vec::new();
        Ok(Verdict::equal(&v[2], &0))
    });
    c.check("errors", 1.0, || {
        Err(multimodal_search::Error::InvalidArgument(
            "bad input".into(),
        ))
    });
    let outcomes: Vec<&Outcome> = c.rows().iter().map(|r| &r.outcome).collect();
    assert_eq!(outcomes[0], &Outcome::Pass);
    assert_eq!(
        outcomes[1],
        &Outcome::Fail {
            found: "4".into(),
            expected: "3".into()
        }
    );
    assert_eq!(outcomes[2], &Outcome::NotSolved);
    assert!(matches!(outcomes[3], Outcome::Panicked(m) if m.contains("index out of bounds")));
    assert!(matches!(outcomes[4], Outcome::Error(m) if m.contains("bad input")));
    assert_eq!((c.score(), c.max_score()), (2.0, 6.0));
    assert_eq!(c.summary(), "demo: 2/6 points, 4 expectations failing");
    let html = c.to_html();
    assert!(html.contains("data-exercise=\"demo\" data-score=\"2\" data-max-score=\"6\""));
    assert!(html.contains("not solved yet") && html.contains("index out of bounds"));
    // A panic outside a check still reaches the hook that was there (the harness's): the quiet
    // hook is scoped to the checks.
    let outside = std::panic::catch_unwind(|| panic!("outside"));
    assert!(outside.is_err());
}

#[test]
fn an_unsolved_exercise_says_so_and_scores_nothing() {
    let c = multimodal_search::exercise::time_mask::check(|_, _, _, _| todo!());
    assert!(c.unsolved() && !c.passed());
    assert_eq!(c.summary(), "time_mask: 0/4 points, not solved yet");
}

fn notebook(dir: &std::path::Path, cell: &str) {
    let nb = serde_json::json!({"cells": [
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "projection_head"}}, "source": [cell]}
    ], "metadata": {}});
    std::fs::write(dir.join("02_architectures.ipynb"), nb.to_string()).unwrap();
}

#[test]
fn the_saved_cell_is_scanned_comments_and_strings_aside() {
    let dir = tempfile::tempdir().unwrap();
    let forbidden = ["model::MlpProjection"];
    let row = saved_notebook_row(
        dir.path(),
        "02_architectures",
        "projection_head",
        &forbidden,
    );
    assert!(
        matches!(&row.outcome, Outcome::Error(m) if m.contains("not found: save the notebook")),
        "{row:?}"
    );
    notebook(
        dir.path(),
        "// not MlpProjection\nlet s = \"MlpProjection\";\nstruct Head;",
    );
    assert!(
        saved_notebook_row(
            dir.path(),
            "02_architectures",
            "projection_head",
            &forbidden
        )
        .outcome
        .passed()
    );
    notebook(
        dir.path(),
        "struct Head {\n    inner: multimodal_search::model::MlpProjection,\n}",
    );
    let row = saved_notebook_row(
        dir.path(),
        "02_architectures",
        "projection_head",
        &forbidden,
    );
    assert!(
        matches!(&row.outcome, Outcome::Fail { found, .. } if found.contains("line 2: MlpProjection")),
        "{row:?}"
    );
    assert_eq!(row.points, 0.0);
}

/// The t-SNE exercise's measure is scikit-learn's `trustworthiness`, to 1e-9, on the cases
/// `scripts/fixtures/exercise_fixtures.py` computed with it.
#[test]
fn trustworthiness_is_scikit_learns() {
    let fixtures: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/exercises.json")).unwrap();
    let cases = fixtures["trustworthiness"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    let floats = |v: &serde_json::Value| -> Vec<f32> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect()
    };
    for c in cases {
        let (high, low) = (floats(&c["high"]), floats(&c["low"]));
        let k = c["k"].as_u64().unwrap() as usize;
        let found =
            multimodal_search::exercise::tsne::trustworthiness(&high, 6, &low, 2, k).unwrap();
        let want = c["trustworthiness"].as_f64().unwrap();
        assert!(
            (found - want).abs() < 1e-9,
            "n = {}, k = {k}: {found} against scikit-learn's {want}",
            c["n"]
        );
    }
}
