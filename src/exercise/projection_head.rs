//! Exercise `projection_head` (notebook 02): write the tutorial's `ProjectionHead`, a small
//! network that maps an encoder's embedding into the shared space.
//!
//! The participant writes `ProjectionHead::new(input_dim, embedding_size, vb) -> Result<Self>`
//! and `impl Module for ProjectionHead`; [`check`] builds heads through `new` and tests them.

use candle_core::{DType, Device, Module};
use candle_nn::{Optimizer, SGD, VarBuilder, VarMap};

use crate::error::Result;
use crate::exercise::inputs::{max_abs, max_abs_diff, randn};
use crate::exercise::{Checklist, Verdict};

/// A fresh head from `new`, with its own parameters.
fn build<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
) -> Result<(M, VarMap)> {
    let vm = VarMap::new();
    let head = new(
        input,
        output,
        VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu),
    )?;
    Ok((head, vm))
}

/// The output shape of a `input -> output` head on a batch of `batch`.
pub fn shape<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
    batch: usize,
) -> Result<Verdict> {
    let (head, _) = build(new, input, output)?;
    let y = head.forward(&randn(1, batch, input)?)?;
    Ok(Verdict::equal(y.dims(), &[batch, output][..]))
}

/// How many values a `input -> output` head registers in its `VarBuilder`.
pub fn parameters<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
) -> Result<Verdict> {
    let (_head, vm) = build(new, input, output)?;
    let n: usize = vm.all_vars().iter().map(|v| v.elem_count()).sum();
    Ok(Verdict::that(
        n > 0,
        format!("{n} trainable values"),
        "at least one trainable value (made through `vb`)",
    ))
}

/// Checks the head is not affine: for an affine map, `f((x + y) / 2) = (f(x) + f(y)) / 2`.
pub fn nonlinear<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
) -> Result<Verdict> {
    let (head, _) = build(new, input, output)?;
    let (x, y) = (randn(2, 8, input)?, randn(3, 8, input)?);
    let mid = head.forward(&((&x + &y)? * 0.5)?)?;
    let avg = ((head.forward(&x)? + head.forward(&y)?)? * 0.5)?;
    let gap = max_abs_diff(&mid, &avg)?;
    let scale = max_abs(&avg)?.max(1e-6);
    Ok(Verdict::that(
        gap > 1e-3 * scale,
        format!("|f((x+y)/2) - (f(x)+f(y))/2| = {gap:.2e} (outputs up to {scale:.2e})"),
        "a non-linearity: the midpoint rule of affine maps broken by more than 1e-3 of the outputs",
    ))
}

/// Checks one SGD step on `mean(f(x)^2)` changes the head's output.
pub fn trains<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
) -> Result<Verdict> {
    let (head, vm) = build(new, input, output)?;
    let x = randn(4, 16, input)?;
    let before = head.forward(&x)?;
    let mut sgd = SGD::new(vm.all_vars(), 0.1)?;
    sgd.backward_step(&before.sqr()?.mean_all()?)?;
    let change = max_abs_diff(&head.forward(&x)?, &before)?;
    Ok(Verdict::that(
        change > 1e-7,
        format!("the output moved by {change:.2e}"),
        "one SGD step (lr 0.1) on mean(f(x)^2) moves the output",
    ))
}

/// Checks two different inputs give different outputs.
pub fn depends_on_input<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
) -> Result<Verdict> {
    let (head, _) = build(new, input, output)?;
    let d = max_abs_diff(
        &head.forward(&randn(5, 4, input)?)?,
        &head.forward(&randn(6, 4, input)?)?,
    )?;
    Ok(Verdict::that(
        d > 1e-6,
        format!("outputs differ by at most {d:.2e}"),
        "different inputs, different outputs",
    ))
}

/// The visible checks: the tutorial's 512 -> 512 head, the 128 -> 128 head the multimodal model
/// needs, parameters, a non-linearity, a training step, and an output that depends on the input.
///
/// # Shapes
/// `new(input_dim, embedding_size, vb)` must give a [`Module`] mapping `(B, input_dim)` to
/// `(B, embedding_size)`.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_nn::{Linear, VarBuilder};
/// use multimodal_search::exercise::projection_head;
/// // One linear layer: right shapes, but no non-linearity.
/// let linear = |i: usize, o: usize, vb: VarBuilder| -> multimodal_search::Result<Linear> {
///     Ok(multimodal_search::candle_nn::linear(i, o, vb)?)
/// };
/// let c = projection_head::check(linear);
/// assert!(!c.passed());
/// assert!(c.rows().iter().any(|r| r.name.contains("non-linearity") && !r.outcome.passed()));
/// # Ok(()) }
/// ```
pub fn check<M: Module>(new: impl Fn(usize, usize, VarBuilder) -> Result<M>) -> Checklist {
    let mut c = Checklist::new("projection_head");
    c.check("512 -> 512: output shape (4, 512)", 1.0, || {
        shape(&new, 512, 512, 4)
    });
    c.check("128 -> 128: output shape (4, 128)", 1.0, || {
        shape(&new, 128, 128, 4)
    });
    c.check("has trainable parameters", 1.0, || {
        parameters(&new, 128, 128)
    });
    c.check("has a non-linearity", 1.0, || nonlinear(&new, 128, 128));
    c.check("changes under one training step", 1.0, || {
        trains(&new, 128, 128)
    });
    c.check("output depends on the input", 1.0, || {
        depends_on_input(&new, 128, 128)
    });
    c
}
