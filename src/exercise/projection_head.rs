//! Exercise `projection_head` (notebook 02): write the tutorial's `ProjectionHead`, a small
//! network that maps an encoder's embedding into the shared space.
//!
//! The participant writes `ProjectionHead::new(input_dim, embedding_size, vb) -> Result<Self>`
//! and `impl Module for ProjectionHead`; [`check`] builds heads through `new` and tests them.

use candle_core::{DType, Device, Module, Tensor};
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

/// The outputs of one fresh `input -> output` head from `new`, one for each of `inputs`: what
/// the grader's driver answers from its sandbox.
///
/// # Shapes
/// each input `(B, input)` -> its output, `(B, output)` for a right head.
pub fn outputs<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
    inputs: Vec<Tensor>,
) -> Result<Vec<Tensor>> {
    let (head, _) = build(new, input, output)?;
    inputs.iter().map(|x| Ok(head.forward(x)?)).collect()
}

/// One fresh `input -> output` head's output on `x`, before and after one SGD step (lr 0.1) on
/// `mean(f(x)^2)`.
///
/// # Shapes
/// `x`: `(B, input)`; both outputs `(B, output)` for a right head.
pub fn step<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
    x: &Tensor,
) -> Result<(Tensor, Tensor)> {
    let (head, vm) = build(new, input, output)?;
    let before = head.forward(x)?;
    let mut sgd = SGD::new(vm.all_vars(), 0.1)?;
    sgd.backward_step(&before.sqr()?.mean_all()?)?;
    Ok((before, head.forward(x)?))
}

/// How many values a fresh `input -> output` head registers in its `VarBuilder`.
pub fn parameter_count<M: Module>(
    new: &impl Fn(usize, usize, VarBuilder) -> Result<M>,
    input: usize,
    output: usize,
) -> Result<usize> {
    let (_head, vm) = build(new, input, output)?;
    Ok(vm.all_vars().iter().map(|v| v.elem_count()).sum())
}

/// The `k`th of the outputs a head gave, or why there is none.
fn nth(found: &[Tensor], k: usize) -> Result<&Tensor> {
    found.get(k).ok_or_else(|| {
        crate::error::Error::InvalidArgument(format!(
            "{} outputs for {} inputs",
            found.len(),
            k + 1
        ))
    })
}

/// The output shape of a `input -> output` head on a batch of `batch` (`outputs` as
/// [`outputs`] gives them).
pub fn shape(
    outputs: &impl Fn(usize, usize, Vec<Tensor>) -> Result<Vec<Tensor>>,
    input: usize,
    output: usize,
    batch: usize,
) -> Result<Verdict> {
    let y = outputs(input, output, vec![randn(1, batch, input)?])?;
    Ok(Verdict::equal(nth(&y, 0)?.dims(), &[batch, output][..]))
}

/// Whether a `input -> output` head registers any value in its `VarBuilder` (`count` as
/// [`parameter_count`]).
pub fn parameters(
    count: &impl Fn(usize, usize) -> Result<usize>,
    input: usize,
    output: usize,
) -> Result<Verdict> {
    let n = count(input, output)?;
    Ok(Verdict::that(
        n > 0,
        format!("{n} trainable values"),
        "at least one trainable value (made through `vb`)",
    ))
}

/// Checks the head is not affine: for an affine map, `f((x + y) / 2) = (f(x) + f(y)) / 2`.
pub fn nonlinear(
    outputs: &impl Fn(usize, usize, Vec<Tensor>) -> Result<Vec<Tensor>>,
    input: usize,
    output: usize,
) -> Result<Verdict> {
    let (x, y) = (randn(2, 8, input)?, randn(3, 8, input)?);
    let middle = ((&x + &y)? * 0.5)?;
    let f = outputs(input, output, vec![x, y, middle])?;
    let (fx, fy, mid) = (nth(&f, 0)?, nth(&f, 1)?, nth(&f, 2)?);
    let avg = ((fx + fy)? * 0.5)?;
    let gap = max_abs_diff(mid, &avg)?;
    let scale = max_abs(&avg)?.max(1e-6);
    Ok(Verdict::that(
        gap > 1e-3 * scale,
        format!("|f((x+y)/2) - (f(x)+f(y))/2| = {gap:.2e} (outputs up to {scale:.2e})"),
        "a non-linearity: the midpoint rule of affine maps broken by more than 1e-3 of the outputs",
    ))
}

/// Checks one SGD step on `mean(f(x)^2)` changes the head's output (`step` as [`step`]).
pub fn trains(
    step: &impl Fn(usize, usize, &Tensor) -> Result<(Tensor, Tensor)>,
    input: usize,
    output: usize,
) -> Result<Verdict> {
    let (before, after) = step(input, output, &randn(4, 16, input)?)?;
    let change = max_abs_diff(&after, &before)?;
    Ok(Verdict::that(
        change > 1e-7,
        format!("the output moved by {change:.2e}"),
        "one SGD step (lr 0.1) on mean(f(x)^2) moves the output",
    ))
}

/// Checks two different inputs give different outputs.
pub fn depends_on_input(
    outputs: &impl Fn(usize, usize, Vec<Tensor>) -> Result<Vec<Tensor>>,
    input: usize,
    output: usize,
) -> Result<Verdict> {
    let f = outputs(
        input,
        output,
        vec![randn(5, 4, input)?, randn(6, 4, input)?],
    )?;
    let d = max_abs_diff(nth(&f, 0)?, nth(&f, 1)?)?;
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
    check_driven(
        |i, o, xs| outputs(&new, i, o, xs),
        |i, o, x: &Tensor| step(&new, i, o, x),
        |i, o| parameter_count(&new, i, o),
    )
}

/// [`check`] for a head seen only through what [`outputs`], [`step`] and [`parameter_count`]
/// give: how the grader checks a head that runs in its sandbox.
///
/// # Example
/// ```
/// use multimodal_search::candle_core::Tensor;
/// use multimodal_search::exercise::projection_head;
/// // A "head" that gives its inputs back, has no parameters and never learns.
/// let c = projection_head::check_driven(
///     |_, _, xs| Ok(xs),
///     |_, _, x: &Tensor| Ok((x.clone(), x.clone())),
///     |_, _| Ok(0),
/// );
/// assert!(!c.passed());
/// ```
pub fn check_driven(
    outputs: impl Fn(usize, usize, Vec<Tensor>) -> Result<Vec<Tensor>>,
    step: impl Fn(usize, usize, &Tensor) -> Result<(Tensor, Tensor)>,
    parameter_count: impl Fn(usize, usize) -> Result<usize>,
) -> Checklist {
    let mut c = Checklist::new("projection_head");
    c.check("512 -> 512: output shape (4, 512)", 1.0, || {
        shape(&outputs, 512, 512, 4)
    });
    c.check("128 -> 128: output shape (4, 128)", 1.0, || {
        shape(&outputs, 128, 128, 4)
    });
    c.check("has trainable parameters", 1.0, || {
        parameters(&parameter_count, 128, 128)
    });
    c.check("has a non-linearity", 1.0, || nonlinear(&outputs, 128, 128));
    c.check("changes under one training step", 1.0, || {
        trains(&step, 128, 128)
    });
    c.check("output depends on the input", 1.0, || {
        depends_on_input(&outputs, 128, 128)
    });
    c
}
