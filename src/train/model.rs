//! `TutorialModel`: the tutorial's three Lightning modules (`AudioEncoder`, `ImageEncoder`,
//! `AudioImageEncoder`) as one type the trainer, checkpoints and the search code share.

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};

use crate::data::Batch;
use crate::error::Result;
use crate::loss::{
    MultiModalTripletEntropyLoss, MultiModalTripletLoss, TripletLoss, cross_entropy,
};
use crate::model::init::ParamSpec;
use crate::model::{AudioImageEncoder, Encoder, EncoderConfig, MultiModalOutput};
use crate::train::config::{LossChoice, ModelKind};

/// One trainable model: a spectrogram encoder, an MNIST encoder, or both.
///
/// # Shapes
/// Images `(B, 1, 28, 28)` f32, spectrograms `(B, 1, 64, 64)` f32; embeddings `(B, emb)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::Device;
/// use multimodal_search::train::{ModelKind, TutorialModel};
/// let (model, varmap) = TutorialModel::seeded(ModelKind::Image, 16, 42, &Device::Cpu)?;
/// assert!(model.image_encoder().is_some() && model.audio_encoder().is_none());
/// assert_eq!(varmap.all_vars().len(), 12);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub enum TutorialModel {
    /// The unimodal speech model.
    Audio(Encoder),
    /// The unimodal image model.
    Image(Encoder),
    /// Both encoders, trained into one space.
    MultiModal(AudioImageEncoder),
}

impl TutorialModel {
    /// A fresh model with PyTorch's default initialization drawn from `seed`.
    pub fn seeded(
        kind: ModelKind,
        embedding_size: usize,
        seed: u64,
        device: &Device,
    ) -> Result<(Self, VarMap)> {
        Ok(match kind {
            ModelKind::Audio => {
                let (e, vm) =
                    Encoder::seeded(EncoderConfig::spectrogram(embedding_size), seed, device)?;
                (TutorialModel::Audio(e), vm)
            }
            ModelKind::Image => {
                let (e, vm) = Encoder::seeded(EncoderConfig::mnist(embedding_size), seed, device)?;
                (TutorialModel::Image(e), vm)
            }
            ModelKind::MultiModal => {
                let (m, vm) = AudioImageEncoder::seeded(embedding_size, seed, device)?;
                (TutorialModel::MultiModal(m), vm)
            }
        })
    }

    /// Builds the model over the variables already in `varmap` (a loaded checkpoint).
    pub fn from_varmap(
        kind: ModelKind,
        embedding_size: usize,
        varmap: &VarMap,
        device: &Device,
    ) -> Result<Self> {
        let vb = VarBuilder::from_varmap(varmap, DType::F32, device);
        Ok(match kind {
            ModelKind::Audio => TutorialModel::Audio(Encoder::new(
                EncoderConfig::spectrogram(embedding_size),
                vb,
            )?),
            ModelKind::Image => {
                TutorialModel::Image(Encoder::new(EncoderConfig::mnist(embedding_size), vb)?)
            }
            ModelKind::MultiModal => {
                TutorialModel::MultiModal(AudioImageEncoder::new(embedding_size, vb)?)
            }
        })
    }

