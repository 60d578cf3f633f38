/// Every row of `database` (row-major, `dim` wide) for `query`, best match first: highest
/// similarity for `Cosine` and `Dot`, lowest distance for `Euclidean` and `Manhattan`.
///
/// # Shapes
/// `query`: `dim`; `database`: `N * dim`; returns the `N` row indices.
pub fn ranking(_query: &[f32], _database: &[f32], _dim: usize, _metric: SearchMetric) -> Vec<usize> {
    todo!("score each row, then sort the indices")
}

/// The share of the first `k` indices of `a` that are also among the first `k` of `b` (order
/// within the top `k` does not matter): 1.0 when the two searches return the same `k` hits.
pub fn rank_agreement(_a: &[usize], _b: &[usize], _k: usize) -> f64 {
    todo!("count the shared hits")
}
