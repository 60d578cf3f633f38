//! `Trainer`: one training loop for the tutorial's three runs and for the exercises — what
//! Lightning's `Trainer.fit` does in the tutorial (shuffled, `drop_last` training batches, a
//! validation pass per epoch, logging, callbacks).

use std::sync::Arc;
use std::time::Instant;

use candle_core::Device;

use crate::data::transforms::{
    Compose, FrequencyMasking, RandomRotation, RandomTranslation, TimeMasking, Transform,
};
use crate::data::{DataLoader, LabeledSet};
use crate::error::Result;
use crate::train::callbacks::{Callback, Control, EpochEnd, ValidationEmbeddings};
use crate::train::checkpoint::TrainedModel;
use crate::train::config::{TrainConfig, TrainTransforms};
use crate::train::data::TutorialData;
use crate::train::history::EpochRecord;
use crate::train::model::{TrainLoss, TutorialModel};
use crate::train::optimizer::Optimizer;
use crate::train::progress::{ProgressMode, Reporter, StepInfo};

/// Mixed into the seed for the validation pairs' draws, so they differ from the training draws.
const VALIDATION_SALT: u64 = 0x7661_6c69_6461_7465;

/// Trains one [`TutorialModel`] as a [`TrainConfig`] says.
///
/// # Shapes
/// Consumes batches of images `(B, 1, 28, 28)` and spectrograms `(B, 1, 64, 64)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::data::LabeledSet;
/// use multimodal_search::train::{ModelKind, ProgressMode, TrainConfig, Trainer, TutorialData};
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
        self.resume_with(start, data, callbacks)
    }

    /// Goes on training `model` (its optimizer state starts afresh), appending to its history.
    pub fn resume_with(
        &self,
        mut trained: TrainedModel,
        data: &TutorialData,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<TrainedModel> {
        let cfg = &self.config;
        cfg.validate_values()?;
        let loss_fn = TrainLoss::new(cfg.loss, cfg.margin);
        let mut optimizer =
            Optimizer::new(cfg.optimizer, trained.varmap.all_vars(), cfg.learning_rate)?;
        let mut loader = DataLoader::new(&data.train, cfg.batch_size)?
            .shuffle(true)
            .drop_last(true)
            .seed(cfg.seed)
            .device(self.device.clone());
        if cfg.train_transforms == TrainTransforms::Augment {
            let (image, audio) = augmentations();
            loader = loader.image_transform(image).audio_transform(audio);
        }
        let steps_per_epoch = loader.num_batches();
        if steps_per_epoch == 0 {
            return Err(crate::Error::InvalidArgument(format!(
                "batch size {} is larger than the {} training pairs (batches drop the remainder)",
                cfg.batch_size,
                data.train.len()
            )));
        }
        let val_loader = DataLoader::new(&data.validation, cfg.batch_size)?
            .shuffle(true)
            .drop_last(false)
            .seed(cfg.seed ^ VALIDATION_SALT)
            .device(self.device.clone());
        let mut reporter = Reporter::new(self.progress, cfg.model.name());
        let history = &mut trained.history;
        let total_before = history.steps();
        let points = callbacks.iter().filter_map(|c| c.embedding_points()).max();

        'epochs: for epoch in 0..cfg.epochs {
            let steps_this_epoch = match cfg.max_steps {
                Some(m) => steps_per_epoch.min(m.saturating_sub(history.steps() - total_before)),
                None => steps_per_epoch,
            };
            if steps_this_epoch == 0 {
                history.stopped_early = true;
                break;
            }
            reporter.start_epoch(epoch, cfg.epochs, steps_this_epoch);
            let t_epoch = Instant::now();
            let (mut sum, mut samples) = (0f64, 0usize);
            let mut batches = loader.epoch(epoch as u64);
            for step in 0..steps_this_epoch {
                let t0 = Instant::now();
                let Some(batch) = batches.next() else { break };
                let batch = batch?;
                let t1 = Instant::now();
                let out = trained.model.forward_batch(&batch)?;
                let t2 = Instant::now();
                let loss = loss_fn.forward(&out, &batch.image_labels, &batch.audio_labels)?;
                let value = loss.to_scalar::<f32>()?;
                let t3 = Instant::now();
                let grads = loss.backward()?;
                let t4 = Instant::now();
                optimizer.step(&grads)?;
                let t5 = Instant::now();
                let times = &mut history.step_times;
                times.data += (t1 - t0).as_secs_f64();
                times.forward += (t2 - t1).as_secs_f64();
                times.loss += (t3 - t2).as_secs_f64();
                times.backward += (t4 - t3).as_secs_f64();
                times.optimizer += (t5 - t4).as_secs_f64();
                let n = batch.image_labels.dim(0)?;
                history.step_losses.push(value);
                history.samples += n;
                sum += value as f64;
                samples += n;
                reporter.step(&StepInfo {
                    step: step + 1,
                    steps: steps_this_epoch,
                    loss: value,
                    samples,
                });
            }
            let train_seconds = t_epoch.elapsed().as_secs_f64();
            let t_val = Instant::now();
            let validation_loss = if cfg.validate {
                Some(validation_loss(
                    &trained.model,
                    &loss_fn,
                    &val_loader,
                    epoch as u64,
                )?)
            } else {
                None
            };
            let embeddings = match points {
                Some(p) => Some(validation_embeddings(&trained.model, data, p)?),
                None => None,
            };
            let record = EpochRecord {
                epoch,
                steps: steps_this_epoch,
                train_loss: (sum / steps_this_epoch as f64) as f32,
                validation_loss,
                train_seconds,
                validation_seconds: t_val.elapsed().as_secs_f64(),
                samples_per_second: samples as f64 / train_seconds.max(1e-9),
            };
            reporter.end_epoch(&epoch_line(&record, cfg.epochs));
            history.epochs.push(record.clone());
            let mut stop = false;
            for cb in callbacks.iter_mut() {
                let end = EpochEnd {
                    epoch,
                    record: &record,
                    history,
                    config: cfg,
                    model: &trained.model,
                    varmap: &trained.varmap,
                    embeddings: embeddings.as_ref(),
                };
                stop |= cb.on_epoch_end(&end)? == Control::Stop;
            }
            let out_of_steps = cfg
                .max_steps
                .is_some_and(|m| history.steps() - total_before >= m);
            if (stop || out_of_steps) && epoch + 1 < cfg.epochs {
                history.stopped_early = true;
                break 'epochs;
            }
        }
        Ok(trained)
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

/// The transforms exercise's augmentations: digits turn by up to 10 degrees and shift by up to
/// 10 %, spectrograms lose a band of up to 8 time columns and 8 frequency rows.
fn augmentations() -> (Arc<dyn Transform>, Arc<dyn Transform>) {
    // The normalized background of an MNIST image: (0 - mean) / std.
    let background = -crate::data::MNIST_MEAN / crate::data::MNIST_STD;
    let image = Compose::new(vec![
        Box::new(RandomRotation::new(10.0, background)),
        Box::new(RandomTranslation::new(0.1, 0.1, background)),
    ]);
    let audio = Compose::new(vec![
        Box::new(TimeMasking::new(8, 0.0)),
        Box::new(FrequencyMasking::new(8, 0.0)),
    ]);
    (Arc::new(image), Arc::new(audio))
}

/// The validation loss: the loss of every validation batch, weighted by its size (Lightning's
/// epoch-level mean of `valid_loss`).
fn validation_loss(
    model: &TutorialModel,
    loss_fn: &TrainLoss,
    loader: &DataLoader,
    epoch: u64,
) -> Result<f32> {
    let (mut sum, mut n) = (0f64, 0usize);
    for batch in loader.epoch(epoch) {
        let batch = batch?;
        let out = model.forward_batch(&batch)?;
        let loss = loss_fn.forward(&out, &batch.image_labels, &batch.audio_labels)?;
        let b = batch.image_labels.dim(0)?;
        sum += loss.to_scalar::<f32>()? as f64 * b as f64;
        n += b;
    }
    Ok((sum / n.max(1) as f64) as f32)
}

/// Embeds the first `max_points` unique validation items of each modality the model has.
pub(crate) fn validation_embeddings(
    model: &TutorialModel,
    data: &TutorialData,
    max_points: usize,
) -> Result<ValidationEmbeddings> {
    let embed = |enc: &crate::model::Encoder, set: &LabeledSet| -> Result<(Vec<f32>, Vec<u32>)> {
        let n = set.len().min(max_points);
        let idx: Vec<usize> = (0..n).collect();
        let mut rows = Vec::new();
        for chunk in idx.chunks(512) {
            let (x, _) = set.gather(chunk)?;
            let z = enc.forward(&x.to_device(enc.device())?)?.1;
            rows.extend(z.flatten_all()?.to_vec1::<f32>()?);
        }
        Ok((rows, set.labels()[..n].to_vec()))
    };
    let dim = model
        .image_encoder()
        .or(model.audio_encoder())
        .map(|e| e.config().embedding_size)
        .unwrap_or(0);
    Ok(ValidationEmbeddings {
        dim,
        image: model
            .image_encoder()
            .map(|e| embed(e, data.validation_images()))
            .transpose()?,
        audio: model
            .audio_encoder()
            .map(|e| embed(e, data.validation_audio()))
            .transpose()?,
    })
}
