//! Grading on Gradescope: the autograder bundle, and one submission graded into its
//! `results.json`.
//!
//! Gradescope's contract (gradescope/autograder_samples, `docs/specs.md`): a zip holding
//! `setup.sh` (run once, as root, to build the image) and `run_autograder` (run per submission);
//! the bundle unzipped in `/autograder/source`, the submission in `/autograder/submission`,
//! results in `/autograder/results/results.json`. [`write_bundle`] writes that zip with this
//! course's crate in it; in the container, `run_autograder` calls `mmsearch grade --gradescope
//! /autograder --run-as mms-student`, which is [`grade_gradescope`]: the grader of a class
//! ([`grade_class`]) on a class of one, its jobs run as the unprivileged user (Docker there
//! forbids the user namespaces bubblewrap needs), then [`results_json`].

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::exercise::Outcome as RowOutcome;
use crate::shell::course::Catalog;
use crate::shell::grade::report::points;
use crate::shell::grade::{
    ClassOptions, ClassReport, CopyLimits, Sandbox, Source, copy_submission, grade_class,
};

/// The folder of the bundle (and of `/autograder/source`) that holds this course's crate.
pub const BUNDLE_CRATE_DIR: &str = "multimodal-search";

/// The bundle's `setup.sh`, before its `@CRATE_DIR@` is filled in.
pub const SETUP_SH: &str = include_str!("gradescope/setup.sh");

/// The bundle's `run_autograder`, before its `@CRATE_DIR@` and `@NOTEBOOK@` are filled in.
pub const RUN_AUTOGRADER: &str = include_str!("gradescope/run_autograder");

/// What [`grade_gradescope`] is asked to do.
#[derive(Debug, Clone)]
pub struct GradescopeOptions {
    /// Gradescope's root, `/autograder`: `submission/` in, `results/results.json` out.
    pub root: PathBuf,
    /// The course repository (`/autograder/source/multimodal-search`).
    pub repo: PathBuf,
    /// How the participant's code is isolated: [`Sandbox::as_user`] in Gradescope's container.
    pub sandbox: Sandbox,
    /// Only the exercises of notebooks whose name starts with this.
    pub notebook: Option<String>,
    /// Show the hidden tests' found and expected values in their output (once Gradescope shows
    /// them, by their visibility).
    pub show_hidden: bool,
}

/// Writes Gradescope's autograder zip to `zip_path`: `setup.sh` and `run_autograder` at its
/// root, and the course repository `repo` (the files git tracks or would track, or, outside a
/// git checkout, every file but hidden ones, `target/`, `data/` and `runs/`) under
/// [`BUNDLE_CRATE_DIR`]. With `notebook`, the bundle grades only that notebook's exercises (one
/// Gradescope assignment per notebook). Returns how many files it holds.
pub fn write_bundle(repo: &Path, zip_path: &Path, notebook: Option<&str>) -> Result<usize> {
    if let Some(nb) = notebook
        && (nb.is_empty()
            || !nb
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        return Err(Error::InvalidArgument(format!(
            "--notebook {nb:?}: a notebook name's prefix is letters, digits, '_' and '-'"
        )));
    }
    // The catalog must load, and the notebook filter must name something, before anything is
    // written: a bundle that cannot grade fails here, not on Gradescope.
    let catalog = Catalog::load(&repo.join("exercises/info.toml"))?;
    if let Some(nb) = notebook
        && !catalog.auto_graded().any(|e| e.notebook.starts_with(nb))
    {
        return Err(Error::InvalidArgument(format!(
            "--notebook {nb}: no auto-graded exercise is in a notebook of that name"
        )));
    }
    let files = bundle_files(repo)?;
    let only = notebook
        .map(|nb| format!("--notebook {nb}"))
        .unwrap_or_default();
    let setup = SETUP_SH.replace("@CRATE_DIR@", BUNDLE_CRATE_DIR);
    let run = RUN_AUTOGRADER
        .replace("@CRATE_DIR@", BUNDLE_CRATE_DIR)
        .replace("@NOTEBOOK@", &only);
    let tmp = zip_path.with_extension("zip.partial");
    // Private: it holds the solutions and hidden tests.
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| Error::io(&tmp, e))?
    };
    let mut zip = zip::ZipWriter::new(file);
    let zip_err = |e: zip::result::ZipError| Error::Grade(format!("writing the bundle: {e}"));
    let options = |mode: u32| {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .unix_permissions(mode)
            .large_file(false)
    };
    for (name, text) in [("setup.sh", &setup), ("run_autograder", &run)] {
        zip.start_file(name, options(0o755)).map_err(zip_err)?;
        zip.write_all(text.as_bytes())
            .map_err(|e| Error::io(&tmp, e))?;
    }
    for rel in &files {
        let path = repo.join(rel);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            let m = std::fs::metadata(&path)
                .map_err(|e| Error::io(&path, e))?
                .permissions()
                .mode();
            if m & 0o111 != 0 { 0o755 } else { 0o644 }
        };
        let name = format!("{BUNDLE_CRATE_DIR}/{}", rel.to_string_lossy());
        zip.start_file(name, options(mode)).map_err(zip_err)?;
        zip.write_all(&bytes).map_err(|e| Error::io(&tmp, e))?;
    }
    zip.finish().map_err(zip_err)?;
    std::fs::rename(&tmp, zip_path).map_err(|e| Error::io(zip_path, e))?;
    Ok(files.len() + 2)
}

