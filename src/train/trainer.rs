//! `Trainer`: what Lightning's `Trainer.fit` does in the tutorial — the loop of
//! [`fit`](crate::train::fit()) (shuffled, `drop_last` training batches, a validation pass per
//! epoch) plus a progress display, per-phase timings, a history and callbacks.

use std::time::Instant;

use candle_core::Device;
use candle_nn::VarMap;

use crate::data::TutorialData;
use crate::error::Result;
use crate::model::TutorialModel;
use crate::train::callbacks::{Callback, EpochEnd};
use crate::train::checkpoint::TrainedModel;
use crate::train::config::TrainConfig;
use crate::train::fit::fit;
use crate::train::history::{EpochRecord, History};
use crate::train::hooks::{Control, Hooks, Phase};
use crate::train::progress::{ProgressMode, Reporter, StepInfo};

/// Trains one [`TutorialModel`] as a [`TrainConfig`] says.
///
/// # Shapes
/// Consumes batches of images `(B, 1, 28, 28)` and spectrograms `(B, 1, 64, 64)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::data::{LabeledSet, TutorialData};
/// use multimodal_search::model::ModelKind;
/// use multimodal_search::train::{ProgressMode, TrainConfig, Trainer};
/// let set = |n: usize, side: usize| -> multimodal_search::Result<LabeledSet> {
///     let x = Tensor::randn(0f32, 1.0, (n, 1, side, side), &Device::Cpu)?;
///     LabeledSet::new(x, (0..n as u32).map(|i| i % 3).collect(), (0..n).map(|i| i.to_string()).collect())
/// };
/// let data = TutorialData::from_sets(set(16, 28)?, set(4, 64)?, set(8, 28)?, set(4, 64)?)?;
/// let config = TrainConfig { batch_size: 8, epochs: 1, embedding_size: 8, ..TrainConfig::tutorial(ModelKind::Image) };
/// let trained = Trainer::new(config).progress(ProgressMode::Quiet).fit(&data)?;
/// assert_eq!(trained.history.steps(), 2);
/// assert!(trained.history.epochs[0].validation_loss.is_some());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Trainer {
    config: TrainConfig,
    device: Device,
    progress: ProgressMode,
}

impl Trainer {
    /// A trainer for `config`, on the CPU, with automatic progress display.
    pub fn new(config: TrainConfig) -> Self {
        Trainer {
            config,
            device: Device::Cpu,
            progress: ProgressMode::Auto,
        }
    }

    /// Trains on `device` (a CUDA device with the `cuda` feature).
    pub fn device(mut self, device: Device) -> Self {
        self.device = device;
        self
    }

    /// Chooses the progress display.
    pub fn progress(mut self, mode: ProgressMode) -> Self {
        self.progress = mode;
        self
    }

    /// The config it trains with.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// Trains a fresh model (initialized from the config's seed) on `data`.
    pub fn fit(&self, data: &TutorialData) -> Result<TrainedModel> {
        self.fit_with(data, &mut [])
    }

