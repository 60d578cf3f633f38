//! `mmsearch`: the tutorial's main job from the command line.
//!
//! `mmsearch` (or `mmsearch tutorial`) trains the three models, scores cross-modal search and
//! writes a run folder; `train` trains one model with any config; `eval` scores checkpoints (the
//! committed ones by default); `summary` describes the data; `download` fetches it; `doctor`
//! checks the notebook setup.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use multimodal_search::Result;
use multimodal_search::candle_core::Device;
use multimodal_search::data::own_collection::UNLABELED;
use multimodal_search::data::{
    DataDir, LabeledSet, MnistSplit, OwnCollection, Spectrogrammer, TutorialData,
};
use multimodal_search::loss::LossChoice;
use multimodal_search::model::{MlpProjectionConfig, ModelKind};
use multimodal_search::search::RetrievalReport;
use multimodal_search::shell::own_search::{
    SearchOptions, own_index, own_queries_checkpoint, own_search,
};
use multimodal_search::shell::tutorial::{TutorialOptions, run_tutorial};
use multimodal_search::train::{
    OptimizerChoice, ProgressMode, TrainConfig, TrainTransforms, TrainedModel, Trainer,
    load_pretrained, pretrained_dir,
};
use multimodal_search::viz::EmbeddingPlots;

/// Multimodal search over handwritten and spoken digits.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Data folder holding mnist/ and fsdd/recordings/ (default: $MMS_DATA, ./data, the
    /// checkout's data/, or the user cache).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Never download; a missing file is an error (also MMS_OFFLINE=1).
    #[arg(long, global = true)]
    offline: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

/// A count given on the command line: a whole number of at least 1. Negative numbers reach this
/// parser (the arguments allow them) so that `--epochs -1` is answered as a bad value, not as
/// an unknown flag.
fn at_least_one(s: &str) -> std::result::Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if n >= 1 => usize::try_from(n).map_err(|_| format!("{s} is too large")),
        Ok(_) => Err(format!("must be at least 1, found {s}")),
        Err(_) => Err(format!("must be a whole number of at least 1, found {s:?}")),
    }
}

/// Progress display: a bar in a terminal and lines otherwise (auto), or as named.
#[derive(Args, Debug, Clone, Default)]
struct ProgressArg {
    /// Progress: a bar in a terminal and lines otherwise (auto), or as named.
    #[arg(long, value_enum, default_value = "auto")]
    progress: ProgressMode,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The whole tutorial: train the three models, score search, write `runs/<timestamp>/` (the default).
    Tutorial(TutorialArgs),
    /// Train one model with any config and save its checkpoint.
    Train(TrainArgs),
    /// Score cross-modal search with checkpoints (default: the committed pretrained models).
    Eval(EvalArgs),
    /// Search with your own recording (finds handwritten digits) or drawing (finds spoken ones).
    Search(SearchArgs),
    /// Index a folder of your own recordings and drawings, for `search --index`.
    Index(IndexArgs),
    /// Print the datasets' sizes and label counts, and spectrogram statistics.
    Summary,
    /// Fetch MNIST and FSDD into the data folder if they are missing.
    Download,
    /// Check the notebook setup (toolchain, evcxr kernel, data, checkpoints) and say what to fix.
    Doctor,
    /// The take-home exercises: each with its state in its notebook and in `exercises/`.
    Exercises(ExercisesArgs),
    /// Instructors: grade a folder of submissions (one folder per participant), sandboxed.
    #[cfg(all(feature = "grade", target_os = "linux"))]
    Grade(GradeArgs),
}