/// The repository's files for the bundle, relative to `repo`, sorted.
fn bundle_files(repo: &Path) -> Result<Vec<PathBuf>> {
    let git = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        // Tracked files only: an untracked zip (an earlier bundle) or a class's submissions
        // and grades lying in the checkout must not travel to Gradescope.
        .args(["ls-files", "-z", "--cached"])
        .output();
    let mut files: Vec<PathBuf> = match git {
        Ok(out) if out.status.success() => out
            .stdout
            .split(|b| *b == 0)
            .filter(|s| !s.is_empty())
            .map(|s| PathBuf::from(String::from_utf8_lossy(s).into_owned()))
            // Tracked but deleted in the work tree: not bundled.
            .filter(|p| repo.join(p).is_file())
            .filter(|p| p.extension().is_none_or(|e| e != "zip"))
            .collect(),
        _ => {
            let mut found = Vec::new();
            walk(repo, Path::new(""), &mut found)?;
            found
        }
    };
    files.sort();
    files.dedup();
    if !files.iter().any(|p| p == Path::new("Cargo.toml")) {
        return Err(Error::Grade(format!(
            "{} holds no Cargo.toml: not the course repository",
            repo.display()
        )));
    }
    Ok(files)
}

fn walk(root: &Path, rel: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let dir = root.join(rel);
    for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
        let entry = entry.map_err(|e| Error::io(&dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let top_skip = rel.as_os_str().is_empty() && ["target", "data", "runs"].contains(&&*name);
        if name.starts_with('.') || top_skip {
            continue;
        }
        let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        if kind.is_dir() {
            // A graded class's output folder (it holds `.grading/`): names and grades.
            if !entry.path().join(".grading").exists() {
                walk(root, &rel.join(&name), found)?;
            }
        } else if kind.is_file() && !name.ends_with(".zip") {
            found.push(rel.join(&name));
        }
    }
    Ok(())
}

/// Grades the submission in `options.root/submission` and writes
/// `options.root/results/results.json` ([`results_json`]); on an error, a `results.json` of
/// zero points that says what went wrong (and the error is returned, for the log).
pub fn grade_gradescope(options: &GradescopeOptions) -> Result<Value> {
    let t0 = Instant::now();
    let results = options.root.join("results/results.json");
    let graded = grade_one(options, t0);
    let value = match &graded {
        Ok(v) => v.clone(),
        Err(e) => json!({
            "score": 0.0,
            "execution_time": t0.elapsed().as_secs_f64().round(),
            // The details (a scorer's compile errors quote hidden tests) go to the log, which
            // Gradescope shows the instructor only; the student learns that it failed.
            "output": format!(
                "The autograder could not grade this submission ({}). Please tell your \
                 instructor: the details are in the autograder's log.",
                match e {
                    Error::Io { .. } => "a file could not be read or written",
                    _ => "an error in grading",
                }
            ),
            "stdout_visibility": "hidden",
            "tests": [],
        }),
    };
    let dir = options.root.join("results");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let tmp = results.with_extension("json.partial");
    let text = serde_json::to_string_pretty(&value)
        .map_err(|e| Error::Grade(format!("results.json: {e}")))?;
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &results).map_err(|e| Error::io(&results, e))?;
    graded
}

