//! Exercise `own_encoder` (notebook 02): design an image encoder of your own, with layers that
//! differ from the tutorial's `Encoder`, that still learns: 150 steps of cross-entropy on its
//! logits must reach a stated validation accuracy.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;

use crate::data::TutorialData;
use crate::error::Result;
use crate::exercise::training::{
    ShortRun, VALIDATION_IMAGES, accuracy_verdict, cross_entropy, predictions, share_right,
    train_classifier,
};
use crate::exercise::{Checklist, Verdict};
use crate::model::{EncoderConfig, ParamStore};

/// The validation accuracy a design must reach after the short run: the reference solution's
/// mean minus `max(3 sigma, 0.02)` over 5 seeds (see `REFERENCE`).
pub const THRESHOLD: f64 = 0.826;
/// The reference solution's mean validation accuracy over seeds 0-4 and the tutorial `Encoder`'s,
/// measured by `cargo bench --bench exercise_thresholds`.
pub const REFERENCE: &str = "0.887, sd 0.020 over seeds 0-4; the tutorial Encoder: 0.949";

/// A network from `new` with the crate's seeded initialization (PyTorch's defaults), and its
/// parameters' shapes.
fn build<M>(new: &impl Fn(VarBuilder) -> Result<M>, seed: u64) -> Result<(M, ParamStore)> {
    let store = ParamStore::seeded(seed);
    let net = new(store.var_builder(&Device::Cpu))?;
    Ok((net, store))
}

/// The validation accuracy after a short run of `new`'s network, seeded with `seed`, trained
/// with cross-entropy on its logits.
pub fn run_accuracy<M>(
    data: &TutorialData,
    new: &impl Fn(VarBuilder) -> Result<M>,
    forward: &impl Fn(&M, &Tensor) -> Result<(Tensor, Tensor)>,
    seed: u64,
) -> Result<f64> {
    let predicted = run_predictions(data, new, forward, seed)?;
    Ok(share_right(&predicted, data.validation_images().labels()))
}

/// The classes the network gives the first 2,000 validation images after the short run of
/// [`run_accuracy`] (what the grader's driver answers from its sandbox).
pub fn run_predictions<M>(
    data: &TutorialData,
    new: &impl Fn(VarBuilder) -> Result<M>,
    forward: &impl Fn(&M, &Tensor) -> Result<(Tensor, Tensor)>,
    seed: u64,
) -> Result<Vec<u32>> {
    let (net, store) = build(new, seed)?;
    let logits = |x: &Tensor| -> Result<Tensor> { Ok(forward(&net, x)?.1) };
    let run = ShortRun {
        seed,
        ..ShortRun::CHECK
    };
    train_classifier(
        &logits,
        store.varmap().all_vars(),
        &cross_entropy,
        data.train.images(),
        &run,
    )?;
    predictions(&logits, data.validation_images(), VALIDATION_IMAGES)
}

/// The shapes of the embeddings and the logits a fresh network (weights from `seed`) gives
/// `batch` blank images.
///
/// # Shapes
/// images `(batch, 1, 28, 28)`; a right network gives `[batch, 128]` and `[batch, 10]`.
pub fn output_dims<M>(
    new: &impl Fn(VarBuilder) -> Result<M>,
    forward: &impl Fn(&M, &Tensor) -> Result<(Tensor, Tensor)>,
    seed: u64,
    batch: usize,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let (net, _) = build(new, seed)?;
    let x = Tensor::zeros((batch, 1, 28, 28), DType::F32, &Device::Cpu)?;
    let (e, z) = forward(&net, &x)?;
    Ok((e.dims().to_vec(), z.dims().to_vec()))
}

/// The shapes of a fresh network's parameter tensors (weights from `seed`), in any order.
pub fn parameter_shapes<M>(
    new: &impl Fn(VarBuilder) -> Result<M>,
    seed: u64,
) -> Result<Vec<Vec<usize>>> {
    let (_, store) = build(new, seed)?;
    Ok(store
        .varmap()
        .all_vars()
        .iter()
        .map(|v| v.dims().to_vec())
        .collect())
}

