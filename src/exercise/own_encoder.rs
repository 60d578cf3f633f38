//! Exercise `own_encoder` (notebook 02): design an image encoder of your own, with layers that
//! differ from the tutorial's `Encoder`, that still learns: 150 steps of cross-entropy on its
//! logits must reach a stated validation accuracy.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;

use crate::data::TutorialData;
use crate::error::Result;
use crate::exercise::training::{ShortRun, accuracy, cross_entropy, train_classifier};
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

/// The validation accuracy of a design after the short run with `seed`.
pub fn run_accuracy<M>(
    data: &TutorialData,
    new: &impl Fn(VarBuilder) -> Result<M>,
    forward: &impl Fn(&M, &Tensor) -> Result<(Tensor, Tensor)>,
    seed: u64,
) -> Result<f64> {
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
    accuracy(&logits, data.validation_images(), 2000)
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
    let mut c = Checklist::new("own_encoder");
    c.check(
        "embeddings (4, 128) and logits (4, 10) for 4 images",
        1.0,
        || {
            let (net, _) = build(&new, 1)?;
            let x = Tensor::zeros((4, 1, 28, 28), DType::F32, &Device::Cpu)?;
            let (e, z) = forward(&net, &x)?;
            Ok(Verdict::equal(
                &[e.dims(), z.dims()],
                &[&[4, 128][..], &[4, 10][..]],
            ))
        },
    );
    c.check("its layers differ from the tutorial Encoder's", 1.0, || {
        let (_, store) = build(&new, 1)?;
        let mut mine: Vec<Vec<usize>> = store
            .varmap()
            .all_vars()
            .iter()
            .map(|v| v.dims().to_vec())
            .collect();
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
        let (_, store) = build(&new, 1)?;
        let n: usize = store
            .varmap()
            .all_vars()
            .iter()
            .map(|v| v.elem_count())
            .sum();
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
            let a = run_accuracy(data, &new, &forward, 0)?;
            Ok(Verdict::that(
                a >= THRESHOLD,
                format!("{a:.3}"),
                format!("at least {THRESHOLD} (reference {REFERENCE})"),
            ))
        },
    );
    c
}
