//! Exercise `search_metrics`: Search with other distance metrics (notebook 06_search, Actually doing multimodal search).
//!
//! Write `ranking(query, database, dim, metric)`, every database row best match first under cosine,
//! dot product, Euclidean or Manhattan, and `rank_agreement(a, b, k)`, the share of the top `k` of
//! `a` also in the top `k` of `b`. On unit vectors cosine and Euclidean agree exactly; Manhattan does
//! not.
//!
//! Check it with `cargo test -p exercises search_metrics`; a hint: `mmsearch exercises hint search_metrics`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// Every row of `database` (row-major, `dim` wide) for `query`, best match first: highest
/// similarity for `Cosine` and `Dot`, lowest distance for `Euclidean` and `Manhattan`.
///
/// # Shapes
/// `query`: `dim`; `database`: `N * dim`; returns the `N` row indices.
pub fn ranking(
    _query: &[f32],
    _database: &[f32],
    _dim: usize,
    _metric: SearchMetric,
) -> Vec<usize> {
    todo!("score each row, then sort the indices")
}

/// The share of the first `k` indices of `a` that are also among the first `k` of `b` (order
/// within the top `k` does not matter): 1.0 when the two searches return the same `k` hits.
pub fn rank_agreement(_a: &[usize], _b: &[usize], _k: usize) -> f64 {
    todo!("count the shared hits")
}
