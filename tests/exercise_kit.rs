//! The instructor's kit proves the exercises are real (rustlings' check, plus mutants): every
//! reference solution passes its visible and hidden tests and the forbidden-call scan, every stub
//! fails, every committed mutant is caught by at least one test, every delegating variant is
//! refused by the scan. The kit's files in `course/exercises/<id>/` are compiled here, each as
//! its own module, so one build checks them all.
//!
//! Prints `exercises: N solutions pass, N stubs fail, N mutants caught, N delegating refused`, and
//! writes that line to `target/tmp/exercise-kit.txt` for CI.

use std::path::{Path, PathBuf};
use std::time::Instant;

use multimodal_search::exercise::Checklist;
use multimodal_search::shell::course::{Catalog, forbidden_row, item_signatures};

/// One variant of an exercise: its file and what its checks found (visible, hidden).
struct Variant {
    file: PathBuf,
    visible: Checklist,
    hidden: Checklist,
}

/// Everything the kit has for one exercise.
struct Kit {
    id: &'static str,
    check: &'static str,
    solution: Variant,
    stub: Variant,
    delegating: PathBuf,
    mutants: Vec<(&'static str, Variant)>,
    seconds: f64,
}

/// Compiles each file of `course/exercises/<id>/` into its own module and runs `visible` and
/// `hidden` (two expressions over the variant's items) on each.
macro_rules! kit {
    ($id:ident, mutants [$($m:ident),+], visible: $visible:expr, hidden: $hidden:expr) => {
        mod $id {
            #![allow(dead_code)]
            use super::*;
            macro_rules! variant {
                ($file:expr) => {
                    #[allow(unused_imports)]
                    use multimodal_search::prelude::*;
                    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/course/exercises/", stringify!($id), "/", $file));
                };
            }
            pub mod hidden {
                use multimodal_search::exercise::*;
                #[allow(unused_imports)]
                use multimodal_search::prelude::*;
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/course/exercises/", stringify!($id), "/hidden.rs"));
            }
            pub mod solution { variant!("solution.rs"); }
            pub mod stub { variant!("stub.rs"); }
            pub mod delegating { variant!("delegating.rs"); }
            pub mod mutants { $( pub mod $m { variant!(concat!("mutants/", stringify!($m), ".rs")); } )+ }

            fn file(name: &str) -> PathBuf {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("course/exercises").join(stringify!($id)).join(name)
            }
            macro_rules! run {
                ($module:path, $name:expr) => {{
                    use $module as _m;
                    #[allow(unused_imports)]
                    use _m::*;
                    #[allow(unused_imports)]
                    use multimodal_search::exercise::*;
                    Variant { file: file($name), visible: $visible, hidden: $hidden }
                }};
            }
            pub fn kit() -> Kit {
                let t0 = Instant::now();
                let solution = run!(self::solution, "solution.rs");
                let stub = run!(self::stub, "stub.rs");
                // The delegating variant is refused by the scan alone: its checks would pass (it
                // calls the crate's own code), so running them proves nothing.
                let delegating = file("delegating.rs");
                let mutants = vec![$( (stringify!($m), run!(self::mutants::$m, concat!("mutants/", stringify!($m), ".rs"))) ),+];
                Kit {
                    id: stringify!($id),
                    check: stringify!($visible),
                    solution,
                    stub,
                    delegating,
                    mutants,
                    seconds: t0.elapsed().as_secs_f64(),
                }
            }
        }
    };
}

kit!(projection_head, mutants [no_relu, fixed_width, frozen],
    visible: projection_head::check(ProjectionHead::new),
    hidden: hidden::check(ProjectionHead::new));

kit!(cosine_embedding_loss, mutants [no_clamp, no_eps, sum_not_mean],
    visible: cosine_embedding_loss::check(cosine_embedding_loss),
    hidden: hidden::check(cosine_embedding_loss));

kit!(triplet_miners, mutants [semihard_keeps_zero, hard_strict, squared_distances],
    visible: triplet_miners::check(semihard_triplets, hard_triplets),
    hidden: hidden::check(semihard_triplets, hard_triplets));

kit!(search_metrics, mutants [distance_as_similarity, manhattan_squared, positional_agreement],
    visible: search_metrics::check(ranking, rank_agreement),
    hidden: hidden::check(ranking, rank_agreement));

kit!(draw_digit, mutants [no_unnormalize, transposed, truncates],
    visible: draw_digit::check(to_pixels),
    hidden: hidden::check(to_pixels));

kit!(compose_transforms, mutants [two_steps, deterministic, resizes, translation_in_pixels],
    visible: compose_transforms::check(&data, my_image_transforms),
    hidden: hidden::check(my_image_transforms));

kit!(time_mask, mutants [masks_rows, one_too_wide, no_clip],
    visible: time_mask::check(time_mask),
    hidden: hidden::check(time_mask));

kit!(pca, mutants [not_centred, divides_by_n, ascending],
    visible: pca::check(principal_components),
    hidden: hidden::check(principal_components));

kit!(adam_step, mutants [no_bias_correction, eps_inside_sqrt, no_sqrt],
    visible: adam_step::check(Adam::new, Adam::step),
    hidden: hidden::check(Adam::new, Adam::step));

/// The datasets, loaded once for the exercises that train (named as the notebooks name them, so
/// the check calls read as in `info.toml`).
#[allow(non_upper_case_globals)]
static data: std::sync::LazyLock<multimodal_search::data::TutorialData> =
    std::sync::LazyLock::new(|| {
        let dir = multimodal_search::data::DataDir::resolve(None, true);
        multimodal_search::data::TutorialData::load(&dir)
            .expect("the exercises that train need MNIST and FSDD: set MMS_DATA")
    });

kit!(heads_in_model, mutants [no_heads, untrained, one_step],
    visible: heads_in_model::check(&data, train_with_heads),
    hidden: hidden::check(&data, train_with_heads));

kit!(own_encoder, mutants [narrow_embeddings, blind_logits, frozen],
    visible: own_encoder::check(&data, MyEncoder::new, MyEncoder::forward),
    hidden: hidden::check(&data, MyEncoder::new, MyEncoder::forward));

kit!(classification_only, mutants [unstable, sum_not_mean, raw_logits],
    visible: classification_only::check(&data, classification_loss),
    hidden: hidden::check(&data, classification_loss));

kit!(triplets_per_batch, mutants [unordered_pairs, anchor_as_positive, any_negative],
    visible: triplets_per_batch::check(&data, count_triplets),
    hidden: hidden::check(&data, count_triplets));

kit!(random_forest, mutants [majority_class, one_stump, unseeded],
    visible: random_forest::check(&data, forest_predict),
    hidden: hidden::check(&data, forest_predict));

kit!(tsne, mutants [first_two_coordinates, ten_epochs, unseeded, hand_pca],
    visible: tsne::check(&data, tsne_map),
    hidden: hidden::check(tsne_map));

fn kits() -> Vec<Kit> {
    vec![
        draw_digit::kit(),
        compose_transforms::kit(),
        time_mask::kit(),
        pca::kit(),
        adam_step::kit(),
        projection_head::kit(),
        heads_in_model::kit(),
        own_encoder::kit(),
        classification_only::kit(),
        triplets_per_batch::kit(),
        random_forest::kit(),
        tsne::kit(),
        cosine_embedding_loss::kit(),
        triplet_miners::kit(),
        search_metrics::kit(),
    ]
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_exercise_is_real() {
    let catalog = Catalog::load(&repo().join("exercises/info.toml")).unwrap();
    let kits = kits();
    let mut problems = Vec::new();
    let (mut solutions, mut stubs, mut mutants, mut refused) = (0, 0, 0, 0);
    for e in catalog
        .exercises
        .iter()
        .filter(|e| e.grading == multimodal_search::shell::course::Grading::Auto)
    {
        let Some(k) = kits.iter().find(|k| k.id == e.id) else {
            problems.push(format!(
                "{}: info.toml lists it, the kit test does not",
                e.id
            ));
            continue;
        };
        // The catalog says what the code does: its check call, its rows and points, its mutants.
        if squash(k.check) != squash(&e.check) {
            problems.push(format!(
                "{}: info.toml's check `{}` is not the kit's `{}`",
                e.id, e.check, k.check
            ));
        }
        let rows: Vec<(String, f64)> = k
            .solution
            .visible
            .rows()
            .iter()
            .map(|r| (r.name.clone(), r.points))
            .collect();
        let listed: Vec<(String, f64)> =
            e.tests.iter().map(|t| (t.name.clone(), t.points)).collect();
        if rows != listed {
            problems.push(format!(
                "{}: info.toml's tests {listed:?} are not the check's rows {rows:?}",
                e.id
            ));
        }
        if (k.solution.hidden.max_score() - e.hidden_points).abs() > 1e-9 {
            problems.push(format!(
                "{}: hidden points {} in info.toml, {} in hidden.rs",
                e.id,
                e.hidden_points,
                k.solution.hidden.max_score()
            ));
        }
        let kit_mutants: Vec<&str> = k.mutants.iter().map(|(n, _)| *n).collect();
        let mut on_disk: Vec<String> =
            std::fs::read_dir(repo().join("course/exercises").join(k.id).join("mutants"))
                .unwrap()
                .map(|d| {
                    d.unwrap()
                        .path()
                        .file_stem()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
        on_disk.sort();
        let mut sorted: Vec<String> = e.mutants.clone();
        sorted.sort();
        let mut compiled: Vec<String> = kit_mutants.iter().map(|s| s.to_string()).collect();
        compiled.sort();
        if sorted != on_disk || compiled != on_disk {
            problems.push(format!(
                "{}: mutants in info.toml {sorted:?}, on disk {on_disk:?}, compiled {compiled:?}",
                e.id
            ));
        }
        // The notebook's scan knows the same place and forbidden names.
        match multimodal_search::exercise::EXERCISES
            .iter()
            .find(|s| s.id == e.id)
        {
            Some(spot)
                if spot.notebook == e.notebook
                    && spot
                        .forbidden
                        .iter()
                        .map(|f| f.to_string())
                        .eq(e.forbidden.iter().cloned()) => {}
            other => problems.push(format!(
                "{}: exercise::EXERCISES has {other:?}, info.toml notebook {} forbidden {:?}",
                e.id, e.notebook, e.forbidden
            )),
        }
        // The same names, found by the notebook's lexer and by syn, in the delegating variant.
        let lexed = multimodal_search::exercise::forbidden_names(
            &read(&k.delegating),
            &e.forbidden.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let parsed =
            multimodal_search::shell::course::forbidden_uses(&read(&k.delegating), &e.forbidden)
                .unwrap();
        if lexed != parsed {
            problems.push(format!(
                "{}: the notebook's scan finds {lexed:?}, syn's {parsed:?}",
                e.id
            ));
        }
        // The stub and the solution share their signatures (a participant's file lifts unchanged).
        let sig = |v: &Variant| item_signatures(&read(&v.file)).unwrap();
        if sig(&k.stub) != sig(&k.solution) {
            problems.push(format!(
                "{}: the stub's items {:?} differ from the solution's {:?}",
                e.id,
                sig(&k.stub),
                sig(&k.solution)
            ));
        }
        // The release's stub is the kit's.
        let released = item_signatures(&read(&repo().join("exercises").join(e.file()))).unwrap();
        if released != sig(&k.stub) {
            problems.push(format!(
                "{}: exercises/{} does not have course/'s stub's signatures: run `mmsearch exercises release`",
                e.id,
                e.file()
            ));
        }
        let scan = |v: &Variant| forbidden_row(&read(&v.file), &e.forbidden);
        println!("== {} ({:.1} s for all variants)", e.id, k.seconds);
        if k.seconds > e.time_limit_s * (2 + k.mutants.len()) as f64 {
            problems.push(format!(
                "{}: its checks took {:.1} s, over {} s per variant",
                e.id, k.seconds, e.time_limit_s
            ));
        }
        if k.solution.visible.passed()
            && k.solution.hidden.passed()
            && scan(&k.solution).outcome.passed()
        {
            solutions += 1;
        } else {
            problems.push(format!(
                "{}: the reference solution fails:\n{}\n{}",
                e.id, k.solution.visible, k.solution.hidden
            ));
        }
        if !k.stub.visible.passed() && k.stub.visible.unsolved() {
            stubs += 1;
        } else {
            problems.push(format!(
                "{}: the stub does not fail as unsolved:\n{}",
                e.id, k.stub.visible
            ));
        }
        for (name, m) in &k.mutants {
            let first = read(&m.file).lines().next().unwrap_or_default().to_string();
            if !first.starts_with("// MUTANT:") {
                problems.push(format!(
                    "{}: mutant {name} does not say what is wrong on its first line",
                    e.id
                ));
            }
            if m.visible.passed() && m.hidden.passed() {
                problems.push(format!("{}: mutant {name} passes every test", e.id));
            } else {
                mutants += 1;
                let caught: Vec<&str> = m
                    .visible
                    .rows()
                    .iter()
                    .chain(m.hidden.rows())
                    .filter(|r| !r.outcome.passed())
                    .map(|r| r.name.as_str())
                    .collect();
                println!("   mutant {name}: caught by {caught:?}");
            }
        }
        let row = forbidden_row(&read(&k.delegating), &e.forbidden);
        if row.outcome.passed() {
            problems.push(format!("{}: the delegating variant is not refused", e.id));
        } else {
            refused += 1;
            println!("   delegating: refused ({})", row.outcome.found());
        }
    }
    let summary = format!(
        "exercises: {solutions} solutions pass, {stubs} stubs fail, {mutants} mutants caught, {refused} delegating refused"
    );
    println!("{summary}");
    // The test command captures a passing test's output: CI reads the summary from this file
    // rather than running the kit a second time.
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join("exercise-kit.txt");
    std::fs::write(&report, format!("{summary}\n"))
        .unwrap_or_else(|e| panic!("{}: {e}", report.display()));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_committed_release_is_what_course_gives() {
    let release = multimodal_search::shell::course::Release::build(repo()).unwrap();
    let diffs = release.differences(repo());
    assert!(
        diffs.is_empty(),
        "run `mmsearch exercises release`:\n{}",
        diffs.join("\n")
    );
}
