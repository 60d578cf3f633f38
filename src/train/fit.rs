//! The training loop, as every deep-learning course writes it: for each epoch, for each batch,
//! forward -> loss -> backward -> optimizer step; then the validation loss. This is what
//! Lightning's `Trainer.fit` runs for the tutorial, and what [`Trainer`](crate::train::Trainer)
//! runs too, with its progress display, timings and callbacks plugged in through [`Hooks`].

use candle_core::Device;
use candle_nn::VarMap;

use crate::data::{DataLoader, TutorialData, tutorial_augmentations};
use crate::error::{Error, Result};
use crate::loss::TrainLoss;
use crate::model::TutorialModel;
use crate::train::config::{TrainConfig, TrainTransforms};
use crate::train::hooks::{Control, Hooks, Phase};
use crate::train::optimizer::AnyOptimizer;

/// Mixed into the seed for the validation pairs' draws, so they differ from the training draws.
pub const VALIDATION_SALT: u64 = 0x7661_6c69_6461_7465;

/// Trains `model` (whose weights are `varmap`'s variables) on `data` as `config` says: shuffled
/// batches without the last partial one, `config.epochs` epochs or `config.max_steps` steps,
/// the validation loss after each epoch.
///
/// # Shapes
/// Batches of images `(B, 1, 28, 28)` and spectrograms `(B, 1, 64, 64)` f32, labels `(B,)` u32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::data::{LabeledSet, TutorialData};
/// use multimodal_search::model::{ModelKind, TutorialModel};
/// use multimodal_search::train::{TrainConfig, fit};
/// let set = |n: usize, side: usize| -> multimodal_search::Result<LabeledSet> {
///     let x = Tensor::randn(0f32, 1.0, (n, 1, side, side), &Device::Cpu)?;
///     LabeledSet::new(x, (0..n as u32).map(|i| i % 3).collect(), (0..n).map(|i| i.to_string()).collect())
/// };
/// let data = TutorialData::from_sets(set(16, 28)?, set(4, 64)?, set(8, 28)?, set(4, 64)?)?;
/// let config = TrainConfig { batch_size: 8, epochs: 1, embedding_size: 8, ..TrainConfig::tutorial(ModelKind::Image) };
/// let (model, varmap) = TutorialModel::seeded(ModelKind::Image, 8, 42, &Device::Cpu)?;
/// fit(&model, &varmap, &data, &config, &mut ())?;
/// # Ok(()) }
/// ```
pub fn fit(
    model: &TutorialModel,
    varmap: &VarMap,
    data: &TutorialData,
    config: &TrainConfig,
    hooks: &mut dyn Hooks,
) -> Result<()> {
    let loss_fn = TrainLoss::new(config.loss, config.margin);
    let mut optimizer =
        AnyOptimizer::new(config.optimizer, varmap.all_vars(), config.learning_rate)?;
    let train = loader(data, config, model.device(), false)?; // checks the config, too
    let validation = loader(data, config, model.device(), true)?;
    let mut steps_left = config.max_steps.unwrap_or(usize::MAX);
    for epoch in 0..config.epochs {
        let steps = train.num_batches().min(steps_left);
        hooks.on_epoch_start(epoch, steps);
        for (step, batch) in train.epoch(epoch as u64).take(steps).enumerate() {
            let batch = batch?;
            hooks.on_phase(Phase::Data);
            let diverged = |reason: String| Error::Diverged {
                epoch: epoch + 1,
                step: step + 1,
                reason,
                learning_rate: config.learning_rate,
            };
            let output = model.forward(&batch)?;
            hooks.on_phase(Phase::Forward);
            let loss = loss_fn.forward(&output, &batch).map_err(|e| match e {
                e @ Error::NotFinite { .. } if step + epoch > 0 => diverged(e.to_string()),
                e => e,
            })?;
            let value = loss.to_scalar::<f32>()?;
            if !value.is_finite() {
                return Err(diverged(format!("the loss is {value}")));
            }
            hooks.on_phase(Phase::Loss);
            let grads = loss.backward()?;
            hooks.on_phase(Phase::Backward);
            optimizer.step(&grads)?;
            hooks.on_phase(Phase::Optimizer);
            hooks.on_step_end(step, value, batch.image_labels.dim(0)?)?;
        }
        steps_left -= steps;
        let validation_loss = (config.validate)
            .then(|| validation_loss(model, &loss_fn, &validation, epoch as u64))
            .transpose()?;
        if hooks.on_epoch_end(epoch, validation_loss)? == Control::Stop || steps_left == 0 {
            break;
        }
    }
    Ok(())
}

/// The loss over every validation batch, weighted by batch size (Lightning's epoch mean).
pub fn validation_loss(
    model: &TutorialModel,
    loss_fn: &TrainLoss,
    loader: &DataLoader,
    epoch: u64,
) -> Result<f32> {
    let (mut sum, mut n) = (0f64, 0usize);
    for batch in loader.epoch(epoch) {
        let batch = batch?;
        let loss = loss_fn.forward(&model.forward(&batch)?, &batch)?;
        let b = batch.image_labels.dim(0)?;
        sum += loss.to_scalar::<f32>()? as f64 * b as f64;
        n += b;
    }
    Ok((sum / n.max(1) as f64) as f32)
}

/// The shuffled training batches (augmented if asked, last partial batch dropped), or the
/// validation batches (all of them, drawn with another seed).
fn loader<'a>(
    data: &'a TutorialData,
    config: &TrainConfig,
    device: &Device,
    validation: bool,
) -> Result<DataLoader<'a>> {
    config.validate_values()?;
    let set = if validation {
        &data.validation
    } else {
        &data.train
    };
    let seed = if validation {
        config.seed ^ VALIDATION_SALT
    } else {
        config.seed
    };
    let mut loader = DataLoader::new(set, config.batch_size)?
        .shuffle(true)
        .drop_last(!validation)
        .seed(seed)
        .device(device.clone());
    if !validation && config.train_transforms == TrainTransforms::Augment {
        let (image, audio) = tutorial_augmentations();
        loader = loader.image_transform(image).audio_transform(audio);
    }
    if loader.num_batches() == 0 {
        crate::bail!(
            "batch size {} is larger than the {} training pairs (batches drop the remainder)",
            config.batch_size,
            set.len()
        );
    }
    Ok(loader)
}
