//! Projection heads: small networks after each encoder that map its embedding into the shared
//! space (the tutorial's `ProjectionHead`, which it leaves to the participant as an exercise).

use candle_core::{Module, Tensor};
use candle_nn::{Linear, VarBuilder};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// Anything that maps embeddings into the shared space: every candle [`Module`] that is
/// `Send + Sync` is one, so a head of your own plugs straight into
/// [`AudioImageEncoder::with_projections`](crate::model::AudioImageEncoder::with_projections).
///
/// # Shapes
/// `(B, in_dim)` -> `(B, out_dim)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device};
/// use multimodal_search::candle_nn::{VarBuilder, VarMap};
/// use multimodal_search::model::{MlpProjection, MlpProjectionConfig, Projection};
/// fn takes(_: Box<dyn Projection>) {}
/// let vm = VarMap::new();
/// let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
/// takes(Box::new(MlpProjection::new(128, MlpProjectionConfig::default(), vb)?));
/// # Ok(()) }
/// ```
pub trait Projection: Module + Send + Sync {}

impl<T: Module + Send + Sync> Projection for T {}

/// The sizes of an [`MlpProjection`]; saved in a training config.
///
/// # Example
/// ```
/// use multimodal_search::model::MlpProjectionConfig;
/// let c = MlpProjectionConfig::default();
/// assert_eq!((c.hidden_size, c.output_size), (128, 128));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MlpProjectionConfig {
    /// Width of the hidden layer.
    pub hidden_size: usize,
    /// Width of the shared space the head maps into.
    pub output_size: usize,
}

impl Default for MlpProjectionConfig {
    /// 128 -> 128: the encoders' embedding size, so the shared space keeps its width.
    fn default() -> Self {
        MlpProjectionConfig {
            hidden_size: 128,
            output_size: 128,
        }
    }
}

/// A two-layer perceptron head: `linear2(relu(linear1(x)))`, with parameters `linear1.*` and
/// `linear2.*` under its `VarBuilder` prefix.
///
/// # Shapes
/// `(B, input_size)` -> `(B, output_size)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Module, Tensor};
/// use multimodal_search::candle_nn::{VarBuilder, VarMap};
/// use multimodal_search::model::{MlpProjection, MlpProjectionConfig};
/// let vm = VarMap::new();
/// let config = MlpProjectionConfig { hidden_size: 512, output_size: 64 };
/// let head = MlpProjection::new(512, config, VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu))?;
/// let x = Tensor::ones((2, 512), DType::F32, &Device::Cpu)?;
/// assert_eq!(head.forward(&x)?.dims(), &[2, 64]);
/// assert_eq!(vm.all_vars().len(), 4);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MlpProjection {
    linear1: Linear,
    linear2: Linear,
}

impl MlpProjection {
    /// A head for `input_size`-wide embeddings, its layers from `vb.pp("linear1")` and
    /// `vb.pp("linear2")`.
    pub fn new(input_size: usize, config: MlpProjectionConfig, vb: VarBuilder) -> Result<Self> {
        Ok(MlpProjection {
            linear1: candle_nn::linear(input_size, config.hidden_size, vb.pp("linear1"))?,
            linear2: candle_nn::linear(config.hidden_size, config.output_size, vb.pp("linear2"))?,
        })
    }
}

impl Module for MlpProjection {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = self.linear1.forward(x)?.relu()?; // (B, hidden_size)
        self.linear2.forward(&h) //                   (B, output_size)
    }
}
