/// Hidden tests of `pca`: other data, 2 components of width 5, and every component of width 4.
pub fn check(pca: impl Fn(&[f32], usize, usize) -> Result<pca::Components>) -> Checklist {
    let mut c = Checklist::new("pca");
    for (case, what) in [
        ((51, 60, 5, 2), "variances"),
        ((51, 60, 5, 2), "directions"),
        ((52, 30, 4, 4), "variances"),
        ((52, 30, 4, 4), "orthonormal"),
    ] {
        c.check(&format!("hidden: {} rows of width {}, k = {}: {what}", case.1, case.2, case.3), 0.5, || {
            pca::verdict(&pca, case, what)
        });
    }
    c
}
