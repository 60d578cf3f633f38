/// A t-SNE map of the rows of `points` (row-major, `dim` wide): one 2-D point per row, the same
/// map for the same `seed`. `multimodal_search::bhtsne` has `tSNE`; give it a starting map of
/// small random values drawn from `seed` (its own start is not seeded), perplexity 30.
///
/// # Shapes
/// `points`: `n * dim` (n at least 100); returns `n` points.
pub fn tsne_map(_points: &[f32], _dim: usize, _seed: u64) -> Vec<[f32; 2]> {
    todo!("rows as slices, a seeded starting map, tSNE::new(...).barnes_hut(...)")
}
