//! Measures the thresholds of the exercises that train: the reference solution's validation
//! accuracy after the checks' short run (150 Adam steps of 64 images), seeds 0-4, with the mean,
//! the standard deviation and `mean - max(3 sigma, 0.02)`; `info.toml` and the check modules
//! state the figures this prints. It also times the runs (the checks' 20 s budget).
//!
//! `MMS_DATA=... RAYON_NUM_THREADS=2 cargo bench --bench exercise_thresholds [-- maps]`

use std::time::Instant;

use multimodal_search::data::{DataDir, TutorialData};
use multimodal_search::exercise::random_forest::{self, Forest, Table};
use multimodal_search::exercise::{classification_only, compose_transforms, own_encoder, tsne};
use multimodal_search::model::Encoder;
use multimodal_search::prelude::*;

mod classification {
    use multimodal_search::prelude::*;
    include!("../course/exercises/classification_only/solution.rs");
}
mod augment {
    include!("../course/exercises/compose_transforms/solution.rs");
}
mod forest {
    include!("../course/exercises/random_forest/solution.rs");
}
mod map {
    include!("../course/exercises/tsne/solution.rs");
}
mod design {
    use multimodal_search::prelude::*;
    include!("../course/exercises/own_encoder/solution.rs");
}

fn summary(what: &str, values: &[f64], seconds: f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let threshold = mean - (3.0 * sd).max(0.02);
    println!(
        "{what}: accuracies {values:.3?}, mean {mean:.3}, sd {sd:.3}, threshold {threshold:.3} ({:.1} s per run)",
        seconds / n
    );
}

fn main() -> multimodal_search::Result<()> {
    let data = TutorialData::load(&DataDir::resolve(None, true))?;
    let seeds = 0..5u64;
    // `-- maps` measures only the forests and the t-SNE map.
    if !std::env::args().any(|a| a == "maps") {
        trainings(&data, seeds)?;
    }
    maps(&data)
}

fn trainings(data: &TutorialData, seeds: std::ops::Range<u64>) -> multimodal_search::Result<()> {
    let t0 = Instant::now();
    let a: Vec<f64> = seeds
        .clone()
        .map(|s| classification_only::run_accuracy(data, &classification::classification_loss, s))
        .collect::<multimodal_search::Result<_>>()?;
    summary(
        "classification_only (reference solution)",
        &a,
        t0.elapsed().as_secs_f64(),
    );

    let t0 = Instant::now();
    let b: Vec<f64> = seeds
        .clone()
        .map(|s| {
            own_encoder::run_accuracy(
                data,
                &design::MyEncoder::new,
                &design::MyEncoder::forward,
                s,
            )
        })
        .collect::<multimodal_search::Result<_>>()?;
    summary(
        "own_encoder (reference solution)",
        &b,
        t0.elapsed().as_secs_f64(),
    );

    let t0 = Instant::now();
    let d: Vec<f64> = seeds
        .clone()
        .map(|s| compose_transforms::run_accuracy(data, &augment::my_image_transforms(), s))
        .collect::<multimodal_search::Result<_>>()?;
    summary(
        "compose_transforms (reference transforms)",
        &d,
        t0.elapsed().as_secs_f64(),
    );

    let t0 = Instant::now();
    let tutorial = |vb: VarBuilder| Encoder::new(EncoderConfig::mnist(128), vb);
    let c: Vec<f64> = seeds
        .map(|s| {
            own_encoder::run_accuracy(data, &tutorial, &|e: &Encoder, x: &Tensor| e.forward(x), s)
        })
        .collect::<multimodal_search::Result<_>>()?;
    summary(
        "own_encoder's run with the tutorial Encoder",
        &c,
        t0.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// The forests and the t-SNE map: the reference solutions with seeds 0-4, on the checks' data.
fn maps(data: &TutorialData) -> multimodal_search::Result<()> {
    let models =
        multimodal_search::train::load_pretrained(&multimodal_search::train::pretrained_dir())?;
    let m = &models.multimodal.model;
    let (audio, image) = (m.encoder(Modality::Audio)?, m.encoder(Modality::Image)?);
    let sets: [(&str, Table, Table, Forest); 4] = [
        (
            "random_forest: FSDD embeddings",
            random_forest::embed(audio, data.train.audio(), usize::MAX)?,
            random_forest::embed(audio, data.validation_audio(), usize::MAX)?,
            Forest::EMBEDDINGS,
        ),
        (
            "random_forest: the FSDD forest on MNIST validation embeddings",
            random_forest::embed(audio, data.train.audio(), usize::MAX)?,
            random_forest::embed(image, data.validation_images(), random_forest::IMAGE_ROWS)?,
            Forest::EMBEDDINGS,
        ),
        (
            "random_forest: FSDD embeddings, 10 trees (beside the spectrograms' 10)",
            random_forest::embed(audio, data.train.audio(), usize::MAX)?,
            random_forest::embed(audio, data.validation_audio(), usize::MAX)?,
            Forest::SPECTROGRAMS,
        ),
        (
            "random_forest: flattened spectrograms",
            random_forest::flatten(data.train.audio())?,
            random_forest::flatten(data.validation_audio())?,
            Forest::SPECTROGRAMS,
        ),
    ];
    for (what, train, test, size) in &sets {
        let t0 = Instant::now();
        let a: Vec<f64> = (0..5u64)
            .map(|seed| {
                let forest = Forest { seed, ..*size };
                let p = forest::forest_predict(
                    &train.values,
                    &train.labels,
                    &test.values,
                    train.dim,
                    forest,
                );
                random_forest::accuracy(&p, &test.labels)
            })
            .collect();
        summary(what, &a, t0.elapsed().as_secs_f64());
    }
    let t0 = Instant::now();
    let table = tsne::validation_embeddings(data)?;
    let tw: Vec<f64> = (0..5u64)
        .map(|seed| {
            let map = tsne::map_of(&map::tsne_map, &table, seed)
                .map_err(|v| multimodal_search::Error::InvalidArgument(v.found))?;
            tsne::trustworthiness(&table.values, table.dim, &map, 2, tsne::K)
        })
        .collect::<multimodal_search::Result<_>>()?;
    summary(
        "tsne: trustworthiness of the validation map",
        &tw,
        t0.elapsed().as_secs_f64(),
    );
    Ok(())
}