    /// Trains a fresh model, calling `callbacks` after every epoch.
    pub fn fit_with(
        &self,
        data: &TutorialData,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<TrainedModel> {
        let start = TrainedModel::untrained(self.config.clone(), &self.device)?;
        self.fit_model(start, data, callbacks)
    }

    /// Trains `trained`: a fresh model from [`TrainedModel::untrained`] or
    /// [`TrainedModel::untrained_with`], or a loaded checkpoint to go on training (its optimizer
    /// state starts afresh; the history grows). This is the loop of
    /// [`fit`](crate::train::fit()), with this trainer's progress display, timings, history and
    /// `callbacks` plugged in as its hooks.
    pub fn fit_model(
        &self,
        mut trained: TrainedModel,
        data: &TutorialData,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<TrainedModel> {
        let config = &self.config;
        let epochs_before = trained.history.epochs.len();
        let mut hooks = TrainerHooks {
            model: &trained.model,
            varmap: &trained.varmap,
            data,
            config,
            reporter: Reporter::new(self.progress, config.model.name()),
            history: &mut trained.history,
            callbacks,
            epochs: config.epochs,
            epoch_start: Instant::now(),
            last: Instant::now(),
            step_end: Instant::now(),
            loss_sum: 0.0,
            samples: 0,
            steps: 0,
            epoch_steps: 0,
        };
        fit(&trained.model, &trained.varmap, data, config, &mut hooks)?;
        // Fewer epochs than asked for: a callback or `max_steps` stopped the run.
        if trained.history.epochs.len() - epochs_before < config.epochs {
            trained.history.stopped_early = true;
        }
        Ok(trained)
    }
}

/// The trainer's side of the loop: timings, history, progress and callbacks.
struct TrainerHooks<'a, 'c> {
    model: &'a TutorialModel,
    varmap: &'a VarMap,
    data: &'a TutorialData,
    config: &'a TrainConfig,
    reporter: Reporter,
    history: &'a mut History,
    callbacks: &'a mut [&'c mut dyn Callback],
    epochs: usize,
    epoch_start: Instant,
    /// When the last phase ended.
    last: Instant,
    /// When the epoch's last step ended.
    step_end: Instant,
    loss_sum: f64,
    samples: usize,
    steps: usize,
    /// Steps the current epoch will run.
    epoch_steps: usize,
}

impl Hooks for TrainerHooks<'_, '_> {
    fn on_epoch_start(&mut self, epoch: usize, steps: usize) {
        self.reporter.start_epoch(epoch, self.epochs, steps);
        self.epoch_steps = steps;
        (self.loss_sum, self.samples, self.steps) = (0.0, 0, 0);
        self.epoch_start = Instant::now();
        self.last = self.epoch_start;
        self.step_end = self.epoch_start;
    }

    fn on_phase(&mut self, phase: Phase) {
        let now = Instant::now();
        let seconds = (now - self.last).as_secs_f64();
        self.last = now;
        let times = &mut self.history.step_times;
        *match phase {
            Phase::Data => &mut times.data,
            Phase::Forward => &mut times.forward,
            Phase::Loss => &mut times.loss,
            Phase::Backward => &mut times.backward,
            Phase::Optimizer => &mut times.optimizer,
        } += seconds;
    }

    fn on_step_end(&mut self, step: usize, loss: f32, batch_size: usize) -> Result<()> {
        self.history.step_losses.push(loss);
        self.history.samples += batch_size;
        self.loss_sum += loss as f64;
        self.samples += batch_size;
        self.steps += 1;
        self.step_end = Instant::now();
        self.reporter.step(&StepInfo {
            step: step + 1,
            steps: self.epoch_steps,
            loss,
            samples: self.samples,
        });
        Ok(())
    }

    fn on_epoch_end(&mut self, epoch: usize, validation_loss: Option<f32>) -> Result<Control> {
        let train_seconds = (self.step_end - self.epoch_start).as_secs_f64();
        let record = EpochRecord {
            epoch,
            steps: self.steps,
            train_loss: (self.loss_sum / self.steps.max(1) as f64) as f32,
            validation_loss,
            train_seconds,
            validation_seconds: self.step_end.elapsed().as_secs_f64(),
            samples_per_second: self.samples as f64 / train_seconds.max(1e-9),
        };
        self.reporter.end_epoch(&epoch_line(&record, self.epochs));
        self.history.epochs.push(record.clone());
        let mut control = Control::Continue;
        for cb in self.callbacks.iter_mut() {
            let end = EpochEnd {
                epoch,
                record: &record,
                history: self.history,
                config: self.config,
                model: self.model,
                varmap: self.varmap,
                data: self.data,
            };
            if cb.on_epoch_end(&end)? == Control::Stop {
                control = Control::Stop;
            }
        }
        Ok(control)
    }
}

fn epoch_line(r: &EpochRecord, epochs: usize) -> String {
    let val = r
        .validation_loss
        .map(|v| format!(", validation loss {v:.4}"))
        .unwrap_or_default();
    format!(
        "epoch {}/{epochs}: train loss {:.4}{val} ({} steps, {:.1} s, {:.0} samples/s)",
        r.epoch + 1,
        r.train_loss,
        r.steps,
        r.train_seconds,
        r.samples_per_second
    )
}
