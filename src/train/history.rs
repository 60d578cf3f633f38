//! `History`: what a run logged (Lightning's `train_loss` and `valid_loss`, plus timings).

use serde::{Deserialize, Serialize};

/// One epoch's summary.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Epoch number, from 0.
    pub epoch: usize,
    /// Optimizer steps taken in this epoch.
    pub steps: usize,
    /// Mean training loss over the epoch's steps.
    pub train_loss: f32,
    /// Validation loss (weighted by batch size over the validation pairs), if validated.
    pub validation_loss: Option<f32>,
    /// Wall time of the training part of the epoch, in seconds.
    pub train_seconds: f64,
    /// Wall time of validation, in seconds.
    pub validation_seconds: f64,
    /// Training pairs per second.
    pub samples_per_second: f64,
}

/// Where a step's time went, summed over the run (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct StepTimes {
    /// Assembling batches (gather, transforms).
    pub data: f64,
    /// The encoders' forward pass.
    pub forward: f64,
    /// Mining and the loss (our triplet loss also prepares its gradient here).
    pub loss: f64,
    /// Back-propagation.
    pub backward: f64,
    /// The optimizer update.
    pub optimizer: f64,
}

impl StepTimes {
    /// Sum of all parts.
    pub fn total(&self) -> f64 {
        self.data + self.forward + self.loss + self.backward + self.optimizer
    }
}

/// Everything a run logged.
///
/// # Shapes
/// One f32 loss per optimizer step; one [`EpochRecord`] per epoch.
///
/// # Example
/// ```
/// use multimodal_search::train::History;
/// let h = History { step_losses: vec![0.5, 0.4], ..Default::default() };
/// assert_eq!(h.steps(), 2);
/// assert_eq!(h.loss_curves("demo").step_losses.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct History {
    /// Training loss of every optimizer step.
    pub step_losses: Vec<f32>,
    /// Per-epoch summaries.
    pub epochs: Vec<EpochRecord>,
    /// Time per part of a step, summed.
    pub step_times: StepTimes,
    /// Training pairs seen.
    pub samples: usize,
    /// True when a callback (early stopping) or `max_steps` ended the run before its last epoch.
    pub stopped_early: bool,
}

impl History {
    /// Optimizer steps taken.
    pub fn steps(&self) -> usize {
        self.step_losses.len()
    }

    /// Training pairs per second over the whole run (training steps only).
    pub fn samples_per_second(&self) -> f64 {
        let t: f64 = self.epochs.iter().map(|e| e.train_seconds).sum();
        if t > 0.0 {
            self.samples as f64 / t
        } else {
            0.0
        }
    }
}
