//! The grader's trust model end to end, for the exercises whose stubs are plain functions (and
//! those whose types or training runs go through a driver): the
//! scorer (reference solutions, hidden tests) records the calls outside; each participant's
//! program is built by `rustc` in the sandbox against the dependencies built once, answers the
//! calls there, and the scorer plays the answers outside. The replayed checks must judge every
//! committed variant as the kit does in-process (solutions pass, stubs are "not solved yet",
//! mutants are caught), and a participant that prints fake results, exits early, loops forever
//! or reaches for the hidden tests gets nothing for it, while its other exercises still count.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;
use std::time::Instant;

use multimodal_search::data::DataDir;
use multimodal_search::exercise::random_forest;
use multimodal_search::exercise::training::{SECRET_ORDER_VAR, secret_order};
use multimodal_search::exercise::{Checklist, Outcome as Row};
use multimodal_search::shell::course::Catalog;
use multimodal_search::shell::grade::{
    Deps, GradedFn, Job, Limits, Play, Sandbox, ScoredExercise, blind_copy, build_program,
    participant_main, scorer_main,
};

/// The exercises replayed so far (plain functions, inputs that fit in a calls file).
const REPLAYED: &[&str] = &[
    "draw_digit",
    "time_mask",
    "cosine_embedding_loss",
    "triplet_miners",
    "pca",
    "triplets_per_batch",
    "adam_step",
    "search_metrics",
    "projection_head",
    "own_encoder",
    "compose_transforms",
    "heads_in_model",
    "classification_only",
    "random_forest",
];

struct Setup {
    deps: Deps,
    sandbox: Sandbox,
    scorer: PathBuf,
    functions: Vec<(String, Vec<GradedFn>)>,
    /// The drivers of the exercises whose stubs define types.
    drivers: Vec<(String, String)>,
    limits: Vec<(String, u64)>,
    /// The sandbox's data: MNIST and FSDD without the validation labels.
    data: PathBuf,
    root: tempfile::TempDir,
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn build_limits() -> Limits {
    // rustc reserves more address space than it uses: no RLIMIT_AS (its cgroup, where there is
    // one, limits what it really uses).
    Limits {
        cap_address_space: false,
        cpu_seconds: 300,
        wall_seconds: 600,
        ..Limits::default()
    }
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let t0 = Instant::now();
    let sandbox = Sandbox::detect().expect("the grading tests need bubblewrap");
    let deps = Deps::build(repo()).expect("the crate's release library builds");
    let catalog = Catalog::load(&repo().join("exercises/info.toml")).unwrap();
    let course = repo().join("course");
    let scored: Vec<ScoredExercise> = REPLAYED
        .iter()
        .map(|id| ScoredExercise::load(&course, catalog.get(id).unwrap()).unwrap())
        .collect();
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("scorer");
    std::fs::create_dir_all(work.join("src")).unwrap();
    std::fs::write(work.join("src/main.rs"), scorer_main(&course, &scored)).unwrap();
    // The scorer is the instructor's own code: built outside the sandbox.
    let built = build_program(
        &Sandbox::unsandboxed(),
        &deps,
        &work,
        "scorer",
        // The hidden tests find their fixtures through env!("CARGO_MANIFEST_DIR").
        &[("CARGO_MANIFEST_DIR".into(), repo().display().to_string())],
        build_limits(),
    )
    .unwrap();
    let scorer = built.program.unwrap_or_else(|| {
        let errors: Vec<_> = built.errors.iter().map(|d| d.rendered.as_str()).collect();
        panic!("the scorer does not build:\n{}", errors.join("\n"))
    });
    // The sandbox's data, as the grader makes it: the test images in the batch's secret order,
    // their labels 0; the scorer records its reference runs on it, in that order.
    let data = root.path().join("data");
    let blind = blind_copy(&DataDir::resolve(None, true), &data, SECRET).unwrap();
    assert_eq!(blind.blinded_images, 10_000);
    let calls = root.path().join("calls");
    std::fs::create_dir_all(&calls).unwrap();
    for id in REPLAYED {
        let out = Command::new(&scorer)
            .args(["record", id])
            .arg(calls.join(format!("{id}.json")))
            .envs(scorer_env(&data, Some(SECRET)))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "recording {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!(
        "setup: deps, scorer built and {} exercises recorded in {:.1} s",
        REPLAYED.len(),
        t0.elapsed().as_secs_f64()
    );
    Setup {
        deps,
        sandbox,
        scorer,
        functions: scored
            .iter()
            .map(|s| (s.info.id.clone(), s.functions.clone()))
            .collect(),
        drivers: scored
            .iter()
            .filter_map(|s| Some((s.info.id.clone(), s.driver.clone()?)))
            .collect(),
        limits: scored
            .iter()
            .map(|s| (s.info.id.clone(), s.info.time_limit_s.ceil() as u64))
            .collect(),
        data,
        root,
    }
});