fn grade_one(options: &GradescopeOptions, t0: Instant) -> Result<Value> {
    // What the grader writes must be readable where a job needs it (the data copy), whatever
    // umask the container starts with; the private parts are made private by name.
    // SAFETY: umask only sets this process's file-creation mask.
    unsafe {
        libc::umask(0o022);
    }
    let catalog = Catalog::load(&options.repo.join("exercises/info.toml"))?;
    // The class folder: private to root but for the path to each job's own folder.
    let class = tempfile::Builder::new()
        .prefix("mms-gradescope-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(class.path(), std::fs::Permissions::from_mode(0o711))
            .map_err(|e| Error::io(class.path(), e))?;
    }
    let submissions = class.path().join("submissions");
    std::fs::create_dir(&submissions).map_err(|e| Error::io(&submissions, e))?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&submissions, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(&submissions, e))?;
    }
    let mine = submissions.join("submission");
    let copied = copy_submission(
        &options.root.join("submission"),
        &mine,
        &CopyLimits::default(),
    )?;
    let mut notes: Vec<String> = copied
        .refused
        .iter()
        .map(|(p, why)| format!("not copied: `{}` ({why:?})", p.display()))
        .collect();
    // Gradescope's upload dialog takes loose files: `draw_digit.rs` at the top counts as
    // `exercises/src/draw_digit.rs` (where that is not there too).
    for e in catalog.auto_graded() {
        let loose = mine.join(format!("{}.rs", e.id));
        let place = mine.join("exercises").join(e.file());
        if loose.is_file() && !place.exists() {
            let parent = place.parent().unwrap_or(&mine);
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            std::fs::rename(&loose, &place).map_err(|e| Error::io(&loose, e))?;
            notes.push(format!(
                "`{}.rs` was graded as `exercises/{}`",
                e.id,
                e.file()
            ));
        }
    }
    let report = grade_class(&ClassOptions {
        submissions,
        out: class.path().join("out"),
        repo: options.repo.clone(),
        sandbox: options.sandbox.clone(),
        jobs: 1,
        notebook: options.notebook.clone(),
        manual: None,
        resume: false,
        show_hidden: options.show_hidden,
    })?;
    let mut value = results_json(&report, &catalog, options.show_hidden)?;
    value["execution_time"] = json!(t0.elapsed().as_secs_f64().round());
    if !notes.is_empty()
        && let Some(out) = value["output"].as_str()
    {
        let extra: Vec<String> = notes.iter().map(|n| format!("- {n}")).collect();
        value["output"] = json!(format!("{out}\n{}", extra.join("\n")));
    }
    Ok(value)
}

