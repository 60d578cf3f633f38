//! The tutorial's two multimodal losses: triplet loss across modalities, and triplet-entropy.

use candle_core::Tensor;

use crate::error::{Error, Result};
use crate::loss::cross_entropy::cross_entropy;
use crate::loss::triplet::TripletLoss;
use crate::model::MultiModalOutput;

fn both<'a>(
    a: &'a Option<Tensor>,
    b: &'a Option<Tensor>,
    what: &str,
) -> Result<(&'a Tensor, &'a Tensor)> {
    match (a, b) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(Error::InvalidArgument(format!(
            "multimodal loss needs both image and audio {what}"
        ))),
    }
}

/// Image embeddings then audio embeddings, concatenated, with their labels likewise.
fn joined(
    out: &MultiModalOutput,
    image_labels: &Tensor,
    audio_labels: &Tensor,
) -> Result<(Tensor, Tensor)> {
    let (ie, ae) = both(&out.image_embeddings, &out.audio_embeddings, "embeddings")?;
    let emb = Tensor::cat(&[ie, ae], 0)?;
    let labels = Tensor::cat(
        &[
            image_labels
                .flatten_all()?
                .to_dtype(candle_core::DType::U32)?,
            audio_labels
                .flatten_all()?
                .to_dtype(candle_core::DType::U32)?,
        ],
        0,
    )?;
    Ok((emb, labels))
}

/// The tutorial's `MultiModalTripletLoss`: [`TripletLoss`] over image embeddings and audio
/// embeddings concatenated (images first), so triplets mix modalities.
///
/// # Shapes
/// embeddings `(B, emb)` each, labels `(B,)` each -> scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::MultiModalTripletLoss;
/// use multimodal_search::model::MultiModalOutput;
/// let out = MultiModalOutput {
///     image_embeddings: Some(Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0]], &Device::Cpu)?),
///     audio_embeddings: Some(Tensor::new(&[[0.8f32, 0.6], [0.6, 0.8]], &Device::Cpu)?),
///     ..Default::default()
/// };
/// let labels = Tensor::new(&[0u32, 1], &Device::Cpu)?;
/// let loss = MultiModalTripletLoss::default().forward(&out, &labels, &labels)?;
/// assert!(loss.to_scalar::<f32>()? >= 0.0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct MultiModalTripletLoss {
    /// The triplet loss applied to the joined batch.
    pub triplet: TripletLoss,
}

impl MultiModalTripletLoss {
    /// The loss of one batch.
    pub fn forward(
        &self,
        out: &MultiModalOutput,
        image_labels: &Tensor,
        audio_labels: &Tensor,
    ) -> Result<Tensor> {
        let (emb, labels) = joined(out, image_labels, audio_labels)?;
        self.triplet.forward(&emb, &labels)
    }
}

/// The tutorial's `MultiModalTripletEntropyLoss`:
/// `cel_weight * cross_entropy(cat(image_logits, audio_logits), labels) + te_weight * triplet`,
/// with optional class weights for the cross-entropy.
///
/// # Shapes
/// logits `(B, 10)` and embeddings `(B, emb)` per modality, labels `(B,)` each -> scalar f32.
///
/// # Example
/// ```
/// let loss = multimodal_search::loss::MultiModalTripletEntropyLoss::default();
/// assert_eq!((loss.cel_weight, loss.te_weight), (1.0, 1.0));
/// ```
#[derive(Debug, Clone)]
pub struct MultiModalTripletEntropyLoss {
    /// The triplet part (semihard, margin 0.5).
    pub triplet: TripletLoss,
    /// Weight of the cross-entropy term.
    pub cel_weight: f32,
    /// Weight of the triplet term.
    pub te_weight: f32,
    /// Optional per-class weights `(10,)` for the cross-entropy.
    pub class_weights: Option<Tensor>,
}

impl Default for MultiModalTripletEntropyLoss {
    fn default() -> Self {
        MultiModalTripletEntropyLoss {
            triplet: TripletLoss::default(),
            cel_weight: 1.0,
            te_weight: 1.0,
            class_weights: None,
        }
    }
}

impl MultiModalTripletEntropyLoss {
    /// The loss of one batch.
    pub fn forward(
        &self,
        out: &MultiModalOutput,
        image_labels: &Tensor,
        audio_labels: &Tensor,
    ) -> Result<Tensor> {
        let (emb, labels) = joined(out, image_labels, audio_labels)?;
        let (il, al) = both(&out.image_logits, &out.audio_logits, "logits")?;
        let logits = Tensor::cat(&[il, al], 0)?;
        let ce = cross_entropy(&logits, &labels, self.class_weights.as_ref())?;
        let te = self.triplet.forward(&emb, &labels)?;
        Ok(((ce * self.cel_weight as f64)? + (te * self.te_weight as f64)?)?)
    }
}
