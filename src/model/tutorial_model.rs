//! `TutorialModel`: the tutorial's three Lightning modules (`AudioEncoder`, `ImageEncoder`,
//! `AudioImageEncoder`) as one type that training, checkpoints and search share.

use candle_core::{Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

use crate::data::Batch;
use crate::error::{Error, Result};
use crate::model::embed::Embed;
use crate::model::encoder::{Encoder, EncoderConfig};
use crate::model::modality::Modality;
use crate::model::multimodal::{AudioImageEncoder, BuildHead};
use crate::model::params::ParamStore;
use crate::model::projection::MlpProjectionConfig;

/// Which of the tutorial's three models a run trains.
///
/// # Example
/// ```
/// use multimodal_search::model::ModelKind;
/// assert_eq!("multimodal".parse::<ModelKind>().unwrap(), ModelKind::MultiModal);
/// assert_eq!(ModelKind::Audio.name(), "unimodal_audio");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// The tutorial's `AudioEncoder` module: one spectrogram `Encoder` (fc1 2704).
    #[cfg_attr(feature = "cli", value(alias = "speech", alias = "unimodal_audio"))]
    Audio,
    /// The tutorial's `ImageEncoder` module: one MNIST `Encoder` (fc1 256).
    #[cfg_attr(feature = "cli", value(alias = "unimodal_image"))]
    Image,
    /// The tutorial's `AudioImageEncoder`: both encoders, trained together.
    #[cfg_attr(feature = "cli", value(name = "multimodal", alias = "audio_image"))]
    MultiModal,
}

impl ModelKind {
    /// The folder and report name: `unimodal_audio`, `unimodal_image` or `multimodal`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Audio => "unimodal_audio",
            ModelKind::Image => "unimodal_image",
            ModelKind::MultiModal => "multimodal",
        }
    }
}

impl std::str::FromStr for ModelKind {
    type Err = Error;
    /// Reads `audio`, `image`, `multimodal` (or the folder names of [`ModelKind::name`]).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "audio" | "unimodal_audio" | "speech" => Ok(ModelKind::Audio),
            "image" | "unimodal_image" => Ok(ModelKind::Image),
            "multimodal" | "audio_image" => Ok(ModelKind::MultiModal),
            _ => Err(Error::UnknownChoice {
                what: "model",
                found: s.to_string(),
                expected: "audio, image or multimodal",
            }),
        }
    }
}

/// What a [`TutorialModel`] computes for one batch: logits and embeddings per modality it has.
///
/// # Shapes
/// logits `(B, 10)` f32, embeddings `(B, D)` f32 with unit rows.
#[derive(Debug, Clone)]
pub enum ModelOutput {
    /// A unimodal model's output, for the batch's `modality`.
    Unimodal {
        /// The modality the encoder read.
        modality: Modality,
        /// Class logits.
        logits: Tensor,
        /// Embeddings.
        embeddings: Tensor,
    },
    /// The multimodal model's output: both modalities of the batch.
    MultiModal {
        /// Image class logits.
        image_logits: Tensor,
        /// Image embeddings.
        image_embeddings: Tensor,
        /// Audio class logits.
        audio_logits: Tensor,
        /// Audio embeddings.
        audio_embeddings: Tensor,
    },
}

/// One trainable model: a spectrogram encoder, an MNIST encoder, or both.
///
/// # Shapes
/// Images `(B, 1, 28, 28)` f32, spectrograms `(B, 1, 64, 64)` f32; embeddings `(B, D)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::Device;
/// use multimodal_search::model::{ModelKind, TutorialModel};
/// let (model, varmap) = TutorialModel::seeded(ModelKind::Image, 16, 42, &Device::Cpu)?;
/// assert!(model.image_encoder().is_some() && model.audio_encoder().is_none());
/// assert_eq!(varmap.all_vars().len(), 12);
/// # Ok(()) }
/// ```
#[derive(Debug)]
// One model per run, matched on by learner code: boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum TutorialModel {
    /// The unimodal speech model.
    Audio(Encoder),
    /// The unimodal image model.
    Image(Encoder),
    /// Both encoders, trained into one space.
    MultiModal(AudioImageEncoder),
}

impl TutorialModel {
    /// Builds the model of `kind` from `vb`; `projection` adds MLP heads to the multimodal model
    /// (an error for the unimodal ones).
    pub fn new(
        kind: ModelKind,
        embedding_size: usize,
        projection: Option<MlpProjectionConfig>,
        vb: VarBuilder,
    ) -> Result<Self> {
        if projection.is_some() && kind != ModelKind::MultiModal {
            crate::bail!(
                "projection heads go after the encoders of the multimodal model, not the {} model",
                kind.name()
            );
        }
        Ok(match kind {
            ModelKind::Audio => TutorialModel::Audio(Encoder::new(
                EncoderConfig::spectrogram(embedding_size),
                vb,
            )?),
            ModelKind::Image => {
                TutorialModel::Image(Encoder::new(EncoderConfig::mnist(embedding_size), vb)?)
            }
            ModelKind::MultiModal => {
                let model = AudioImageEncoder::new(embedding_size, vb.clone())?;
                TutorialModel::MultiModal(match projection {
                    Some(p) => model.with_mlp_projections(p, vb)?,
                    None => model,
                })
            }
        })
    }

