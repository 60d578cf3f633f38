//! The tutorial's `Encoder`: a LeNet-style CNN that turns a digit image or a spectrogram into
//! class logits and an L2-normalized embedding.

use candle_core::{Device, Module, Tensor};
use candle_nn::{Conv2d, Linear, VarBuilder, VarMap};

use crate::error::{Error, Result};
use crate::kernels::{self, Kernels};
use crate::model::embed::Embed;
use crate::model::params::ParamStore;
use crate::ops::l2_normalize;

/// The encoder's sizes; `Default` is the MNIST encoder with 128-dimensional embeddings.
///
/// # Example
/// ```
/// use multimodal_search::model::EncoderConfig;
/// assert_eq!(EncoderConfig::mnist(128).fc1_size, 256);
/// assert_eq!(EncoderConfig::mnist(128).num_params().unwrap(), 463_766);
/// assert_eq!(EncoderConfig::spectrogram(128).fc1_size, 2704);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EncoderConfig {
    /// Features after the two conv blocks: 16 * 4 * 4 = 256 for 28x28, 16 * 13 * 13 = 2704 for 64x64.
    pub fc1_size: usize,
    /// Embedding dimension (the tutorial uses 128).
    pub embedding_size: usize,
    /// Output classes (10 digits).
    pub num_classes: usize,
}

impl EncoderConfig {
    /// For MNIST images (1x28x28).
    pub fn mnist(embedding_size: usize) -> Self {
        EncoderConfig {
            fc1_size: 256,
            embedding_size,
            num_classes: 10,
        }
    }

    /// For spectrograms (1x64x64).
    pub fn spectrogram(embedding_size: usize) -> Self {
        EncoderConfig {
            fc1_size: 2704,
            embedding_size,
            num_classes: 10,
        }
    }

    /// Every parameter's name (as PyTorch's `state_dict` names it) and shape, in order, read off
    /// an encoder built from this config.
    pub fn parameters(&self) -> Result<Vec<(String, Vec<usize>)>> {
        let store = ParamStore::seeded(0);
        Encoder::new(self.clone(), store.var_builder(&Device::Cpu))?;
        store.parameters()
    }

    /// Number of scalar parameters (463,766 for MNIST with emb 128; 1,717,142 for spectrograms).
    pub fn num_params(&self) -> Result<usize> {
        let params = self.parameters()?;
        Ok(params
            .iter()
            .map(|(_, s)| s.iter().product::<usize>())
            .sum())
    }
}

impl Default for EncoderConfig {
    fn default() -> Self {
        Self::mnist(128)
    }
}

/// conv1 (1->6, k5) -> ReLU -> avgpool 2 -> conv2 (6->16, k5) -> ReLU -> avgpool 2 -> flatten ->
/// fc1 (->512) -> ReLU -> fc2 (512->512) -> ReLU -> encoding_layer (512->emb) -> output_layer
/// (emb->10).
///
/// Mirrors the tutorial's `Encoder`. [`Encoder::forward`] returns `(logits, embedding)`: the
/// logits come from the unnormalized encoding, the embedding is that encoding L2-normalized.
/// Parameters are named as PyTorch names them (`conv1.weight`, `fc1.bias`, ...).
///
/// # Shapes
/// - input: `(B, 1, 28, 28)` f32 for MNIST (fc1_size 256), `(B, 1, 64, 64)` for spectrograms (2704).
/// - logits: `(B, 10)` f32; embedding: `(B, embedding_size)` f32, each row of norm 1.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::model::{Encoder, EncoderConfig};
/// let (encoder, _varmap) = Encoder::seeded(EncoderConfig::mnist(128), 42, &Device::Cpu)?;
/// let images = Tensor::zeros((2, 1, 28, 28), DType::F32, &Device::Cpu)?;
/// let (logits, embedding) = encoder.forward(&images)?;
/// assert_eq!(logits.dims(), &[2, 10]);
/// assert_eq!(embedding.dims(), &[2, 128]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Encoder {
    conv1: Conv2d,
    conv2: Conv2d,
    fc1: Linear,
    fc2: Linear,
    encoding_layer: Linear,
    output_layer: Linear,
    config: EncoderConfig,
    device: Device,
}

impl Encoder {
    /// Builds the layers from `vb` (`vb.pp("conv1")`, ...): these constructors are the only place
    /// where the encoder's parameter names and shapes are written. With a `VarBuilder` over a
    /// `VarMap`, variables already there are used as they are and missing ones get candle's
    /// default initialization; over a [`ParamStore`] they are drawn as PyTorch would.
    pub fn new(config: EncoderConfig, vb: VarBuilder) -> Result<Self> {
        let device = vb.device().clone();
        Ok(Encoder {
            conv1: candle_nn::conv2d(1, 6, 5, Default::default(), vb.pp("conv1"))?,
            conv2: candle_nn::conv2d(6, 16, 5, Default::default(), vb.pp("conv2"))?,
            fc1: candle_nn::linear(config.fc1_size, 512, vb.pp("fc1"))?,
            fc2: candle_nn::linear(512, 512, vb.pp("fc2"))?,
            encoding_layer: candle_nn::linear(512, config.embedding_size, vb.pp("encoding_layer"))?,
            output_layer: candle_nn::linear(
                config.embedding_size,
                config.num_classes,
                vb.pp("output_layer"),
            )?,
            config,
            device,
        })
    }

