//! Short training runs for the exercises that train: a few hundred Adam steps of a classifier on
//! MNIST with a loss or a network of the participant's, then its accuracy on the validation
//! images. Seeded: one seed, one result.

use candle_core::{DType, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::data::LabeledSet;
use crate::data::transforms::Transform;
use crate::error::Result;
use crate::exercise::Verdict;

/// The settings of a short run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShortRun {
    /// Optimizer steps.
    pub steps: usize,
    /// Images per step.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Seeds the batches (the model's initial weights have their own seed).
    pub seed: u64,
}

impl ShortRun {
    /// What the checks run: 150 steps of 64 images at Adam's 1e-3.
    pub const CHECK: ShortRun = ShortRun {
        steps: 150,
        batch_size: 64,
        learning_rate: 1e-3,
        seed: 0,
    };
}

/// Trains `vars` by minimizing `loss(logits(images), labels)` on batches drawn from `train`;
/// returns the step losses.
///
/// # Shapes
/// `logits`: `(B, 1, 28, 28)` -> `(B, 10)`; `loss`: `(B, 10)` and `(B,)` u32 labels -> scalar.
pub fn train_classifier(
    logits: &dyn Fn(&Tensor) -> Result<Tensor>,
    vars: Vec<Var>,
    loss: &dyn Fn(&Tensor, &Tensor) -> Result<Tensor>,
    train: &LabeledSet,
    run: &ShortRun,
) -> Result<Vec<f32>> {
    train_augmented(logits, vars, loss, train, None, run)
}

/// As [`train_classifier`], each batch first passed through `transform` (the training
/// augmentations; validation images are never transformed).
pub fn train_augmented(
    logits: &dyn Fn(&Tensor) -> Result<Tensor>,
    vars: Vec<Var>,
    loss: &dyn Fn(&Tensor, &Tensor) -> Result<Tensor>,
    train: &LabeledSet,
    transform: Option<&dyn Transform>,
    run: &ShortRun,
) -> Result<Vec<f32>> {
    let mut augment_rng = rand::rngs::StdRng::seed_from_u64(run.seed ^ 0x5eed);
    let params = ParamsAdamW {
        lr: run.learning_rate,
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut adam = AdamW::new(vars, params)?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(run.seed);
    let n = train.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut losses = Vec::with_capacity(run.steps);
    let mut at = n;
    for _ in 0..run.steps {
        if at + run.batch_size > n {
            order.shuffle(&mut rng);
            at = 0;
        }
        let idx: Vec<u32> = order[at..at + run.batch_size].to_vec();
        at += run.batch_size;
        let idx = Tensor::new(idx.as_slice(), train.items().device())?;
        let x = train.items().index_select(&idx, 0)?; // (B, 1, 28, 28)
        let x = match transform {
            Some(t) => t.apply(&x, &mut augment_rng)?,
            None => x,
        };
        let labels: Vec<u32> = idx
            .to_vec1::<u32>()?
            .iter()
            .map(|&i| train.labels()[i as usize])
            .collect();
        let y = Tensor::new(labels.as_slice(), x.device())?; // (B,)
        let l = loss(&logits(&x)?, &y)?;
        adam.backward_step(&l)?;
        losses.push(l.to_dtype(DType::F32)?.to_scalar::<f32>()?);
    }
    Ok(losses)
}

/// The class of the largest logit of each of the first `limit` items of `set`.
///
/// # Shapes
/// `logits`: `(B, 1, 28, 28)` -> `(B, 10)`; returns `min(limit, set.len())` classes.
pub fn predictions(
    logits: &dyn Fn(&Tensor) -> Result<Tensor>,
    set: &LabeledSet,
    limit: usize,
) -> Result<Vec<u32>> {
    let n = set.len().min(limit);
    let mut predicted = Vec::with_capacity(n);
    for start in (0..n).step_by(500) {
        let len = (n - start).min(500);
        let x = set.items().narrow(0, start, len)?;
        predicted.extend(logits(&x)?.argmax(1)?.to_vec1::<u32>()?);
    }
    Ok(predicted)
}

/// The share of the first `limit` items of `set` whose largest logit is their label.
pub fn accuracy(
    logits: &dyn Fn(&Tensor) -> Result<Tensor>,
    set: &LabeledSet,
    limit: usize,
) -> Result<f64> {
    let predicted = predictions(logits, set, limit)?;
    Ok(share_right(&predicted, set.labels()))
}

/// The share of `predicted` equal to the labels at the same places (0 for no predictions).
///
/// # Example
/// ```
/// use multimodal_search::exercise::training::share_right;
/// assert_eq!(share_right(&[1, 2, 3, 4], &[1, 2, 0, 4, 9]), 0.75);
/// ```
pub fn share_right(predicted: &[u32], labels: &[u32]) -> f64 {
    let right = predicted.iter().zip(labels).filter(|(p, l)| p == l).count();
    right as f64 / predicted.len().max(1) as f64
}

/// The accuracy row of a check that trains: `predicted` (the classes a short run's model gives
/// the first validation images) against the first `labels`, passing at `threshold`.
pub fn accuracy_verdict(
    predicted: &[u32],
    labels: &[u32],
    threshold: f64,
    reference: &str,
) -> Verdict {
    let want = VALIDATION_IMAGES.min(labels.len());
    // The labels of the images in the order the run was given them.
    let order = served_order(labels.len());
    let labels: Vec<u32> = order[..want].iter().map(|&i| labels[i]).collect();
    if predicted.len() != want {
        return Verdict::that(
            false,
            format!("{} predicted classes", predicted.len()),
            format!("one class for each of the first {want} validation images"),
        );
    }
    let a = share_right(predicted, &labels);
    Verdict::that(
        a >= threshold,
        format!("{a:.3}"),
        format!("at least {threshold} (reference {reference})"),
    )
}

/// The environment variable that holds a grading batch's secret order (see [`served_order`]).
pub const SECRET_ORDER_VAR: &str = "MMS_GRADER_SECRET";

/// The order in which a check serves `n` test items (validation images, test rows) to code it
/// does not trust: `0..n` as they come, except in the grader's scorer, where a batch's secret
/// seed ([`SECRET_ORDER_VAR`]) shuffles them, so that an answer cannot be guessed from an
/// item's place (validation sets are public, and sorted files are sorted by label). The grader
/// serves the sandbox's validation images in the same order ([`secret_order`]).
///
/// # Example
/// ```
/// use multimodal_search::exercise::training::served_order;
/// // Outside the grader: as they come.
/// assert_eq!(served_order(4), vec![0, 1, 2, 3]);
/// ```
pub fn served_order(n: usize) -> Vec<usize> {
    match std::env::var(SECRET_ORDER_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(seed) => secret_order(seed, n),
        None => (0..n).collect(),
    }
}

/// `0..n` shuffled by `seed` (Fisher-Yates from a seeded `StdRng`): the grader's secret order.
///
/// # Example
/// ```
/// use multimodal_search::exercise::training::secret_order;
/// let mut o = secret_order(7, 100);
/// assert_ne!(o, (0..100).collect::<Vec<_>>());
/// o.sort();
/// assert_eq!(o, (0..100).collect::<Vec<_>>());
/// ```
pub fn secret_order(seed: u64, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed ^ n as u64));
    order
}