/// What grading one participant gave: per exercise, the visible and hidden checklists; or the
/// build's errors.
enum Graded {
    Scored(Vec<(String, Checklist, Checklist)>),
    DidNotBuild(Vec<(Option<String>, String)>),
}

/// The batch's secret order (the grader draws one per batch).
const SECRET: u64 = 20_261_204;

/// The scorer's environment: the secret order, where there is one, and the sandbox's data.
fn scorer_env(data: &Path, secret: Option<u64>) -> Vec<(String, String)> {
    let mut env = vec![("MMS_DRIVER_DATA".to_string(), data.display().to_string())];
    if let Some(s) = secret {
        env.push((SECRET_ORDER_VAR.to_string(), s.to_string()));
    }
    env
}

/// Grades `files` (exercise id, the participant's code for it) as participant `who`, as the
/// grader does: the blinded data in the sandbox, the secret order in the scorer.
fn grade(who: &str, files: &[(&str, String)]) -> Graded {
    let data = SETUP.data.clone();
    grade_seeing(
        who,
        files,
        std::slice::from_ref(&data),
        &[],
        &data,
        Some(SECRET),
    )
}

/// [`grade`], with `mounts` readable in the sandbox, `env` added there, `data` its `MMS_DATA`,
/// and `secret` the scorer's order.
fn grade_seeing(
    who: &str,
    files: &[(&str, String)],
    mounts: &[PathBuf],
    env: &[(&str, &Path)],
    data: &Path,
    secret: Option<u64>,
) -> Graded {
    let s = &*SETUP;
    let work = s.root.path().join("participants").join(who);
    std::fs::create_dir_all(work.join("src")).unwrap();
    let mut fns = Vec::new();
    for (id, code) in files {
        let header = "#[allow(unused_imports)]\nuse multimodal_search::prelude::*;\n\n";
        let driver = s
            .drivers
            .iter()
            .find(|(i, _)| i == id)
            .map_or(String::new(), |(_, d)| format!("\n\n{d}"));
        std::fs::write(
            work.join(format!("src/{id}.rs")),
            format!("{header}{code}{driver}"),
        )
        .unwrap();
        let f = s.functions.iter().find(|(i, _)| i == id).unwrap();
        fns.push(f.clone());
    }
    std::fs::write(work.join("src/main.rs"), participant_main(&fns)).unwrap();
    let t0 = Instant::now();
    let built = build_program(
        &s.sandbox,
        &s.deps,
        &work,
        "participant",
        &[],
        build_limits(),
    )
    .unwrap();
    println!("{who}: built in {:.1} s", t0.elapsed().as_secs_f64());
    let Some(program) = built.program else {
        return Graded::DidNotBuild(
            built
                .errors
                .into_iter()
                .map(|d| (d.file, d.rendered))
                .collect(),
        );
    };
    let mut out = Vec::new();
    for (id, _) in files {
        let calls = work.join(format!("calls-{id}.json"));
        std::fs::copy(s.root.path().join(format!("calls/{id}.json")), &calls).unwrap();
        let answers = work.join(format!("answers-{id}.jsonl"));
        let seconds = s.limits.iter().find(|(i, _)| i == id).unwrap().1;
        let job = Job {
            program: program.clone(),
            args: vec![id.into(), calls.into(), answers.clone().into()],
            work: work.clone(),
            read_only: mounts.to_vec(),
            env: [
                ("RAYON_NUM_THREADS".to_string(), "1".to_string()),
                ("MMS_DATA".into(), data.display().to_string()),
                ("MMS_OFFLINE".into(), "1".into()),
            ]
            .into_iter()
            .chain(
                env.iter()
                    .map(|(k, v)| (k.to_string(), v.display().to_string())),
            )
            .collect(),
            limits: Limits {
                cpu_seconds: seconds,
                wall_seconds: 3 * seconds,
                ..Limits::default()
            },
        };
        let ran = s.sandbox.run(&job).unwrap();
        let missing = format!("the program {} before answering", ran.ending(&job.limits));
        let scored = work.join(format!("scored-{id}.json"));
        let plays = work.join(format!("plays-{id}.json"));
        let one = vec![Play {
            key: id.to_string(),
            exercise: id.to_string(),
            calls: s.root.path().join(format!("calls/{id}.json")),
            answers,
            missing,
        }];
        std::fs::write(&plays, serde_json::to_string(&one).unwrap()).unwrap();
        let play = Command::new(&s.scorer)
            .arg("play")
            .arg(&plays)
            .arg(&scored)
            .envs(scorer_env(&s.data, secret))
            .output()
            .unwrap();
        assert!(
            play.status.success(),
            "playing {who}/{id}: {}",
            String::from_utf8_lossy(&play.stderr)
        );
        let mut by_id: std::collections::BTreeMap<String, (Checklist, Checklist)> =
            serde_json::from_str(&std::fs::read_to_string(&scored).unwrap()).unwrap();
        let (visible, hidden) = by_id.remove(*id).unwrap();
        out.push((id.to_string(), visible, hidden));
    }
    Graded::Scored(out)
}

