//! Grading a class: a folder of submissions in, `grades.csv` and feedback out.
//!
//! One folder per participant, holding their notebooks and/or `exercises/src/<id>.rs` files.
//! For each exercise the file counts when it differs from the release stub, otherwise the
//! notebook cell with its `grade_id`; the feedback says which. Each participant's folder is
//! copied by [`copy_submission`] (no links, no special files, bounded sizes), their code built
//! into one program in the sandbox (one exercise at a time where that fails), and run there on
//! the calls the scorer recorded; the scorer plays the answers outside ([`super::Tape`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::data::DataDir;
use crate::error::{Error, Result};
use crate::exercise::Checklist;
use crate::exercise::training::SECRET_ORDER_VAR;
use crate::shell::course::{Catalog, ExerciseInfo, Grading, Notebook, forbidden_row};
use crate::shell::grade::{
    Answered, CopyLimits, Deps, GradedFn, Job, Limits, ManualMarks, Play, Sandbox, ScoredExercise,
    blind_copy, build_program, copy_submission, feedback_html, feedback_md, grades_csv,
    hand_graded_md, marks_template, participant_main, read_answers, scorer_main,
};

/// What `mmsearch grade` is asked to do.
#[derive(Debug, Clone)]
pub struct ClassOptions {
    /// One folder per participant.
    pub submissions: PathBuf,
    /// Where `grades.csv` and `feedback/` go (created).
    pub out: PathBuf,
    /// The course repository: `course/`, `exercises/`, `notebooks/` and this crate's source.
    pub repo: PathBuf,
    /// How participants' code is isolated.
    pub sandbox: Sandbox,
    /// Participants graded at once.
    pub jobs: usize,
    /// Only the exercises of notebooks whose name starts with this (`02`).
    pub notebook: Option<String>,
    /// Hand marks to merge into the totals (`--manual`): a CSV of `student_id` and hand-graded
    /// exercise ids, as the `hand_marks.csv` the grader writes.
    pub manual: Option<PathBuf>,
    /// Keep what an interrupted run of the same batch into the same `out` finished
    /// (`--resume`): participants whose submission and recorded calls are unchanged.
    pub resume: bool,
    /// Show the hidden tests' findings (found, expected) in the feedback too (`--show-hidden`);
    /// by default they show their name and points only.
    pub show_hidden: bool,
}

/// Where a participant's code for one exercise came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Source {
    /// `exercises/src/<id>.rs`, changed from the stub.
    File(PathBuf),
    /// The notebook cell with the exercise's `grade_id`, changed from the release.
    Cell(PathBuf),
    /// Neither was changed: the release stub is graded.
    Unchanged,
    /// It could not be taken (several cells with the `grade_id`, an unreadable notebook).
    Refused(String),
}

impl Source {
    /// Where the code came from, in words for feedback.
    pub fn describe(&self) -> String {
        match self {
            Source::File(p) => format!("the file `{}`", p.display()),
            Source::Cell(p) => format!("its cell in `{}`", p.display()),
            Source::Unchanged => "nothing changed from the release (the stub is graded)".into(),
            Source::Refused(why) => format!("refused: {why}"),
        }
    }
}

/// One participant's grade for one exercise.
#[derive(Debug, Clone)]
pub struct ExerciseGrade {
    /// The exercise id.
    pub id: String,
    /// Where the code came from.
    pub source: Source,
    /// The visible checks (with the forbidden-call scan as their last row), when it ran.
    pub visible: Option<Checklist>,
    /// The hidden checks, when it ran.
    pub hidden: Option<Checklist>,
    /// The compiler's errors in the participant's code, in full.
    pub compile_errors: Vec<String>,
    /// Points earned (0 when the scan found a forbidden call).
    pub score: f64,
    /// Points possible.
    pub max_score: f64,
}

/// One participant's grades.
#[derive(Debug, Clone)]
pub struct ParticipantGrade {
    /// Their folder's name.
    pub student_id: String,
    /// One per graded exercise, in course order.
    pub exercises: Vec<ExerciseGrade>,
    /// Their written answers to the hand-graded exercises, with the marks merged.
    pub hand: Vec<HandGrade>,
    /// What the copier refused, and other notes for their feedback.
    pub notes: Vec<String>,
    /// Seconds spent building their program(s), and running them.
    pub seconds: (f64, f64),
}

/// One participant's written answer to a hand-graded exercise, and its mark.
#[derive(Debug, Clone, PartialEq)]
pub struct HandGrade {
    /// The exercise id.
    pub id: String,
    /// Where the answer came from (`exercises/answers/<id>.md`, or the notebook's answer cell).
    pub source: Source,
    /// The answer (empty when there is none).
    pub answer: String,
    /// The mark given by hand, when merged and given.
    pub mark: Option<f64>,
    /// Points possible (the answer cell's nbgrader `points`).
    pub max_score: f64,
    /// Whether it counts in the totals (marks were merged with `--manual`).
    pub counted: bool,
}

impl ParticipantGrade {
    /// Points earned in all (hand marks included where merged).
    pub fn score(&self) -> f64 {
        let hand: f64 = self
            .hand
            .iter()
            .filter(|h| h.counted)
            .filter_map(|h| h.mark)
            .sum();
        self.exercises.iter().map(|e| e.score).sum::<f64>() + hand
    }

    /// Points possible in all (hand-graded exercises included where merged).
    pub fn max_score(&self) -> f64 {
        let hand: f64 = self
            .hand
            .iter()
            .filter(|h| h.counted)
            .map(|h| h.max_score)
            .sum();
        self.exercises.iter().map(|e| e.max_score).sum::<f64>() + hand
    }
}

