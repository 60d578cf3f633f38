//! Exercise `adam_step` (notebook 05): another optimizer, written out: Adam's update rule,
//! checked step by step against candle's `AdamW` (weight decay 0, which is PyTorch's Adam).
//!
//! With gradient `g` at step `t`: `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
//! `m_hat = m / (1 - b1^t)`, `v_hat = v / (1 - b2^t)`, `p = p - lr m_hat / (sqrt(v_hat) + eps)`.

use candle_core::{Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};

use crate::error::Result;
use crate::exercise::{Checklist, Verdict};

/// The settings of one comparison.
#[derive(Debug, Clone, Copy)]
pub struct AdamCase {
    /// Learning rate.
    pub lr: f64,
    /// First-moment decay.
    pub beta1: f64,
    /// Second-moment decay.
    pub beta2: f64,
    /// The denominator's epsilon.
    pub eps: f64,
    /// Steps taken.
    pub steps: usize,
}

/// The starting values and the target of the comparison's problem, `sum((p - target)^2)`.
fn problem() -> (Vec<f32>, Vec<f32>) {
    let start: Vec<f32> = (0..12).map(|i| (i as f32 - 5.5) * 0.7).collect();
    let target: Vec<f32> = (0..12).map(|i| ((i * 7) % 5) as f32 - 2.0).collect();
    (start, target)
}

/// The parameters after each of `steps` steps of an optimizer made by `new` and moved by `step`,
/// minimizing `sum((p - target)^2)` (gradient `2 (p - target)`) from `start`.
///
/// # Shapes
/// `start`, `target`: `n` values; returns `steps` lists of `n`.
pub fn trajectory<A>(
    new: &impl Fn(usize, f64, f64, f64, f64) -> A,
    step: &impl Fn(&mut A, &mut [f32], &[f32]),
    case: AdamCase,
    start: &[f32],
    target: &[f32],
) -> Vec<Vec<f32>> {
    let mut mine = new(start.len(), case.lr, case.beta1, case.beta2, case.eps);
    let mut p = start.to_vec();
    let mut after = Vec::with_capacity(case.steps);
    for _ in 0..case.steps {
        let g: Vec<f32> = p.iter().zip(target).map(|(a, b)| 2.0 * (a - b)).collect();
        step(&mut mine, &mut p, &g);
        after.push(p.clone());
    }
    after
}

/// Minimizes `sum((p - target)^2)` from fixed starting values with the participant's optimizer
/// and with candle's, and compares the parameters after `case.steps` steps (to 1e-6).
pub fn verdict<A>(
    new: &impl Fn(usize, f64, f64, f64, f64) -> A,
    step: &impl Fn(&mut A, &mut [f32], &[f32]),
    case: AdamCase,
) -> Result<Verdict> {
    verdict_of(&runner(new, step), case)
}

/// An optimizer made by `new` and moved by `step`, as the trajectory function [`verdict_of`]
/// and [`check_driven`] take: `(lr, beta1, beta2, eps, steps, start, target)` to the parameters
/// after each step.
// The signature is the driver's, spelled out: a named type would hide what crosses the sandbox.
#[allow(clippy::type_complexity)]
pub fn runner<A>(
    new: impl Fn(usize, f64, f64, f64, f64) -> A,
    step: impl Fn(&mut A, &mut [f32], &[f32]),
) -> impl Fn(f64, f64, f64, f64, usize, &[f32], &[f32]) -> Vec<Vec<f32>> {
    move |lr, beta1, beta2, eps, steps, start, target| {
        let case = AdamCase {
            lr,
            beta1,
            beta2,
            eps,
            steps,
        };
        trajectory(&new, &step, case, start, target)
    }
}

