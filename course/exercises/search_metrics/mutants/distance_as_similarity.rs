// MUTANT: ranks Euclidean distances as if they were similarities (farthest first).
pub fn ranking(query: &[f32], database: &[f32], dim: usize, metric: SearchMetric) -> Vec<usize> {
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    let score = |row: &[f32]| -> f32 {
        let pairs = query.iter().zip(row);
        match metric {
            SearchMetric::Dot => pairs.map(|(q, x)| q * x).sum(),
            SearchMetric::Cosine => pairs.map(|(q, x)| q * x).sum::<f32>() / (norm(query) * norm(row)),
            SearchMetric::Euclidean => pairs.map(|(q, x)| (q - x) * (q - x)).sum::<f32>().sqrt(),
            SearchMetric::Manhattan => -pairs.map(|(q, x)| (q - x).abs()).sum::<f32>(),
        }
    };
    let scores: Vec<f32> = database.chunks(dim).map(score).collect();
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
}

pub fn rank_agreement(a: &[usize], b: &[usize], k: usize) -> f64 {
    let top_b = &b[..k.min(b.len())];
    a.iter().take(k).filter(|i| top_b.contains(i)).count() as f64 / k.max(1) as f64
}