/// What grading a class gave.
#[derive(Debug, Clone)]
pub struct ClassReport {
    /// Every participant graded, by `student_id`.
    pub participants: Vec<ParticipantGrade>,
    /// The exercises graded, in course order.
    pub exercises: Vec<String>,
    /// The hand-graded exercises and their points.
    pub hand: Vec<(String, f64)>,
    /// Those counted in the totals (the columns of the `--manual` marks).
    pub hand_counted: Vec<(String, f64)>,
    /// Auto-graded exercises this grader cannot grade yet, and why.
    pub not_graded: Vec<(String, String)>,
    /// Folders that were not graded, and why (a name that is not a plain identifier).
    pub refused: Vec<(String, String)>,
    /// Seconds it took.
    pub seconds: f64,
    /// Of which: building the dependencies and the scorer and recording the calls; scoring.
    pub setup_seconds: f64,
    /// Playing every participant's answers (the scorer, outside the sandbox).
    pub scoring_seconds: f64,
    /// Participants kept from an interrupted run (`--resume`).
    pub resumed: usize,
    /// Participants graded at once (one where the sandbox cannot limit each job's tasks).
    pub jobs: usize,
}

/// A participant whose code has run: what grading them still needs (saved as `done.json`, so
/// that `--resume` can keep it).
#[derive(serde::Serialize, serde::Deserialize)]
struct Pending {
    name: String,
    /// A digest of their submission as copied: a resumed result is kept only if it is the same.
    digest: String,
    /// Per exercise: where the code came from, and the code.
    code: Vec<(Source, String)>,
    /// Per hand-graded exercise: where the answer came from, and the answer.
    answers: Vec<(Source, String)>,
    /// Per exercise index: compile errors.
    errors: BTreeMap<usize, Vec<String>>,
    notes: Vec<String>,
    plays: Vec<Play>,
    seconds: (f64, f64),
    #[serde(skip)]
    resumed: bool,
}