#[cfg(all(feature = "grade", target_os = "linux"))]
#[derive(Args, Debug)]
struct GradeArgs {
    /// One folder per participant, holding their notebooks and/or `exercises/src/<id>.rs`.
    #[arg(required_unless_present_any = ["gradescope", "gradescope_bundle"])]
    submissions: Option<PathBuf>,
    /// Where `grades.csv` and `feedback/` are written.
    #[arg(long, required_unless_present_any = ["gradescope", "gradescope_bundle"])]
    out: Option<PathBuf>,
    /// Write a Gradescope autograder zip (setup.sh, run_autograder, this course) and stop;
    /// with --notebook, it grades only that notebook's exercises.
    #[arg(long, value_name = "ZIP", conflicts_with_all = ["submissions", "gradescope"])]
    gradescope_bundle: Option<PathBuf>,
    /// Inside Gradescope's container (what run_autograder calls): grade ROOT/submission into
    /// ROOT/results/results.json.
    #[arg(
        long,
        value_name = "ROOT",
        conflicts_with = "submissions",
        requires = "run_as"
    )]
    gradescope: Option<PathBuf>,
    /// With --gradescope: run the participant's code as this unprivileged user (the grader
    /// must be root), where bubblewrap cannot start.
    #[arg(long, value_name = "USER", requires = "gradescope")]
    run_as: Option<String>,
    /// Only the exercises of this notebook (`02`, or a longer prefix of its name).
    #[arg(long)]
    notebook: Option<String>,
    /// Participants graded at once (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run submissions without a sandbox: only for code you trust.
    #[arg(long)]
    no_sandbox: bool,
    /// Merge hand marks into the totals: a CSV of `student_id` and hand-graded exercise ids,
    /// such as the `hand_marks.csv` a run writes into --out (filled in).
    #[arg(long, value_name = "MARKS_CSV")]
    manual: Option<PathBuf>,
    /// Keep what an interrupted run into the same --out finished (participants whose
    /// submission is unchanged), and grade the rest.
    #[arg(long)]
    resume: bool,
    /// Show what the hidden tests found and expected in the feedback (by default: their names
    /// and points only, so the hidden inputs stay private).
    #[arg(long)]
    show_hidden: bool,
}

#[derive(Args, Debug)]
struct ExercisesArgs {
    #[command(subcommand)]
    action: Option<ExercisesAction>,
    /// Only list, without running the visible tests of the files you changed.
    #[arg(long)]
    no_run: bool,
}

#[derive(Subcommand, Debug)]
enum ExercisesAction {
    /// Print an exercise's task and hint.
    Hint {
        /// The exercise id (as `mmsearch exercises` lists it).
        id: String,
    },
    /// Instructors: generate the participants' notebooks and `exercises/` from `course/`.
    Release {
        /// Write nothing; fail if the committed release differs from what `course/` gives.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Args, Debug, Default)]
#[command(allow_negative_numbers = true)]
struct TutorialArgs {
    /// A small smoke run (bounded steps, cross-modal metrics only).
    #[arg(long)]
    quick: bool,
    /// Seeds, comma-separated; one full tutorial each.
    #[arg(long, value_delimiter = ',', default_value = "42")]
    seeds: Vec<u64>,
    /// Parent folder of the run folders.
    #[arg(long, default_value = "runs")]
    runs: PathBuf,
    /// Epochs for all three models (default: the tutorial's 2).
    #[arg(long, value_parser = at_least_one)]
    epochs: Option<usize>,
    /// Also save the first seed's three checkpoints here (how checkpoints/ is made).
    #[arg(long)]
    save_pretrained: Option<PathBuf>,
    #[command(flatten)]
    progress: ProgressArg,
}

#[derive(Args, Debug)]
#[command(allow_negative_numbers = true)]
struct TrainArgs {
    /// Which of the tutorial's three models.
    #[arg(long, value_enum, default_value = "multimodal")]
    model: ModelKind,
    /// Checkpoint folder to write.
    #[arg(long)]
    out: PathBuf,
    /// Embedding width.
    #[arg(long, value_parser = at_least_one)]
    embedding_size: Option<usize>,
    /// Learning rate.
    #[arg(long)]
    learning_rate: Option<f64>,
    /// Epochs.
    #[arg(long, value_parser = at_least_one)]
    epochs: Option<usize>,
    /// Pairs per batch.
    #[arg(long, value_parser = at_least_one)]
    batch_size: Option<usize>,
    /// Seed.
    #[arg(long)]
    seed: Option<u64>,
    /// The loss (default: the tutorial's for the model).
    #[arg(long, value_enum)]
    loss: Option<LossChoice>,
    /// Triplet margin.
    #[arg(long)]
    margin: Option<f32>,
    /// The optimizer, with PyTorch's default settings.
    #[arg(long, value_enum)]
    optimizer: Option<OptimizerChoice>,
    /// Augment training batches (rotations/shifts, time/frequency masking).
    #[arg(long)]
    augment: bool,
    /// Also train on a folder of own recordings and drawings named `{digit}_...` (prepared as
    /// own queries are): how checkpoints/own_queries is made.
    #[arg(long)]
    extra: Option<PathBuf>,
    /// Stop after this many steps.
    #[arg(long, value_parser = at_least_one)]
    max_steps: Option<usize>,
    /// Skip the validation loss.
    #[arg(long)]
    no_validate: bool,
    /// Add MLP projection heads after the multimodal model's encoders: hidden width.
    #[arg(long, value_parser = at_least_one)]
    projection_hidden: Option<usize>,
    /// Add MLP projection heads after the multimodal model's encoders: shared-space width.
    #[arg(long, value_parser = at_least_one)]
    projection_output: Option<usize>,
    #[command(flatten)]
    progress: ProgressArg,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("query").required(true).args(["audio", "image"])))]