fn course_file(id: &str, name: &str) -> String {
    let p = repo().join("course/exercises").join(id).join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn scored(g: Graded) -> Vec<(String, Checklist, Checklist)> {
    match g {
        Graded::Scored(s) => s,
        Graded::DidNotBuild(errors) => {
            let shown: Vec<_> = errors.iter().map(|(_, r)| r.as_str()).collect();
            panic!("did not build:\n{}", shown.join("\n"))
        }
    }
}

#[test]
fn replayed_checks_judge_every_variant_as_the_kit_does() {
    let all = |name: &str| -> Vec<(&str, String)> {
        REPLAYED
            .iter()
            .map(|id| (*id, course_file(id, name)))
            .collect()
    };
    for (id, visible, hidden) in scored(grade("solutions", &all("solution.rs"))) {
        assert!(visible.passed(), "{id}'s solution, replayed:\n{visible}");
        assert!(hidden.passed(), "{id}'s solution, replayed:\n{hidden}");
        assert!(visible.max_score() > 0.0 && hidden.max_score() > 0.0);
    }
    for (id, visible, hidden) in scored(grade("stubs", &all("stub.rs"))) {
        for row in visible.rows().iter().chain(hidden.rows()) {
            assert_eq!(
                row.outcome,
                Row::NotSolved,
                "{id}'s stub, replayed: {row:?}"
            );
        }
    }
    let catalog = Catalog::load(&repo().join("exercises/info.toml")).unwrap();
    let most = REPLAYED
        .iter()
        .map(|id| catalog.get(id).unwrap().mutants.len())
        .max()
        .unwrap();
    for k in 0..most {
        let files: Vec<(&str, String)> = REPLAYED
            .iter()
            .filter_map(|id| {
                let m = catalog.get(id).unwrap().mutants.get(k)?;
                Some((*id, course_file(id, &format!("mutants/{m}.rs"))))
            })
            .collect();
        for (id, visible, hidden) in scored(grade(&format!("mutants-{k}"), &files)) {
            assert!(
                !(visible.passed() && hidden.passed()),
                "{id}'s mutant {k} passes the replayed checks:\n{visible}\n{hidden}"
            );
        }
    }
}

#[test]
fn printing_exiting_looping_or_reading_the_tests_earns_nothing() {
    let hidden_path = repo().join("course/exercises/draw_digit/hidden.rs");
    let files = vec![
        // Prints what a test harness prints on success, then exits 0 at its first call.
        (
            "draw_digit",
            r#"pub fn to_pixels(_image: &Tensor) -> Result<Vec<u8>> {
                println!("test result: ok. 5 passed; 0 failed");
                println!("{{\"score\": 5, \"max_score\": 5}}");
                std::process::exit(0)
            }"#
            .to_string(),
        ),
        // Loops forever.
        (
            "time_mask",
            "pub fn time_mask(_s: &Tensor, _a: usize, _w: usize, _v: f32) -> Result<Tensor> {\n\
             \x20   loop { std::hint::black_box(0u64); }\n}"
                .to_string(),
        ),
        // Tries to read the instructor's files, and to reach the network.
        (
            "search_metrics",
            format!(
                r#"pub fn ranking(_q: &[f32], _d: &[f32], _dim: usize, _m: SearchMetric) -> Vec<usize> {{
                    let seen = std::fs::read_to_string({hidden:?}).is_ok()
                        || std::net::TcpStream::connect("1.1.1.1:80").is_ok();
                    if seen {{ vec![0] }} else {{ panic!("nothing to read") }}
                }}
                pub fn rank_agreement(_a: &[usize], _b: &[usize], _k: usize) -> f64 {{ panic!("nothing to read") }}"#,
                hidden = hidden_path.display().to_string()
            ),
        ),
        // An honest solution beside them still gets every point.
        ("pca", course_file("pca", "solution.rs")),
    ];
    let by_id = scored(grade("hostile", &files));
    for (_, v, h) in &by_id {
        println!("{v}\n{h}");
    }
    let get = |id: &str| by_id.iter().find(|(i, _, _)| i == id).unwrap();
    let (_, v, h) = get("draw_digit");
    assert_eq!(v.score() + h.score(), 0.0, "{v}\n{h}");
    assert!(
        v.to_string()
            .contains("exited with code 0 before answering"),
        "{v}"
    );
    let (_, v, h) = get("time_mask");
    assert_eq!(v.score() + h.score(), 0.0, "{v}\n{h}");
    assert!(v.to_string().contains("used its 20 CPU seconds"), "{v}");
    let (_, v, h) = get("search_metrics");
    assert_eq!(v.score() + h.score(), 0.0, "{v}\n{h}");
    assert!(v.to_string().contains("nothing to read"), "{v}");
    let (_, v, h) = get("pca");
    assert!(v.passed() && h.passed(), "{v}\n{h}");

    // Compiling the hidden tests in: the file is not there inside the sandbox.
    let peek = format!(
        "pub fn to_pixels(_image: &Tensor) -> Result<Vec<u8>> {{\n\
         \x20   let _tests = include_str!({:?});\n    Ok(vec![])\n}}",
        hidden_path.display().to_string()
    );
    match grade("peeking", &[("draw_digit", peek)]) {
        Graded::DidNotBuild(errors) => {
            assert!(
                errors
                    .iter()
                    .any(|(f, r)| f.as_deref() == Some("draw_digit.rs")
                        && r.contains("couldn't read")),
                "{errors:?}"
            );
        }
        Graded::Scored(s) => panic!("include_str! of the hidden tests built: {s:?}"),
    }
}

