//! The multimodal model: an image encoder and an audio encoder trained into one space.

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::error::Result;
use crate::loss::l2_normalize;
use crate::model::encoder::{Encoder, EncoderConfig};
use crate::model::init::init_pytorch_default;
use crate::model::projection::Projection;

/// What [`AudioImageEncoder::forward`] returns: the tutorial's output dictionary. A modality
/// that was not given is `None`.
///
/// # Shapes
/// logits `(B, 10)`, embeddings `(B, emb)`, f32.
#[derive(Debug, Clone, Default)]
pub struct MultiModalOutput {
    /// Image class logits.
    pub image_logits: Option<Tensor>,
    /// Image embeddings (unit rows).
    pub image_embeddings: Option<Tensor>,
    /// Audio class logits.
    pub audio_logits: Option<Tensor>,
    /// Audio embeddings (unit rows).
    pub audio_embeddings: Option<Tensor>,
}

/// An image [`Encoder`] (`image_encoder.*`) and an audio [`Encoder`] (`audio_encoder.*`), each
/// optionally followed by a [`Projection`] into the shared space.
///
/// Mirrors the tutorial's `AudioImageEncoder`. With a projection, the embedding is the
/// projection of the encoder's embedding, L2-normalized again so the losses see unit vectors.
///
/// # Shapes
/// `forward(Some(images (B, 1, 28, 28)), Some(spectrograms (B, 1, 64, 64)))`; see
/// [`MultiModalOutput`].
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::model::AudioImageEncoder;
/// let (model, _vm) = AudioImageEncoder::seeded(128, 42, &Device::Cpu)?;
/// let audio = Tensor::zeros((3, 1, 64, 64), DType::F32, &Device::Cpu)?;
/// let out = model.forward(None, Some(&audio))?;
/// assert!(out.image_embeddings.is_none());
/// assert_eq!(out.audio_embeddings.unwrap().dims(), &[3, 128]);
/// # Ok(()) }
/// ```
pub struct AudioImageEncoder {
    /// Encodes MNIST images.
    pub image_encoder: Encoder,
    /// Encodes spectrograms.
    pub audio_encoder: Encoder,
    image_projection: Option<Box<dyn Projection>>,
    audio_projection: Option<Box<dyn Projection>>,
}

impl std::fmt::Debug for AudioImageEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioImageEncoder")
            .field("image_encoder", &self.image_encoder)
            .field("audio_encoder", &self.audio_encoder)
            .field("image_projection", &self.image_projection.is_some())
            .field("audio_projection", &self.audio_projection.is_some())
            .finish()
    }
}

impl AudioImageEncoder {
    /// Both encoders with `embedding_size`, from `vb.pp("image_encoder")` and `vb.pp("audio_encoder")`.
    pub fn new(embedding_size: usize, vb: VarBuilder) -> Result<Self> {
        Ok(AudioImageEncoder {
            image_encoder: Encoder::new(
                EncoderConfig::mnist(embedding_size),
                vb.pp("image_encoder"),
            )?,
            audio_encoder: Encoder::new(
                EncoderConfig::spectrogram(embedding_size),
                vb.pp("audio_encoder"),
            )?,
            image_projection: None,
            audio_projection: None,
        })
    }

    /// A new model initialized as PyTorch would be, from `seed` (image encoder drawn first).
    pub fn seeded(embedding_size: usize, seed: u64, device: &Device) -> Result<(Self, VarMap)> {
        let varmap = VarMap::new();
        let mut rng = StdRng::seed_from_u64(seed);
        let mut specs = EncoderConfig::mnist(embedding_size).param_specs("image_encoder");
        specs.extend(EncoderConfig::spectrogram(embedding_size).param_specs("audio_encoder"));
        init_pytorch_default(&varmap, &specs, &mut rng, device)?;
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, device);
        Ok((Self::new(embedding_size, vb)?, varmap))
    }

    /// Adds projection heads after the encoders (build them from the same `VarMap` to train them).
    pub fn with_projections(
        mut self,
        image: Box<dyn Projection>,
        audio: Box<dyn Projection>,
    ) -> Self {
        self.image_projection = Some(image);
        self.audio_projection = Some(audio);
        self
    }

    fn run(
        encoder: &Encoder,
        projection: &Option<Box<dyn Projection>>,
        x: Option<&Tensor>,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let Some(x) = x else { return Ok((None, None)) };
        let (logits, emb) = encoder.forward(x)?;
        let emb = match projection {
            Some(p) => l2_normalize(&p.forward(&emb)?)?,
            None => emb,
        };
        Ok((Some(logits), Some(emb)))
    }

    /// Encodes whichever modalities are given.
    pub fn forward(
        &self,
        image: Option<&Tensor>,
        audio: Option<&Tensor>,
    ) -> Result<MultiModalOutput> {
        let (image_logits, image_embeddings) =
            Self::run(&self.image_encoder, &self.image_projection, image)?;
        let (audio_logits, audio_embeddings) =
            Self::run(&self.audio_encoder, &self.audio_projection, audio)?;
        Ok(MultiModalOutput {
            image_logits,
            image_embeddings,
            audio_logits,
            audio_embeddings,
        })
    }
}
