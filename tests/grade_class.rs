//! `mmsearch grade` on a synthetic class: every solution in files; the untouched release; every
//! solution in notebooks only; a compile error, a panic and an infinite loop in one exercise
//! each; an edited visible test. Each participant must get exactly the expected points per
//! exercise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use multimodal_search::shell::course::Catalog;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn solution(id: &str) -> String {
    read(&repo().join(format!("course/exercises/{id}/solution.rs")))
}

const HEADER: &str = "#[allow(unused_imports)]\nuse multimodal_search::prelude::*;\n\n";

/// Writes participant `who`'s `exercises/src/<id>.rs` files.
fn files(class: &Path, who: &str, code: &BTreeMap<String, String>) {
    let dir = class.join(who).join("exercises/src");
    std::fs::create_dir_all(&dir).unwrap();
    for (id, text) in code {
        std::fs::write(dir.join(format!("{id}.rs")), format!("{HEADER}{text}")).unwrap();
    }
}

/// Runs `mmsearch grade` over `class` with `jobs` (and `extra` arguments); returns grades.csv
/// and the output.
fn grade(class: &Path, out: &Path, jobs: usize, extra: &[&str]) -> (String, String) {
    let run = Command::new(env!("CARGO_BIN_EXE_mmsearch"))
        .arg("grade")
        .arg(class)
        .arg("--out")
        .arg(out)
        .args(["--jobs", &jobs.to_string()])
        .args(extra)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "mmsearch grade failed:\n{said}");
    (read(&out.join("grades.csv")), said)
}

