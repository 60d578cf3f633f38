//! The tutorial's two multimodal losses: triplet loss across modalities, and triplet-entropy.

use candle_core::{DType, Tensor};

use crate::error::{Error, Result};
use crate::loss::cross_entropy::cross_entropy;
use crate::loss::triplet::TripletLoss;

/// Image rows then audio rows, concatenated, with their labels likewise (as u32).
fn joined(
    image: &Tensor,
    image_labels: &Tensor,
    audio: &Tensor,
    audio_labels: &Tensor,
) -> Result<(Tensor, Tensor)> {
    if image.rank() != 2 || audio.dims().get(1) != image.dims().get(1) {
        return Err(Error::Shape {
            what: "audio embeddings (as wide as the image embeddings)".into(),
            expected: format!("(B, {})", image.dims().get(1).copied().unwrap_or(0)),
            found: audio.dims().to_vec(),
        });
    }
    let rows = Tensor::cat(&[image, audio], 0)?; // (2B, D)
    let labels = Tensor::cat(
        &[
            image_labels.flatten_all()?.to_dtype(DType::U32)?,
            audio_labels.flatten_all()?.to_dtype(DType::U32)?,
        ],
        0,
    )?; // (2B,)
    Ok((rows, labels))
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
/// let image = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0]], &Device::Cpu)?;
/// let audio = Tensor::new(&[[0.8f32, 0.6], [0.6, 0.8]], &Device::Cpu)?;
/// let labels = Tensor::new(&[0u32, 1], &Device::Cpu)?;
/// let loss = MultiModalTripletLoss::default().forward(&image, &labels, &audio, &labels)?;
/// assert!(loss.to_scalar::<f32>()? >= 0.0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct MultiModalTripletLoss {
    /// The triplet loss applied to the joined batch.
    pub triplet: TripletLoss,
}

impl MultiModalTripletLoss {
    /// `TripletLoss(cat(image_embeddings, audio_embeddings), cat(image_labels, audio_labels))`.
    pub fn forward(
        &self,
        image_embeddings: &Tensor,
        image_labels: &Tensor,
        audio_embeddings: &Tensor,
        audio_labels: &Tensor,
    ) -> Result<Tensor> {
        let (emb, labels) = joined(
            image_embeddings,
            image_labels,
            audio_embeddings,
            audio_labels,
        )?;
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
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::MultiModalTripletEntropyLoss;
/// let loss = MultiModalTripletEntropyLoss::default();
/// assert_eq!((loss.cel_weight, loss.te_weight), (1.0, 1.0));
/// let emb = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0]], &Device::Cpu)?;
/// let labels = Tensor::new(&[0u32, 1], &Device::Cpu)?;
/// let value = loss.forward((&emb, &emb, &labels), (&emb, &emb, &labels))?;
/// assert!(value.to_scalar::<f32>()? > 0.0);
/// # Ok(()) }
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
    /// The loss of one batch, each modality given as `(logits, embeddings, labels)`.
    pub fn forward(
        &self,
        image: (&Tensor, &Tensor, &Tensor),
        audio: (&Tensor, &Tensor, &Tensor),
    ) -> Result<Tensor> {
        let ((il, ie, ilab), (al, ae, alab)) = (image, audio);
        let (emb, labels) = joined(ie, ilab, ae, alab)?; // (2B, D), (2B,)
        let logits = Tensor::cat(&[il, al], 0)?; //          (2B, 10)
        let ce = cross_entropy(&logits, &labels, self.class_weights.as_ref())?;
        let te = self.triplet.forward(&emb, &labels)?;
        Ok(((ce * self.cel_weight as f64)? + (te * self.te_weight as f64)?)?)
    }
}