/// The batch's shared parts: dependencies, scorer, recorded calls.
struct Batch<'a> {
    options: &'a ClassOptions,
    deps: Deps,
    scorer: PathBuf,
    work: PathBuf,
    exercises: Vec<(&'a ExerciseInfo, Vec<GradedFn>)>,
    /// The hand-graded exercises, with their points.
    hand: Vec<(&'a ExerciseInfo, f64)>,
    /// The drivers of exercises whose stubs define types, by id (appended to their code).
    drivers: BTreeMap<String, String>,
    /// How many calls the visible and the hidden checks of each exercise make, by id.
    parts: BTreeMap<String, [usize; 2]>,
    /// The sandbox's data folder ([`blind_copy`]), mounted read-only in every run, where the
    /// data is here.
    data: Option<PathBuf>,
    /// What the scorer's environment adds: the secret order, and the sandbox's data folder.
    scorer_env: Vec<(String, String)>,
}

/// Grades every participant folder in `options.submissions`, writes `grades.csv` and
/// `feedback/<student_id>.md` into `options.out` (each written whole, then renamed into
/// place), and returns the report.
pub fn grade_class(options: &ClassOptions) -> Result<ClassReport> {
    let t0 = Instant::now();
    // Jobs run in folders of their own: every path they are given must be absolute.
    let absolute = |p: &Path| std::path::absolute(p).map_err(|e| Error::io(p, e));
    let options = &ClassOptions {
        submissions: absolute(&options.submissions)?,
        out: absolute(&options.out)?,
        repo: absolute(&options.repo)?,
        manual: options.manual.as_deref().map(absolute).transpose()?,
        ..options.clone()
    };
    let catalog = Catalog::load(&options.repo.join("exercises/info.toml"))?;
    let course = options.repo.join("course");
    let mut scored = Vec::new();
    let mut not_graded = Vec::new();
    let mut hand = Vec::new();
    for info in &catalog.exercises {
        if let Some(nb) = &options.notebook
            && !info.notebook.starts_with(nb.as_str())
        {
            continue;
        }
        if info.grading == Grading::Hand {
            hand.push((info, hand_points(&options.repo, info)));
            continue;
        }
        match ScoredExercise::load(&course, info) {
            Ok(s) => scored.push(s),
            Err(e) => not_graded.push((info.id.clone(), e.to_string())),
        }
    }
    if scored.is_empty() {
        return Err(Error::Grade(format!(
            "no exercise to grade (notebook filter {:?})",
            options.notebook
        )));
    }
    let hand_ids: Vec<(String, f64)> = hand.iter().map(|(i, p)| (i.id.clone(), *p)).collect();
    // The marks are read before anything is graded, so a mistyped sheet fails at once.
    let manual = match &options.manual {
        Some(path) => Some(ManualMarks::load(path, &hand_ids)?),
        None => None,
    };
    std::fs::create_dir_all(&options.out).map_err(|e| Error::io(&options.out, e))?;
    let work = options.out.join(".grading");
    if work.exists() && !options.resume {
        std::fs::remove_dir_all(&work).map_err(|e| Error::io(&work, e))?;
    }
    let deps = Deps::build(&options.repo)?;
    let scorer_dir = work.join("scorer");
    std::fs::create_dir_all(scorer_dir.join("src")).map_err(|e| Error::io(&scorer_dir, e))?;
    // Jobs (as another user, `--run-as`) pass through the output and work folders to their
    // own, but may list neither, nor read the scorer, the calls or the secret order.
    set_mode(&options.out, 0o711)?;
    set_mode(&work, 0o711)?;
    set_mode(&scorer_dir, 0o700)?;
    write(
        &scorer_dir.join("src/main.rs"),
        &scorer_main(&course, &scored),
    )?;
    // The scorer is the instructor's code: built and run outside the sandbox.
    let built = build_program(
        &Sandbox::unsandboxed(),
        &deps,
        &scorer_dir,
        "scorer",
        &[(
            "CARGO_MANIFEST_DIR".into(),
            options.repo.display().to_string(),
        )],
        build_limits_for(None),
    )?;
    let scorer = built.program.ok_or_else(|| {
        let errors: Vec<_> = built.errors.iter().map(|d| d.rendered.as_str()).collect();
        Error::Grade(format!(
            "the scorer (course/) does not build:\n{}",
            errors.join("\n")
        ))
    })?;
    // The batch's secret order of the test items served to participants' code (kept for a
    // resumed batch): validation sets are public, so their order must not give answers away.
    let secret_file = work.join("order.secret");
    let secret: u64 = match std::fs::read_to_string(&secret_file)
        .ok()
        .and_then(|s| s.trim().parse().ok())
    {
        Some(s) if options.resume => s,
        _ => {
            let s = rand::random::<u64>();
            write(&secret_file, &s.to_string())?;
            s
        }
    };
    set_mode(&secret_file, 0o600)?;
    // What the participants' programs may train on: the data without the validation labels
    // (where the data is here at all: without it, the exercises that need it are not graded,
    // and their recording says why).
    let data = work.join("data");
    if data.exists() {
        std::fs::remove_dir_all(&data).map_err(|e| Error::io(&data, e))?;
    }
    let source = DataDir::resolve(None, true);
    let data = match source.ensure_mnist().and(source.ensure_fsdd()) {
        Ok(_) => {
            blind_copy(&source, &data, secret)?;
            Some(data)
        }
        Err(_) => None,
    };
    let scorer_env = {
        let mut env = vec![(SECRET_ORDER_VAR.to_string(), secret.to_string())];
        if let Some(d) = &data {
            env.push(("MMS_DRIVER_DATA".to_string(), d.display().to_string()));
        }
        env
    };
    let mut replayable = Vec::new();
    let mut parts = BTreeMap::new();
    for s in &scored {
        let calls = work.join(format!("calls/{}.json", s.info.id));
        std::fs::create_dir_all(work.join("calls")).map_err(|e| Error::io(&work, e))?;
        set_mode(&work.join("calls"), 0o700)?;
        let out = Command::new(&scorer)
            .args(["record", &s.info.id])
            .arg(&calls)
            .envs(scorer_env.iter().map(|(k, v)| (k, v)))
            .output()
            .map_err(|e| Error::io(&scorer, e))?;
        if out.status.success() {
            parts.insert(s.info.id.clone(), split_calls(&calls)?);
            replayable.push(s);
        } else {
            let why = String::from_utf8_lossy(&out.stderr);
            not_graded.push((s.info.id.clone(), first_line(&why).to_string()));
        }
    }
    // What a resumed participant's answers were given: kept only if the calls, the catalog
    // (limits, forbidden names), the course files and this grader are the same.
    let mut batch_digest = Digest::new();
    batch_digest.add(env!("CARGO_PKG_VERSION").as_bytes());
    batch_digest.add(&secret.to_le_bytes());
    // This grader itself (its checks are compiled in): a changed build grades everyone again.
    if let Ok(exe) = std::env::current_exe().and_then(std::fs::read) {
        batch_digest.add(&exe);
    }
    let info_toml = options.repo.join("exercises/info.toml");
    batch_digest.add(&std::fs::read(&info_toml).map_err(|e| Error::io(&info_toml, e))?);
    for s in &replayable {
        batch_digest.add(s.info.id.as_bytes());
        let calls = work.join(format!("calls/{}.json", s.info.id));
        batch_digest.add(&std::fs::read(&calls).map_err(|e| Error::io(&calls, e))?);
        for name in ["stub.rs", "solution.rs", "hidden.rs"] {
            let p = course.join("exercises").join(&s.info.id).join(name);
            batch_digest.add(&std::fs::read(&p).map_err(|e| Error::io(&p, e))?);
        }
        if let Some(driver) = &s.driver {
            batch_digest.add(driver.as_bytes());
        }
    }
    let batch_digest = batch_digest.hex();
    let stamp = work.join("batch.digest");
    let same_batch = std::fs::read_to_string(&stamp).is_ok_and(|d| d == batch_digest);
    let participants_dir = work.join("participants");
    if !same_batch && participants_dir.exists() {
        std::fs::remove_dir_all(&participants_dir).map_err(|e| Error::io(&participants_dir, e))?;
    }
    write(&stamp, &batch_digest)?;
    let setup_seconds = t0.elapsed().as_secs_f64();
    let batch = Batch {
        options,
        deps,
        scorer,
        work: work.clone(),
        exercises: replayable
            .iter()
            .map(|s| (s.info, s.functions.clone()))
            .collect(),
        hand,
        drivers: replayable
            .iter()
            .filter_map(|s| Some((s.info.id.clone(), s.driver.clone()?)))
            .collect(),
        parts,
        data,
        scorer_env,
    };

    let mut folders = Vec::new();
    let mut refused = Vec::new();
    let entries =
        std::fs::read_dir(&options.submissions).map_err(|e| Error::io(&options.submissions, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&options.submissions, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        if !kind.is_dir() {
            if !name.starts_with('.') {
                refused.push((name, "not a folder".into()));
            }
            continue;
        }
        if plain_id(&name) {
            folders.push(name);
        } else {
            refused.push((
                name,
                "a folder name that is not letters, digits, '.', '_' or '-'".into(),
            ));
        }
    }
    folders.sort();
    refused.sort();
    if let Some(m) = &manual {
        let unknown: Vec<&str> = m
            .marks
            .keys()
            .filter(|who| !folders.contains(who))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(Error::Grade(format!(
                "the marks list participants with no submission folder: {}",
                unknown.join(", ")
            )));
        }
    }

    // Without a task limit per job, a fork bomb in one job would starve the jobs beside it: one
    // at a time then (unless there is no sandbox at all: code the instructor trusts).
    let jobs = if options.sandbox.limits_tasks_per_job() || options.sandbox == Sandbox::None {
        options.jobs.max(1)
    } else {
        1
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(name) = folders.get(i) else { break };
                    let graded = batch.participant(name);
                    if let Ok(mut r) = results.lock() {
                        r.push((name.clone(), graded));
                    }
                }
            });
        }
    });
    let mut pending = Vec::new();
    not_graded.sort_by_key(|(id, _)| catalog.exercises.iter().position(|e| &e.id == id));
    for (name, graded) in results.into_inner().unwrap_or_default() {
        match graded {
            Ok(p) => pending.push(p),
            // Still a row (of zeros), so a spreadsheet or LMS import misses no one, and
            // feedback that says why.
            Err(e) => {
                let why = format!("could not be graded: {e}");
                refused.push((name.clone(), format!("{why} (a row of zeros)")));
                pending.push(Pending {
                    name,
                    digest: String::new(),
                    code: batch
                        .exercises
                        .iter()
                        .map(|_| (Source::Refused(why.clone()), String::new()))
                        .collect(),
                    answers: batch
                        .hand
                        .iter()
                        .map(|_| (Source::Refused(why.clone()), String::new()))
                        .collect(),
                    errors: BTreeMap::new(),
                    notes: vec![why],
                    plays: Vec::new(),
                    seconds: (0.0, 0.0),
                    resumed: false,
                });
            }
        }
    }
    pending.sort_by(|a, b| a.name.cmp(&b.name));
    let plays: Vec<Play> = pending.iter().flat_map(|p| p.plays.clone()).collect();
    let t_play = Instant::now();
    let mut scored = batch.play(&plays)?;
    let scoring_seconds = t_play.elapsed().as_secs_f64();
    let resumed = pending.iter().filter(|p| p.resumed).count();
    let mut participants: Vec<ParticipantGrade> = pending
        .into_iter()
        .map(|p| batch.finish(p, &mut scored))
        .collect();
    refused.sort();
    let hand_counted: Vec<(String, f64)> = match &manual {
        Some(m) => hand_ids
            .iter()
            .filter(|(id, _)| m.columns.contains(id))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    if let Some(m) = &manual {
        for p in &mut participants {
            let given = m.marks.get(&p.student_id);
            for h in &mut p.hand {
                h.counted = m.columns.contains(&h.id);
                h.mark = given.and_then(|g| g.get(&h.id)).copied();
            }
        }
    }

    let report = ClassReport {
        participants,
        exercises: batch.exercises.iter().map(|(i, _)| i.id.clone()).collect(),
        hand: hand_ids,
        hand_counted,
        not_graded,
        refused,
        seconds: t0.elapsed().as_secs_f64(),
        setup_seconds,
        scoring_seconds,
        resumed,
        jobs,
    };
    write(&options.out.join("grades.csv"), &grades_csv(&report))?;
    let feedback = options.out.join("feedback");
    std::fs::create_dir_all(&feedback).map_err(|e| Error::io(&feedback, e))?;
    for p in &report.participants {
        let id = &p.student_id;
        let full = options.show_hidden;
        write(&feedback.join(format!("{id}.md")), &feedback_md(p, full))?;
        write(
            &feedback.join(format!("{id}.html")),
            &feedback_html(p, full),
        )?;
    }
    if !report.hand.is_empty() {
        write(
            &options.out.join("hand_graded.md"),
            &hand_graded_md(&report),
        )?;
        write(
            &options.out.join("hand_marks.csv"),
            &marks_template(&report),
        )?;
    }
    // The outputs are written: a work folder that will not go (a participant's program made
    // a folder of its own unreadable) is only worth a warning.
    if let Err(e) = std::fs::remove_dir_all(&work) {
        eprintln!(
            "warning: could not remove the work folder {}: {e}",
            work.display()
        );
    }
    Ok(report)
}

