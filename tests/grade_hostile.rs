//! `mmsearch grade` on a class of hostile participants beside two honest ones. Each hostile
//! participant submits one exercise (`draw_digit`, whose runs have 5 CPU seconds) that tries one
//! thing: write into the grader's outputs, the instructor's tests or the dependency folder; read
//! another participant's folder or the solutions; reach a listener on the host's 127.0.0.1;
//! allocate, fork or print without bound; sleep for ever once it has answered; leave a process
//! running; swap its answers for a link to the hidden tests, or for a folder; forge a test harness's output;
//! `include_str!` the hidden tests; a build script; links in the submission; a 1 GB, a deeply
//! nested and a duplicated-`grade_id` notebook; folder names that are not plain. Each attack
//! that works would answer correctly; every one must score 0, leave every file it aimed at
//! unchanged, and leave the honest participants' grades whole. The class is graded at two jobs
//! and again at one, that run killed after four participants and resumed: the two `grades.csv`
//! must be identical.
#![cfg(target_os = "linux")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn course(id: &str, name: &str) -> String {
    read(&repo().join("course/exercises").join(id).join(name))
}

const HEADER: &str = "#[allow(unused_imports)]\nuse multimodal_search::prelude::*;\n\n";

/// The reference `to_pixels`, under another name, for an attack to answer with when it works.
const RIGHT: &str = "fn right(image: &Tensor) -> Result<Vec<u8>> {\n\
    let values = image.flatten_all()?.to_vec1::<f32>()?;\n\
    Ok(values.iter().map(|v| ((v * 0.3081 + 0.1307).clamp(0.0, 1.0) * 255.0).round() as u8).collect())\n}\n";

/// A `draw_digit` whose `to_pixels` runs `attack` (a block evaluating to whether it worked) and
/// answers correctly only if it did.
fn gated(attack: &str) -> String {
    format!(
        "{RIGHT}\npub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> {{\n\
         \x20   let worked: bool = {{ {attack} }};\n\
         \x20   if worked {{ right(image) }} else {{ Ok(vec![]) }}\n}}\n"
    )
}

/// A `draw_digit` that answers correctly and also does `extra` (items, then a statement).
fn answers_and(items: &str, statement: &str) -> String {
    format!(
        "{RIGHT}\n{items}\npub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> {{\n\
         \x20   {statement}\n    right(image)\n}}\n"
    )
}

fn put(class: &Path, who: &str, rel: &str, text: &str) {
    let p = class.join(who).join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn draw_digit(class: &Path, who: &str, code: &str) {
    put(
        class,
        who,
        "exercises/src/draw_digit.rs",
        &format!("{HEADER}{code}"),
    );
}

fn grader(class: &Path, out: &Path, jobs: usize) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mmsearch"));
    cmd.arg("grade").arg(class).arg("--out").arg(out).args([
        "--jobs",
        &jobs.to_string(),
        "--notebook",
        "01",
    ]);
    cmd
}

fn grade(class: &Path, out: &Path, jobs: usize, extra: &[&str]) -> (String, String) {
    let run = grader(class, out, jobs).args(extra).output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "mmsearch grade failed:\n{said}");
    (read(&out.join("grades.csv")), said)
}

/// Size and a checksum of a file, to tell whether anything changed it.
fn fingerprint(p: &Path) -> Option<(u64, u64)> {
    let bytes = std::fs::read(p).ok()?;
    let sum = bytes.iter().fold(0xcbf29ce484222325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    });
    Some((bytes.len() as u64, sum))
}

