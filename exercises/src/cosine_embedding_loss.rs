//! Exercise `cosine_embedding_loss`: Pairwise margin loss via cosine embedding loss (notebook 03_losses, Losses).
//!
//! Write `cosine_embedding_loss(x1, x2, y, margin)`, PyTorch's `CosineEmbeddingLoss`: the mean over
//! pairs of `1 - cos` where `y = 1` and `max(0, cos - margin)` where `y = -1`, with PyTorch's `1e-12`
//! added to each squared norm (a zero vector has cosine 0). It is checked against PyTorch's values.
//!
//! Check it with `cargo test -p exercises cosine_embedding_loss`; a hint: `mmsearch exercises hint cosine_embedding_loss`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// A pairwise margin loss on cosine similarity, as PyTorch's `CosineEmbeddingLoss`: the mean over
/// the pairs of `1 - cos(x1, x2)` where `y = 1`, and `max(0, cos(x1, x2) - margin)` where `y = -1`.
/// Like PyTorch, add `1e-12` to each squared norm, so a zero vector has cosine 0.
///
/// # Shapes
/// `x1`, `x2`: `(N, D)`; `y`: `(N,)` of 1 and -1 (f32); returns a scalar.
pub fn cosine_embedding_loss(
    _x1: &Tensor,
    _x2: &Tensor,
    _y: &Tensor,
    _margin: f32,
) -> Result<Tensor> {
    todo!("the mean of the per-pair losses")
}