/// [`verdict`] for an optimizer seen only through its trajectory: `run(lr, beta1, beta2, eps,
/// steps, start, target)` gives the parameters after each step (the grader's way to an
/// optimizer that runs in its sandbox).
pub fn verdict_of(
    run: &impl Fn(f64, f64, f64, f64, usize, &[f32], &[f32]) -> Vec<Vec<f32>>,
    case: AdamCase,
) -> Result<Verdict> {
    let (start, target) = problem();
    // candle's AdamW, weight decay 0.
    let var = Var::from_tensor(&Tensor::new(start.as_slice(), &Device::Cpu)?)?;
    let t = Tensor::new(target.as_slice(), &Device::Cpu)?;
    let params = ParamsAdamW {
        lr: case.lr,
        beta1: case.beta1,
        beta2: case.beta2,
        eps: case.eps,
        weight_decay: 0.0,
    };
    let mut reference = AdamW::new(vec![var.clone()], params)?;
    let mine = run(
        case.lr, case.beta1, case.beta2, case.eps, case.steps, &start, &target,
    );
    for s in 1..=case.steps {
        reference.backward_step(&(var.as_tensor() - &t)?.sqr()?.sum_all()?)?;
        let want = var.as_tensor().to_vec1::<f32>()?;
        let Some(p) = mine.get(s - 1).filter(|p| p.len() == want.len()) else {
            return Ok(Verdict::that(
                false,
                format!("no parameters of {} values after step {s}", want.len()),
                format!("{} steps", case.steps),
            ));
        };
        if let Some(i) = (0..p.len()).find(|&i| (p[i] - want[i]).abs() > 1e-6 || !p[i].is_finite())
        {
            return Ok(Verdict::that(
                false,
                format!("after step {s}, parameter {i} = {:.7}", p[i]),
                format!("{:.7} (candle's AdamW, weight decay 0)", want[i]),
            ));
        }
    }
    Ok(Verdict::that(
        true,
        format!("all 12 parameters, {} steps", case.steps),
        "candle's AdamW to 1e-6",
    ))
}

/// The visible checks: one step and five steps at the usual settings (lr 0.1, betas 0.9 and
/// 0.999, eps 1e-8).
///
/// # Example
/// ```
/// use multimodal_search::exercise::adam_step;
/// // Plain gradient descent is not Adam.
/// struct Sgd(f64);
/// let new = |_: usize, lr: f64, _: f64, _: f64, _: f64| Sgd(lr);
/// let step = |s: &mut Sgd, p: &mut [f32], g: &[f32]| p.iter_mut().zip(g).for_each(|(p, g)| *p -= s.0 as f32 * g);
/// assert!(!adam_step::check(new, step).passed());
/// ```
pub fn check<A>(
    new: impl Fn(usize, f64, f64, f64, f64) -> A,
    step: impl Fn(&mut A, &mut [f32], &[f32]),
) -> Checklist {
    check_driven(runner(new, step))
}

/// [`check`] for an optimizer seen only through its trajectory (see [`verdict_of`]): how the
/// grader checks an optimizer that runs in its sandbox.
///
/// # Example
/// ```
/// use multimodal_search::exercise::adam_step;
/// // An optimizer that never moves.
/// let frozen = |_: f64, _: f64, _: f64, _: f64, steps: usize, start: &[f32], _: &[f32]| {
///     vec![start.to_vec(); steps]
/// };
/// assert!(!adam_step::check_driven(frozen).passed());
/// ```
pub fn check_driven(
    run: impl Fn(f64, f64, f64, f64, usize, &[f32], &[f32]) -> Vec<Vec<f32>>,
) -> Checklist {
    let mut c = Checklist::new("adam_step");
    let usual = AdamCase {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        steps: 1,
    };
    c.check("one step at lr 0.1, betas (0.9, 0.999)", 1.0, || {
        verdict_of(&run, usual)
    });
    c.check("five steps at lr 0.1, betas (0.9, 0.999)", 2.0, || {
        verdict_of(&run, AdamCase { steps: 5, ..usual })
    });
    c
}