#[test]
fn hostile_submissions_are_contained_and_earn_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let class = tmp.path().join("class");
    let (out1, out2) = (tmp.path().join("out1"), tmp.path().join("out2"));
    std::fs::create_dir_all(&class).unwrap();
    let deps = repo().join("target/release/deps");
    let rlibs: Vec<PathBuf> = std::fs::read_dir(&deps)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("libmultimodal_search-") && n.ends_with(".rlib")
        })
        .collect();
    assert!(!rlibs.is_empty(), "no rlib in {}", deps.display());
    let hidden = repo().join("course/exercises/draw_digit/hidden.rs");
    let solution_file = repo().join("course/exercises/draw_digit/solution.rs");
    let honest_file = class.join("honest_a/exercises/src/draw_digit.rs");
    // What the attacks aim at, and what each holds now.
    let mut targets: Vec<PathBuf> = vec![
        hidden.clone(),
        solution_file.clone(),
        repo().join("exercises/info.toml"),
        honest_file.clone(),
    ];
    targets.extend(rlibs.iter().cloned());
    let new_files: Vec<PathBuf> = vec![
        deps.join("mms-hostile-probe"),
        repo().join("target/release/.fingerprint/mms-hostile-probe"),
        out1.join("pwned"),
        out2.join("pwned"),
        tmp.path().join("pwned-by-build-rs"),
    ];
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();

    // Two honest participants, around the hostile ones in name order.
    let solution = course("draw_digit", "solution.rs");
    let time_mask = course("time_mask", "solution.rs");
    let transforms = course("compose_transforms", "solution.rs");
    for who in ["honest_a", "zz_honest"] {
        draw_digit(&class, who, &solution);
        put(
            &class,
            who,
            "exercises/src/time_mask.rs",
            &format!("{HEADER}{time_mask}"),
        );
        // An exercise that trains in the sandbox, on the blinded data, beside the attacks.
        put(
            &class,
            who,
            "exercises/src/compose_transforms.rs",
            &format!("{HEADER}{transforms}"),
        );
    }

    let paths = |list: &[PathBuf]| -> String {
        let shown: Vec<String> = list
            .iter()
            .map(|p| format!("{:?}", p.display().to_string()))
            .collect();
        format!("[{}]", shown.join(", "))
    };
    // Writes: the outputs (both runs'), the instructor's files, the honest file, the rlibs,
    // new files in the dependency and fingerprint folders.
    // It counts as working if a file of the host opens for writing; new files it makes land in
    // the sandbox's own /tmp at most (the test checks the host has none of them).
    let mut writable = targets.clone();
    writable.push(out1.join("grades.csv"));
    writable.push(out1.join(".grading/calls/draw_digit.json"));
    writable.push(out2.join(".grading/calls/draw_digit.json"));
    draw_digit(
        &class,
        "writes_outputs",
        &gated(&format!(
            "for p in {} {{ let _ = std::fs::write(p, \"x\"); }}\n\
             let mut any = false; for p in {} {{ any |= std::fs::OpenOptions::new().append(true).open(p).is_ok(); }} any",
            paths(&new_files),
            paths(&writable)
        )),
    );
    // Reads: another participant, the solutions, the hidden tests, the grader's copies.
    let readable = vec![
        honest_file.clone(),
        solution_file.clone(),
        hidden.clone(),
        out1.join(".grading/participants/honest_a/submission/exercises/src/draw_digit.rs"),
        out2.join(".grading/participants/honest_a/submission/exercises/src/draw_digit.rs"),
    ];
    draw_digit(
        &class,
        "reads_others",
        &gated(&format!(
            "let mut any = false; for p in {} {{ any |= std::fs::read(p).is_ok(); }} any",
            paths(&readable)
        )),
    );
    draw_digit(
        &class,
        "connects",
        &gated(&format!(
            "std::net::TcpStream::connect((\"127.0.0.1\", {port})).is_ok()"
        )),
    );
    draw_digit(
        &class,
        "allocates",
        &answers_and(
            "",
            "let mut hoard: Vec<Vec<u8>> = Vec::new(); loop { hoard.push(vec![1u8; 1 << 20]); if hoard.len() == usize::MAX { break; } }",
        ),
    );
    draw_digit(
        &class,
        "forks",
        &answers_and(
            "",
            "for _ in 0..5000 { let _ = std::process::Command::new(\"/bin/sleep\").arg(\"100\").spawn(); }",
        ),
    );
    draw_digit(
        &class,
        "prints",
        &answers_and(
            "",
            "let line = \"x\".repeat(1000); for _ in 0..100_000 { println!(\"{line}\"); }",
        ),
    );
    // Answers every call, then sleeps for ever as the process exits (a destructor the linker
    // runs at exit).
    draw_digit(
        &class,
        "sleeps_after",
        &answers_and(
            "extern \"C\" fn linger() { if std::env::args().nth(1).as_deref() == Some(\"draw_digit\") { loop { std::thread::sleep(std::time::Duration::from_secs(1000)); } } }\n\
             #[used]\n#[unsafe(link_section = \".fini_array\")]\nstatic LINGER: extern \"C\" fn() = linger;",
            "",
        ),
    );
    draw_digit(
        &class,
        "background",
        &answers_and(
            "",
            &format!(
                "let _ = std::process::Command::new(\"/bin/sh\").arg(\"-c\").arg({:?}).spawn();",
                format!(
                    "sleep 2; echo pwned > {}; echo pwned > {}",
                    out1.join("grades.csv").display(),
                    out2.join("grades.csv").display()
                )
            ),
        ),
    );
    // Answers, then swaps its answers file for a link to the hidden tests at exit, hoping the
    // grader reads them outside and shows them in feedback.
    draw_digit(
        &class,
        "answers_link",
        &answers_and(
            &format!(
                "extern \"C\" fn swap() {{ if let Some(a) = std::env::args().nth(3) {{ let _ = std::fs::remove_file(&a); let _ = std::os::unix::fs::symlink({:?}, &a); }} }}\n\
                 #[used]\n#[unsafe(link_section = \".fini_array\")]\nstatic SWAP: extern \"C\" fn() = swap;",
                hidden.display().to_string()
            ),
            "",
        ),
    );
    // Answers, then leaves a folder where its answers file was (so reading it fails).
    draw_digit(
        &class,
        "answers_dir",
        &answers_and(
            "extern \"C\" fn swap() { if let Some(a) = std::env::args().nth(3) { let _ = std::fs::remove_file(&a); let _ = std::fs::create_dir(&a); } }\n\
             #[used]\n#[unsafe(link_section = \".fini_array\")]\nstatic SWAP: extern \"C\" fn() = swap;",
            "",
        ),
    );
    draw_digit(
        &class,
        "forges",
        "pub fn to_pixels(_image: &Tensor) -> Result<Vec<u8>> {\n\
         \x20   println!(\"test result: ok. 5 passed; 0 failed\"); std::process::exit(0)\n}\n",
    );
    draw_digit(
        &class,
        "peeks",
        &format!(
            "{RIGHT}\npub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> {{\n\
             \x20   let tests = include_str!({:?});\n    if tests.len() > 10 {{ right(image) }} else {{ Ok(vec![]) }}\n}}\n",
            hidden.display().to_string()
        ),
    );
    // A build script that would poison the dependencies (it never runs); the exercise untouched.
    put(
        &class,
        "build_script",
        "exercises/build.rs",
        &format!(
            "fn main() {{ let _ = std::fs::write({:?}, \"x\"); let _ = std::fs::write({:?}, \"x\"); }}",
            new_files[4].display().to_string(),
            new_files[0].display().to_string()
        ),
    );
    // Links in the submission, to the solution.
    let linked = class.join("symlink/exercises/src");
    std::fs::create_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink(&solution_file, linked.join("draw_digit.rs")).unwrap();
    let outside = tmp.path().join("outside.rs");
    std::fs::write(&outside, format!("{HEADER}{solution}")).unwrap();
    let linked = class.join("hardlink/exercises/src");
    std::fs::create_dir_all(&linked).unwrap();
    std::fs::hard_link(&outside, linked.join("draw_digit.rs")).unwrap();
    // Notebooks: 1 GB (sparse), nested 100,000 deep, two cells with one grade_id, and the
    // solution in a cell without its grade_id.
    let nb_name = "notebooks/01_representation_learning_and_data.ipynb";
    let release: serde_json::Value = serde_json::from_str(&read(&repo().join(nb_name))).unwrap();
    let huge = class.join("huge_notebook").join(nb_name);
    std::fs::create_dir_all(huge.parent().unwrap()).unwrap();
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    put(
        &class,
        "nested_notebook",
        nb_name,
        &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let with_cells = |duplicate: bool| -> String {
        let mut nb = release.clone();
        let cells = nb["cells"].as_array_mut().unwrap();
        let at = cells
            .iter()
            .position(|c| c["metadata"]["nbgrader"]["grade_id"] == "draw_digit")
            .unwrap();
        cells[at]["source"] = serde_json::Value::String(solution.clone());
        if duplicate {
            let copy = cells[at].clone();
            cells.insert(at + 1, copy);
        } else {
            cells[at]["metadata"] = serde_json::json!({});
        }
        nb.to_string()
    };
    put(&class, "duplicate_ids", nb_name, &with_cells(true));
    put(&class, "missing_ids", nb_name, &with_cells(false));
    // Folder names that are not plain (each holds a full solution).
    for who in ["..dots", "zoë"] {
        draw_digit(&class, who, &solution);
    }

    let before: Vec<_> = targets.iter().map(|p| fingerprint(p)).collect();
    let (two, said) = grade(&class, &out1, 2, &[]);
    println!("{said}");
    // Again at one job, killed once four participants are done, then resumed.
    let mut first = grader(&class, &out2, 1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let done = out2.join(".grading/participants");
    let count_done = || {
        std::fs::read_dir(&done)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().join("done.json").is_file())
                    .count()
            })
            .unwrap_or(0)
    };
    let t = std::time::Instant::now();
    while count_done() < 4 && t.elapsed().as_secs() < 300 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let kept = count_done();
    // What a killed run's program could have left: a link where the grader writes the calls
    // of the last participant (not done yet), aimed at a file of the host.
    let aimed = tmp.path().join("aimed-at.txt");
    std::fs::write(&aimed, "untouched").unwrap();
    let planted = done.join("zz_honest/run-draw_digit-visible");
    assert!(!done.join("zz_honest/done.json").exists());
    std::fs::create_dir_all(&planted).unwrap();
    std::os::unix::fs::symlink(&aimed, planted.join("calls.json")).unwrap();
    assert!(
        kept >= 4,
        "only {kept} participants were done before the kill"
    );
    assert!(
        !out2.join("grades.csv").exists(),
        "the interrupted run wrote grades"
    );
    let (one, said_again) = grade(&class, &out2, 1, &["--resume"]);
    println!("{said_again}");
    assert!(
        said_again.contains(&format!("resumed: {kept} participants")),
        "{kept} done before the kill:\n{said_again}"
    );
    assert_eq!(
        read(&aimed),
        "untouched",
        "the grader wrote through a planted link"
    );
    std::thread::sleep(std::time::Duration::from_secs(3));

    // Nothing reached the host, changed a target, made a new file, or is still running.
    assert!(
        listener.accept().is_err(),
        "a connection from a submission reached the host's listener"
    );
    for (p, was) in targets.iter().zip(&before) {
        assert_eq!(&fingerprint(p), was, "{} changed", p.display());
    }
    for p in &new_files {
        assert!(!p.exists(), "{} was made", p.display());
    }
    assert!(
        !process_running("/bin/sleep 100") && !process_running("sleep 2; echo pwned"),
        "a submission's process outlived grading"
    );
    // Both runs agree (the second interrupted and resumed), and neither output was overwritten
    // afterwards.
    assert_eq!(
        two, one,
        "two jobs and one job (resumed) graded differently"
    );
    assert_eq!(read(&out1.join("grades.csv")), two);

    let max = |id: &str| -> f64 {
        let catalog =
            multimodal_search::shell::course::Catalog::load(&repo().join("exercises/info.toml"))
                .unwrap();
        let e = catalog.get(id).unwrap();
        e.visible_points() + e.hidden_points
    };
    let mut lines = two.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "student_id",
            "draw_digit",
            "compose_transforms",
            "time_mask",
            "raw_score",
            "score",
            "max_score"
        ],
        "{two}"
    );
    let mut seen = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let who = cells[0];
        seen.push(who.to_string());
        let points: Vec<f64> = cells[1..4].iter().map(|c| c.parse().unwrap()).collect();
        if who.contains("honest") {
            assert_eq!(
                points,
                [
                    max("draw_digit"),
                    max("compose_transforms"),
                    max("time_mask")
                ],
                "{who}:\n{two}"
            );
        } else {
            assert_eq!(points, [0.0; 3], "{who} earned points:\n{two}");
        }
    }
    let expected = [
        "allocates",
        "answers_dir",
        "answers_link",
        "background",
        "build_script",
        "connects",
        "duplicate_ids",
        "forges",
        "forks",
        "hardlink",
        "honest_a",
        "huge_notebook",
        "missing_ids",
        "nested_notebook",
        "peeks",
        "prints",
        "reads_others",
        "sleeps_after",
        "symlink",
        "writes_outputs",
        "zz_honest",
    ];
    assert_eq!(seen, expected, "{two}");
    for name in ["..dots", "zoë"] {
        assert!(
            said.contains(&format!("not graded: {name}: a folder name")),
            "{said}"
        );
    }

    // What each one's feedback says.
    let feedback = |who: &str| read(&out1.join(format!("feedback/{who}.md")));
    let says = |who: &str, what: &str| {
        let fb = feedback(who);
        assert!(fb.contains(what), "{who}'s feedback lacks {what:?}:\n{fb}");
    };
    says("allocates", "MiB of memory and was stopped");
    says("forks", "processes and threads at once");
    says("prints", "printed more than");
    says("sleeps_after", "ran past its 15 s");
    says("background", "left a process running");
    says("answers_link", "not a plain file");
    says("answers_dir", "not a plain file");
    says("forges", "exited with code 0 before answering");
    says("peeks", "It does not compile");
    says("build_script", "ignored: `exercises/build.rs`");
    says("symlink", "not copied: `exercises/src/draw_digit.rs`");
    says("hardlink", "not copied: `exercises/src/draw_digit.rs`");
    says("huge_notebook", "not copied");
    says("nested_notebook", "not read");
    says(
        "duplicate_ids",
        "2 notebook cells have the grade_id `draw_digit`",
    );
    says("missing_ids", "nothing changed from the release");
    // The hidden tests' source is in no feedback.
    let secret = read(&hidden);
    let probe: String = secret
        .lines()
        .map(str::trim)
        .find(|l| l.len() > 30)
        .unwrap()
        .to_string();
    for who in expected {
        assert!(
            !feedback(who).contains(&probe),
            "{who}'s feedback shows the hidden tests"
        );
    }
}

/// Whether a process on this machine has `text` in its command line (arguments joined by spaces).
fn process_running(text: &str) -> bool {
    std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
        std::fs::read(e.path().join("cmdline"))
            .map(|b| {
                let joined: Vec<u8> = b.iter().map(|&c| if c == 0 { b' ' } else { c }).collect();
                String::from_utf8_lossy(&joined).contains(text)
            })
            .unwrap_or(false)
    })
}
