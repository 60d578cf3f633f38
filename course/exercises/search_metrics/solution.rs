/// Every row of `database` (row-major, `dim` wide) for `query`, best match first: highest
/// similarity for `Cosine` and `Dot`, lowest distance for `Euclidean` and `Manhattan`.
///
/// # Shapes
/// `query`: `dim`; `database`: `N * dim`; returns the `N` row indices.
pub fn ranking(query: &[f32], database: &[f32], dim: usize, metric: SearchMetric) -> Vec<usize> {
    // BEGIN SOLUTION
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    // A score where larger is better: similarities as they are, distances negated.
    let score = |row: &[f32]| -> f32 {
        let pairs = query.iter().zip(row);
        match metric {
            SearchMetric::Dot => pairs.map(|(q, x)| q * x).sum(),
            SearchMetric::Cosine => pairs.map(|(q, x)| q * x).sum::<f32>() / (norm(query) * norm(row)),
            SearchMetric::Euclidean => -pairs.map(|(q, x)| (q - x) * (q - x)).sum::<f32>().sqrt(),
            SearchMetric::Manhattan => -pairs.map(|(q, x)| (q - x).abs()).sum::<f32>(),
        }
    };
    let scores: Vec<f32> = database.chunks(dim).map(score).collect();
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
    // END SOLUTION
}

/// The share of the first `k` indices of `a` that are also among the first `k` of `b` (order
/// within the top `k` does not matter): 1.0 when the two searches return the same `k` hits.
pub fn rank_agreement(a: &[usize], b: &[usize], k: usize) -> f64 {
    // BEGIN SOLUTION
    let top_b = &b[..k.min(b.len())];
    let shared = a.iter().take(k).filter(|i| top_b.contains(i)).count();
    shared as f64 / k.max(1) as f64
    // END SOLUTION
}
