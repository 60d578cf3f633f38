//! The main job (`cargo run --release`): the whole tutorial from data to retrieval metrics.
//!
//! For each seed: train the unimodal speech model, the unimodal image model and the multimodal
//! model with the tutorial's settings, embed the validation sets, and score cross-modal search
//! for the unimodal pair (two encoders trained apart) and for the multimodal model. Everything
//! lands in a run folder: `report.md`, `metrics.json`, loss curves and PCA plots (SVG) and the
//! checkpoints.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::search::RetrievalReport;
use crate::train::callbacks::EmbeddingPlots;
use crate::train::checkpoint::TrainedModel;
use crate::train::config::{ModelKind, TrainConfig};
use crate::train::data::TutorialData;
use crate::train::progress::ProgressMode;
use crate::train::trainer::Trainer;
use crate::viz::svg::write_atomic;

/// What the seed's own PyTorch code reaches on the same data after 2 epochs (issue 5's figures):
/// `(which, direction, precision@5, mAP)`; the unimodal mAPs were not given.
pub const PYTORCH_REFERENCE: [(&str, &str, f64, Option<f64>); 4] = [
    ("multimodal", "image -> audio", 0.847, Some(0.825)),
    ("multimodal", "audio -> image", 0.841, Some(0.803)),
    ("unimodal", "image -> audio", 0.242, None),
    ("unimodal", "audio -> image", 0.122, None),
];

/// Options of the main job.
///
/// # Example
/// ```
/// use multimodal_search::train::tutorial::TutorialOptions;
/// let quick = TutorialOptions { quick: true, ..Default::default() };
/// let configs = quick.configs(42);
/// assert!(configs.iter().all(|c| c.max_steps.is_some()));
/// assert_eq!(TutorialOptions::default().configs(42)[0].batch_size, 512);
/// ```
#[derive(Debug, Clone)]
pub struct TutorialOptions {
    /// One full tutorial per seed (the first seed's models are the ones worth keeping).
    pub seeds: Vec<u64>,
    /// A small smoke run: bounded steps, no validation loss, cross-modal metrics only.
    pub quick: bool,
    /// Parent of the run folders (`runs`); `runs/latest` points at the newest.
    pub runs_dir: PathBuf,
    /// Progress display for the trainings.
    pub progress: ProgressMode,
    /// The `k` of precision at `k` (5, as the tutorial shows the 5 closest).
    pub k: usize,
    /// Also copy the first seed's three checkpoints here (how `checkpoints/` was made).
    pub save_pretrained: Option<PathBuf>,
    /// Override the epochs of all three runs.
    pub epochs: Option<usize>,
}

impl Default for TutorialOptions {
    fn default() -> Self {
        TutorialOptions {
            seeds: vec![42],
            quick: false,
            runs_dir: PathBuf::from("runs"),
            progress: ProgressMode::Auto,
            k: 5,
            save_pretrained: None,
            epochs: None,
        }
    }
}

impl TutorialOptions {
    /// The three runs' configs for `seed`: the tutorial's settings, or the quick ones (the same
    /// settings capped at 15 steps for the unimodal audio model, 30 for the image model and 60 for
    /// the multimodal model, about 1.5 of its epochs; no validation loss).
    pub fn configs(&self, seed: u64) -> [TrainConfig; 3] {
        [ModelKind::Audio, ModelKind::Image, ModelKind::MultiModal].map(|kind| {
            let mut c = TrainConfig {
                seed,
                ..TrainConfig::tutorial(kind)
            };
            if let Some(e) = self.epochs {
                c.epochs = e;
            }
            if self.quick {
                c.validate = false;
                c.max_steps = Some(match kind {
                    ModelKind::Audio => 15,
                    ModelKind::Image => 30,
                    ModelKind::MultiModal => 60,
                });
            }
            c
        })
    }
}

/// One training's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    /// Which model.
    pub model: ModelKind,
    /// Optimizer steps.
    pub steps: usize,
    /// Training wall time (seconds, without validation).
    pub train_seconds: f64,
    /// Validation wall time (seconds).
    pub validation_seconds: f64,
    /// Training pairs per second.
    pub samples_per_second: f64,
    /// Share of step time spent in mining and the loss.
    pub loss_share: f64,
    /// Mean training loss of the last epoch.
    pub final_train_loss: f32,
    /// Validation loss after the last epoch.
    pub final_validation_loss: Option<f32>,
}