    /// Every parameter the model of `kind` holds: full name and shape, as a checkpoint stores them.
    pub fn param_specs(kind: ModelKind, embedding_size: usize) -> Vec<ParamSpec> {
        match kind {
            ModelKind::Audio => EncoderConfig::spectrogram(embedding_size).param_specs(""),
            ModelKind::Image => EncoderConfig::mnist(embedding_size).param_specs(""),
            ModelKind::MultiModal => {
                let mut s = EncoderConfig::mnist(embedding_size).param_specs("image_encoder");
                s.extend(EncoderConfig::spectrogram(embedding_size).param_specs("audio_encoder"));
                s
            }
        }
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

    /// Runs the model on the modalities it uses from `batch` (the others stay `None`), as the
    /// tutorial's `training_step` does.
    pub fn forward_batch(&self, batch: &Batch) -> Result<MultiModalOutput> {
        let run = |e: &Encoder, x: &Tensor| -> Result<(Option<Tensor>, Option<Tensor>)> {
            let (l, z) = e.forward(x)?;
            Ok((Some(l), Some(z)))
        };
        Ok(match self {
            TutorialModel::Audio(e) => {
                let (audio_logits, audio_embeddings) = run(e, &batch.spectrograms)?;
                MultiModalOutput {
                    audio_logits,
                    audio_embeddings,
                    ..Default::default()
                }
            }
            TutorialModel::Image(e) => {
                let (image_logits, image_embeddings) = run(e, &batch.images)?;
                MultiModalOutput {
                    image_logits,
                    image_embeddings,
                    ..Default::default()
                }
            }
            TutorialModel::MultiModal(m) => {
                m.forward(Some(&batch.images), Some(&batch.spectrograms))?
            }
        })
    }
}

/// The loss a [`LossChoice`] names, bound to a margin, for any of the three models.
///
/// # Shapes
/// Takes a [`MultiModalOutput`] (logits `(B, 10)`, embeddings `(B, emb)` per modality present)
/// and the batch's labels `(B,)` u32; returns a scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::model::MultiModalOutput;
/// use multimodal_search::train::{LossChoice, TrainLoss};
/// let logits = Tensor::new(&[[2.0f32, 0.0], [0.0, 2.0]], &Device::Cpu)?;
/// let out = MultiModalOutput { image_logits: Some(logits.clone()), image_embeddings: Some(logits), ..Default::default() };
/// let labels = Tensor::new(&[0u32, 1], &Device::Cpu)?;
/// let ce = TrainLoss::new(LossChoice::CrossEntropy, 0.5).forward(&out, &labels, &labels)?;
/// assert!((ce.to_scalar::<f32>()? - 0.126928).abs() < 1e-5);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct TrainLoss {
    choice: LossChoice,
    triplet: TripletLoss,
}

impl TrainLoss {
    /// The loss `choice` with triplet margin `margin`.
    pub fn new(choice: LossChoice, margin: f32) -> Self {
        TrainLoss {
            choice,
            triplet: TripletLoss::new(margin),
        }
    }

    /// The loss of one batch's output.
    pub fn forward(
        &self,
        out: &MultiModalOutput,
        image_labels: &Tensor,
        audio_labels: &Tensor,
    ) -> Result<Tensor> {
        let image = out.image_embeddings.as_ref().zip(out.image_logits.as_ref());
        let audio = out.audio_embeddings.as_ref().zip(out.audio_logits.as_ref());
        match (image, audio) {
            (Some((_, il)), Some((_, al))) => match self.choice {
                LossChoice::TripletLoss => MultiModalTripletLoss {
                    triplet: self.triplet,
                }
                .forward(out, image_labels, audio_labels),
                LossChoice::TripletEntropyLoss => MultiModalTripletEntropyLoss {
                    triplet: self.triplet,
                    ..Default::default()
                }
                .forward(out, image_labels, audio_labels),
                LossChoice::CrossEntropy => {
                    let logits = Tensor::cat(&[il, al], 0)?;
                    let labels = Tensor::cat(&[image_labels, audio_labels], 0)?;
                    cross_entropy(&logits, &labels, None)
                }
            },
            (Some((emb, logits)), None) => self.unimodal(emb, logits, image_labels),
            (None, Some((emb, logits))) => self.unimodal(emb, logits, audio_labels),
            (None, None) => Err(crate::Error::InvalidArgument(
                "the model output holds no embeddings and logits to compute a loss from".into(),
            )),
        }
    }

    fn unimodal(&self, emb: &Tensor, logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
        match self.choice {
            LossChoice::TripletLoss => self.triplet.forward(emb, labels),
            LossChoice::CrossEntropy => cross_entropy(logits, labels, None),
            LossChoice::TripletEntropyLoss => {
                let ce = cross_entropy(logits, labels, None)?;
                Ok((ce + self.triplet.forward(emb, labels)?)?)
            }
        }
    }
}
