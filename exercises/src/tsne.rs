//! Exercise `tsne`: t-SNE of the validation embeddings (notebook 05_multimodal_training, Multimodal training).
//!
//! Write `tsne_map(points, dim, seed)`: a 2-D t-SNE map of the rows (bhtsne's `tSNE`, perplexity 30,
//! Barnes-Hut), started from small random values drawn from `seed` so that one seed gives one map.
//! The check measures how well your map of 2,000 validation images and 300 recordings keeps
//! neighbours (trustworthiness, k = 10).
//!
//! Check it with `cargo test -p exercises tsne`; a hint: `mmsearch exercises hint tsne`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// A t-SNE map of the rows of `points` (row-major, `dim` wide): one 2-D point per row, the same
/// map for the same `seed`. `multimodal_search::bhtsne` has `tSNE`; give it a starting map of
/// small random values drawn from `seed` (its own start is not seeded), perplexity 30.
///
/// # Shapes
/// `points`: `n * dim` (n at least 100); returns `n` points.
pub fn tsne_map(_points: &[f32], _dim: usize, _seed: u64) -> Vec<[f32; 2]> {
    todo!("rows as slices, a seeded starting map, tSNE::new(...).barnes_hut(...)")
}
