//! Search with your own voice or your own handwriting: a file in, its embedding and the input
//! the model saw out.
//!
//! A recording is prepared as FSDD's ([`prepare_audio`]) and searches handwritten digits; a
//! picture is prepared as MNIST's ([`prepare_digit`]) and searches spoken ones. Both return the
//! prepared input next to the embedding, so a notebook can show what the model sees.

use std::path::Path;

use candle_core::Tensor;

use crate::data::own_audio::{PreparedAudio, prepare_audio};
use crate::data::own_image::{PreparedDigit, prepare_digit};
use crate::error::Result;
use crate::model::Embed;
use crate::search::index::Hit;

/// A recording turned into a query.
///
/// # Shapes
/// `embedding`: `(1, D)` f32, unit length.
#[derive(Debug, Clone)]
pub struct AudioQuery {
    /// The decoded, resampled, trimmed clip and its spectrogram.
    pub prepared: PreparedAudio,
    /// The audio encoder's embedding of the spectrogram.
    pub embedding: Tensor,
}

/// A picture turned into a query.
///
/// # Shapes
/// `embedding`: `(1, D)` f32, unit length.
#[derive(Debug, Clone)]
pub struct ImageQuery {
    /// The 28x28 digit as MNIST's, and the steps' measurements.
    pub prepared: PreparedDigit,
    /// The image encoder's embedding of the digit.
    pub embedding: Tensor,
}

/// Prepares the recording at `path` as FSDD's and embeds it with `audio_encoder` (the
/// multimodal model's audio side, to search images).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::model::Modality;
/// use multimodal_search::search::query_from_audio;
/// use multimodal_search::train::{load_pretrained, pretrained_dir};
/// let models = load_pretrained(&pretrained_dir())?;
/// let audio = models.multimodal.model.side(Modality::Audio)?;
/// let clip = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
///     .join("fixtures/queries/audio/7_en-us_190wpm_wav-32k-f32.wav");
/// let query = query_from_audio(&clip, audio.as_ref())?;
/// assert_eq!(query.embedding.dims(), &[1, 128]);
/// assert_eq!(query.prepared.original_rate, 32000);
/// # Ok(()) }
/// ```
pub fn query_from_audio(path: &Path, audio_encoder: &dyn Embed) -> Result<AudioQuery> {
    let prepared = prepare_audio(path)?;
    let x = prepared.tensor(audio_encoder.device())?; // (1, 1, 64, 64)
    let embedding = audio_encoder.embed(&x)?; // (1, D)
    Ok(AudioQuery {
        prepared,
        embedding,
    })
}

/// Prepares the picture at `path` as MNIST's and embeds it with `image_encoder` (the multimodal
/// model's image side, to search recordings).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::model::Modality;
/// use multimodal_search::search::query_from_image;
/// use multimodal_search::train::{load_pretrained, pretrained_dir};
/// let models = load_pretrained(&pretrained_dir())?;
/// let images = models.multimodal.model.side(Modality::Image)?;
/// let picture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
///     .join("fixtures/queries/images/3_breip_photo.jpg");
/// let query = query_from_image(&picture, images.as_ref())?;
/// assert_eq!(query.embedding.dims(), &[1, 128]);
/// assert!(query.prepared.inverted);
/// # Ok(()) }
/// ```
pub fn query_from_image(path: &Path, image_encoder: &dyn Embed) -> Result<ImageQuery> {
    let prepared = prepare_digit(path)?;
    let x = prepared.tensor(image_encoder.device())?; // (1, 1, 28, 28)
    let embedding = image_encoder.embed(&x)?; // (1, D)
    Ok(ImageQuery {
        prepared,
        embedding,
    })
}

/// The label most of `hits` carry, if more than half do (the "majority of the top k" rule).
///
/// # Example
/// ```
/// use multimodal_search::search::{Hit, majority_label};
/// let hit = |label| Hit { index: 0, id: String::new(), label, score: 1.0, distance: 0.0 };
/// assert_eq!(majority_label(&[hit(7), hit(7), hit(1), hit(7), hit(2)]), Some(7));
/// assert_eq!(majority_label(&[hit(7), hit(7), hit(1), hit(1), hit(2)]), None);
/// ```
pub fn majority_label(hits: &[Hit]) -> Option<u32> {
    let mut counts = std::collections::BTreeMap::new();
    for h in hits {
        *counts.entry(h.label).or_insert(0usize) += 1;
    }
    counts
        .into_iter()
        .find(|&(_, n)| 2 * n > hits.len())
        .map(|(label, _)| label)
}
