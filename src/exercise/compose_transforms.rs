//! Exercise `compose_transforms` (notebook 01): a `Compose` of at least three transforms for the
//! image training data (the tutorial's `torchvision.transforms.Compose` exercise).

use candle_core::Tensor;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::data::transforms::{Compose, Transform};
use crate::error::Result;
use crate::exercise::inputs::{max_abs_diff, randn};
use crate::exercise::{Checklist, Verdict};

fn apply(t: &Compose, x: &Tensor, seed: u64) -> Result<Tensor> {
    t.apply(x, &mut StdRng::seed_from_u64(seed))
}

/// A batch of `b` normalized 28 x 28 test images.
pub fn images(b: usize) -> Result<Tensor> {
    Ok(randn(31, b, 28 * 28)?.reshape((b, 1, 28, 28))?)
}

/// The visible checks: at least three steps, the shape kept, the image changed, random (two seeds
/// differ) yet repeatable (one seed, one result), finite values.
///
/// # Example
/// ```
/// use multimodal_search::data::transforms::{Compose, Normalize};
/// use multimodal_search::exercise::compose_transforms;
/// let one = || Compose::new(vec![Box::new(Normalize::new(0.0, 1.0))]);
/// assert!(!compose_transforms::check(one).passed());
/// ```
pub fn check(make: impl Fn() -> Compose) -> Checklist {
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
