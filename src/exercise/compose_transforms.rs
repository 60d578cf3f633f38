//! Exercise `compose_transforms` (notebook 01): a `Compose` of at least three transforms for the
//! image training data (the tutorial's `torchvision.transforms.Compose` exercise).

use candle_core::Tensor;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::data::TutorialData;
use crate::data::transforms::{Compose, Transform};
use crate::error::Result;
use crate::exercise::inputs::{max_abs_diff, randn};
use crate::exercise::training::{cross_entropy, tutorial_encoder_run};
use crate::exercise::{Checklist, Verdict};

/// The validation accuracy a run with the transforms must reach: the reference solution's mean
/// minus `max(3 sigma, 0.02)` over 5 seeds (see `REFERENCE`).
pub const THRESHOLD: f64 = 0.921;
/// The reference transforms' mean validation accuracy over seeds 0-4, measured by
/// `cargo bench --bench exercise_thresholds`.
pub const REFERENCE: &str = "0.941, sd 0.005 over seeds 0-4";

/// The validation accuracy of the tutorial image encoder after the short run (cross-entropy)
/// with `transforms` on its training batches, `seed` for the weights, batches and transforms.
pub fn run_accuracy(data: &TutorialData, transforms: &Compose, seed: u64) -> Result<f64> {
    tutorial_encoder_run(data, &cross_entropy, Some(transforms), seed)
}

fn apply(t: &Compose, x: &Tensor, seed: u64) -> Result<Tensor> {
    t.apply(x, &mut StdRng::seed_from_u64(seed))
}

/// A batch of `b` normalized 28 x 28 test images.
pub fn images(b: usize) -> Result<Tensor> {
    Ok(randn(31, b, 28 * 28)?.reshape((b, 1, 28, 28))?)
}

/// The visible checks: at least three steps, the shape kept, the image changed, random (two seeds
/// differ) yet repeatable (one seed, one result), finite values, and a short training run of the
/// image encoder with them as its training transforms.
///
/// # Example
/// ```
/// use multimodal_search::data::transforms::{Compose, Normalize};
/// use multimodal_search::exercise::compose_transforms;
/// let one = || Compose::new(vec![Box::new(Normalize::new(0.0, 1.0))]);
/// assert!(!compose_transforms::check_transforms(one).passed());
/// ```
pub fn check(data: &TutorialData, make: impl Fn() -> Compose) -> Checklist {
    let mut c = check_transforms(&make);
    c.check(
        &format!("150 training steps with them: validation accuracy at least {THRESHOLD}"),
        2.0,
        || {
            let a = run_accuracy(data, &make(), 0)?;
            Ok(Verdict::that(
                a >= THRESHOLD,
                format!("{a:.3}"),
                format!("at least {THRESHOLD} (reference {REFERENCE})"),
            ))
        },
    );
    c
}

/// The checks that need no data (every row of [`check`] but the training run).
pub fn check_transforms(make: impl Fn() -> Compose) -> Checklist {
    let mut c = Checklist::new("compose_transforms");
    c.check("has at least three steps", 1.0, || {
        let n = make().len();
        Ok(Verdict::that(n >= 3, format!("{n} steps"), "3 or more"))
    });
    c.check("keeps the shape (1, 28, 28)", 1.0, || {
        let x = images(1)?.reshape((1, 28, 28))?;
        Ok(Verdict::equal(
            apply(&make(), &x, 1)?.dims(),
            &[1, 28, 28][..],
        ))
    });
    c.check("changes the image", 1.0, || {
        let x = images(1)?.reshape((1, 28, 28))?;
        let d = max_abs_diff(&apply(&make(), &x, 1)?, &x)?;
        Ok(Verdict::that(
            d > 1e-3,
            format!("largest change {d:.2e}"),
            "some pixel changes by more than 1e-3",
        ))
    });
    c.check("is random: two seeds give two results", 1.0, || {
        let x = images(1)?.reshape((1, 28, 28))?;
        let t = make();
        let d = max_abs_diff(&apply(&t, &x, 1)?, &apply(&t, &x, 2)?)?;
        Ok(Verdict::that(
            d > 1e-6,
            format!("seeds 1 and 2 differ by {d:.2e}"),
            "different results",
        ))
    });
    c.check("is repeatable: one seed gives one result", 1.0, || {
        let x = images(1)?.reshape((1, 28, 28))?;
        let t = make();
        let d = max_abs_diff(&apply(&t, &x, 7)?, &apply(&t, &x, 7)?)?;
        Ok(Verdict::that(
            d == 0.0,
            format!("differ by {d:.2e}"),
            "the same result",
        ))
    });
    c.check("gives finite values", 1.0, || {
        let y = apply(&make(), &images(4)?, 3)?;
        let bad = y
            .flatten_all()?
            .to_vec1::<f32>()?
            .iter()
            .filter(|v| !v.is_finite())
            .count();
        Ok(Verdict::that(
            bad == 0,
            format!("{bad} values not finite"),
            "all finite",
        ))
    });
    c
}
