//! Exercise `compose_transforms` (notebook 01): a `Compose` of at least three transforms for the
//! image training data (the tutorial's `torchvision.transforms.Compose` exercise).

use candle_core::Tensor;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::data::TutorialData;
use crate::data::transforms::{Compose, Transform};
use crate::error::Result;
use crate::exercise::inputs::{max_abs_diff, randn};
use crate::exercise::training::{
    accuracy_verdict, cross_entropy, tutorial_encoder_predictions, tutorial_encoder_run,
};
use crate::exercise::{Checklist, Verdict};

/// The validation accuracy a run with the transforms must reach: the reference solution's mean
/// minus `max(3 sigma, 0.02)` over 5 seeds (see `REFERENCE`).
pub const THRESHOLD: f64 = 0.921;
/// The reference transforms' mean validation accuracy over seeds 0-4, measured by
/// `cargo bench --bench exercise_thresholds`.
pub const REFERENCE: &str = "0.941, sd 0.005 over seeds 0-4";

/// The validation accuracy after a short run of the tutorial's image encoder with `transforms`
/// on its training batches, seeded with `seed`.
pub fn run_accuracy(data: &TutorialData, transforms: &Compose, seed: u64) -> Result<f64> {
    tutorial_encoder_run(data, &cross_entropy, Some(transforms), seed)
}

/// The classes the tutorial's image encoder gives the first 2,000 validation images after the
/// short run of [`run_accuracy`] (what the grader's driver answers from its sandbox).
pub fn run_predictions(data: &TutorialData, transforms: &Compose, seed: u64) -> Result<Vec<u32>> {
    tutorial_encoder_predictions(data, &cross_entropy, Some(transforms), seed)
}

/// One `Compose` from `make`, applied to `x` with an RNG seeded `first`, then again with one
/// seeded `second`: what the checks ask of the transforms, as the grader's driver answers.
///
/// # Shapes
/// `x`: an image `(1, 28, 28)` or a batch `(B, 1, 28, 28)`; each result as the transforms give.
pub fn applied_twice(
    make: &impl Fn() -> Compose,
    x: &Tensor,
    first: u64,
    second: u64,
) -> Result<(Tensor, Tensor)> {
    let t = make();
    Ok((apply(&t, x, first)?, apply(&t, x, second)?))
}

fn apply(t: &Compose, x: &Tensor, seed: u64) -> Result<Tensor> {
    t.apply(x, &mut StdRng::seed_from_u64(seed))
}

/// A batch of `b` normalized 28 x 28 test images.
pub fn images(b: usize) -> Result<Tensor> {
    Ok(randn(31, b, 28 * 28)?.reshape((b, 1, 28, 28))?)
}

/// The visible checks: the transforms' own properties ([`check_transforms`]), then a short run
/// trained with them.
pub fn check(data: &TutorialData, make: impl Fn() -> Compose) -> Checklist {
    check_driven(
        data,
        || Ok(make().len()),
        |x: &Tensor, a, b| applied_twice(&make, x, a, b),
        |seed| run_predictions(data, &make(), seed),
    )
}

/// [`check`] for transforms seen only through their step count, [`applied_twice`] and the
/// classes of [`run_predictions`]: how the grader checks transforms that run in its sandbox
/// (the validation labels stay here, in `data`).
pub fn check_driven(
    data: &TutorialData,
    steps: impl Fn() -> Result<usize>,
    applied_twice: impl Fn(&Tensor, u64, u64) -> Result<(Tensor, Tensor)>,
    classes: impl Fn(u64) -> Result<Vec<u32>>,
) -> Checklist {
    let mut c = check_properties(steps, applied_twice);
    c.check(
        &format!("150 training steps with them: validation accuracy at least {THRESHOLD}"),
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

/// The checks that need no training: at least three steps, the shape kept, the image changed,
/// random across seeds, repeatable for one seed, finite values.
///
/// # Example
/// ```
/// use multimodal_search::data::transforms::{Compose, GaussianNoise};
/// use multimodal_search::exercise::compose_transforms;
/// // One step only.
/// let c = compose_transforms::check_transforms(|| Compose::new(vec![Box::new(GaussianNoise::new(0.1))]));
/// assert!(!c.passed());
/// ```
pub fn check_transforms(make: impl Fn() -> Compose) -> Checklist {
    check_properties(
        || Ok(make().len()),
        |x: &Tensor, a, b| applied_twice(&make, x, a, b),
    )
}

/// [`check_transforms`] for transforms seen through their step count and [`applied_twice`].
pub fn check_properties(
    steps: impl Fn() -> Result<usize>,
    applied_twice: impl Fn(&Tensor, u64, u64) -> Result<(Tensor, Tensor)>,
) -> Checklist {
    let one = |x: &Tensor, seed: u64| -> Result<Tensor> { Ok(applied_twice(x, seed, seed)?.0) };
    let mut c = Checklist::new("compose_transforms");
    c.check("has at least three steps", 1.0, || {
        let n = steps()?;
        Ok(Verdict::that(n >= 3, format!("{n} steps"), "3 or more"))
    });
    c.check("keeps the shape (1, 28, 28)", 1.0, || {
        let x = images(1)?.reshape((1, 28, 28))?;
        Ok(Verdict::equal(one(&x, 1)?.dims(), &[1, 28, 28][..]))
    });
    c.check("changes the image", 1.0, || {
        let x = images(1)?.reshape((1, 28, 28))?;
        let d = max_abs_diff(&one(&x, 1)?, &x)?;
        Ok(Verdict::that(
            d > 1e-3,
            format!("largest change {d:.2e}"),
            "some pixel changes by more than 1e-3",
        ))
    });
    c.check("is random: two seeds give two results", 1.0, || {
        let x = images(1)?.reshape((1, 28, 28))?;
        let (a, b) = applied_twice(&x, 1, 2)?;
        let d = max_abs_diff(&a, &b)?;
        Ok(Verdict::that(
            d > 1e-6,
            format!("seeds 1 and 2 differ by {d:.2e}"),
            "different results",
        ))
    });
    c.check("is repeatable: one seed gives one result", 1.0, || {
        let x = images(1)?.reshape((1, 28, 28))?;
        let (a, b) = applied_twice(&x, 7, 7)?;
        let d = max_abs_diff(&a, &b)?;
        Ok(Verdict::that(
            d == 0.0,
            format!("differ by {d:.2e}"),
            "the same result",
        ))
    });
    c.check("gives finite values", 1.0, || {
        let y = one(&images(4)?, 3)?;
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