    /// A new encoder initialized as PyTorch would be, from `seed`, with its own `VarMap`
    /// (train it through the `VarMap`'s variables; save it with `VarMap::save`).
    pub fn seeded(config: EncoderConfig, seed: u64, device: &Device) -> Result<(Self, VarMap)> {
        let store = ParamStore::seeded(seed);
        let encoder = Self::new(config, store.var_builder(device))?;
        Ok((encoder, store.varmap()))
    }

    /// The device its weights live on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The sizes this encoder was built with.
    pub fn config(&self) -> &EncoderConfig {
        &self.config
    }

    /// The unnormalized encoding, `(B, embedding_size)`: the LeNet, one layer a line.
    pub fn encode(&self, x: &Tensor) -> Result<Tensor> {
        // (B, 1, 28, 28) for MNIST, (B, 1, 64, 64) for spectrograms; shapes below are MNIST's.
        self.check_input(x)?;
        let h = conv_block(&self.conv1, x)?; //  conv1 (B, 6, 24, 24) -> ReLU -> pool: (B, 6, 12, 12)
        let h = conv_block(&self.conv2, &h)?; // conv2 (B, 16, 8, 8) -> ReLU -> pool: (B, 16, 4, 4)
        let h = h.flatten_from(1)?; //                                       (B, 256 = fc1_size)
        self.check_features(x, &h)?;
        let h = self.fc1.forward(&h)?.relu()?; //                            (B, 512)
        let h = self.fc2.forward(&h)?.relu()?; //                            (B, 512)
        Ok(self.encoding_layer.forward(&h)?) //                              (B, embedding_size)
    }

    /// `(logits, embedding)`: logits from the unnormalized encoding, the embedding L2-normalized.
    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let encoded = self.encode(x)?; //                    (B, embedding_size)
        let logits = self.output_layer.forward(&encoded)?; // (B, 10)
        Ok((logits, l2_normalize(&encoded)?)) //             (B, 10), (B, embedding_size)
    }

    fn check_input(&self, x: &Tensor) -> Result<()> {
        if x.rank() != 4 || x.dim(1)? != 1 {
            return Err(Error::Shape {
                what: "Encoder input".into(),
                expected: "(B, 1, H, W)".into(),
                found: x.dims().to_vec(),
            });
        }
        Ok(())
    }

    fn check_features(&self, x: &Tensor, h: &Tensor) -> Result<()> {
        if h.dim(1)? != self.config.fc1_size {
            return Err(Error::Shape {
                what: format!(
                    "Encoder input {:?} gives {} features after the conv blocks, but fc1 expects \
                     fc1_size = {} (256 is for 1x28x28 images, 2704 for 1x64x64 spectrograms); \
                     the flattened features",
                    x.dims(),
                    h.dim(1)?,
                    self.config.fc1_size
                ),
                expected: format!("(B, {})", self.config.fc1_size),
                found: h.dims().to_vec(),
            });
        }
        Ok(())
    }
}

/// The LeNet block `avg_pool2d(relu(conv(x)), 2)`: the plain candle ops below, or the same
/// block fused into one op on the CPU (`src/kernels/conv.rs`), as [`Kernels`] chooses.
///
/// # Shapes
/// `(B, C, H, W)` f32 -> `(B, O, (H-k+1)/2, (W-k+1)/2)` f32 for a `k x k` conv with `O` outputs.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::candle_nn::{VarBuilder, VarMap};
/// let vm = VarMap::new();
/// let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
/// let conv = multimodal_search::candle_nn::conv2d(1, 6, 5, Default::default(), vb)?;
/// let x = Tensor::zeros((2, 1, 28, 28), DType::F32, &Device::Cpu)?;
/// assert_eq!(multimodal_search::model::conv_block(&conv, &x)?.dims(), &[2, 6, 12, 12]);
/// # Ok(()) }
/// ```
pub fn conv_block(conv: &Conv2d, x: &Tensor) -> Result<Tensor> {
    if Kernels::active(x.device()) == Kernels::Fast {
        return Ok(kernels::conv::conv_relu_pool(x, conv)?); // the same three steps, fused
    }
    let h = conv.forward(x)?; // (B, O, H-k+1, W-k+1): conv1 on MNIST gives (B, 6, 24, 24)
    let h = h.relu()?; //        same shape, negatives set to 0
    Ok(h.avg_pool2d(2)?) //      (B, O, (H-k+1)/2, (W-k+1)/2): (B, 6, 12, 12)
}

impl Embed for Encoder {
    fn embed(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self.forward(x)?.1)
    }

    fn device(&self) -> &Device {
        &self.device
    }
}

impl Module for Encoder {
    /// The normalized embedding alone (what search uses).
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        Encoder::forward(self, xs)
            .map(|(_, e)| e)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))
    }
}
