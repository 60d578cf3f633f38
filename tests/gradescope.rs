//! Gradescope's route, run here: `mmsearch grade --gradescope-bundle` writes the zip; the zip is
//! unpacked as Gradescope's image build does (`/autograder/source`); for a good, a failing and a
//! hostile submission, Gradescope's folders are laid out in a temporary root and the bundle's own
//! `run_autograder` is run there as root, the participant's code as the user `mms-student`; each
//! `results.json` is checked against the format of gradescope/autograder_samples,
//! `docs/specs.md` ("Output format", "Controlling Test Case Visibility").
//!
//! Not run here: `setup.sh`'s apt, rustup and download steps against the real hosts (no network
//! in CI); the grader and the crate come from this checkout's build instead, and the datasets
//! from `MMS_DATA`. Needs root (as Gradescope runs run_autograder) and the user `mms-student`
//! (`.ci/run` makes it).

use std::collections::BTreeSet;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const HEADER: &str = "#[allow(unused_imports)]\nuse multimodal_search::prelude::*;\n\n";
const EXERCISES: [&str; 3] = ["draw_digit", "compose_transforms", "time_mask"];

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// Unpacks the bundle into `dest`, keeping each entry's permission bits; the names it holds.
fn unzip(zip: &Path, dest: &Path) -> BTreeSet<String> {
    let file = std::fs::File::open(zip).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut names = BTreeSet::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        assert!(
            !name.starts_with('/') && !name.split('/').any(|c| c == ".."),
            "a bundle entry outside its folder: {name}"
        );
        let path = dest.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        std::fs::write(&path, bytes).unwrap();
        let m = entry.unix_mode().unwrap_or(0o644) & 0o777;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).unwrap();
        names.insert(name);
    }
    names
}

/// Checks `r` against Gradescope's results.json format; returns its tests.
fn check_schema(r: &Value, what: &str) -> Vec<Value> {
    let visibilities = ["hidden", "after_due_date", "after_published", "visible"];
    let top: BTreeSet<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    let allowed: BTreeSet<&str> = [
        "score",
        "execution_time",
        "output",
        "visibility",
        "stdout_visibility",
        "extra_data",
        "tests",
        "leaderboard",
    ]
    .into();
    assert!(
        top.is_subset(&allowed),
        "{what}: keys outside the spec: {top:?}"
    );
    assert!(r["score"].is_number(), "{what}: no numeric top-level score");
    assert!(r["execution_time"].is_number(), "{what}: execution_time");
    assert!(r["output"].is_string(), "{what}: output");
    assert!(
        visibilities.contains(&r["stdout_visibility"].as_str().unwrap_or("")),
        "{what}: stdout_visibility"
    );
    let tests = r["tests"].as_array().expect("tests is a list").clone();
    let test_keys: BTreeSet<&str> = [
        "score",
        "max_score",
        "status",
        "name",
        "name_format",
        "number",
        "output",
        "output_format",
        "tags",
        "visibility",
        "extra_data",
    ]
    .into();
    let mut sum = 0.0;
    for t in &tests {
        let keys: BTreeSet<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(keys.is_subset(&test_keys), "{what}: test keys {keys:?}");
        let (score, max) = (
            t["score"].as_f64().unwrap(),
            t["max_score"].as_f64().unwrap(),
        );
        assert!(
            (0.0..=max).contains(&score),
            "{what}: {t}: score outside 0..=max"
        );
        let status = t["status"].as_str().unwrap();
        assert!(["passed", "failed"].contains(&status), "{what}: status");
        // Passed means full points; failed means fewer, or a 0-point check that found
        // something (the forbidden-call row).
        assert!(
            if status == "passed" {
                score >= max
            } else {
                max == 0.0 || score < max
            },
            "{what}: {t}: status vs score"
        );
        assert!(t["name"].is_string() && t["output"].is_string() && t["number"].is_string());
        let vis = t["visibility"].as_str().unwrap();
        assert!(visibilities.contains(&vis), "{what}: visibility {vis}");
        // The spec: tests `hidden` must not carry points (the total would be hidden).
        assert!(
            vis != "hidden" || max == 0.0,
            "{what}: hidden test with points"
        );
        sum += score;
    }
    let score = r["score"].as_f64().unwrap();
    assert!(
        (score - sum).abs() < 1e-9,
        "{what}: score {score} is not the sum of its tests' {sum}"
    );
    tests
}

