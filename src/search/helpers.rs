//! The tutorial's two search helpers, under their names, with its ordering bug fixed.

use candle_core::Tensor;

use crate::error::Result;
use crate::model::AudioImageEncoder;
use crate::search::index::{EmbeddingIndex, Hit};

/// How many results the tutorial shows at each end.
pub const SHOWN: usize = 5;

fn one(x: &Tensor) -> Result<Tensor> {
    Ok(if x.rank() == 3 {
        x.unsqueeze(0)?
    } else {
        x.clone()
    })
}

/// Searches spoken digits with a handwritten one: `(5 closest, 5 farthest)`, closest first and
/// farthest first.
///
/// Mirrors the tutorial's `perform_image_search(image, audio_embeddings, model)`. The original
/// takes `argsort(similarity)[-5:]`, which is ascending, so the item it plays as "closest"
/// (`top_5[0]`) is really the 5th closest; here element 0 is the closest.
///
/// # Shapes
/// image `(1, 28, 28)` (or `(1, 1, 28, 28)`) f32, normalized; `audio_index` over audio embeddings.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::model::AudioImageEncoder;
/// use multimodal_search::search::{EmbeddingIndex, SearchMetric, perform_image_search};
/// let (model, _) = AudioImageEncoder::seeded(16, 1, &Device::Cpu)?;
/// let spectrograms = Tensor::randn(0f32, 1.0, (8, 1, 64, 64), &Device::Cpu)?;
/// let (_, emb) = model.embed_audio(&spectrograms)?;
/// let index = EmbeddingIndex::from_matrix(&emb, vec![0; 8], (0..8).map(|i| format!("{i}.wav")).collect(), SearchMetric::Cosine)?;
/// let image = Tensor::zeros((1, 28, 28), DType::F32, &Device::Cpu)?;
/// let (closest, farthest) = perform_image_search(&image, &index, &model)?;
/// assert!(closest[0].score >= closest[4].score && farthest[0].score <= farthest[4].score);
/// # Ok(()) }
/// ```
pub fn perform_image_search(
    image: &Tensor,
    audio_index: &EmbeddingIndex,
    model: &AudioImageEncoder,
) -> Result<(Vec<Hit>, Vec<Hit>)> {
    let (_, q) = model.embed_images(&one(image)?)?; // (1, D)
    Ok((
        audio_index.search(&q, SHOWN)?,
        audio_index.farthest(&q, SHOWN)?,
    ))
}

/// Searches handwritten digits with a spoken one: `(5 closest, 5 farthest)`.
///
/// Mirrors the tutorial's `perform_audio_search(spectrogram, image_embeddings, model, audio)`
/// (playing the audio is the notebook's job), with the same ordering fix as
/// [`perform_image_search`].
///
/// # Shapes
/// spectrogram `(1, 64, 64)` (or `(1, 1, 64, 64)`) f32, normalized; `image_index` over image
/// embeddings.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::model::AudioImageEncoder;
/// use multimodal_search::search::{EmbeddingIndex, SearchMetric, perform_audio_search};
/// let (model, _) = AudioImageEncoder::seeded(16, 1, &Device::Cpu)?;
/// let images = Tensor::randn(0f32, 1.0, (8, 1, 28, 28), &Device::Cpu)?;
/// let (_, emb) = model.embed_images(&images)?;
/// let index = EmbeddingIndex::from_matrix(&emb, vec![0; 8], (0..8).map(|i| i.to_string()).collect(), SearchMetric::Cosine)?;
/// let (closest, _) = perform_audio_search(&Tensor::zeros((1, 64, 64), DType::F32, &Device::Cpu)?, &index, &model)?;
/// assert_eq!(closest.len(), 5);
/// # Ok(()) }
/// ```
pub fn perform_audio_search(
    spectrogram: &Tensor,
    image_index: &EmbeddingIndex,
    model: &AudioImageEncoder,
) -> Result<(Vec<Hit>, Vec<Hit>)> {
    let (_, q) = model.embed_audio(&one(spectrogram)?)?; // (1, D)
    Ok((
        image_index.search(&q, SHOWN)?,
        image_index.farthest(&q, SHOWN)?,
    ))
}
