//! The paired dataset: one handwritten digit and one spoken digit per index.
//!
//! Mirrors the tutorial's `AudioAndImageDataset`: its length is the larger set's, and an index past
//! the end of the smaller set draws a random item of it (here from a seeded RNG).

use candle_core::Tensor;
use rand::Rng;
use rand::rngs::StdRng;

use crate::data::labeled::LabeledSet;
use crate::error::Result;

/// An image set and an audio set sampled side by side.
///
/// # Shapes
/// [`PairedDataset::get`] gives an image `(1, 28, 28)`, a spectrogram `(1, 64, 64)` and two labels.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::data::{LabeledSet, PairedDataset};
/// use rand::SeedableRng;
/// let images = LabeledSet::new(Tensor::zeros((5, 1, 28, 28), DType::F32, &Device::Cpu)?, vec![0, 1, 2, 3, 4], (0..5).map(|i| i.to_string()).collect())?;
/// let audio = LabeledSet::new(Tensor::zeros((2, 1, 64, 64), DType::F32, &Device::Cpu)?, vec![7, 8], vec!["a".into(), "b".into()])?;
/// let pairs = PairedDataset::new(images, audio)?;
/// assert_eq!(pairs.len(), 5);
/// let item = pairs.get(4, &mut rand::rngs::StdRng::seed_from_u64(42))?;
/// assert_eq!(item.image_label, 4);
/// assert!(item.audio_label == 7 || item.audio_label == 8);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PairedDataset {
    images: LabeledSet,
    audio: LabeledSet,
}

/// One sample of a [`PairedDataset`]: the tutorial's `(image, audio, image_label, audio_label)`.
#[derive(Debug, Clone)]
pub struct PairedItem {
    /// The handwritten digit, `(1, 28, 28)`.
    pub image: Tensor,
    /// The spectrogram of the spoken digit, `(1, 64, 64)`.
    pub spectrogram: Tensor,
    /// The image's digit.
    pub image_label: u32,
    /// The recording's digit.
    pub audio_label: u32,
}

impl PairedDataset {
    /// Pairs two non-empty sets.
    pub fn new(images: LabeledSet, audio: LabeledSet) -> Result<Self> {
        if images.is_empty() || audio.is_empty() {
            crate::bail!(
                "PairedDataset needs two non-empty sets; got {} images and {} recordings",
                images.len(),
                audio.len()
            );
        }
        Ok(PairedDataset { images, audio })
    }

    /// The larger set's size.
    pub fn len(&self) -> usize {
        self.images.len().max(self.audio.len())
    }

    /// Never true: both sets hold at least one item.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The image set.
    pub fn images(&self) -> &LabeledSet {
        &self.images
    }

    /// The audio set.
    pub fn audio(&self) -> &LabeledSet {
        &self.audio
    }

    /// Which (image, recording) index `i` stands for: `i` itself where the set is long enough,
    /// else a random item drawn from `rng`.
    pub fn pair_indices(&self, i: usize, rng: &mut StdRng) -> (usize, usize) {
        let pick = |n: usize, rng: &mut StdRng| if i < n { i } else { rng.random_range(0..n) };
        let image = pick(self.images.len(), rng);
        let audio = pick(self.audio.len(), rng);
        (image, audio)
    }

    /// Sample `i` (`i < len()`).
    pub fn get(&self, i: usize, rng: &mut StdRng) -> Result<PairedItem> {
        if i >= self.len() {
            crate::bail!("index {i} of a paired dataset of {}", self.len());
        }
        let (ii, ai) = self.pair_indices(i, rng);
        Ok(PairedItem {
            image: self.images.item(ii)?,
            spectrogram: self.audio.item(ai)?,
            image_label: self.images.labels()[ii],
            audio_label: self.audio.labels()[ai],
        })
    }
}
