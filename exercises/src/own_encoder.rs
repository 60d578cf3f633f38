//! Exercise `own_encoder`: An image encoder of your own (notebook 02_architectures, Building our architectures).
//!
//! Design your own image encoder: `MyEncoder::new(vb)` and `forward(images)` giving 128-wide
//! embeddings and 10 logits, with layers that differ from the tutorial `Encoder`'s, at most 2 million
//! parameters. 150 Adam steps of cross-entropy on its logits must reach the stated validation
//! accuracy.
//!
//! Check it with `cargo test -p exercises own_encoder`; a hint: `mmsearch exercises hint own_encoder`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// An image encoder of your own design: `(B, 1, 28, 28)` images to 128-wide embeddings and 10
/// logits, with layers that differ from the tutorial `Encoder`'s (other kernels, widths, pooling,
/// depth...).
///
/// # Shapes
/// `forward`: `(B, 1, 28, 28)` -> embeddings `(B, 128)`, logits `(B, 10)`.
pub struct MyEncoder {
    // Your layers here.
}

impl MyEncoder {
    /// Builds the layers, their parameters from `vb` (`vb.pp("conv1")`, ...).
    pub fn new(_vb: VarBuilder) -> Result<Self> {
        todo!("your layers")
    }

    /// Embeddings and logits of a batch of images.
    pub fn forward(&self, _x: &Tensor) -> Result<(Tensor, Tensor)> {
        todo!("your forward pass")
    }
}