    /// The multimodal model with heads of your own (see [`AudioImageEncoder::with_heads`]).
    pub fn with_heads(
        embedding_size: usize,
        build: &BuildHead<'_>,
        vb: VarBuilder,
    ) -> Result<Self> {
        let model = AudioImageEncoder::new(embedding_size, vb.clone())?;
        Ok(TutorialModel::MultiModal(model.with_heads(build, vb)?))
    }

    /// The device the weights live on.
    pub fn device(&self) -> &Device {
        match self {
            TutorialModel::Audio(e) | TutorialModel::Image(e) => e.device(),
            TutorialModel::MultiModal(m) => m.image_encoder.device(),
        }
    }

    /// A fresh model (no heads) with PyTorch's default initialization drawn from `seed`.
    pub fn seeded(
        kind: ModelKind,
        embedding_size: usize,
        seed: u64,
        device: &Device,
    ) -> Result<(Self, VarMap)> {
        let store = ParamStore::seeded(seed);
        let model = Self::new(kind, embedding_size, None, store.var_builder(device))?;
        Ok((model, store.varmap()))
    }

    /// Which model this is.
    pub fn kind(&self) -> ModelKind {
        match self {
            TutorialModel::Audio(_) => ModelKind::Audio,
            TutorialModel::Image(_) => ModelKind::Image,
            TutorialModel::MultiModal(_) => ModelKind::MultiModal,
        }
    }

    /// The encoder that embeds digit images, if the model has one.
    pub fn image_encoder(&self) -> Option<&Encoder> {
        match self {
            TutorialModel::Image(e) => Some(e),
            TutorialModel::MultiModal(m) => Some(&m.image_encoder),
            TutorialModel::Audio(_) => None,
        }
    }

    /// The encoder that embeds spectrograms, if the model has one.
    pub fn audio_encoder(&self) -> Option<&Encoder> {
        match self {
            TutorialModel::Audio(e) => Some(e),
            TutorialModel::MultiModal(m) => Some(&m.audio_encoder),
            TutorialModel::Image(_) => None,
        }
    }

    /// The encoder for `modality`; an error if the model has none.
    pub fn encoder(&self, modality: Modality) -> Result<&Encoder> {
        let found = match modality {
            Modality::Image => self.image_encoder(),
            Modality::Audio => self.audio_encoder(),
        };
        found.ok_or(Error::NoEncoder {
            model: self.kind().name(),
            modality: modality.name(),
        })
    }

    /// The multimodal model inside; an error for the unimodal ones.
    pub fn multimodal(&self) -> Result<&AudioImageEncoder> {
        match self {
            TutorialModel::MultiModal(m) => Ok(m),
            other => crate::bail!(
                "the {} model is not the multimodal model",
                other.kind().name()
            ),
        }
    }

    /// Takes the multimodal model out (to keep it, for example across notebook cells); an
    /// error for the unimodal ones.
    pub fn into_multimodal(self) -> Result<AudioImageEncoder> {
        match self {
            TutorialModel::MultiModal(m) => Ok(m),
            other => crate::bail!(
                "the {} model is not the multimodal model",
                other.kind().name()
            ),
        }
    }

    /// Runs the model on the modalities it uses from `batch`, as the tutorial's
    /// `training_step` does.
    pub fn forward(&self, batch: &Batch) -> Result<ModelOutput> {
        Ok(match self {
            TutorialModel::Audio(e) => {
                let (logits, embeddings) = e.forward(&batch.spectrograms)?;
                ModelOutput::Unimodal {
                    modality: Modality::Audio,
                    logits,
                    embeddings,
                }
            }
            TutorialModel::Image(e) => {
                let (logits, embeddings) = e.forward(&batch.images)?;
                ModelOutput::Unimodal {
                    modality: Modality::Image,
                    logits,
                    embeddings,
                }
            }
            TutorialModel::MultiModal(m) => {
                let (image_logits, image_embeddings) = m.embed_images(&batch.images)?;
                let (audio_logits, audio_embeddings) = m.embed_audio(&batch.spectrograms)?;
                ModelOutput::MultiModal {
                    image_logits,
                    image_embeddings,
                    audio_logits,
                    audio_embeddings,
                }
            }
        })
    }

    /// The side of the model that embeds `modality` (with its projection head, if any), for
    /// search; an error if the model has no encoder for it.
    pub fn side(&self, modality: Modality) -> Result<Box<dyn Embed + '_>> {
        match (self, modality) {
            (TutorialModel::MultiModal(m), _) => Ok(Box::new(m.side(modality))),
            (TutorialModel::Image(e), Modality::Image)
            | (TutorialModel::Audio(e), Modality::Audio) => Ok(Box::new(e)),
            _ => Err(Error::NoEncoder {
                model: self.kind().name(),
                modality: modality.name(),
            }),
        }
    }
}