impl TrainingSummary {
    fn of(t: &TrainedModel) -> Self {
        let h = &t.history;
        let last = h.epochs.last();
        TrainingSummary {
            model: t.config.model,
            steps: h.steps(),
            train_seconds: h.epochs.iter().map(|e| e.train_seconds).sum(),
            validation_seconds: h.epochs.iter().map(|e| e.validation_seconds).sum(),
            samples_per_second: h.samples_per_second(),
            loss_share: if h.step_times.total() > 0.0 {
                h.step_times.loss / h.step_times.total()
            } else {
                0.0
            },
            final_train_loss: last.map(|e| e.train_loss).unwrap_or(f32::NAN),
            final_validation_loss: last.and_then(|e| e.validation_loss),
        }
    }
}

/// The outcome of one seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedResult {
    /// The seed.
    pub seed: u64,
    /// Search with the unimodal image model's image embeddings and the unimodal speech model's
    /// audio embeddings (trained apart: the failure the tutorial teaches).
    pub unimodal: RetrievalReport,
    /// Search with the multimodal model's two encoders.
    pub multimodal: RetrievalReport,
    /// The three trainings.
    pub training: Vec<TrainingSummary>,
}

/// Mean, min and max of one metric over the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Self {
        let n = values.len().max(1) as f64;
        Spread {
            mean: values.iter().sum::<f64>() / n,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// Everything the main job produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TutorialOutcome {
    /// The run folder.
    pub run_dir: PathBuf,
    /// One result per seed.
    pub seeds: Vec<SeedResult>,
    /// Whether this was a `--quick` run.
    pub quick: bool,
    /// Wall time of the trainings and evaluations (seconds, data loading excluded).
    pub wall_seconds: f64,
}

impl TutorialOutcome {
    /// Mean / min / max over the seeds of `metric` (`"p@k"` or `"map"`) for `which`
    /// (`"unimodal"` or `"multimodal"`) in `direction` (e.g. `"image -> audio"`).
    pub fn spread(&self, which: &str, direction: &str, metric: &str) -> Option<Spread> {
        let values: Option<Vec<f64>> = self
            .seeds
            .iter()
            .map(|s| {
                let r = if which == "unimodal" {
                    &s.unimodal
                } else {
                    &s.multimodal
                };
                let d = r.direction(direction)?;
                Some(if metric == "map" {
                    d.map
                } else {
                    d.precision_at_k
                })
            })
            .collect();
        values.filter(|v| !v.is_empty()).map(|v| Spread::of(&v))
    }

