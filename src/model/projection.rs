//! The projection head: the participant's exercise, as in the tutorial.

use candle_core::{Module, Tensor};
use candle_nn::VarBuilder;

use crate::error::Result;

/// Anything that maps embeddings into the shared space: every candle [`Module`] that is
/// `Send + Sync` is one, so a participant's own head plugs straight into
/// [`AudioImageEncoder`](crate::model::AudioImageEncoder).
///
/// # Shapes
/// `(B, in_dim)` -> `(B, out_dim)` f32.
///
/// # Example
/// ```
/// use multimodal_search::model::{Projection, ProjectionHead};
/// fn takes(_: Box<dyn Projection>) {}
/// # let vm = multimodal_search::candle_nn::VarMap::new();
/// # let vb = multimodal_search::candle_nn::VarBuilder::from_varmap(&vm, multimodal_search::candle_core::DType::F32, &multimodal_search::candle_core::Device::Cpu);
/// takes(Box::new(ProjectionHead::new(128, 128, vb).unwrap()));
/// ```
pub trait Projection: Module + Send + Sync {}

impl<T: Module + Send + Sync> Projection for T {}

/// **Exercise** (tutorial, section *Building our architectures*): write your own projection head.
///
/// As in the tutorial, this is a template: it takes the sizes and returns its input unchanged.
/// Your task is to make it a real projection into the shared space:
/// 1. in [`ProjectionHead::new`], define the layers with `vb.pp("...")`, for example two
///    `candle_nn::linear` layers `encoded_dim -> embedding_size -> embedding_size`;
/// 2. in `forward`, project `x` through them;
/// 3. put a non-linearity (ReLU, GELU) between them.
///
/// `encoded_dim` is the size of what comes in (the encoder's embedding size); `embedding_size` is
/// the size of the shared space where images and audio are compared (keep it a power of two).
/// The exercises folder has a reference solution and a test that grades yours.
///
/// # Shapes
/// `(B, encoded_dim)` -> `(B, encoded_dim)` as shipped (identity); `(B, embedding_size)` once
/// you have written it.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Module, Tensor};
/// use multimodal_search::candle_nn::{VarBuilder, VarMap};
/// use multimodal_search::model::ProjectionHead;
/// let vm = VarMap::new();
/// let head = ProjectionHead::new(512, 512, VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu))?;
/// let x = Tensor::ones((2, 512), DType::F32, &Device::Cpu)?;
/// assert_eq!(head.forward(&x)?.dims(), &[2, 512]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ProjectionHead {
    /// Size of the incoming embeddings.
    pub encoded_dim: usize,
    /// Size of the shared space.
    pub embedding_size: usize,
}

impl ProjectionHead {
    /// The template: it records the sizes. DEFINE YOUR LAYERS HERE, with `vb.pp("name")`.
    pub fn new(encoded_dim: usize, embedding_size: usize, vb: VarBuilder) -> Result<Self> {
        let _ = vb; // your layers will take their variables from here
        Ok(ProjectionHead {
            encoded_dim,
            embedding_size,
        })
    }
}

impl Module for ProjectionHead {
    /// WRITE YOUR PROJECTION HERE; the template passes `x` through unchanged.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        Ok(x.clone())
    }
}
