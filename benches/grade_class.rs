//! How long `mmsearch grade` takes for a class, and what the sandbox costs: a synthetic class
//! of `MMS_BENCH_CLASS` participants (default 20) is graded at `--jobs 2`, sandboxed, then the
//! same class without the sandbox (`--no-sandbox`, the reference); it prints both, their ratio,
//! and the sandboxed time extrapolated to a class of 100 (the setup once, the rest per
//! participant). The class: half solve every exercise in files, a quarter solve half of them,
//! the rest hand in the release untouched. Needs the data (`MMS_DATA`) and bubblewrap.
//!
//! `cargo bench --bench grade_class` (about 10 minutes on 2 cores).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use multimodal_search::shell::course::Catalog;

fn main() {
    let n: usize = std::env::var("MMS_BENCH_CLASS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Catalog::load(&repo.join("exercises/info.toml")).expect("info.toml");
    let auto: Vec<&str> = catalog.auto_graded().map(|e| e.id.as_str()).collect();
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let class = tmp.path().join("class");
    for k in 0..n {
        let who = class.join(format!("participant{k:03}"));
        let src = who.join("exercises/src");
        std::fs::create_dir_all(&src).expect("a participant folder");
        let solved: Vec<&str> = match k % 4 {
            0 | 1 => auto.clone(),
            2 => auto.iter().copied().step_by(2).collect(),
            _ => Vec::new(),
        };
        for id in solved {
            let solution =
                std::fs::read_to_string(repo.join(format!("course/exercises/{id}/solution.rs")))
                    .expect("a solution");
            std::fs::write(
                src.join(format!("{id}.rs")),
                format!(
                    "#[allow(unused_imports)]\nuse multimodal_search::prelude::*;\n\n{solution}"
                ),
            )
            .expect("a submission file");
        }
    }
    let run = |out: &str, extra: &[&str]| -> (f64, String) {
        let t = Instant::now();
        let done = Command::new(env!("CARGO_BIN_EXE_mmsearch"))
            .arg("grade")
            .arg(&class)
            .arg("--out")
            .arg(tmp.path().join(out))
            .args(["--jobs", "2"])
            .args(extra)
            .output()
            .expect("mmsearch grade");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&done.stdout),
            String::from_utf8_lossy(&done.stderr)
        );
        assert!(done.status.success(), "mmsearch grade failed:\n{said}");
        (t.elapsed().as_secs_f64(), said)
    };
    let (sandboxed, said) = run("sandboxed", &[]);
    let (bare, _) = run("bare", &["--no-sandbox"]);
    let setup: f64 = said
        .lines()
        .find_map(|l| l.strip_prefix("setup (dependencies, scorer, recording the calls) "))
        .and_then(|l| l.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    for line in said
        .lines()
        .filter(|l| l.starts_with("setup") || l.starts_with("graded"))
    {
        println!("{line}");
    }
    println!(
        "class of {n}, 2 jobs: sandboxed {sandboxed:.0} s, without the sandbox {bare:.0} s \
         (ratio {:.2})",
        sandboxed / bare
    );
    let per = (sandboxed - setup) / n as f64;
    println!(
        "per participant {per:.1} s after a setup of {setup:.0} s; a class of 100: about {:.0} s \
         ({:.1} minutes)",
        setup + 100.0 * per,
        (setup + 100.0 * per) / 60.0
    );
}
