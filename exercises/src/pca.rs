//! Exercise `pca`: PCA, written out (notebook 04_unimodal_training, Unimodal training).
//!
//! The tutorial's PCA exercise, without scikit-learn: `principal_components(rows, dim, k)` returns the column means,
//! the `k` unit directions of largest variance (eigenvectors of the covariance, `n - 1` in the
//! denominator) and their variances, largest first. The notebook plots the validation embeddings on
//! your first three components.
//!
//! Check it with `cargo test -p exercises pca`; a hint: `mmsearch exercises hint pca`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// The first `k` principal components of `rows` (row-major, `dim` wide): the column means, the
/// `k` unit directions of largest variance (covariance with `n - 1` in the denominator), largest
/// first, and their variances. `multimodal_search::nalgebra` has matrices and
/// `SymmetricEigen`.
///
/// # Shapes
/// `rows`: `n * dim`; returns `k` directions of `dim` values.
pub fn principal_components(
    _rows: &[f32],
    _dim: usize,
    _k: usize,
) -> Result<multimodal_search::exercise::pca::Components> {
    todo!("centre, covariance, eigenvectors")
}
