//! Exercise `projection_head`: Your own projection head (notebook 02_architectures, Building our architectures).
//!
//! Write the tutorial's `ProjectionHead`: `new(input_dim, embedding_size, vb)` builds a small
//! network from `vb`, and `forward` maps `(B, input_dim)` embeddings to `(B, embedding_size)`.
//! It needs trainable parameters and a non-linearity, and must work at the tutorial's 512 -> 512
//! and at the 128 -> 128 the multimodal model uses.
//!
//! Check it with `cargo test -p exercises projection_head`; a hint: `mmsearch exercises hint projection_head`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// The tutorial's `ProjectionHead`: maps an encoder's `input_dim`-wide embedding into the shared
/// `embedding_size`-wide space. Give it layers with parameters, and a non-linearity between them.
///
/// # Shapes
/// `(B, input_dim)` -> `(B, embedding_size)`.
pub struct ProjectionHead {
    // Your layers here (`candle_nn::Linear`, ...).
}

impl ProjectionHead {
    /// Builds the head, its parameters from `vb` (`candle_nn::linear(.., vb.pp("linear1"))`, ...).
    pub fn new(_input_dim: usize, _embedding_size: usize, _vb: VarBuilder) -> Result<Self> {
        todo!("build the projection head's layers")
    }
}

impl Module for ProjectionHead {
    fn forward(&self, _x: &Tensor) -> candle_core::Result<Tensor> {
        todo!("map x into the shared space")
    }
}
