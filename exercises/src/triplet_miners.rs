//! Exercise `triplet_miners`: Your own semihard and hard triplet miners (notebook 03_losses, Losses).
//!
//! Write `semihard_triplets` and `hard_triplets`: every `(a, p, n)` with `a != p` of one label and
//! `n` of another whose margin `m = d(a, n) - d(a, p)` (Euclidean, on unit-length embeddings) has
//! `0 < m <= margin` (semihard) or `m <= 0` (hard). They are compared, as sets, with
//! pytorch-metric-learning's `TripletMarginMiner`, exact ties and one-member classes included.
//!
//! Check it with `cargo test -p exercises triplet_miners`; a hint: `mmsearch exercises hint triplet_miners`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// The semihard triplets of a batch: every `(a, p, n)` with `a != p` of one label and `n` of
/// another, whose margin `m = d(a, n) - d(a, p)` has `0 < m <= margin`. As pytorch-metric-learning,
/// `d` is the Euclidean distance between the embeddings scaled to unit length.
///
/// # Shapes
/// `embeddings`: `(N, D)`; `labels`: `N`; returns `[a, p, n]` rows, in any order.
pub fn semihard_triplets(
    _embeddings: &Tensor,
    _labels: &[u32],
    _margin: f32,
) -> Result<Vec<[usize; 3]>> {
    todo!("list the semihard triplets")
}

/// The hard triplets: as [`semihard_triplets`], but keeping those with `m <= 0` (the negative is
/// at least as close to the anchor as the positive).
///
/// # Shapes
/// As [`semihard_triplets`].
pub fn hard_triplets(
    _embeddings: &Tensor,
    _labels: &[u32],
    _margin: f32,
) -> Result<Vec<[usize; 3]>> {
    todo!("list the hard triplets")
}