/// Gradescope's `results.json` for the one participant of `report`: the total as `score`; one
/// test per visible check of each exercise (its points, `status`, what it found and expected;
/// visible), then one per exercise for its hidden checks (their points; each check's name and
/// result, with found and expected when `show_hidden`; shown as the exercise's
/// `hidden_visibility` in `info.toml` says). An exercise whose code did not build has its
/// compiler errors in its first test. `output` says where each exercise's code came from, the
/// notes, and that written answers are marked by hand.
pub fn results_json(report: &ClassReport, catalog: &Catalog, show_hidden: bool) -> Result<Value> {
    let p = match report.participants.as_slice() {
        [p] => p,
        other => {
            return Err(Error::Grade(format!(
                "a Gradescope result is for one submission; this report has {}",
                other.len()
            )));
        }
    };
    let mut tests = Vec::new();
    let mut output = format!(
        "{} of {} points for the auto-graded exercises.\n",
        points(p.exercises.iter().map(|e| e.score).sum()),
        points(p.exercises.iter().map(|e| e.max_score).sum())
    );
    for (k, e) in p.exercises.iter().enumerate() {
        let info = catalog.get(&e.id)?;
        let from = match &e.source {
            Source::File(_) | Source::Cell(_) => format!("graded {}", e.source.describe()),
            other => other.describe(),
        };
        let _ = writeln_str(&mut output, &format!("- {}: {from}", e.id));
        // The forbidden-call scan is the visible list's last row: when it fails, the whole
        // exercise earns nothing.
        let clean = e
            .visible
            .as_ref()
            .and_then(|v| v.rows().last())
            .is_none_or(|r| r.outcome.passed());
        let mut head = String::new();
        if !e.compile_errors.is_empty() {
            head.push_str("It does not compile:\n\n");
            for err in &e.compile_errors {
                head.push_str(err.trim_end());
                head.push('\n');
            }
        }
        if !clean {
            head.push_str(
                "It uses something the exercise forbids (see its last check): the exercise \
                 earns no points.\n",
            );
        }
        let not_run = if e.compile_errors.is_empty() {
            "not run: the exercise was not graded (see the output above)"
        } else {
            "not run: the code does not compile (see the exercise's first test)"
        };
        let mut j = 0;
        // The status is the check's outcome, not its points: a 0-point check (the forbidden
        // calls' row) that finds something has failed.
        let mut push = |tests: &mut Vec<Value>,
                        name: String,
                        score: f64,
                        max: f64,
                        passed: bool,
                        out: String| {
            j += 1;
            // `+ 0.0` turns a -0.0 sum into 0.0.
            let score = score + 0.0;
            let status = if passed { "passed" } else { "failed" };
            tests.push(json!({
                "name": name,
                "number": format!("{}.{j}", k + 1),
                "score": score,
                "max_score": max,
                "status": status,
                "output": capped(&out),
                "visibility": "visible",
            }));
        };
        match &e.visible {
            Some(v) => {
                for (i, r) in v.rows().iter().enumerate() {
                    let passed = r.outcome.passed() && clean;
                    let earned = if passed { r.points } else { 0.0 };
                    let mut out = if i == 0 { head.clone() } else { String::new() };
                    out.push_str(&row_text(&r.outcome, &r.expected));
                    push(
                        &mut tests,
                        format!("{}: {}", e.id, r.name),
                        earned,
                        r.points,
                        passed,
                        out,
                    );
                }
            }
            None => {
                for (i, t) in info.tests.iter().enumerate() {
                    let mut out = if i == 0 { head.clone() } else { String::new() };
                    out.push_str(not_run);
                    push(
                        &mut tests,
                        format!("{}: {}", e.id, t.name),
                        0.0,
                        t.points,
                        false,
                        out,
                    );
                }
            }
        }
        if info.hidden_points > 0.0 || e.hidden.as_ref().is_some_and(|h| !h.rows().is_empty()) {
            let (earned, passed, out) = match &e.hidden {
                Some(h) => {
                    let mut out = String::new();
                    for r in h.rows() {
                        let _ = writeln_str(
                            &mut out,
                            &format!(
                                "{}: {} ({} of {} points)",
                                r.name,
                                r.outcome.label(),
                                points(if r.outcome.passed() { r.points } else { 0.0 }),
                                points(r.points)
                            ),
                        );
                        if show_hidden && !r.outcome.passed() {
                            out.push_str(&indent(&row_text(&r.outcome, &r.expected)));
                        }
                    }
                    let earned = if clean { h.score() + 0.0 } else { 0.0 };
                    let passed = clean && h.rows().iter().all(|r| r.outcome.passed());
                    (earned, passed, out)
                }
                None => (0.0, false, not_run.to_string()),
            };
            j += 1;
            tests.push(json!({
                "name": format!("{}: hidden tests", e.id),
                "number": format!("{}.{j}", k + 1),
                "score": earned,
                "max_score": info.hidden_points,
                "status": if passed { "passed" } else { "failed" },
                "output": capped(&out),
                "visibility": info.hidden_visibility,
            }));
        }
    }
    if !report.hand.is_empty() {
        let ids: Vec<&str> = report.hand.iter().map(|(id, _)| id.as_str()).collect();
        let _ = writeln_str(
            &mut output,
            &format!(
                "Written answers ({}) are marked by hand, outside this autograder.",
                ids.join(", ")
            ),
        );
    }
    for (id, why) in &report.not_graded {
        // The reason may quote the scorer (hidden tests): for the instructor's log only.
        eprintln!("gradescope: {id} is not graded: {why}");
        let _ = writeln_str(
            &mut output,
            &format!("- {id} could not be graded here; your instructor has the details."),
        );
    }
    for n in &p.notes {
        let _ = writeln_str(&mut output, &format!("- {n}"));
    }
    let score: f64 = p.exercises.iter().map(|e| e.score).sum::<f64>() + 0.0;
    Ok(json!({
        "score": score,
        "output": output.trim_end(),
        "stdout_visibility": "hidden",
        "tests": tests,
    }))
}

/// A check's result in words: `pass`, or what it found and what it expected.
fn row_text(outcome: &RowOutcome, expected: &str) -> String {
    let wanted = if expected.is_empty() {
        String::new()
    } else {
        format!("expected: {expected}\n")
    };
    match outcome {
        RowOutcome::Pass => "pass\n".into(),
        RowOutcome::NotSolved => "not solved yet (the code reaches a todo!())\n".into(),
        RowOutcome::Fail { found, .. } => format!("found:    {found}\n{wanted}"),
        RowOutcome::Panicked(m) => format!("panicked: {m}\n{wanted}"),
        RowOutcome::Error(m) => format!("error: {m}\n{wanted}"),
    }
}

/// The most characters of one test's output kept (a panic message can be any size).
const OUTPUT_CHARS: usize = 4000;

/// `s`, cut to [`OUTPUT_CHARS`] characters with a note where it was cut.
fn capped(s: &str) -> String {
    match s.char_indices().nth(OUTPUT_CHARS) {
        Some((cut, _)) => format!(
            "{}\n... (cut: {} characters in all)",
            &s[..cut],
            s.chars().count()
        ),
        None => s.to_string(),
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}

fn writeln_str(s: &mut String, line: &str) -> std::fmt::Result {
    use std::fmt::Write as _;
    writeln!(s, "{line}")
}
