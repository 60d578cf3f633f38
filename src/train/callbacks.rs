//! Callbacks the trainer calls after each epoch: early stopping and a checkpoint per epoch (the
//! tutorial's per-epoch PCA scatter is [`viz::EmbeddingPlots`](crate::viz::EmbeddingPlots)).

use std::path::PathBuf;

use candle_nn::VarMap;

use crate::data::TutorialData;
use crate::error::Result;
use crate::model::TutorialModel;
use crate::train::config::TrainConfig;
use crate::train::history::{EpochRecord, History};
pub use crate::train::hooks::Control;

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
    /// The data it trains on (its validation sets are what the tutorial's plots embed).
    pub data: &'a TutorialData,
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