/// The visible checks: the outputs' shapes, layers unlike `Encoder`'s, a bounded size, and the
/// accuracy after 150 steps.
///
/// # Shapes
/// `forward(net, images)`: `(B, 1, 28, 28)` -> embeddings `(B, 128)` and logits `(B, 10)`.
pub fn check<M>(
    data: &TutorialData,
    new: impl Fn(VarBuilder) -> Result<M>,
    forward: impl Fn(&M, &Tensor) -> Result<(Tensor, Tensor)>,
) -> Checklist {
    check_driven(
        data,
        |seed, batch| output_dims(&new, &forward, seed, batch),
        |seed| parameter_shapes(&new, seed),
        |seed| run_predictions(data, &new, &forward, seed),
    )
}

/// [`check`] for a network seen only through [`output_dims`], [`parameter_shapes`] and the
/// classes of [`run_predictions`]: how the grader checks a network that runs in its sandbox
/// (the validation labels stay here, in `data`).
///
/// # Example
/// ```no_run
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::exercise::own_encoder;
/// use multimodal_search::prelude::*;
/// let data = TutorialData::load(&DataDir::resolve(None, true))?;
/// // Right shapes, but the tutorial Encoder's own layers, and a run that calls everything 0.
/// let tutorial = multimodal_search::model::EncoderConfig::mnist(128).parameters()?;
/// let c = own_encoder::check_driven(
///     &data,
///     |_, b| Ok((vec![b, 128], vec![b, 10])),
///     |_| Ok(tutorial.iter().map(|(_, s)| s.clone()).collect()),
///     |_| Ok(vec![0; 2000]),
/// );
/// assert!(!c.passed());
/// # Ok(()) }
/// ```
pub fn check_driven(
    data: &TutorialData,
    output_dims: impl Fn(u64, usize) -> Result<(Vec<usize>, Vec<usize>)>,
    parameter_shapes: impl Fn(u64) -> Result<Vec<Vec<usize>>>,
    classes: impl Fn(u64) -> Result<Vec<u32>>,
) -> Checklist {
    let mut c = Checklist::new("own_encoder");
    c.check(
        "embeddings (4, 128) and logits (4, 10) for 4 images",
        1.0,
        || {
            let (e, z) = output_dims(1, 4)?;
            Ok(Verdict::equal(
                &[e.as_slice(), z.as_slice()],
                &[&[4, 128][..], &[4, 10][..]],
            ))
        },
    );
    c.check("its layers differ from the tutorial Encoder's", 1.0, || {
        let mut mine = parameter_shapes(1)?;
        let mut theirs: Vec<Vec<usize>> = EncoderConfig::mnist(128)
            .parameters()?
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        mine.sort();
        theirs.sort();
        Ok(Verdict::that(
            !mine.is_empty() && mine != theirs,
            format!("{} parameter tensors", mine.len()),
            "parameters whose shapes are not the tutorial Encoder's",
        ))
    });
    c.check("at most 2 million parameters", 1.0, || {
        // Checked: the shapes are an answer, and any numbers may come back.
        let n: usize = parameter_shapes(1)?
            .iter()
            .map(|s| s.iter().try_fold(1usize, |a, &d| a.checked_mul(d)))
            .try_fold(0usize, |a, p| a.checked_add(p?))
            .unwrap_or(usize::MAX);
        Ok(Verdict::that(
            n > 0 && n <= 2_000_000,
            format!("{n}"),
            "between 1 and 2,000,000",
        ))
    });
    c.check(
        &format!("150 steps of cross-entropy: validation accuracy at least {THRESHOLD}"),
        2.0,
        || {
            Ok(accuracy_verdict(
                &classes(0)?,
                data.validation_images().labels(),
                THRESHOLD,
                REFERENCE,
            ))
        },
    );
    c
}