impl ClassReport {
    /// Where the time went: the shared setup, each participant's build and runs (mean and
    /// largest), and scoring.
    pub fn timings(&self) -> String {
        let n = self.participants.len().max(1) as f64;
        let mean =
            |f: fn(&ParticipantGrade) -> f64| self.participants.iter().map(f).sum::<f64>() / n;
        let most =
            |f: fn(&ParticipantGrade) -> f64| self.participants.iter().map(f).fold(0.0, f64::max);
        format!(
            "setup (dependencies, scorer, recording the calls) {:.1} s; per participant: build \
             {:.1} s (at most {:.1}), runs {:.1} s (at most {:.1}); scoring all {:.1} s",
            self.setup_seconds,
            mean(|p| p.seconds.0),
            most(|p| p.seconds.0),
            mean(|p| p.seconds.1),
            most(|p| p.seconds.1),
            self.scoring_seconds
        )
    }

    /// The line the grader ends with: `graded N participants, M exercises, in T s`.
    pub fn summary(&self) -> String {
        format!(
            "graded {} participants, {} exercises, in {:.0} s",
            self.participants.len(),
            self.exercises.len(),
            self.seconds
        )
    }
}

/// The limits of a build of `exercises` together: the sum of their `build_limit_s` in CPU
/// seconds (the scorer's build, `None`, has 300), a wall clock three times that.
fn build_limits_for(exercises: Option<&[&ExerciseInfo]>) -> Limits {
    let cpu = match exercises {
        Some(list) => list
            .iter()
            .map(|e| e.build_limit_s)
            .sum::<f64>()
            .ceil()
            .max(10.0) as u64,
        None => 300,
    };
    Limits {
        cpu_seconds: cpu,
        wall_seconds: 3 * cpu,
        ..build_limits()
    }
}

/// The line before the grader's driver in a participant's module (an error past it means their
/// types do not fit how the driver uses them: the stub's signatures).
const DRIVER_MARK: &str =
    "// ---- the grader's driver (course/exercises/<id>/driver.rs): not part of your code ----";

/// The largest answers file read back from a run.
const ANSWERS_BYTES: u64 = 64 << 20;

fn build_limits() -> Limits {
    // rustc reserves more address space than it uses: no RLIMIT_AS (its cgroup, where there is
    // one, limits what it really uses).
    Limits {
        cap_address_space: false,
        cpu_seconds: 300,
        wall_seconds: 900,
        ..Limits::default()
    }
}