fn score_of(tests: &[Value], prefix: &str) -> (f64, f64) {
    tests
        .iter()
        .filter(|t| t["name"].as_str().unwrap().starts_with(prefix))
        .fold((0.0, 0.0), |(s, m), t| {
            (
                s + t["score"].as_f64().unwrap(),
                m + t["max_score"].as_f64().unwrap(),
            )
        })
}

/// The hostile draw_digit: it tries to read the course, the secret, the metadata and the real
/// test labels, to write into the results, and to reach the network; if all of that fails it
/// answers right (so the run itself is fine).
fn hostile_draw_digit(root: &Path, labels: &Path, port: u16) -> String {
    format!(
        r#"
pub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> {{
    for path in [{secret:?}, {hidden:?}, {meta:?}, {labels:?}] {{
        if let Ok(bytes) = std::fs::read(path) {{
            panic!("LEAKED {{}}", String::from_utf8_lossy(&bytes));
        }}
    }}
    let _ = std::fs::write({pwned:?}, "x");
    let _ = std::fs::write({results:?}, "{{}}");
    if std::net::TcpStream::connect(("127.0.0.1", {port})).is_ok() {{
        panic!("REACHED THE NETWORK");
    }}
    let values = image.flatten_all()?.to_vec1::<f32>()?;
    Ok(values
        .iter()
        .map(|v| ((v * 0.3081 + 0.1307).clamp(0.0, 1.0) * 255.0).round() as u8)
        .collect())
}}
"#,
        secret = root.join("source/secret.txt"),
        hidden = root.join("source/multimodal-search/course/exercises/draw_digit/hidden.rs"),
        meta = root.join("submission_metadata.json"),
        labels = labels,
        pwned = root.join("results/pwned"),
        results = root.join("results/results.json"),
    )
}

