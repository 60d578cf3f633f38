/// The first `k` principal components of `rows` (row-major, `dim` wide): the column means, the
/// `k` unit directions of largest variance (covariance with `n - 1` in the denominator), largest
/// first, and their variances. `multimodal_search::nalgebra` has matrices and
/// `SymmetricEigen`.
///
/// # Shapes
/// `rows`: `n * dim`; returns `k` directions of `dim` values.
pub fn principal_components(_rows: &[f32], _dim: usize, _k: usize) -> Result<multimodal_search::exercise::pca::Components> {
    todo!("centre, covariance, eigenvectors")
}