/// Letters, digits, `.`, `_`, `-`, not starting with `.`: safe as a file name and a CSV cell.
fn plain_id(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The text of the answers file a program left (untrusted: nothing of the job runs any more):
/// opened without following a link or blocking on a FIFO, and taken only if it is a plain file
/// of at most [`ANSWERS_BYTES`]; a missing file is no answers; otherwise why not.
fn take_answers(path: &Path) -> std::result::Result<String, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let refused = |what: &str| {
        format!(
            "the program left its answers as {what}, not a plain file of at most {} MiB, so \
             they were not read",
            ANSWERS_BYTES >> 20
        )
    };
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(String::new()),
        Err(e) => return Err(refused(&format!("something unreadable ({e})"))),
    };
    match file.metadata() {
        Ok(m) if m.is_file() && m.len() <= ANSWERS_BYTES => {}
        Ok(m) if m.is_file() => return Err(refused("a file too large")),
        Ok(_) => return Err(refused("a folder, a link or a special file")),
        Err(e) => return Err(refused(&format!("something unreadable ({e})"))),
    }
    let mut bytes = Vec::new();
    file.take(ANSWERS_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| refused(&format!("something unreadable ({e})")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Splits the recorded calls `<id>.json` into `<id>.visible.json` and `<id>.hidden.json` (the
/// visible checks' calls first, as many as `<id>.json.visible` says): each part runs in a
/// process of its own. Returns how many calls each part holds.
fn split_calls(calls: &Path) -> Result<[usize; 2]> {
    let text = std::fs::read_to_string(calls).map_err(|e| Error::io(calls, e))?;
    let all: Vec<serde_json::Value> = serde_json::from_str(&text)
        .map_err(|e| Error::Grade(format!("{}: not a list of calls: {e}", calls.display())))?;
    let count = calls.with_extension("json.visible");
    let visible: usize = std::fs::read_to_string(&count)
        .map_err(|e| Error::io(&count, e))?
        .trim()
        .parse()
        .map_err(|e| Error::Grade(format!("{}: {e}", count.display())))?;
    let (v, h) = all.split_at(visible.min(all.len()));
    for (part, list) in [("visible", v), ("hidden", h)] {
        let json = serde_json::to_string(list)
            .map_err(|e| Error::Grade(format!("cannot write the calls: {e}")))?;
        write(&calls.with_extension(format!("{part}.json")), &json)?;
    }
    Ok([v.len(), h.len()])
}

/// Points of a hand-graded exercise: its answer cell's nbgrader `points` in the released
/// notebook (0 where it has none).
fn hand_points(repo: &Path, info: &ExerciseInfo) -> f64 {
    let path = repo.join(format!("notebooks/{}.ipynb", info.notebook));
    Notebook::load(&path)
        .ok()
        .and_then(|nb| {
            let (i, _) = nb.cell_by_grade_id(&info.grade_id)?;
            nb.cells()[i]["metadata"]["nbgrader"]["points"].as_f64()
        })
        .unwrap_or(0.0)
}

/// FNV-1a, 64 bits: tells a changed submission or batch from the one a saved result came from
/// (not a defence: the folders are the instructor's own).
struct Digest(u64);

impl Digest {
    fn new() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, bytes: &[u8]) {
        for &b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Sets the permission bits of `path` to `mode`.
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io(path, e))
}

/// Writes `text` to `path` whole: into a temporary file beside it, then renamed.
fn write(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

impl Batch<'_> {
    /// Copies, builds and runs one participant's code in the sandbox: what the scorer then plays.
    fn participant(&self, name: &str) -> Result<Pending> {
        let root = self.work.join("participants").join(name);
        let copy = root.join("submission");
        let done = root.join("done.json");
        // What an interrupted run left of this participant: kept if their submission is the
        // same (the batch's calls were checked before), else graded again from nothing.
        let saved: Option<Pending> = std::fs::read_to_string(&done)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        // A participant graded again starts from an empty folder: nothing a killed run's
        // program left in its run folders (a link where the grader writes) is reused. A saved
        // result keeps its folder (its answers) until the copy is compared.
        let clear = |dir: &Path| -> Result<()> {
            match std::fs::remove_dir_all(dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(dir, e)),
                _ => Ok(()),
            }
        };
        clear(if saved.is_some() { &copy } else { &root })?;
        std::fs::create_dir_all(&root).map_err(|e| Error::io(&root, e))?;
        for dir in [root.parent().unwrap_or(&root), &root] {
            set_mode(dir, 0o711)?;
        }
        let mut report = copy_submission(
            &self.options.submissions.join(name),
            &copy,
            &CopyLimits::default(),
        )?;
        let mut digest = Digest::new();
        for p in &report.copied {
            digest.add(p.as_os_str().as_encoded_bytes());
            digest.add(&std::fs::read(copy.join(p)).map_err(|e| Error::io(copy.join(p), e))?);
        }
        for (p, why) in &report.refused {
            digest.add(format!("{}: {why:?}", p.display()).as_bytes());
        }
        let digest = digest.hex();
        match saved {
            Some(mut saved) if saved.digest == digest && saved.name == name => {
                saved.resumed = true;
                return Ok(saved);
            }
            Some(_) => {
                // Changed since: grade from an empty folder.
                clear(&root)?;
                std::fs::create_dir_all(&root).map_err(|e| Error::io(&root, e))?;
                report = copy_submission(
                    &self.options.submissions.join(name),
                    &copy,
                    &CopyLimits::default(),
                )?;
            }
            None => {}
        }
        let mut notes: Vec<String> = report
            .refused
            .iter()
            .map(|(p, why)| format!("not copied: `{}` ({why:?})", p.display()))
            .collect();
        for p in &report.copied {
            if p.starts_with("exercises/tests") || p.file_name().is_some_and(|n| n == "build.rs") {
                notes.push(format!(
                    "ignored: `{}` (the instructor's tests are used, and no build script runs)",
                    p.display()
                ));
            }
        }
        let notebooks: Vec<PathBuf> = report
            .copied
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
            // Jupyter's `.ipynb_checkpoints/` (and any hidden folder) holds old copies.
            .filter(|p| {
                !p.components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            })
            .cloned()
            .collect();
        let mut loaded = BTreeMap::new();
        for p in &notebooks {
            match Notebook::load(&copy.join(p)) {
                Ok(nb) => {
                    loaded.insert(p.clone(), nb);
                }
                Err(e) => notes.push(format!("notebook `{}` not read: {e}", p.display())),
            }
        }
        // Each exercise's code, and where it came from; each written answer.
        let mut code = Vec::new();
        for (info, _) in &self.exercises {
            code.push(self.lift(info, &copy, &report.copied, &loaded)?);
        }
        let mut answers = Vec::new();
        for (info, _) in &self.hand {
            let (source, text) = self.lift(info, &copy, &report.copied, &loaded)?;
            let text = match source {
                Source::Unchanged | Source::Refused(_) => String::new(),
                // A filled-in answers file: what follows its "write below" line.
                Source::File(_) => match text.split_once("-->") {
                    Some((_, answer)) => answer.trim().to_string(),
                    None => text.trim().to_string(),
                },
                Source::Cell(_) => text.trim().to_string(),
            };
            answers.push((source, text));
        }
        let src = root.join("build/src");
        std::fs::create_dir_all(&src).map_err(|e| Error::io(&src, e))?;
        for ((info, _), (_, text)) in self.exercises.iter().zip(&code) {
            let mut file = text.clone();
            if let Some(driver) = self.drivers.get(&info.id) {
                // The grader's driver, after a marker line the error mapping looks for.
                file.push_str(&format!("\n\n{DRIVER_MARK}\n{driver}"));
            }
            write(&src.join(format!("{}.rs", info.id)), &file)?;
        }
        // Build all together; where that fails, again without the exercises the errors point
        // at (their files, or their calls in main.rs), and one at a time if that cannot tell.
        let t_build = Instant::now();
        let mut todo: Vec<usize> = (0..self.exercises.len()).collect();
        let mut program = BTreeMap::new();
        let mut errors: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let mut round = 0;
        while !todo.is_empty() {
            round += 1;
            match self.build(&root, &todo, &format!("round{round}"))? {
                Ok(p) => {
                    for &i in &todo {
                        program.insert(i, p.clone());
                    }
                    break;
                }
                Err(found) => {
                    let blamed: Vec<usize> = todo
                        .iter()
                        .copied()
                        .filter(|i| found.iter().any(|(b, _)| *b == Some(*i)))
                        .collect();
                    if blamed.is_empty() {
                        for &i in &todo {
                            match self.build(&root, &[i], &self.exercises[i].0.id)? {
                                Ok(p) => {
                                    program.insert(i, p);
                                }
                                Err(e) => {
                                    errors.insert(i, e.into_iter().map(|(_, m)| m).collect());
                                }
                            }
                        }
                        break;
                    }
                    for (b, message) in found {
                        if let Some(i) = b {
                            errors.entry(i).or_default().push(message);
                        }
                    }
                    todo.retain(|i| !blamed.contains(i));
                }
            }
        }
        let build_seconds = t_build.elapsed().as_secs_f64();
        let t_run = Instant::now();
        // Run each exercise's calls in the sandbox; the scorer plays them once all have run.
        // The visible checks' calls and the hidden checks' calls run in separate processes, and
        // every exercise's visible part before any hidden part: nothing a hidden run could
        // leave behind (where a job as another user can write) reaches a visible row's
        // message. The answers are taken out of the sandbox's folder into the grader's own.
        struct Ran {
            answered: Vec<Answered>,
            // The part (0 visible, 1 hidden) that stopped, and why.
            stopped: Option<(usize, String)>,
            missing: String,
        }
        let mut ran: BTreeMap<usize, Ran> = BTreeMap::new();
        for (p, part) in ["visible", "hidden"].into_iter().enumerate() {
            for (i, (info, _)) in self.exercises.iter().enumerate() {
                let Some(prog) = program.get(&i) else {
                    continue;
                };
                let state = ran.entry(i).or_insert_with(|| Ran {
                    answered: Vec::new(),
                    stopped: None,
                    missing: "the program ended before answering".to_string(),
                });
                let counts = self.parts.get(&info.id).copied().unwrap_or_default();
                let (count, offset) = (counts[p], if p == 0 { 0 } else { counts[0] });
                if count == 0 || state.stopped.is_some() {
                    continue;
                }
                let calls = self.work.join(format!("calls/{}.{part}.json", info.id));
                let (taken, why, ended) = self.run_part(prog, &root, info, part, &calls)?;
                if taken.len() < count {
                    state.missing = ended;
                }
                state
                    .answered
                    .extend(taken.into_iter().filter(|a| a.index < count).map(|mut a| {
                        a.index += offset;
                        a
                    }));
                state.stopped = why.map(|w| (p, w));
            }
        }
        let mut plays = Vec::new();
        for (i, state) in ran {
            let info = self.exercises[i].0;
            let answers = root.join(format!("answers-{}.jsonl", info.id));
            // A run stopped at a limit, or one that left a process behind, earns nothing,
            // whatever it answered first (a program that answers, then sleeps for ever). The
            // hidden part runs in its own process after the visible one: when only it stops,
            // the visible answers stand, and only the hidden rows carry the reason (a hidden
            // run must not change what a visible row says).
            let visible = self.parts.get(&info.id).copied().unwrap_or_default()[0];
            let (text, missing) = match state.stopped {
                Some((0, why)) => (String::new(), why),
                stopped => {
                    let keep = |a: &&Answered| stopped.is_none() || a.index < visible;
                    let mut text = String::new();
                    for a in state.answered.iter().filter(keep) {
                        let line = serde_json::to_string(a)
                            .map_err(|e| Error::Grade(format!("an answer: {e}")))?;
                        text.push_str(&line);
                        text.push('\n');
                    }
                    (text, stopped.map_or(state.missing, |(_, why)| why))
                }
            };
            write(&answers, &text)?;
            plays.push(Play {
                key: format!("{name}/{}", info.id),
                exercise: info.id.clone(),
                calls: self.work.join(format!("calls/{}.json", info.id)),
                answers,
                missing,
            });
        }
        let pending = Pending {
            name: name.to_string(),
            digest,
            code,
            answers,
            errors,
            notes,
            plays,
            seconds: (build_seconds, t_run.elapsed().as_secs_f64()),
            resumed: false,
        };
        let json = serde_json::to_string(&pending)
            .map_err(|e| Error::Grade(format!("cannot save {name}'s result: {e}")))?;
        write(&done, &json)?;
        Ok(pending)
    }

    /// Runs `prog` in the sandbox on one part (`visible` or `hidden`) of an exercise's calls,
    /// in a fresh folder; its answers, why they earn nothing when they do (a limit reached, a
    /// process left running, answers that are not a plain file), and how the program ended.
    fn run_part(
        &self,
        prog: &Path,
        root: &Path,
        info: &ExerciseInfo,
        part: &str,
        calls: &Path,
    ) -> Result<(Vec<Answered>, Option<String>, String)> {
        let run = root.join(format!("run-{}-{part}", info.id));
        std::fs::create_dir(&run).map_err(|e| Error::io(&run, e))?;
        let given = run.join("calls.json");
        std::fs::copy(calls, &given).map_err(|e| Error::io(&given, e))?;
        let seconds = info.time_limit_s.ceil().max(1.0) as u64;
        let job = Job {
            program: prog.to_path_buf(),
            args: vec![
                info.id.clone().into(),
                given.into(),
                run.join("answers.jsonl").into(),
            ],
            work: run.clone(),
            read_only: std::iter::once(prog.parent().unwrap_or(root).to_path_buf())
                .chain(self.data.clone())
                .collect(),
            env: std::iter::once(("RAYON_NUM_THREADS".into(), "1".into()))
                .chain(self.data.iter().flat_map(|d| {
                    [
                        ("MMS_DATA".into(), d.display().to_string()),
                        ("MMS_OFFLINE".into(), "1".into()),
                    ]
                }))
                .collect(),
            limits: Limits {
                cpu_seconds: seconds,
                wall_seconds: 3 * seconds,
                ..Limits::default()
            },
        };
        let ran = self.options.sandbox.run(&job)?;
        let ended = format!("the program {} before answering", ran.ending(&job.limits));
        if !ran.stayed_within_limits() {
            let _ = std::fs::remove_dir_all(&run);
            let why = format!(
                "the program {}; a run stopped at a limit, or one that leaves a process running, \
                 earns nothing",
                ran.ending(&job.limits)
            );
            return Ok((Vec::new(), Some(why), ended));
        }
        let taken = take_answers(&run.join("answers.jsonl"));
        // The run's folder goes (it holds the calls it was given): no later job reads it
        // (where it will not go, something the program made unreadable, the sandbox keeps
        // other jobs out of it anyway; a job as another user left it root's).
        let _ = std::fs::remove_dir_all(&run);
        match taken {
            Ok(text) => {
                let path = root.join(format!("answers-{}-{part}.jsonl", info.id));
                write(&path, &text)?;
                let (answered, _) = read_answers(&path, ANSWERS_BYTES)?;
                Ok((answered, None, ended))
            }
            Err(why) => Ok((Vec::new(), Some(why), ended)),
        }
    }

    /// A participant's grades, from what the scorer made of their answers.
    fn finish(
        &self,
        pending: Pending,
        scored: &mut BTreeMap<String, (Checklist, Checklist)>,
    ) -> ParticipantGrade {
        let Pending {
            name,
            code,
            answers,
            mut errors,
            notes,
            seconds,
            ..
        } = pending;
        let hand = self
            .hand
            .iter()
            .zip(answers)
            .map(|((info, max), (source, answer))| HandGrade {
                id: info.id.clone(),
                source,
                answer,
                mark: None,
                max_score: *max,
                counted: false,
            })
            .collect();
        let mut exercises = Vec::new();
        for (i, ((info, _), (source, text))) in self.exercises.iter().zip(code).enumerate() {
            let max_score = info.visible_points() + info.hidden_points;
            let mut grade = ExerciseGrade {
                id: info.id.clone(),
                source,
                visible: None,
                hidden: None,
                compile_errors: errors.remove(&i).unwrap_or_default(),
                score: 0.0,
                max_score,
            };
            if let Some((mut visible, hidden)) = scored.remove(&format!("{name}/{}", info.id)) {
                let scan = forbidden_row(&text, &info.forbidden);
                let clean = scan.outcome.passed();
                visible.push(scan);
                grade.score = if clean {
                    visible.score() + hidden.score()
                } else {
                    0.0
                };
                grade.visible = Some(visible);
                grade.hidden = Some(hidden);
            }
            exercises.push(grade);
        }
        ParticipantGrade {
            student_id: name,
            exercises,
            hand,
            notes,
            seconds,
        }
    }

    /// Plays every participant's answers in one scorer run.
    fn play(&self, plays: &[Play]) -> Result<BTreeMap<String, (Checklist, Checklist)>> {
        if plays.is_empty() {
            return Ok(BTreeMap::new());
        }
        let list = self.work.join("plays.json");
        let out = self.work.join("scored.json");
        let json = serde_json::to_string(plays)
            .map_err(|e| Error::Grade(format!("cannot write the plays: {e}")))?;
        write(&list, &json)?;
        let ran = Command::new(&self.scorer)
            .arg("play")
            .arg(&list)
            .arg(&out)
            .envs(self.scorer_env.iter().map(|(k, v)| (k, v)))
            .output()
            .map_err(|e| Error::io(&self.scorer, e))?;
        if !ran.status.success() {
            return Err(Error::Grade(format!(
                "the scorer failed: {}",
                String::from_utf8_lossy(&ran.stderr)
            )));
        }
        let text = std::fs::read_to_string(&out).map_err(|e| Error::io(&out, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Grade(format!("the scorer's output: {e}")))
    }

    /// One exercise's code for a participant: their file if it differs from the release stub,
    /// else their notebook cell if it differs from the release's, else the stub.
    fn lift(
        &self,
        info: &ExerciseInfo,
        copy: &Path,
        copied: &[PathBuf],
        notebooks: &BTreeMap<PathBuf, Notebook>,
    ) -> Result<(Source, String)> {
        let file = Path::new("exercises").join(info.file());
        let stub_path = self.options.repo.join(&file);
        let stub = std::fs::read_to_string(&stub_path).map_err(|e| Error::io(&stub_path, e))?;
        if copied.contains(&file) {
            let text = std::fs::read_to_string(copy.join(&file)).unwrap_or_else(|_| String::new());
            if squash(&text) != squash(&stub) {
                return Ok((Source::File(file), text));
            }
        }
        let release = self
            .options
            .repo
            .join("notebooks")
            .join(format!("{}.ipynb", info.notebook));
        let release_cell = Notebook::load(&release)
            .ok()
            .and_then(|nb| {
                nb.cell_by_grade_id(&info.grade_id)
                    .map(|(i, _)| nb.source(i))
            })
            .unwrap_or_default();
        let mut cells = Vec::new();
        for (path, nb) in notebooks {
            for (i, c) in nb.cells().iter().enumerate() {
                if c["metadata"]["nbgrader"]["grade_id"] == info.grade_id.as_str() {
                    cells.push((path.clone(), nb.source(i)));
                }
            }
        }
        let header = match info.grading {
            Grading::Auto => "#[allow(unused_imports)]\nuse multimodal_search::prelude::*;\n\n",
            Grading::Hand => "",
        };
        match cells.len() {
            0 => Ok((Source::Unchanged, stub)),
            1 => {
                let (path, cell) = cells.remove(0);
                if squash(&cell) == squash(&release_cell) {
                    Ok((Source::Unchanged, stub))
                } else {
                    Ok((Source::Cell(path), format!("{header}{cell}")))
                }
            }
            n => Ok((
                Source::Refused(format!(
                    "{n} notebook cells have the grade_id `{}`",
                    info.grade_id
                )),
                stub,
            )),
        }
    }

    /// Builds the program of exercises `which` in `root/build-<tag>`; its path, or the errors,
    /// each with the exercise it points at (the participant's in full; an error in the
    /// generated call of a function means its signature differs from the stub's).
    #[allow(clippy::type_complexity)]
    fn build(
        &self,
        root: &Path,
        which: &[usize],
        tag: &str,
    ) -> Result<std::result::Result<PathBuf, Vec<(Option<usize>, String)>>> {
        let dir = root.join(format!("build-{tag}"));
        let src = dir.join("src");
        std::fs::create_dir_all(&src).map_err(|e| Error::io(&src, e))?;
        let mut fns = Vec::new();
        for &i in which {
            let (info, f) = &self.exercises[i];
            let from = root.join(format!("build/src/{}.rs", info.id));
            std::fs::copy(&from, src.join(format!("{}.rs", info.id)))
                .map_err(|e| Error::io(&from, e))?;
            fns.push((info.id.clone(), f.clone()));
        }
        let main = participant_main(&fns);
        write(&src.join("main.rs"), &main)?;
        // The exercise whose call is on each line of main.rs.
        let arm_of = |line: usize| -> Option<usize> {
            let text = main.lines().nth(line.checked_sub(1)?)?.trim_start();
            which
                .iter()
                .copied()
                .find(|&i| text.starts_with(&format!("({:?}, ", self.exercises[i].0.id)))
        };
        let file_of = |file: &str| -> Option<usize> {
            which
                .iter()
                .copied()
                .find(|&i| file == format!("{}.rs", self.exercises[i].0.id))
        };
        let infos: Vec<&ExerciseInfo> = which.iter().map(|&i| self.exercises[i].0).collect();
        let limits = build_limits_for(Some(&infos));
        let built = build_program(
            &self.options.sandbox,
            &self.deps,
            &dir,
            "participant",
            &[],
            limits,
        )?;
        if let Some(p) = built.program {
            return Ok(Ok(p));
        }
        let mut errors: Vec<(Option<usize>, String)> = built
            .errors
            .iter()
            .map(|d| match d.file.as_deref() {
                Some("main.rs") => (
                    d.line.and_then(arm_of),
                    format!(
                        "a function's signature differs from the stub's (the grader's call \
                         does not compile):\n{}",
                        first_line(&d.rendered)
                    ),
                ),
                Some(f) => {
                    let which = file_of(f);
                    // An error in the grader's driver: their types do not fit the stub's.
                    let in_driver = which.zip(d.line).is_some_and(|(i, line)| {
                        let file = src.join(format!("{}.rs", self.exercises[i].0.id));
                        std::fs::read_to_string(file).is_ok_and(|t| {
                            t.lines()
                                .position(|l| l == DRIVER_MARK)
                                .is_some_and(|mark| line > mark)
                        })
                    });
                    if in_driver {
                        (
                            which,
                            format!(
                                "your types' signatures differ from the stub's (the grader's \
                                 driver does not compile with them):\n{}",
                                first_line(&d.rendered)
                            ),
                        )
                    } else {
                        (which, d.rendered.clone())
                    }
                }
                None => (None, d.rendered.clone()),
            })
            .collect();
        if errors.is_empty() {
            errors.push((
                None,
                format!(
                    "the build {}:\n{}",
                    built.outcome.ending(&limits),
                    String::from_utf8_lossy(&built.outcome.stderr)
                        .chars()
                        .take(2000)
                        .collect::<String>()
                ),
            ));
        }
        Ok(Err(errors))
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