    /// The report's Markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        md.push_str("# multimodal-search: tutorial run\n\n");
        md.push_str(&format!(
            "Seeds {:?}{}; {:.1} s of training and evaluation. Search: validation sets (10,000 MNIST test images, \
             300 FSDD validation recordings), cosine similarity, a result is relevant when it shows the same digit.\n\n",
            self.seeds.iter().map(|s| s.seed).collect::<Vec<_>>(),
            if self.quick { " (quick smoke run: bounded steps, not the tutorial's numbers)" } else { "" },
            self.wall_seconds
        ));
        let k = self.seeds.first().map(|s| s.multimodal.k).unwrap_or(5);
        md.push_str(&format!(
            "## Cross-modal search over the seeds\n\n| model | direction | P@{k} mean | min | max | mAP mean | min | max | PyTorch P@5 / mAP |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        ));
        for which in ["multimodal", "unimodal"] {
            for direction in ["image -> audio", "audio -> image"] {
                let (Some(p), Some(m)) = (
                    self.spread(which, direction, "p@k"),
                    self.spread(which, direction, "map"),
                ) else {
                    continue;
                };
                let reference = PYTORCH_REFERENCE
                    .iter()
                    .find(|r| r.0 == which && r.1 == direction)
                    .map(|r| match r.3 {
                        Some(map) => format!("{:.3} / {:.3}", r.2, map),
                        None => format!("{:.3} / -", r.2),
                    })
                    .unwrap_or_default();
                md.push_str(&format!(
                    "| {which} | {direction} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {reference} |\n",
                    p.mean, p.min, p.max, m.mean, m.min, m.max
                ));
            }
        }
        for s in &self.seeds {
            md.push_str(&format!(
                "\n## Seed {}\n\n### Unimodal pair (trained apart)\n\n",
                s.seed
            ));
            md.push_str(&s.unimodal.to_markdown());
            md.push_str("\n\n### Multimodal model (trained together)\n\n");
            md.push_str(&s.multimodal.to_markdown());
            md.push_str(
                "\n\n### Training\n\n| model | steps | train s | validation s | pairs/s | mining+loss share | last train loss | last validation loss |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
            );
            for t in &s.training {
                md.push_str(&format!(
                    "| {} | {} | {:.1} | {:.1} | {:.0} | {:.0}% | {:.4} | {} |\n",
                    t.model.name(),
                    t.steps,
                    t.train_seconds,
                    t.validation_seconds,
                    t.samples_per_second,
                    t.loss_share * 100.0,
                    t.final_train_loss,
                    t.final_validation_loss
                        .map(|v| format!("{v:.4}"))
                        .unwrap_or_else(|| "-".into())
                ));
            }
            md.push_str(&format!(
                "\nPlots: `seed_{0}/<model>/loss.svg` and `seed_{0}/<model>/pca_epoch_<n>.svg`.\n",
                s.seed
            ));
        }
        md
    }
}

/// Trains the three models for one seed, saves each (with its loss curve and PCA plots) under
/// `dir/<model>/`, and scores the unimodal pair and the multimodal model.
pub fn run_seed(
    data: &TutorialData,
    configs: &[TrainConfig; 3],
    dir: &Path,
    progress: ProgressMode,
    k: usize,
    cross_modal_only: bool,
) -> Result<(SeedResult, [TrainedModel; 3])> {
    let mut trained = Vec::with_capacity(3);
    for config in configs {
        let model_dir = dir.join(config.model.name());
        let mut plots = EmbeddingPlots::new(Some(model_dir.clone()));
        let t = Trainer::new(config.clone())
            .progress(progress)
            .fit_with(data, &mut [&mut plots])?;
        t.save(&model_dir)?;
        t.history
            .loss_curves(&format!("{} (seed {})", config.model.name(), config.seed))
            .chart()?
            .save(model_dir.join("loss.svg"))?;
        trained.push(t);
    }
    let [audio, image, multimodal]: [TrainedModel; 3] = trained
        .try_into()
        .map_err(|_| Error::InvalidArgument("expected three trained models".into()))?;
    let score = |i: &TrainedModel, a: &TrainedModel| {
        data.retrieval_report(&i.model, &a.model, k, cross_modal_only)
    };
    let result = SeedResult {
        seed: configs[0].seed,
        unimodal: score(&image, &audio)?,
        multimodal: score(&multimodal, &multimodal)?,
        training: [&audio, &image, &multimodal]
            .into_iter()
            .map(TrainingSummary::of)
            .collect(),
    };
    Ok((result, [audio, image, multimodal]))
}

/// Runs the main job on `data`: every seed, the run folder, `report.md` and `metrics.json`.
pub fn run_tutorial(data: &TutorialData, opts: &TutorialOptions) -> Result<TutorialOutcome> {
    if opts.seeds.is_empty() {
        return Err(Error::InvalidArgument(
            "the tutorial needs at least one seed".into(),
        ));
    }
    let t0 = Instant::now();
    let run_dir = new_run_dir(&opts.runs_dir)?;
    let mut seeds = Vec::new();
    for (i, &seed) in opts.seeds.iter().enumerate() {
        let configs = opts.configs(seed);
        let (result, models) = run_seed(
            data,
            &configs,
            &run_dir.join(format!("seed_{seed}")),
            opts.progress,
            opts.k,
            opts.quick,
        )?;
        if let (0, Some(dir)) = (i, &opts.save_pretrained) {
            for m in &models {
                m.save(&dir.join(m.config.model.name()))?;
            }
        }
        seeds.push(result);
    }
    let outcome = TutorialOutcome {
        run_dir: run_dir.clone(),
        seeds,
        quick: opts.quick,
        wall_seconds: t0.elapsed().as_secs_f64(),
    };
    write_atomic(&run_dir.join("report.md"), outcome.to_markdown().as_bytes())?;
    let json = serde_json::to_vec_pretty(&outcome)
        .map_err(|e| Error::InvalidArgument(format!("metrics.json: {e}")))?;
    write_atomic(&run_dir.join("metrics.json"), &json)?;
    point_latest(&opts.runs_dir, &run_dir);
    Ok(outcome)
}

/// `runs/<UTC timestamp>` (with `-2`, `-3`, ... when two runs start in the same second).
fn new_run_dir(parent: &Path) -> Result<PathBuf> {
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .replace(':', "-");
    let mut dir = parent.join(&stamp);
    let mut n = 2;
    while dir.exists() {
        dir = parent.join(format!("{stamp}-{n}"));
        n += 1;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

/// Points `runs/latest` at the new run (a symlink on Unix; elsewhere a text file naming it).
/// Failing to do so never fails the run: the run folder itself is complete.
fn point_latest(parent: &Path, run_dir: &Path) {
    let latest = parent.join("latest");
    let name = run_dir.file_name().map(PathBuf::from).unwrap_or_default();
    let _ = std::fs::remove_file(&latest);
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(&name, &latest).is_ok();
    #[cfg(not(unix))]
    let made = false;
    if !made {
        let _ = std::fs::write(&latest, name.to_string_lossy().as_bytes());
    }
}