struct SearchArgs {
    /// A recording of a spoken digit: WAV (any rate, depth, channels), FLAC, Ogg Vorbis, MP3,
    /// AAC/M4A. Finds handwritten digits.
    #[arg(long)]
    audio: Option<PathBuf>,
    /// A picture of one digit: PNG or JPEG, drawn or photographed. Finds spoken digits.
    #[arg(long)]
    image: Option<PathBuf>,
    /// How many results.
    #[arg(long, default_value_t = 5, value_parser = at_least_one)]
    k: usize,
    /// The multimodal checkpoint folder (default: checkpoints/own_queries).
    #[arg(long)]
    checkpoints: Option<PathBuf>,
    /// Search an index made by `mmsearch index` instead of the validation sets.
    #[arg(long)]
    index: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Write the prepared query and the hits here (hits.png for a recording, hits.html with
    /// players for a picture).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct IndexArgs {
    /// The folder of recordings and pictures (searched recursively; a leading digit in a file
    /// name is its label).
    dir: PathBuf,
    /// Where to write the index (default: DIR/.mmsearch-index).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The multimodal checkpoint folder (default: checkpoints/own_queries).
    #[arg(long)]
    checkpoints: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
#[command(allow_negative_numbers = true)]
struct EvalArgs {
    /// Folder holding unimodal_audio/, unimodal_image/ and multimodal/ (default: checkpoints/).
    #[arg(long)]
    checkpoints: Option<PathBuf>,
    /// The k of precision at k.
    #[arg(long, default_value = "5", value_parser = at_least_one)]
    k: usize,
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn search(data: &DataDir, a: SearchArgs) -> Result<()> {
    let options = SearchOptions {
        audio: a.audio,
        image: a.image,
        k: a.k,
        checkpoint: a.checkpoints.unwrap_or_else(own_queries_checkpoint),
        index: a.index,
        out: a.out,
    };
    let r = own_search(&options, data)?;
    if a.json {
        println!("{}", to_json(&r)?);
        return Ok(());
    }
    println!(
        "query: {} ({})\nprepared: {}\nsearched: {}",
        r.query, r.query_kind, r.prepared, r.searched
    );
    let label = |l: u32| {
        if l == UNLABELED {
            "?".to_string()
        } else {
            l.to_string()
        }
    };
    for (rank, h) in r.hits.iter().enumerate() {
        println!(
            "  #{:<2} digit {}  similarity {:.3}  {}",
            rank + 1,
            label(h.label),
            h.score,
            h.id
        );
    }
    match r.majority {
        Some(l) => println!("most of the top {}: digit {}", r.hits.len(), label(l)),
        None => println!("no digit holds a majority of the top {}", r.hits.len()),
    }
    for f in &r.written {
        println!("wrote {f}");
    }
    Ok(())
}

fn index(a: IndexArgs) -> Result<()> {
    let out = a.out.unwrap_or_else(|| a.dir.join(".mmsearch-index"));
    let checkpoint = a.checkpoints.unwrap_or_else(own_queries_checkpoint);
    let r = own_index(&a.dir, &checkpoint, &out)?;
    if a.json {
        println!("{}", to_json(&r)?);
        return Ok(());
    }
    println!(
        "indexed {} pictures and {} recordings into {}",
        r.images, r.audio, r.index
    );
    for (_, why) in &r.skipped {
        println!("  skipped: {why}");
    }
    println!(
        "search it: mmsearch search --index {} --audio FILE | --image FILE",
        r.index
    );
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| multimodal_search::Error::Serialization {
        what: "the result".into(),
        source: e,
    })
}

/// The training pairs with a folder of own labelled recordings and drawings added.
fn with_extra(d: TutorialData, dir: &Path) -> Result<TutorialData> {
    let t0 = Instant::now();
    let own = OwnCollection::scan(dir)?;
    for (path, why) in &own.skipped {
        eprintln!("extra: skipped {}: {why}", path.display());
    }
    let cpu = Device::Cpu;
    let mut images = d.train.images().clone();
    let mut audio = d.train.audio().clone();
    if let Some(extra) = own.image_set(&cpu)? {
        images = images.concat(&extra)?;
    }
    if let Some(extra) = own.audio_set(&cpu)? {
        audio = audio.concat(&extra)?;
    }
    println!(
        "extra: {} pictures and {} recordings from {} prepared in {:.1} s; training on {} images and {} recordings",
        own.images.len(),
        own.audio.len(),
        dir.display(),
        t0.elapsed().as_secs_f64(),
        images.len(),
        audio.len()
    );
    TutorialData::from_sets(
        images,
        audio,
        d.validation_images().clone(),
        d.validation_audio().clone(),
    )
}

fn load_data(data: &DataDir) -> Result<TutorialData> {
    let t0 = Instant::now();
    let d = TutorialData::load(data)?;
    println!(
        "data: {} training pairs ({} images, {} recordings), validation {} images + {} recordings, loaded in {:.1} s",
        d.train.len(),
        d.train.images().len(),
        d.train.audio().len(),
        d.validation_images().len(),
        d.validation_audio().len(),
        t0.elapsed().as_secs_f64()
    );
    Ok(d)
}

fn run(cli: Cli) -> Result<()> {
    if let Some(dir) = cli
        .data
        .as_deref()
        .filter(|_| matches!(cli.command, Some(Command::Download)))
    {
        // `download --data DIR` names where to put the data: create it. Everywhere else a
        // folder that does not exist is an error (a typo must not start a download).
        std::fs::create_dir_all(dir).map_err(|e| multimodal_search::Error::io(dir, e))?;
    }
    let data = DataDir::resolve(cli.data.as_deref(), cli.offline);
    match cli.command.unwrap_or(Command::Tutorial(TutorialArgs {
        seeds: vec![42],
        runs: PathBuf::from("runs"),
        ..Default::default()
    })) {
        Command::Download => {
            let m = data.ensure_mnist()?;
            let restored = data.restore_fsdd()?;
            let f = data.fsdd_dir();
            println!("MNIST in {}\nFSDD in {}", m.display(), f.display());
            if restored > 0 {
                println!("FSDD: {restored} missing recording(s) fetched again");
            }
            Ok(())
        }
        Command::Search(args) => search(&data, args),
        Command::Index(args) => index(args),
        Command::Summary => summary(&data),
        Command::Doctor => doctor(&data),
        Command::Exercises(args) => exercises(args),
        #[cfg(all(feature = "grade", target_os = "linux"))]
        Command::Grade(args) => grade(args),
        Command::Tutorial(args) => tutorial(&data, args),
        Command::Train(args) => train(&data, args),
        Command::Eval(args) => eval(&data, args),
    }
}

/// The checkout holding `exercises/info.toml`: the working folder or one above it, else the one
/// this binary was built from.
fn course_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    cwd.ancestors()
        .find(|d| d.join("exercises/info.toml").is_file())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

#[cfg(all(feature = "grade", target_os = "linux"))]
fn grade(args: GradeArgs) -> Result<()> {
    use multimodal_search::shell::grade::{
        ClassOptions, GradescopeOptions, Sandbox, grade_class, grade_gradescope, statistics,
        write_bundle,
    };
    if let Some(zip) = &args.gradescope_bundle {
        if args.show_hidden {
            return Err(multimodal_search::Error::InvalidArgument(
                "--show-hidden does not travel in a Gradescope bundle: on Gradescope, hidden \
                 tests show their names and points, and their visibility comes from each \
                 exercise's hidden_visibility in info.toml"
                    .into(),
            ));
        }
        let files = write_bundle(&course_root(), zip, args.notebook.as_deref())?;
        println!(
            "wrote {} ({files} files): upload it as the assignment's autograder on Gradescope \
             (Configure Autograder, Zip file upload, Ubuntu base image)",
            zip.display()
        );
        return Ok(());
    }
    if let (Some(root), Some(user)) = (&args.gradescope, &args.run_as) {
        let sandbox = Sandbox::as_user(user)?;
        eprintln!("{}", sandbox.describe());
        let graded = grade_gradescope(&GradescopeOptions {
            root: root.clone(),
            repo: course_root(),
            sandbox,
            notebook: args.notebook,
            show_hidden: args.show_hidden,
        });
        let results = root.join("results/results.json");
        return match graded {
            Ok(v) => {
                println!(
                    "graded: {} points; {} tests written to {}",
                    v["score"],
                    v["tests"].as_array().map_or(0, |t| t.len()),
                    results.display()
                );
                Ok(())
            }
            Err(e) => {
                eprintln!(
                    "the submission could not be graded (said so in {})",
                    results.display()
                );
                Err(e)
            }
        };
    }
    // clap makes both present outside the Gradescope modes.
    let (Some(submissions), Some(out)) = (args.submissions, args.out) else {
        multimodal_search::bail!("SUBMISSIONS and --out are needed");
    };
    let sandbox = if args.no_sandbox {
        Sandbox::unsandboxed()
    } else {
        Sandbox::detect()?
    };
    eprintln!("{}", sandbox.describe());
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let report = grade_class(&ClassOptions {
        submissions,
        out: out.clone(),
        repo: course_root(),
        sandbox,
        jobs,
        notebook: args.notebook,
        manual: args.manual,
        resume: args.resume,
        show_hidden: args.show_hidden,
    })?;
    if report.jobs < jobs {
        eprintln!(
            "graded one participant at a time, not {jobs}: this sandbox cannot limit each job's \
             processes (no pids cgroup), and a fork bomb would starve its neighbours"
        );
    }
    if report.resumed > 0 {
        eprintln!(
            "resumed: {} participants were kept from the interrupted run",
            report.resumed
        );
    }
    for (id, why) in &report.not_graded {
        eprintln!("not graded by this grader yet: {id} ({why})");
    }
    for (name, why) in &report.refused {
        eprintln!("not graded: {name}: {why}");
    }
    eprintln!("{}", report.timings());
    println!("class statistics, per exercise:");
    for line in statistics(&report) {
        println!("  {line}");
    }
    if !report.hand.is_empty() {
        println!(
            "written answers to mark: {} (marks sheet: {}; merge it with --manual)",
            out.join("hand_graded.md").display(),
            out.join("hand_marks.csv").display()
        );
    }
    println!(
        "{} (grades: {}, feedback: {})",
        report.summary(),
        out.join("grades.csv").display(),
        out.join("feedback").display()
    );
    Ok(())
}

fn exercises(args: ExercisesArgs) -> Result<()> {
    use multimodal_search::shell::course::{Catalog, Release, exercise_states};
    let repo = course_root();
    match args.action {
        Some(ExercisesAction::Hint { id }) => {
            let catalog = Catalog::load(&repo.join("exercises/info.toml"))?;
            let e = catalog.get(&id)?;
            println!("{} ({}, notebook {})\n", e.title, e.id, e.notebook);
            println!("Task: {}\n", e.task.trim());
            println!("Hint: {}", e.hint.trim());
            Ok(())
        }
        Some(ExercisesAction::Release { check }) => {
            let release = Release::build(&repo)?;
            if check {
                let diffs = release.differences(&repo);
                if diffs.is_empty() {
                    println!("release: {} files match course/", release.files.len());
                    return Ok(());
                }
                for d in &diffs {
                    println!("{d}");
                }
                multimodal_search::bail!(
                    "{} file(s) differ from the release of course/: run `mmsearch exercises release`",
                    diffs.len()
                );
            }
            let written = release.write(&repo)?;
            for w in &written {
                println!("wrote {}", w.display());
            }
            println!(
                "release: {} of {} files written",
                written.len(),
                release.files.len()
            );
            Ok(())
        }
        None => {
            let states = exercise_states(&repo, !args.no_run)?;
            let w = states
                .iter()
                .map(|s| s.info.id.len())
                .max()
                .unwrap_or(2)
                .max(2);
            let t = states.iter().map(|s| s.info.title.len()).max().unwrap_or(5);
            let cells: Vec<String> = states
                .iter()
                .map(|s| format!("{}: {}", s.info.notebook, s.notebook))
                .collect();
            let nw = cells.iter().map(String::len).max().unwrap_or(13);
            println!(
                "{:<w$}  {:>6}  {:<t$}  {:<nw$}  file",
                "id", "points", "title", "notebook cell"
            );
            for (s, cell) in states.iter().zip(&cells) {
                let points = s.info.visible_points() + s.info.hidden_points;
                let kind = if s.info.grading == multimodal_search::shell::course::Grading::Hand {
                    "hand".to_string()
                } else {
                    format!("{points}")
                };
                println!(
                    "{:<w$}  {:>6}  {:<t$}  {:<nw$}  {}",
                    s.info.id, kind, s.info.title, cell, s.file
                );
            }
            println!(
                "hint: `mmsearch exercises hint <id>`; check a file: `cargo test -p exercises <id>`"
            );
            Ok(())
        }
    }
}

fn doctor(data: &DataDir) -> Result<()> {
    use multimodal_search::shell::doctor::{Status, run_all};
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let checks = run_all(repo, data, &pretrained_dir());
    for c in &checks {
        println!("{c}");
    }
    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    let warned = checks.iter().filter(|c| c.status == Status::Warn).count();
    println!(
        "doctor: {} ok, {warned} warning(s), {failed} problem(s){}",
        checks.len() - failed - warned,
        if failed > 0 {
            ": fix each as its line says"
        } else {
            ""
        }
    );
    if failed > 0 {
        // The lines above said what is wrong; an error message here would only repeat it.
        std::process::exit(1);
    }
    Ok(())
}

fn tutorial(data: &DataDir, args: TutorialArgs) -> Result<()> {
    let t0 = Instant::now();
    let d = load_data(data)?;
    let opts = TutorialOptions {
        seeds: args.seeds,
        quick: args.quick,
        runs_dir: args.runs,
        progress: args.progress.progress,
        k: 5,
        save_pretrained: args.save_pretrained,
        epochs: args.epochs,
    };
    let outcome = run_tutorial(&d, &opts)?;
    for s in &outcome.seeds {
        println!(
            "\nseed {}: unimodal pair (trained apart)\n{}",
            s.seed,
            s.unimodal.to_text()
        );
        println!(
            "\nseed {}: multimodal model (trained together)\n{}",
            s.seed,
            s.multimodal.to_text()
        );
    }
    println!(
        "\nreport: {} (total {:.1} s)",
        outcome.run_dir.join("report.md").display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn train(data: &DataDir, a: TrainArgs) -> Result<()> {
    let mut c = TrainConfig::tutorial(a.model);
    c.embedding_size = a.embedding_size.unwrap_or(c.embedding_size);
    c.learning_rate = a.learning_rate.unwrap_or(c.learning_rate);
    c.epochs = a.epochs.unwrap_or(c.epochs);
    c.batch_size = a.batch_size.unwrap_or(c.batch_size);
    c.seed = a.seed.unwrap_or(c.seed);
    c.margin = a.margin.unwrap_or(c.margin);
    c.loss = a.loss.unwrap_or(c.loss);
    c.optimizer = a.optimizer.unwrap_or(c.optimizer);
    if a.projection_hidden.is_some() || a.projection_output.is_some() {
        let d = MlpProjectionConfig::default();
        c.projection = Some(MlpProjectionConfig {
            hidden_size: a.projection_hidden.unwrap_or(d.hidden_size),
            output_size: a.projection_output.unwrap_or(d.output_size),
        });
    }
    if a.augment {
        c.train_transforms = TrainTransforms::Augment;
    }
    c.max_steps = a.max_steps;
    c.validate = !a.no_validate;
    c.validate_values()?;
    let mut d = load_data(data)?;
    if let Some(extra) = &a.extra {
        d = with_extra(d, extra)?;
    }
    let mut plots = EmbeddingPlots::new(Some(a.out.clone()));
    let t = Trainer::new(c)
        .progress(a.progress.progress)
        .fit_with(&d, &mut [&mut plots])?;
    t.save(&a.out)?;
    t.history
        .loss_curves(t.config.model.name())
        .chart()?
        .save(a.out.join("loss.svg"))?;
    println!("saved {}", a.out.display());
    Ok(())
}

fn eval(data: &DataDir, a: EvalArgs) -> Result<()> {
    let dir = a.checkpoints.unwrap_or_else(pretrained_dir);
    let models = load_pretrained(&dir)?;
    let d = load_data(data)?;
    let report = |image: &TrainedModel, audio: &TrainedModel| {
        RetrievalReport::for_models(&d, &image.model, &audio.model, a.k, false)
    };
    println!("checkpoints: {}", dir.display());
    println!(
        "\nunimodal pair (trained apart)\n{}",
        report(&models.unimodal_image, &models.unimodal_audio)?.to_text()
    );
    println!(
        "\nmultimodal model (trained together)\n{}",
        report(&models.multimodal, &models.multimodal)?.to_text()
    );
    Ok(())
}

fn counts(c: [usize; 10]) -> String {
    c.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn summary(data: &DataDir) -> Result<()> {
    println!(
        "data folder: {} ({:?}{})",
        data.root().display(),
        data.source(),
        if data.offline() { ", offline" } else { "" }
    );
    for split in [MnistSplit::Train, MnistSplit::Test] {
        let m = data.mnist(split)?;
        let (h, w) = m.dims();
        println!(
            "MNIST {:5}: {:6} images of {h}x{w}; per digit 0-9: {}",
            split.name(),
            m.len(),
            counts(m.label_counts())
        );
    }
    let scan = data.fsdd()?;
    let mut speakers: Vec<&str> = scan.train.iter().map(|r| r.speaker.as_str()).collect();
    speakers.sort_unstable();
    speakers.dedup();
    println!(
        "FSDD: {} train + {} validation recordings, {} speakers ({})",
        scan.train.len(),
        scan.validation.len(),
        speakers.len(),
        speakers.join(", ")
    );
    for s in &scan.skipped {
        println!("FSDD skipped {}: {}", s.path.display(), s.reason);
    }
    let spec = Spectrogrammer::default();
    let all: Vec<_> = scan.train.iter().chain(&scan.validation).cloned().collect();
    let t0 = Instant::now();
    let set = LabeledSet::from_recordings(&all, &spec, &Device::Cpu)?;
    let secs = t0.elapsed().as_secs_f64();
    let cfg = spec.config();
    // Undo the normalization to report the raw [0, 1] pixel statistics next to the tutorial's.
    let raw = set.items().affine(cfg.std as f64, cfg.mean as f64)?;
    let mean = raw.mean_all()?.to_scalar::<f32>()?;
    let std = raw
        .broadcast_sub(&raw.mean_all()?)?
        .sqr()?
        .mean_all()?
        .sqrt()?
        .to_scalar::<f32>()?;
    println!(
        "spectrograms: {} of {}x{} in {:.2} s ({:.0} per second, {} threads)",
        set.len(),
        cfg.size,
        cfg.size,
        secs,
        set.len() as f64 / secs,
        rayon::current_num_threads()
    );
    println!(
        "spectrogram pixels before Normalize: mean {mean:.4}, std {std:.4} (the tutorial normalizes with {:.4} / {:.4})",
        cfg.mean, cfg.std
    );
    Ok(())
}