/// An encoder that trains a little, then answers the validation images with their labels, read
/// from the data folder (`LABELS_FROM`, else `MMS_DATA`) in the file's order (prediction batches
/// are 500 images, in order): what a participant who copied MNIST's public test labels into
/// their code, or who reads them from the sandbox's data, would try.
const LABEL_READER: &str = r#"
static CHUNK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
pub struct MyEncoder { fc: multimodal_search::candle_nn::Linear }
impl MyEncoder {
    pub fn new(vb: VarBuilder) -> Result<Self> {
        Ok(Self { fc: multimodal_search::candle_nn::linear(784, 10, vb.pp("fc"))? })
    }
    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        use multimodal_search::candle_core::{DType, Module};
        let b = x.dim(0)?;
        let e = Tensor::zeros((b, 128), DType::F32, x.device())?;
        if b != 500 {
            return Ok((e, self.fc.forward(&x.flatten_from(1)?)?));
        }
        let k = CHUNK.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let root = std::env::var("LABELS_FROM").or_else(|_| std::env::var("MMS_DATA")).unwrap_or_default();
        let labels = DataDir::new(root, true).mnist(MnistSplit::Test)?.labels().to_vec();
        let mut z = vec![0f32; b * 10];
        for i in 0..b {
            z[i * 10 + labels[k * 500 + i] as usize] = 100.0;
        }
        Ok((e, Tensor::from_vec(z, (b, 10), x.device())?))
    }
}
"#;

