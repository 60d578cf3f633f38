//! Callbacks the trainer calls after each epoch: early stopping, a checkpoint per epoch, and the
//! tutorial's per-epoch PCA scatter of validation embeddings (its `validation_epoch_end`).

use std::path::PathBuf;

use candle_nn::VarMap;

use crate::error::Result;
use crate::train::config::TrainConfig;
use crate::train::history::{EpochRecord, History};
use crate::train::model::TutorialModel;
use crate::viz::{EmbeddingScatter, Modality, SvgChart};

/// Whether training goes on after a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep training.
    Continue,
    /// Stop after this epoch.
    Stop,
}

/// Embeddings of (a prefix of) the unique validation items, computed once per epoch for the
/// callbacks that ask for them.
///
/// # Shapes
/// Row-major `n x dim` f32 per modality, with `n` u32 labels.
#[derive(Debug, Clone, Default)]
pub struct ValidationEmbeddings {
    /// Embedding width.
    pub dim: usize,
    /// Image embeddings and labels, when the model embeds images.
    pub image: Option<(Vec<f32>, Vec<u32>)>,
    /// Audio embeddings and labels, when the model embeds audio.
    pub audio: Option<(Vec<f32>, Vec<u32>)>,
}

/// What a callback sees at the end of an epoch.
pub struct EpochEnd<'a> {
    /// The epoch that just ended (from 0).
    pub epoch: usize,
    /// Its summary.
    pub record: &'a EpochRecord,
    /// Everything logged so far.
    pub history: &'a History,
    /// The run's config.
    pub config: &'a TrainConfig,
    /// The model.
    pub model: &'a TutorialModel,
    /// Its weights.
    pub varmap: &'a VarMap,
    /// Validation embeddings, if a callback asked for them.
    pub embeddings: Option<&'a ValidationEmbeddings>,
}

/// Something to do after every epoch.
///
/// # Example
/// ```
/// use multimodal_search::train::{Callback, Control, EpochEnd};
/// struct Print;
/// impl Callback for Print {
///     fn on_epoch_end(&mut self, end: &EpochEnd) -> multimodal_search::Result<Control> {
///         println!("epoch {} loss {}", end.epoch, end.record.train_loss);
///         Ok(Control::Continue)
///     }
/// }
/// ```
pub trait Callback {
    /// How many unique validation items per modality this callback wants embedded (None: none).
    fn embedding_points(&self) -> Option<usize> {
        None
    }
    /// Called after the epoch's validation.
    fn on_epoch_end(&mut self, end: &EpochEnd) -> Result<Control>;
}

/// Stops when the validation loss (the training loss when not validating) has not improved by
/// more than `min_delta` for `patience` epochs, like Lightning's `EarlyStopping`.
///
/// # Example
/// ```
/// use multimodal_search::train::EarlyStopping;
/// let stop = EarlyStopping::new(3);
/// assert_eq!(stop.best(), None);
/// ```
#[derive(Debug, Clone)]
pub struct EarlyStopping {
    /// Epochs without improvement to tolerate.
    pub patience: usize,
    /// Smallest decrease that counts as an improvement.
    pub min_delta: f32,
    best: Option<f32>,
    waited: usize,
}

impl EarlyStopping {
    /// Patience `patience`, `min_delta` 0.
    pub fn new(patience: usize) -> Self {
        EarlyStopping {
            patience,
            min_delta: 0.0,
            best: None,
            waited: 0,
        }
    }

    /// The best monitored loss so far.
    pub fn best(&self) -> Option<f32> {
        self.best
    }
}

impl Callback for EarlyStopping {
    fn on_epoch_end(&mut self, end: &EpochEnd) -> Result<Control> {
        let loss = end.record.validation_loss.unwrap_or(end.record.train_loss);
        match self.best {
            Some(b) if loss >= b - self.min_delta => {
                self.waited += 1;
                if self.waited >= self.patience {
                    return Ok(Control::Stop);
                }
            }
            _ => {
                self.best = Some(loss);
                self.waited = 0;
            }
        }
        Ok(Control::Continue)
    }
}

/// Saves a checkpoint after every epoch into `dir/epoch_{n}` (n from 1).
///
/// # Example
/// ```
/// let cb = multimodal_search::train::CheckpointEachEpoch::new("runs/demo");
/// assert!(cb.dir.ends_with("demo"));
/// ```
#[derive(Debug, Clone)]
pub struct CheckpointEachEpoch {
    /// Parent folder of the per-epoch checkpoints.
    pub dir: PathBuf,
}

impl CheckpointEachEpoch {
    /// Checkpoints under `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        CheckpointEachEpoch { dir: dir.into() }
    }
}

impl Callback for CheckpointEachEpoch {
    fn on_epoch_end(&mut self, end: &EpochEnd) -> Result<Control> {
        crate::train::checkpoint::save_parts(
            &self.dir.join(format!("epoch_{}", end.epoch + 1)),
            end.config,
            end.varmap,
            end.history,
        )?;
        Ok(Control::Continue)
    }
}

/// The tutorial's per-epoch scatter: validation embeddings projected to 2-D with PCA, coloured
/// by digit (circles for images, triangles for audio), kept as charts and optionally saved as
/// `pca_epoch_{n}.svg`.
///
/// # Example
/// ```
/// let plots = multimodal_search::train::EmbeddingPlots::new(None);
/// assert!(plots.charts.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct EmbeddingPlots {
    /// Where to save the SVGs (None: keep them in memory only).
    pub dir: Option<PathBuf>,
    /// Unique validation items per modality to plot (the first ones of each set).
    pub max_points: usize,
    /// One chart per epoch.
    pub charts: Vec<SvgChart>,
}

impl EmbeddingPlots {
    /// Plots of up to 1,000 items per modality (all 300 validation recordings).
    pub fn new(dir: Option<PathBuf>) -> Self {
        EmbeddingPlots {
            dir,
            max_points: 1000,
            charts: Vec::new(),
        }
    }
}

impl Callback for EmbeddingPlots {
    fn embedding_points(&self) -> Option<usize> {
        Some(self.max_points)
    }

    fn on_epoch_end(&mut self, end: &EpochEnd) -> Result<Control> {
        let Some(emb) = end.embeddings else {
            return Ok(Control::Continue);
        };
        let mut groups: Vec<(Modality, &[f32], &[u32])> = Vec::new();
        if let Some((rows, labels)) = &emb.image {
            groups.push((Modality::Image, rows, labels));
        }
        if let Some((rows, labels)) = &emb.audio {
            groups.push((Modality::Audio, rows, labels));
        }
        let title = format!(
            "{} — validation embeddings after epoch {} (PCA)",
            end.config.model.name(),
            end.epoch + 1
        );
        let chart = EmbeddingScatter::fit(&title, &groups, emb.dim)?.chart()?;
        if let Some(dir) = &self.dir {
            chart.save(dir.join(format!("pca_epoch_{}.svg", end.epoch + 1)))?;
        }
        self.charts.push(chart);
        Ok(Control::Continue)
    }
}
