//! Exercise `classification_only` (notebook 04): train a classification-only model, with a
//! cross-entropy loss of your own, and see how far 150 steps take the image encoder.
//!
//! Cross-entropy of logits `z` (one row per image) and labels `y`: the mean over the rows of
//! `log(sum_j exp(z_j)) - z_y`, computed stably (subtract each row's largest logit first).

use candle_core::{Device, Tensor};

use crate::data::TutorialData;
use crate::error::Result;
use crate::exercise::training::{
    accuracy_verdict, tutorial_encoder_predictions, tutorial_encoder_run,
};
use crate::exercise::{Checklist, Verdict};

/// The validation accuracy a solution's run must reach: the reference minus
/// `max(3 sigma, 0.02)` over 5 seeds (see `REFERENCE`).
pub const THRESHOLD: f64 = 0.929;
/// The reference solution's mean validation accuracy over seeds 0-4 (150 steps, 2,000
/// validation images), measured by `cargo bench --bench exercise_thresholds`.
pub const REFERENCE: &str = "0.949, sd 0.005 over seeds 0-4";

fn value(
    loss: &impl Fn(&Tensor, &Tensor) -> Result<Tensor>,
    z: &[f32],
    y: &[u32],
) -> Result<Verdict> {
    let rows = y.len();
    let logits = Tensor::from_vec(z.to_vec(), (rows, z.len() / rows), &Device::Cpu)?;
    let labels = Tensor::new(y, &Device::Cpu)?;
    let found = loss(&logits, &labels)?;
    if found.rank() != 0 {
        return Ok(Verdict::that(
            false,
            format!("shape {:?}", found.dims()),
            "a scalar",
        ));
    }
    // candle-nn's cross-entropy is PyTorch's: mean of the negative log-softmax at the label.
    let want = candle_nn::loss::cross_entropy(&logits, &labels)?.to_scalar::<f32>()?;
    Ok(Verdict::close(
        found.to_scalar::<f32>()? as f64,
        want as f64,
        1e-5,
    ))
}

/// The validation accuracy after a short run of the tutorial's image encoder trained with
/// `loss` alone, with `seed` for the weights and the batches.
pub fn run_accuracy(
    data: &TutorialData,
    loss: &impl Fn(&Tensor, &Tensor) -> Result<Tensor>,
    seed: u64,
) -> Result<f64> {
    tutorial_encoder_run(data, loss, None, seed)
}

/// The classes the tutorial's image encoder gives the first 2,000 validation images after the
/// short run of [`run_accuracy`] (what the grader's driver answers from its sandbox).
pub fn run_predictions(
    data: &TutorialData,
    loss: &impl Fn(&Tensor, &Tensor) -> Result<Tensor>,
    seed: u64,
) -> Result<Vec<u32>> {
    tutorial_encoder_predictions(data, loss, None, seed)
}

/// The visible checks: the value against PyTorch's on small logits and on logits near 1000 (where
/// `exp` overflows unless the row's largest is subtracted first), and a 150-step run of the image
/// encoder trained with it alone.
///
/// # Shapes
/// `loss(logits, labels)`: `(N, C)` f32 and `(N,)` u32 -> scalar.
pub fn check(data: &TutorialData, loss: impl Fn(&Tensor, &Tensor) -> Result<Tensor>) -> Checklist {
    check_driven(data, &loss, |seed| run_predictions(data, &loss, seed))
}

/// [`check`] for a loss whose short run happens elsewhere: `classes(seed)` gives the classes of
/// [`run_predictions`] (the grader's driver trains in its sandbox, and the labels they are
/// compared with stay here, in `data`).
///
/// # Example
/// ```no_run
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::exercise::classification_only;
/// use multimodal_search::prelude::*;
/// let data = TutorialData::load(&DataDir::resolve(None, true))?;
/// // candle-nn's cross-entropy, and a run that calls every image a 7.
/// let loss = |z: &Tensor, y: &Tensor| Ok(multimodal_search::candle_nn::loss::cross_entropy(z, y)?);
/// let c = classification_only::check_driven(&data, loss, |_| Ok(vec![7; 2000]));
/// assert!(!c.passed());
/// # Ok(()) }
/// ```
pub fn check_driven(
    data: &TutorialData,
    loss: impl Fn(&Tensor, &Tensor) -> Result<Tensor>,
    classes: impl Fn(u64) -> Result<Vec<u32>>,
) -> Checklist {
    let mut c = Checklist::new("classification_only");
    c.check("PyTorch's cross-entropy on 4 x 10 logits", 1.0, || {
        let z: Vec<f32> = (0..40)
            .map(|i| ((i * 37 % 23) as f32 - 11.0) / 4.0)
            .collect();
        value(&loss, &z, &[3, 0, 9, 9])
    });
    c.check("stable for logits near 1000", 1.0, || {
        let z: Vec<f32> = (0..20).map(|i| 1000.0 + (i % 10) as f32).collect();
        value(&loss, &z, &[9, 2])
    });
    c.check(
        &format!("150 steps with it alone: validation accuracy at least {THRESHOLD}"),
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
