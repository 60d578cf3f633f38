/// Hidden tests of `projection_head`: sizes the visible tests do not use, so a head that
/// hard-codes the visible widths fails here.
pub fn check<M: Module>(new: impl Fn(usize, usize, VarBuilder) -> Result<M>) -> Checklist {
    check_driven(
        |i, o, xs| projection_head::outputs(&new, i, o, xs),
        |i, o, x: &Tensor| projection_head::step(&new, i, o, x),
        |i, o| projection_head::parameter_count(&new, i, o),
    )
}

/// [`check`] for a head seen through the grader's driver.
pub fn check_driven(
    outputs: impl Fn(usize, usize, Vec<Tensor>) -> Result<Vec<Tensor>>,
    step: impl Fn(usize, usize, &Tensor) -> Result<(Tensor, Tensor)>,
    _parameter_count: impl Fn(usize, usize) -> Result<usize>,
) -> Checklist {
    let mut c = Checklist::new("projection_head");
    c.check("hidden: 96 -> 48, output shape (1, 48)", 1.0, || {
        projection_head::shape(&outputs, 96, 48, 1)
    });
    c.check("hidden: 64 -> 32 has a non-linearity", 1.0, || {
        projection_head::nonlinear(&outputs, 64, 32)
    });
    c.check("hidden: 64 -> 32 changes under one training step", 1.0, || {
        projection_head::trains(&step, 64, 32)
    });
    c
}