/// How many validation images the short runs are scored on.
pub const VALIDATION_IMAGES: usize = 2000;

/// candle-nn's cross-entropy (PyTorch's), as the runs that do not test a loss train with.
pub fn cross_entropy(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    Ok(candle_nn::loss::cross_entropy(logits, labels)?)
}

/// The validation accuracy (2,000 images) of the tutorial's image `Encoder`, seeded with `seed`,
/// after the checks' short run with `loss` and, if given, `transform` on its training batches.
pub fn tutorial_encoder_run(
    data: &crate::data::TutorialData,
    loss: &dyn Fn(&Tensor, &Tensor) -> Result<Tensor>,
    transform: Option<&dyn Transform>,
    seed: u64,
) -> Result<f64> {
    let predicted = tutorial_encoder_predictions(data, loss, transform, seed)?;
    Ok(share_right(&predicted, data.validation_images().labels()))
}

/// The classes the tutorial's image `Encoder` gives the first 2,000 validation images after the
/// short run of [`tutorial_encoder_run`]: what a grader's driver answers from its sandbox, where
/// the validation labels are not.
pub fn tutorial_encoder_predictions(
    data: &crate::data::TutorialData,
    loss: &dyn Fn(&Tensor, &Tensor) -> Result<Tensor>,
    transform: Option<&dyn Transform>,
    seed: u64,
) -> Result<Vec<u32>> {
    use crate::model::{Encoder, EncoderConfig};
    let (encoder, vars) =
        Encoder::seeded(EncoderConfig::mnist(128), seed, &candle_core::Device::Cpu)?;
    let logits = |x: &Tensor| -> Result<Tensor> { Ok(encoder.forward(x)?.1) };
    let run = ShortRun {
        seed,
        ..ShortRun::CHECK
    };
    train_augmented(
        &logits,
        vars.all_vars(),
        loss,
        data.train.images(),
        transform,
        &run,
    )?;
    predictions(&logits, data.validation_images(), VALIDATION_IMAGES)
}

/// The datasets, read once per process from the data folder (`MMS_DRIVER_DATA`, else `MMS_DATA`,
/// offline): what a grader's driver trains on. In the grader's sandbox the folder is its blinded
/// copy (`shell::grade::blind_copy`): MNIST's test images in the batch's secret order with every
/// label 0, and no FSDD validation recording; a model's validation classes are worth something
/// only outside, where the grader holds the labels and the order.
pub fn shared_data() -> Result<&'static crate::data::TutorialData> {
    static DATA: std::sync::OnceLock<crate::data::TutorialData> = std::sync::OnceLock::new();
    if let Some(d) = DATA.get() {
        return Ok(d);
    }
    // The grader's scorer records its reference runs on the sandbox's copy: `MMS_DRIVER_DATA`.
    let dir = std::env::var_os("MMS_DRIVER_DATA")
        .map(|d| crate::data::DataDir::new(std::path::PathBuf::from(d), true))
        .unwrap_or_else(|| crate::data::DataDir::resolve(None, true));
    let loaded = crate::data::TutorialData::load(&dir)?;
    Ok(DATA.get_or_init(|| loaded))
}