#[test]
fn the_bundle_grades_good_failing_and_hostile_submissions_as_gradescope_runs_it() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this test runs run_autograder as Gradescope does, as root (CI runs as root)"
    );
    let user_exists = Command::new("id")
        .arg("mms-student")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        user_exists,
        "no user mms-student: make it with `useradd --system --no-create-home mms-student` \
         (.ci/run does)"
    );
    let data = PathBuf::from(std::env::var("MMS_DATA").expect("MMS_DATA names the datasets"));
    let real_labels = data.join("mnist/t10k-labels-idx1-ubyte.gz");
    assert!(
        real_labels.is_file(),
        "{} is missing",
        real_labels.display()
    );

    // Everything under a folder the user may pass through (temporary folders are 0700).
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o711)).unwrap();

    // The bundle, for notebook 01's exercises.
    let zip = tmp.path().join("autograder.zip");
    let made = Command::new(env!("CARGO_BIN_EXE_mmsearch"))
        .current_dir(repo())
        .args(["grade", "--notebook", "01", "--gradescope-bundle"])
        .arg(&zip)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let unpacked = tmp.path().join("unpacked");
    let names = unzip(&zip, &unpacked);
    for must in [
        "setup.sh",
        "run_autograder",
        "multimodal-search/Cargo.toml",
        "multimodal-search/Cargo.lock",
        "multimodal-search/rust-toolchain.toml",
        "multimodal-search/exercises/info.toml",
        "multimodal-search/course/exercises/draw_digit/hidden.rs",
        "multimodal-search/checkpoints/multimodal/model.safetensors",
    ] {
        assert!(names.contains(must), "the bundle lacks {must}");
    }
    assert!(
        !names
            .iter()
            .any(|n| n.contains("/target/") || n.contains("/.git/")),
        "the bundle holds build output or git's folder"
    );
    for script in ["setup.sh", "run_autograder"] {
        let p = unpacked.join(script);
        assert_eq!(mode(&p), 0o755, "{script} is not executable");
        let text = read(&p);
        assert!(
            !text.contains("@CRATE_DIR@") && !text.contains("@NOTEBOOK@"),
            "{script}: a placeholder left"
        );
        let syntax = Command::new("bash").arg("-n").arg(&p).output().unwrap();
        assert!(syntax.status.success(), "{script}: bash -n failed");
    }
    assert!(read(&unpacked.join("run_autograder")).contains("only=(--notebook 01)"));

    // The toolchain where the user may read it: a hard-linked copy (root's home is closed).
    let sysroot = Command::new("rustc")
        .current_dir(repo())
        .args(["--print", "sysroot"])
        .output()
        .unwrap();
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let toolchain = tmp.path().join("toolchain");
    let linked = Command::new("cp")
        .arg("-al")
        .arg(&sysroot)
        .arg(&toolchain)
        .status()
        .unwrap();
    assert!(linked.success(), "cp -al {}", sysroot.display());
    // The grader's target folder (this test binary's, two levels above the grader).
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_mmsearch"));
    let target = bin.parent().unwrap().parent().unwrap().to_path_buf();

    let home = PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()));
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".rustup"));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".cargo"));

    // A listener the hostile code tries to reach.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();

    let solution = |id: &str| read(&repo().join(format!("course/exercises/{id}/solution.rs")));
    let mutant =
        |id: &str, m: &str| read(&repo().join(format!("course/exercises/{id}/mutants/{m}.rs")));
    let secret = format!("secret-{}", std::process::id());
    let mut scores = Vec::new();
    // The hostile one twice: as root here, then as root without CAP_SYS_ADMIN, as in Docker's
    // default capabilities (no network namespace: seccomp alone keeps the internet out).
    for kind in ["good", "failing", "hostile", "hostile-docker"] {
        let root = tmp.path().join(kind).join("autograder");
        let source = root.join("source");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::set_permissions(
            root.parent().unwrap(),
            std::fs::Permissions::from_mode(0o711),
        )
        .unwrap();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&unpacked)
            .arg(&source)
            .status()
            .unwrap();
        assert!(copied.success());
        std::fs::set_permissions(&source, std::fs::Permissions::from_mode(0o755)).unwrap();
        // The datasets where setup.sh puts them (a copy: run_autograder closes the folder).
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&data)
            .arg(root.join("data"))
            .status()
            .unwrap();
        assert!(copied.success());
        std::fs::set_permissions(root.join("data"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        let labels = root.join("data/mnist/t10k-labels-idx1-ubyte.gz");
        std::fs::write(source.join("secret.txt"), &secret).unwrap();
        std::fs::write(
            root.join("submission_metadata.json"),
            format!("{{\"secret\": \"{secret}\"}}"),
        )
        .unwrap();
        let sub = root.join("submission");
        let src = sub.join("exercises/src");
        std::fs::create_dir_all(&src).unwrap();
        let code: Vec<(&str, String)> = match kind {
            "good" => EXERCISES.iter().map(|id| (*id, solution(id))).collect(),
            "failing" => vec![
                ("draw_digit", mutant("draw_digit", "truncates")),
                ("compose_transforms", solution("compose_transforms")),
                ("time_mask", mutant("time_mask", "no_clip")),
            ],
            _ => vec![
                ("draw_digit", hostile_draw_digit(&root, &labels, port)),
                (
                    "time_mask",
                    // Answers right, but leaves a process behind.
                    solution("time_mask").replacen(
                        "{",
                        "{\n    let _ = std::process::Command::new(\"/bin/sleep\").arg(\"600\").spawn();",
                        1,
                    ),
                ),
            ],
        };
        for (id, text) in &code {
            // Gradescope's upload takes loose files too: one of them loose.
            let path = if *id == "time_mask" && kind == "good" {
                sub.join("time_mask.rs")
            } else {
                src.join(format!("{id}.rs"))
            };
            std::fs::write(path, format!("{HEADER}{text}")).unwrap();
        }
        let mut cmd = Command::new("bash");
        if kind == "hostile-docker" {
            // SAFETY: prctl takes plain integers; it drops CAP_SYS_ADMIN (21) from the bounding
            // set, so root keeps it no more once bash is exec'd.
            unsafe {
                use std::os::unix::process::CommandExt;
                cmd.pre_exec(|| {
                    if libc::prctl(libc::PR_CAPBSET_DROP, 21, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let ran = cmd
            .arg(source.join("run_autograder"))
            .current_dir(&root)
            .env_remove("LD_LIBRARY_PATH")
            .env("AUTOGRADER_ROOT", &root)
            .env("MMS_BIN", &bin)
            .env("MMS_REPO", repo())
            .env("MMS_RUN_AS", "mms-student")
            .env_remove("MMS_DATA")
            .env("CARGO_TARGET_DIR", &target)
            // This machine's rustup, not setup.sh's /opt/rust (cargo sets these for tests; a
            // test binary run by hand may lack them).
            .env("RUSTUP_HOME", &rustup_home)
            .env("CARGO_HOME", &cargo_home)
            .env("MMS_GRADE_RUSTC", toolchain.join("bin/rustc"))
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&ran.stdout),
            String::from_utf8_lossy(&ran.stderr)
        );
        assert!(ran.status.success(), "{kind}: run_autograder: {said}");
        assert!(
            said.contains("exited with 0"),
            "{kind}: the grader failed: {said}"
        );
        if kind == "hostile-docker" {
            assert!(
                said.contains("no internet (sockets denied by seccomp"),
                "{kind}: the grader's log: {said}"
            );
        }
        let text = read(&root.join("results/results.json"));
        if let Ok(dir) = std::env::var("MMS_GRADESCOPE_KEEP") {
            std::fs::write(Path::new(&dir).join(format!("{kind}.json")), &text).unwrap();
        }
        let r: Value = serde_json::from_str(&text).unwrap();
        let tests = check_schema(&r, kind);
        // Folders closed to the participant's user, as run_autograder leaves them.
        assert_eq!(mode(&source), 0o700, "{kind}: source");
        assert_eq!(mode(&root.join("results")), 0o700, "{kind}: results");
        assert_eq!(mode(&root.join("submission_metadata.json")), 0o600);
        assert_eq!(mode(&root.join("data")), 0o700, "{kind}: data");
        let names: Vec<&str> = tests.iter().map(|t| t["name"].as_str().unwrap()).collect();
        for id in EXERCISES {
            assert!(
                names.iter().any(|n| n.starts_with(&format!("{id}: "))),
                "{kind}: no test for {id}: {names:?}"
            );
            let hidden = tests
                .iter()
                .find(|t| t["name"] == format!("{id}: hidden tests"))
                .unwrap_or_else(|| panic!("{kind}: no hidden test for {id}"));
            assert_eq!(hidden["visibility"], "after_published");
        }
        let (score, max) = (r["score"].as_f64().unwrap(), score_of(&tests, "").1);
        eprintln!("{kind}: {score} of {max} points; {} tests", tests.len());
        match kind {
            "good" => {
                assert_eq!(score, max, "{kind}: {text}");
                assert!(r["output"].as_str().unwrap().contains("time_mask.rs"));
            }
            "failing" => {
                let (d, dmax) = score_of(&tests, "draw_digit");
                let (c, cmax) = score_of(&tests, "compose_transforms");
                let (t, tmax) = score_of(&tests, "time_mask");
                assert!(d < dmax && t < tmax, "{kind}: mutants pass: {text}");
                assert_eq!(c, cmax, "{kind}: the solution in between: {text}");
                assert!(tests.iter().any(|t| t["status"] == "failed"
                    && t["output"].as_str().unwrap().contains("expected")));
            }
            _ => {
                assert!(!text.contains(&secret), "the secret reached results.json");
                assert!(!text.contains("LEAKED"), "a private file was read: {text}");
                assert!(!text.contains("REACHED THE NETWORK"), "{text}");
                assert!(!root.join("results/pwned").exists(), "wrote into results/");
                assert!(
                    listener.accept().is_err(),
                    "the participant's code connected to the listener"
                );
                let (d, dmax) = score_of(&tests, "draw_digit");
                assert_eq!(d, dmax, "{kind}: draw_digit's right answers: {text}");
                let (t, _) = score_of(&tests, "time_mask");
                assert_eq!(t, 0.0, "{kind}: a process left running earns nothing");
                assert!(text.contains("left a process running"), "{text}");
                let (c, _) = score_of(&tests, "compose_transforms");
                assert_eq!(c, 0.0, "{kind}: the untouched stub: {text}");
                // What the user still runs (zombies aside: the init of this machine reaps
                // them when it gets to it).
                let left = Command::new("ps")
                    .args(["-u", "mms-student", "-o", "pid=,stat=,args="])
                    .output()
                    .unwrap();
                let left: Vec<String> = String::from_utf8_lossy(&left.stdout)
                    .lines()
                    .filter(|l| {
                        l.split_whitespace()
                            .nth(1)
                            .is_some_and(|st| !st.starts_with('Z'))
                    })
                    .map(str::to_string)
                    .collect();
                assert!(
                    left.is_empty(),
                    "processes of mms-student outlived the grading: {left:?}"
                );
            }
        }
        scores.push((kind, score, max));
    }
    eprintln!("gradescope runs: {scores:?}");
}
