// MUTANT: returns each row's first two coordinates (a projection, not a map of neighbours).
pub fn tsne_map(points: &[f32], dim: usize, _seed: u64) -> Vec<[f32; 2]> {
    points.chunks(dim).map(|r| [r[0], r.get(1).copied().unwrap_or(0.0)]).collect()
}