#[test]
fn the_validation_labels_are_neither_in_the_sandbox_nor_in_the_order() {
    let real = DataDir::resolve(None, true);
    let truth = real
        .mnist(multimodal_search::data::MnistSplit::Test)
        .unwrap();
    let accuracy_row = |v: &Checklist| {
        v.rows()
            .iter()
            .find(|r| r.name.contains("validation accuracy"))
            .unwrap()
            .clone()
    };
    let files = [("own_encoder", LABEL_READER.to_string())];
    // The control: the real data in the sandbox, the images in their public order: the
    // label reader earns the accuracy points.
    let real_root = real.root().to_path_buf();
    let seen = scored(grade_seeing(
        "label-reader-control",
        &files,
        std::slice::from_ref(&real_root),
        &[],
        &real_root,
        None,
    ));
    let (_, v, _) = &seen[0];
    assert!(accuracy_row(v).outcome.passed(), "the control: {v}");
    // As the grader runs it: the sandbox's copy has every label 0, so it predicts 0 everywhere
    // and scores the share of zeros among the labels in the secret order.
    let blind = scored(grade("label-reader", &files));
    let (_, v, h) = &blind[0];
    let row = accuracy_row(v);
    assert!(!row.outcome.passed(), "with the blinded copy: {v}");
    let zeros = secret_order(SECRET, truth.len())[..2000]
        .iter()
        .filter(|&&i| truth.labels()[i] == 0)
        .count();
    let share = format!("{:.3}", zeros as f64 / 2000.0);
    assert!(
        format!("{row:?}").contains(&share),
        "{row:?} (zeros: {share})"
    );
    assert!(!h.passed(), "{h}");
    // With the real labels in hand (public, say, or copied into the code), but the images in the
    // secret order, it scores what chance does.
    let data = SETUP.data.clone();
    let copied = scored(grade_seeing(
        "label-reader-public-labels",
        &files,
        &[data.clone(), real_root.clone()],
        &[("LABELS_FROM", &real_root)],
        &data,
        Some(SECRET),
    ));
    let (_, v, _) = &copied[0];
    let row = accuracy_row(v);
    assert!(
        !row.outcome.passed(),
        "with the labels in the public order: {v}"
    );
    let found: f64 = format!("{:?}", row.outcome)
        .split('"')
        .find_map(|s| s.parse().ok())
        .unwrap_or(1.0);
    assert!(found < 0.2, "{row:?}");
}

/// A forest that answers by a row's place: FSDD's validation recordings are sorted by name, so
/// by digit (30 of each), and the toy clusters alternate their labels.
const BY_PLACE: &str = r#"
pub fn forest_predict(_train: &[f32], labels: &[u32], test: &[f32], dim: usize, _f: random_forest::Forest) -> Vec<u32> {
    let n = test.len() / dim.max(1);
    let classes: std::collections::BTreeSet<u32> = labels.iter().copied().collect();
    let classes: Vec<u32> = classes.into_iter().collect();
    if n == 300 {
        (0..n).map(|i| (i / 30) as u32).collect()
    } else {
        (0..n).map(|i| classes[i % classes.len().max(1)]).collect()
    }
}
"#;

#[test]
fn an_answer_read_off_a_rows_place_earns_nothing() {
    // The control, in this process (no secret order): the places give the FSDD rows away.
    let data = multimodal_search::data::TutorialData::load(&DataDir::resolve(None, true)).unwrap();
    let e = random_forest::embeddings(&data).unwrap();
    let by_place = |_: &[f32], _: &[u32], test: &[f32], dim: usize, _: random_forest::Forest| {
        (0..test.len() / dim)
            .map(|i| (i / 30) as u32)
            .collect::<Vec<u32>>()
    };
    let control = random_forest::scored(
        &by_place,
        (&e.audio_train, &e.audio_validation),
        random_forest::Forest::EMBEDDINGS,
        (random_forest::THRESHOLD_AUDIO, ""),
    )
    .unwrap();
    assert!(control.passed, "the control: {control:?}");
    // As the grader serves them, in the batch's secret order, it earns nothing there.
    let files = [(
        "random_forest",
        format!("use multimodal_search::exercise::random_forest;\n{BY_PLACE}"),
    )];
    let graded = scored(grade("by-place", &files));
    let (_, v, _) = &graded[0];
    let fsdd = v
        .rows()
        .iter()
        .find(|r| r.name.starts_with("FSDD embeddings"))
        .unwrap();
    assert!(!fsdd.outcome.passed(), "{v}");
}
