//! `Embed`: anything that turns a batch of one modality into unit-length embeddings.

use candle_core::{Device, Tensor};

use crate::error::Result;

/// A model side that embeds one modality: an [`Encoder`](crate::model::Encoder), or one side of
/// a trained model (with its projection head, if any). Search indexes and retrieval metrics take
/// any `Embed`.
///
/// # Shapes
/// `(B, 1, H, W)` f32 -> `(B, D)` f32, each row of norm 1.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::model::{Embed, Encoder, EncoderConfig};
/// let (encoder, _) = Encoder::seeded(EncoderConfig::mnist(8), 1, &Device::Cpu)?;
/// let z = encoder.embed(&Tensor::ones((3, 1, 28, 28), DType::F32, &Device::Cpu)?)?;
/// assert_eq!(z.dims(), &[3, 8]);
/// # Ok(()) }
/// ```
pub trait Embed {
    /// The embeddings of a batch.
    fn embed(&self, x: &Tensor) -> Result<Tensor>;
    /// The device the weights live on (inputs are moved there).
    fn device(&self) -> &Device;
}

impl<T: Embed + ?Sized> Embed for &T {
    fn embed(&self, x: &Tensor) -> Result<Tensor> {
        (**self).embed(x)
    }

    fn device(&self) -> &Device {
        (**self).device()
    }
}
