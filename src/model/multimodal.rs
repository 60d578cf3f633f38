//! The multimodal model: an image encoder and an audio encoder trained into one space.

use candle_core::{Device, Tensor};
use candle_nn::{VarBuilder, VarMap};

use crate::error::Result;
use crate::model::embed::Embed;
use crate::model::encoder::{Encoder, EncoderConfig};
use crate::model::modality::Modality;
use crate::model::params::ParamStore;
use crate::model::projection::{MlpProjection, MlpProjectionConfig, Projection};
use crate::ops::l2_normalize;

/// An image [`Encoder`] (`image_encoder.*`) and an audio [`Encoder`] (`audio_encoder.*`), each
/// optionally followed by a [`Projection`] into the shared space (`image_projection.*`,
/// `audio_projection.*`).
///
/// Mirrors the tutorial's `AudioImageEncoder`; where its `forward` takes optional inputs and
/// returns a dictionary, here each modality has its own method returning `(logits, embeddings)`.
/// With a projection, the embedding is the projection of the encoder's embedding, L2-normalized
/// again so the losses see unit vectors.
///
/// # Shapes
/// [`embed_images`](Self::embed_images): `(B, 1, 28, 28)` -> logits `(B, 10)`, embeddings
/// `(B, D)`; [`embed_audio`](Self::embed_audio): `(B, 1, 64, 64)` -> the same; f32. `D` is the
/// encoders' embedding size, or the heads' output size.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::model::AudioImageEncoder;
/// let (model, _vm) = AudioImageEncoder::seeded(128, 42, &Device::Cpu)?;
/// let audio = Tensor::zeros((3, 1, 64, 64), DType::F32, &Device::Cpu)?;
/// let (logits, embeddings) = model.embed_audio(&audio)?;
/// assert_eq!((logits.dims(), embeddings.dims()), (&[3, 10][..], &[3, 128][..]));
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
    /// Both encoders with `embedding_size`, from `vb.pp("image_encoder")` then
    /// `vb.pp("audio_encoder")`.
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

    /// Two encoders trained elsewhere, as one model: for example the tutorial's unimodal pair
    /// (the image model's encoder and the speech model's), to search with it as with the
    /// multimodal model.
    pub fn from_encoders(image_encoder: Encoder, audio_encoder: Encoder) -> Self {
        AudioImageEncoder {
            image_encoder,
            audio_encoder,
            image_projection: None,
            audio_projection: None,
        }
    }

    /// A new model initialized as PyTorch would be, from `seed` (image encoder drawn first).
    pub fn seeded(embedding_size: usize, seed: u64, device: &Device) -> Result<(Self, VarMap)> {
        let store = ParamStore::seeded(seed);
        let model = Self::new(embedding_size, store.var_builder(device))?;
        Ok((model, store.varmap()))
    }

    /// Adds projection heads after the encoders (build them from the same `VarBuilder` to train
    /// them, under `image_projection` and `audio_projection` to save and load them).
    pub fn with_projections(
        mut self,
        image: Box<dyn Projection>,
        audio: Box<dyn Projection>,
    ) -> Self {
        self.image_projection = Some(image);
        self.audio_projection = Some(audio);
        self
    }

    /// Adds a head of your own after each encoder: `build(input_size, vb)` is called with
    /// `vb.pp("image_projection")`, then `vb.pp("audio_projection")`.
    pub fn with_heads(self, build: &BuildHead<'_>, vb: VarBuilder) -> Result<Self> {
        let input = self.image_encoder.config().embedding_size;
        let image = build(input, vb.pp("image_projection"))?;
        let audio = build(input, vb.pp("audio_projection"))?;
        Ok(self.with_projections(image, audio))
    }

    /// Adds two [`MlpProjection`] heads, from `vb.pp("image_projection")` and
    /// `vb.pp("audio_projection")`.
    pub fn with_mlp_projections(self, config: MlpProjectionConfig, vb: VarBuilder) -> Result<Self> {
        self.with_heads(
            &move |input, vb| Ok(Box::new(MlpProjection::new(input, config, vb)?)),
            vb,
        )
    }

    /// Whether projection heads follow the encoders.
    pub fn has_projections(&self) -> bool {
        self.image_projection.is_some()
    }

    /// Image logits `(B, 10)` and embeddings `(B, D)` of digit images `(B, 1, 28, 28)`.
    pub fn embed_images(&self, images: &Tensor) -> Result<(Tensor, Tensor)> {
        Self::run(&self.image_encoder, &self.image_projection, images)
    }

    /// Audio logits `(B, 10)` and embeddings `(B, D)` of spectrograms `(B, 1, 64, 64)`.
    pub fn embed_audio(&self, spectrograms: &Tensor) -> Result<(Tensor, Tensor)> {
        Self::run(&self.audio_encoder, &self.audio_projection, spectrograms)
    }

    /// [`embed_images`](Self::embed_images) or [`embed_audio`](Self::embed_audio).
    pub fn embed_modality(&self, modality: Modality, x: &Tensor) -> Result<(Tensor, Tensor)> {
        match modality {
            Modality::Image => self.embed_images(x),
            Modality::Audio => self.embed_audio(x),
        }
    }

    /// One modality's side of the model, as an [`Embed`] for search.
    pub fn side(&self, modality: Modality) -> Side<'_> {
        Side {
            model: self,
            modality,
        }
    }

    fn run(
        encoder: &Encoder,
        projection: &Option<Box<dyn Projection>>,
        x: &Tensor,
    ) -> Result<(Tensor, Tensor)> {
        let (logits, embeddings) = encoder.forward(x)?; // (B, 10), (B, emb)
        let embeddings = match projection {
            Some(p) => l2_normalize(&p.forward(&embeddings)?)?, // (B, D)
            None => embeddings,
        };
        Ok((logits, embeddings))
    }
}

/// Builds one projection head from its input size and its `VarBuilder` (see
/// [`AudioImageEncoder::with_heads`]).
pub type BuildHead<'a> = dyn Fn(usize, VarBuilder) -> Result<Box<dyn Projection>> + 'a;

/// One modality's side of an [`AudioImageEncoder`] (encoder, then its head if any).
///
/// # Shapes
/// See [`Embed`].
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::model::{AudioImageEncoder, Embed, Modality};
/// let (model, _) = AudioImageEncoder::seeded(16, 1, &Device::Cpu)?;
/// let z = model.side(Modality::Image).embed(&Tensor::zeros((2, 1, 28, 28), DType::F32, &Device::Cpu)?)?;
/// assert_eq!(z.dims(), &[2, 16]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    model: &'a AudioImageEncoder,
    modality: Modality,
}

impl Embed for Side<'_> {
    fn embed(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self.model.embed_modality(self.modality, x)?.1)
    }

    fn device(&self) -> &Device {
        self.model.image_encoder.device()
    }
}
