/// Hidden tests of `projection_head`: sizes the visible tests do not use, so a head that
/// hard-codes the visible widths fails here.
pub fn check<M: Module>(new: impl Fn(usize, usize, VarBuilder) -> Result<M>) -> Checklist {
    let mut c = Checklist::new("projection_head");
    c.check("hidden: 96 -> 48, output shape (1, 48)", 1.0, || {
        projection_head::shape(&new, 96, 48, 1)
    });
    c.check("hidden: 64 -> 32 has a non-linearity", 1.0, || {
        projection_head::nonlinear(&new, 64, 32)
    });
    c.check("hidden: 64 -> 32 changes under one training step", 1.0, || {
        projection_head::trains(&new, 64, 32)
    });
    c
}
