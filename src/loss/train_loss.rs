//! `TrainLoss`: the loss a training run minimizes, for whichever of the three models it trains.

use candle_core::Tensor;
use serde::{Deserialize, Serialize};

use crate::data::Batch;
use crate::error::{Error, Result};
use crate::loss::cross_entropy::cross_entropy;
use crate::loss::multimodal::{MultiModalTripletEntropyLoss, MultiModalTripletLoss};
use crate::loss::triplet::TripletLoss;
use crate::model::{Modality, ModelOutput};

/// The loss a run minimizes; the multimodal model applies it to both modalities joined
/// (image rows first), as the tutorial's `MultiModal...` losses do.
///
/// | choice | unimodal | multimodal |
/// |---|---|---|
/// | `TripletLoss` | `TripletLoss` | `MultiModalTripletLoss` |
/// | `TripletEntropyLoss` | cross-entropy + triplet | `MultiModalTripletEntropyLoss` |
/// | `CrossEntropy` | classification only (a take-home exercise) | classification only |
///
/// # Example
/// ```
/// use multimodal_search::loss::LossChoice;
/// assert_eq!("triplet".parse::<LossChoice>().unwrap(), LossChoice::TripletLoss);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum LossChoice {
    /// Triplet margin loss with the semihard miner.
    #[cfg_attr(feature = "cli", value(name = "triplet", alias = "triplet_loss"))]
    TripletLoss,
    /// Cross-entropy on the logits plus the triplet loss, each weight 1.
    #[cfg_attr(
        feature = "cli",
        value(name = "triplet_entropy", alias = "triplet_entropy_loss")
    )]
    TripletEntropyLoss,
    /// Cross-entropy on the logits only: the "classification only" take-home exercise.
    #[cfg_attr(feature = "cli", value(name = "cross_entropy", alias = "ce"))]
    CrossEntropy,
}

impl std::str::FromStr for LossChoice {
    type Err = Error;
    /// Reads `triplet`, `triplet_entropy` or `cross_entropy`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "triplet" | "triplet_loss" => Ok(LossChoice::TripletLoss),
            "triplet_entropy" | "triplet_entropy_loss" => Ok(LossChoice::TripletEntropyLoss),
            "cross_entropy" | "ce" => Ok(LossChoice::CrossEntropy),
            _ => Err(Error::UnknownChoice {
                what: "loss",
                found: s.to_string(),
                expected: "triplet, triplet_entropy or cross_entropy",
            }),
        }
    }
}

/// The loss a [`LossChoice`] names, bound to a margin, for any of the three models.
///
/// # Shapes
/// Takes a [`ModelOutput`] (logits `(B, 10)`, embeddings `(B, D)` per modality present) and the
/// batch whose labels `(B,)` u32 go with it; returns a scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::{LossChoice, TrainLoss};
/// let logits = Tensor::new(&[[2.0f32, 0.0], [0.0, 2.0]], &Device::Cpu)?;
/// let labels = Tensor::new(&[0u32, 1], &Device::Cpu)?;
/// let ce = TrainLoss::new(LossChoice::CrossEntropy, 0.5).unimodal(&logits, &logits, &labels)?;
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
    pub fn forward(&self, out: &ModelOutput, batch: &Batch) -> Result<Tensor> {
        match out {
            ModelOutput::Unimodal {
                modality,
                logits,
                embeddings,
            } => {
                let labels = match modality {
                    Modality::Image => &batch.image_labels,
                    Modality::Audio => &batch.audio_labels,
                };
                self.unimodal(logits, embeddings, labels)
            }
            ModelOutput::MultiModal {
                image_logits,
                image_embeddings,
                audio_logits,
                audio_embeddings,
            } => self.multimodal(
                (image_logits, image_embeddings, &batch.image_labels),
                (audio_logits, audio_embeddings, &batch.audio_labels),
            ),
        }
    }

    /// The loss of one modality: `logits (B, 10)`, `embeddings (B, D)`, `labels (B,)`.
    pub fn unimodal(
        &self,
        logits: &Tensor,
        embeddings: &Tensor,
        labels: &Tensor,
    ) -> Result<Tensor> {
        match self.choice {
            LossChoice::TripletLoss => self.triplet.forward(embeddings, labels),
            LossChoice::CrossEntropy => cross_entropy(logits, labels, None),
            LossChoice::TripletEntropyLoss => {
                let ce = cross_entropy(logits, labels, None)?;
                Ok((ce + self.triplet.forward(embeddings, labels)?)?)
            }
        }
    }

    /// The loss of both modalities, each given as `(logits, embeddings, labels)`.
    pub fn multimodal(
        &self,
        image: (&Tensor, &Tensor, &Tensor),
        audio: (&Tensor, &Tensor, &Tensor),
    ) -> Result<Tensor> {
        let (il, ie, ilab) = image;
        let (al, ae, alab) = audio;
        match self.choice {
            LossChoice::TripletLoss => MultiModalTripletLoss {
                triplet: self.triplet,
            }
            .forward(ie, ilab, ae, alab),
            LossChoice::TripletEntropyLoss => MultiModalTripletEntropyLoss {
                triplet: self.triplet,
                ..Default::default()
            }
            .forward(image, audio),
            LossChoice::CrossEntropy => {
                let logits = Tensor::cat(&[il, al], 0)?;
                let labels = Tensor::cat(&[ilab, alab], 0)?;
                cross_entropy(&logits, &labels, None)
            }
        }
    }
}
