//! Running the experiment: the three trainings per seed and their retrieval scores.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::data::TutorialData;
use crate::error::Result;
use crate::model::ModelKind;
use crate::search::RetrievalReport;
use crate::shell::tutorial::report::{new_run_dir, point_latest, write_report};
use crate::train::{ProgressMode, TrainConfig, TrainedModel, Trainer};
use crate::viz::EmbeddingPlots;

/// Options of the main job.
///
/// # Example
/// ```
/// use multimodal_search::shell::tutorial::TutorialOptions;
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
    let [audio, image, multimodal]: [TrainedModel; 3] = match trained.try_into() {
        Ok(models) => models,
        Err(v) => crate::bail!("expected three trained models, found {}", v.len()),
    };
    let score = |i: &TrainedModel, a: &TrainedModel| {
        RetrievalReport::for_models(data, &i.model, &a.model, k, cross_modal_only)
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
        crate::bail!("the tutorial needs at least one seed");
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
    write_report(&outcome)?;
    point_latest(&opts.runs_dir, &run_dir);
    Ok(outcome)
}
