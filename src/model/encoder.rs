//! The tutorial's `Encoder`: a LeNet-style CNN that turns a digit image or a spectrogram into
//! class logits and an L2-normalized embedding.

use candle_core::{Device, Module, Tensor};
use candle_nn::{Linear, VarBuilder, VarMap};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::error::{Error, Result};
use crate::loss::l2_normalize;
use crate::model::conv::Conv2d;
use crate::model::init::{ParamSpec, init_pytorch_default};

/// The encoder's sizes; `Default` is the MNIST encoder with 128-dimensional embeddings.
///
/// # Example
/// ```
/// use multimodal_search::model::EncoderConfig;
/// assert_eq!(EncoderConfig::mnist(128).fc1_size, 256);
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

    /// Every parameter, named as PyTorch's `state_dict` names it, under `prefix` (may be empty).
    pub fn param_specs(&self, prefix: &str) -> Vec<ParamSpec> {
        let p = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            }
        };
        let emb = self.embedding_size;
        [
            ParamSpec::layer(&p("conv1"), &[6, 1, 5, 5], 25),
            ParamSpec::layer(&p("conv2"), &[16, 6, 5, 5], 150),
            ParamSpec::layer(&p("fc1"), &[512, self.fc1_size], self.fc1_size),
            ParamSpec::layer(&p("fc2"), &[512, 512], 512),
            ParamSpec::layer(&p("encoding_layer"), &[emb, 512], 512),
            ParamSpec::layer(&p("output_layer"), &[self.num_classes, emb], emb),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Number of scalar parameters (463,766 for MNIST with emb 128; 1,717,142 for spectrograms).
    pub fn num_params(&self) -> usize {
        self.param_specs("")
            .iter()
            .map(|s| s.shape.iter().product::<usize>())
            .sum()
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
    /// Builds the layers from `vb` (`vb.pp("conv1")`, ...). Variables already in the `VarMap`
    /// behind `vb` are used as they are; missing ones get candle's default initialization.
    pub fn new(config: EncoderConfig, vb: VarBuilder) -> Result<Self> {
        let device = vb.device().clone();
        Ok(Encoder {
            conv1: Conv2d::new(1, 6, 5, vb.pp("conv1"))?,
            conv2: Conv2d::new(6, 16, 5, vb.pp("conv2"))?,
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
        let varmap = VarMap::new();
        init_pytorch_default(
            &varmap,
            &config.param_specs(""),
            &mut StdRng::seed_from_u64(seed),
            device,
        )?;
        let vb = VarBuilder::from_varmap(&varmap, candle_core::DType::F32, device);
        Ok((Self::new(config, vb)?, varmap))
    }

    /// The device its weights live on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The sizes this encoder was built with.
    pub fn config(&self) -> &EncoderConfig {
        &self.config
    }

    /// The unnormalized encoding, `(B, embedding_size)`.
    pub fn encode(&self, x: &Tensor) -> Result<Tensor> {
        if x.rank() != 4 || x.dim(1)? != 1 {
            return Err(Error::InvalidArgument(format!(
                "Encoder input must be (B, 1, H, W), got {:?}",
                x.dims()
            )));
        }
        let h = self.conv1.forward_block(x)?;
        let h = self.conv2.forward_block(&h)?;
        let h = h.flatten_from(1)?;
        let features = h.dim(1)?;
        if features != self.config.fc1_size {
            return Err(Error::InvalidArgument(format!(
                "Encoder input {:?} gives {features} features after the conv blocks, but fc1 expects fc1_size = {} \
                 (256 is for 1x28x28 images, 2704 for 1x64x64 spectrograms)",
                x.dims(),
                self.config.fc1_size
            )));
        }
        let h = self.fc1.forward(&h)?.relu()?;
        let h = self.fc2.forward(&h)?.relu()?;
        Ok(self.encoding_layer.forward(&h)?)
    }

    /// `(logits, embedding)`: logits from the unnormalized encoding, the embedding L2-normalized.
    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let encoded = self.encode(x)?;
        let logits = self.output_layer.forward(&encoded)?;
        Ok((logits, l2_normalize(&encoded)?))
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