#[test]
fn a_synthetic_class_gets_exactly_its_expected_scores() {
    let catalog = Catalog::load(&repo().join("exercises/info.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let class = tmp.path().join("class");
    std::fs::create_dir_all(&class).unwrap();
    let auto: Vec<&str> = catalog.auto_graded().map(|e| e.id.as_str()).collect();
    let all: BTreeMap<String, String> = auto
        .iter()
        .map(|id| (id.to_string(), solution(id)))
        .collect();
    // A participant who submits `broken` for one exercise and solves one other (the rest stay
    // the release's stubs, so the class grades quickly).
    let but = |id: &str, code: &str, solved: &str| {
        let mut m = BTreeMap::new();
        m.insert(id.to_string(), code.to_string());
        m.insert(solved.to_string(), all[solved].clone());
        m
    };

    files(&class, "all_files", &all);
    // A written answer, graded by hand: its mark comes from the instructor's sheet.
    let answer = read(&repo().join("exercises/answers/metrics_differ.md")).replace(
        "YOUR ANSWER HERE",
        "Cosine ignores the vectors' lengths; Manhattan sums per-axis gaps.",
    );
    std::fs::create_dir_all(class.join("all_files/exercises/answers")).unwrap();
    std::fs::write(
        class.join("all_files/exercises/answers/metrics_differ.md"),
        answer,
    )
    .unwrap();
    let marks = tmp.path().join("marks.csv");
    std::fs::write(
        &marks,
        "student_id,metrics_differ\nall_files,1.5\nrelease,0\n",
    )
    .unwrap();
    // The release as participants get it, untouched.
    let release = class.join("release/exercises");
    std::fs::create_dir_all(release.join("src")).unwrap();
    for id in &auto {
        let f = format!("src/{id}.rs");
        std::fs::copy(repo().join("exercises").join(&f), release.join(&f)).unwrap();
    }
    // The solutions in the exercise cells of notebooks 01 and 03, no files.
    let nbs = class.join("notebooks_only/notebooks");
    std::fs::create_dir_all(&nbs).unwrap();
    let in_notebooks = [
        "draw_digit",
        "time_mask",
        "cosine_embedding_loss",
        "triplet_miners",
    ];
    for name in ["01_representation_learning_and_data", "03_losses"] {
        let p = repo().join(format!("notebooks/{name}.ipynb"));
        let mut nb: serde_json::Value = serde_json::from_str(&read(&p)).unwrap();
        for cell in nb["cells"].as_array_mut().unwrap() {
            let id = cell["metadata"]["nbgrader"]["grade_id"]
                .as_str()
                .map(str::to_string);
            if let Some(id) = id
                && cell["cell_type"] == "code"
                && in_notebooks.contains(&id.as_str())
            {
                cell["source"] = serde_json::Value::String(all[&id].clone());
            }
        }
        std::fs::write(nbs.join(p.file_name().unwrap()), nb.to_string()).unwrap();
    }
    files(
        &class,
        "compile_error",
        &but(
            "draw_digit",
            "pub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> { let x = ; }",
            "time_mask",
        ),
    );
    files(
        &class,
        "changed_signature",
        &but(
            "draw_digit",
            "pub fn to_pixels(image: &Tensor, scale: f32) -> Result<Vec<u8>> { Ok(vec![]) }",
            "time_mask",
        ),
    );
    files(
        &class,
        "panics",
        &but(
            "time_mask",
            "pub fn time_mask(_s: &Tensor, _a: usize, _w: usize, _v: f32) -> Result<Tensor> { panic!(\"index out of range\") }",
            "draw_digit",
        ),
    );
    files(
        &class,
        "loops",
        &but(
            "pca",
            "pub fn principal_components(_r: &[f32], _d: usize, _k: usize) -> Result<multimodal_search::exercise::pca::Components> { loop { std::hint::black_box(0u8); } }",
            "search_metrics",
        ),
    );
    // A wrong answer, and a visible test edited to pass anyway: the test file is ignored.
    files(
        &class,
        "edited_test",
        &but(
            "search_metrics",
            "pub fn ranking(_q: &[f32], _d: &[f32], _dim: usize, _m: SearchMetric) -> Vec<usize> { vec![usize::MAX] }\n\
             pub fn rank_agreement(_a: &[usize], _b: &[usize], _k: usize) -> f64 { -1.0 }",
            "pca",
        ),
    );
    let tests = class.join("edited_test/exercises/tests");
    std::fs::create_dir_all(&tests).unwrap();
    std::fs::write(
        tests.join("visible.rs"),
        "#[test] fn search_metrics() { assert!(true); }",
    )
    .unwrap();

    // (Grading at one and at two jobs giving identical grades, and `--notebook`, are checked
    // on the hostile class: tests/grade_hostile.rs.)
    let (one, said) = grade(
        &class,
        &tmp.path().join("out1"),
        2,
        &["--manual", marks.to_str().unwrap()],
    );
    println!("{said}");

    // The expected points: every exercise's maximum where solved, 0 where broken or a stub.
    let mut lines = one.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "student_id");
    assert_eq!(
        &header[header.len() - 3..],
        ["raw_score", "score", "max_score"]
    );
    let graded: Vec<&str> = header[1..header.len() - 3].to_vec();
    // Every auto-graded exercise (those that train run their short runs in the sandbox, on the
    // blinded data) and the hand-graded one.
    for id in &auto {
        assert!(
            graded.contains(id),
            "{id} is not graded: {graded:?}\n{said}"
        );
    }
    assert_eq!(graded.len(), auto.len() + 1, "{graded:?}");
    let max = |id: &str| {
        let e = catalog.get(id).unwrap();
        e.visible_points() + e.hidden_points
    };
    // Who solved what: everything, or one exercise beside the broken one.
    let solved: BTreeMap<&str, Option<&str>> = [
        ("all_files", None),
        ("changed_signature", Some("time_mask")),
        ("compile_error", Some("time_mask")),
        ("edited_test", Some("pca")),
        ("loops", Some("search_metrics")),
        ("notebooks_only", None),
        ("panics", Some("draw_digit")),
    ]
    .into_iter()
    .collect();
    let mut seen = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let who = cells[0];
        seen.push(who.to_string());
        let mut total = 0.0;
        for (i, id) in graded.iter().enumerate() {
            if *id == "metrics_differ" {
                let want = match who {
                    "all_files" => "1.5",
                    "release" => "0",
                    _ => "",
                };
                assert_eq!(cells[1 + i], want, "{who}'s hand mark:\n{one}");
                total += cells[1 + i].parse::<f64>().unwrap_or(0.0);
                continue;
            }
            let got: f64 = cells[1 + i].parse().unwrap();
            total += got;
            let want = match solved.get(who) {
                None => 0.0, // the release
                Some(None) if who == "notebooks_only" && !in_notebooks.contains(id) => 0.0,
                Some(None) => max(id),               // everything solved
                Some(Some(s)) if s == id => max(id), // the one solved beside the broken one
                Some(Some(_)) => 0.0,                // the broken one, and the stubs
            };
            assert_eq!(got, want, "{who} / {id}:\n{one}");
        }
        let raw: f64 = cells[cells.len() - 3].parse().unwrap();
        assert!((raw - total).abs() < 1e-9, "{who}'s total:\n{one}");
    }
    assert_eq!(
        seen,
        [
            "all_files",
            "changed_signature",
            "compile_error",
            "edited_test",
            "loops",
            "notebooks_only",
            "panics",
            "release"
        ]
    );
    // Feedback says where the code came from, shows the compile error in full, and notes the
    // ignored test file.
    let out = tmp.path().join("out1/feedback");
    let fb = read(&out.join("compile_error.md"));
    assert!(
        fb.contains("It does not compile") && fb.contains("src/draw_digit.rs:4"),
        "{fb}"
    );
    let fb = read(&out.join("changed_signature.md"));
    assert!(fb.contains("signature differs from the stub"), "{fb}");
    assert!(read(&out.join("notebooks_only.md")).contains("its cell in `notebooks/"));
    assert!(read(&out.join("edited_test.md")).contains("ignored: `exercises/tests/visible.rs`"));
    assert!(read(&out.join("release.md")).contains("nothing changed from the release"));
    let html = read(&out.join("compile_error.html"));
    assert!(
        html.contains("<h2>draw_digit: 0 of 5 points</h2>"),
        "{html}"
    );
    // The written answers, ready to mark, and the sheet that holds the marks given.
    let answers = read(&tmp.path().join("out1/hand_graded.md"));
    assert!(
        answers.contains("> Cosine ignores the vectors' lengths; Manhattan sums per-axis gaps."),
        "{answers}"
    );
    let sheet = read(&tmp.path().join("out1/hand_marks.csv"));
    assert!(
        sheet.starts_with("student_id,classification_vs_triplet,"),
        "{sheet}"
    );
    assert!(sheet.contains("\nall_files,"), "{sheet}");
    assert!(said.contains("metrics_differ (of 2): mean 0.75"), "{said}");
    let _: PathBuf = out;
}
