//! Batches of paired samples, like the tutorial's `DataLoader` over `AudioAndImageDataset`.

use std::sync::Arc;

use candle_core::{Device, Tensor};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::data::paired::PairedDataset;
use crate::data::transforms::Transform;
use crate::error::Result;

/// One batch: the tutorial's `(images, audio, image_labels, audio_labels)`.
///
/// # Shapes
/// - `images`: `(B, 1, 28, 28)` f32; `spectrograms`: `(B, 1, 64, 64)` f32.
/// - `image_labels`, `audio_labels`: `(B,)` u32.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Handwritten digits.
    pub images: Tensor,
    /// Spectrograms of spoken digits.
    pub spectrograms: Tensor,
    /// The images' digits.
    pub image_labels: Tensor,
    /// The recordings' digits.
    pub audio_labels: Tensor,
}

/// Deals a [`PairedDataset`] out in batches: seeded shuffling, `drop_last`, optional per-batch
/// augmentations, and the device the batches go to.
///
/// Each epoch has its own RNG stream, `seed` mixed with the epoch number, which draws the
/// fill-in items for the smaller set, the order, and the augmentations: the same seed and epoch
/// give the same batches.
///
/// # Shapes
/// See [`Batch`]; the last batch is smaller unless `drop_last`.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::data::{DataLoader, LabeledSet, PairedDataset};
/// let images = LabeledSet::new(Tensor::zeros((10, 1, 28, 28), DType::F32, &Device::Cpu)?, vec![3; 10], (0..10).map(|i| i.to_string()).collect())?;
/// let audio = LabeledSet::new(Tensor::zeros((4, 1, 64, 64), DType::F32, &Device::Cpu)?, vec![3; 4], (0..4).map(|i| i.to_string()).collect())?;
/// let pairs = PairedDataset::new(images, audio)?;
/// let loader = DataLoader::new(&pairs, 4)?.shuffle(true).drop_last(true).seed(42);
/// let batches: Vec<_> = loader.epoch(0).collect::<Result<_, _>>()?;
/// assert_eq!(batches.len(), 2);
/// assert_eq!(batches[0].spectrograms.dims(), &[4, 1, 64, 64]);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct DataLoader<'a> {
    dataset: &'a PairedDataset,
    batch_size: usize,
    shuffle: bool,
    drop_last: bool,
    seed: u64,
    image_transform: Option<Arc<dyn Transform>>,
    audio_transform: Option<Arc<dyn Transform>>,
    device: Device,
}

impl<'a> DataLoader<'a> {
    /// A loader of `batch_size` (> 0): no shuffle, keeps the last partial batch, seed 42, CPU.
    pub fn new(dataset: &'a PairedDataset, batch_size: usize) -> Result<Self> {
        if batch_size == 0 {
            crate::bail!("batch size must be at least 1");
        }
        Ok(DataLoader {
            dataset,
            batch_size,
            shuffle: false,
            drop_last: false,
            seed: 42,
            image_transform: None,
            audio_transform: None,
            device: Device::Cpu,
        })
    }

    /// Shuffle the order each epoch.
    pub fn shuffle(mut self, on: bool) -> Self {
        self.shuffle = on;
        self
    }

    /// Drop a last batch smaller than `batch_size`.
    pub fn drop_last(mut self, on: bool) -> Self {
        self.drop_last = on;
        self
    }

    /// The base seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// An augmentation applied to each batch of images.
    pub fn image_transform(mut self, t: Arc<dyn Transform>) -> Self {
        self.image_transform = Some(t);
        self
    }

    /// An augmentation applied to each batch of spectrograms.
    pub fn audio_transform(mut self, t: Arc<dyn Transform>) -> Self {
        self.audio_transform = Some(t);
        self
    }

    /// Where batches are placed (the dataset stays where it is).
    pub fn device(mut self, device: Device) -> Self {
        self.device = device;
        self
    }

    /// The batch size.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Batches in one epoch.
    pub fn num_batches(&self) -> usize {
        let n = self.dataset.len();
        if self.drop_last {
            n / self.batch_size
        } else {
            n.div_ceil(self.batch_size)
        }
    }

    /// The batches of epoch `epoch`, drawn from that epoch's RNG stream.
    pub fn epoch(&self, epoch: u64) -> Batches<'_> {
        // SplitMix-style mixing so neighbouring epochs get unrelated streams.
        let mixed = self
            .seed
            .wrapping_add(epoch.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .rotate_left(17)
            ^ epoch;
        let mut rng = StdRng::seed_from_u64(mixed);
        let mut pairs: Vec<(usize, usize)> = (0..self.dataset.len())
            .map(|i| self.dataset.pair_indices(i, &mut rng))
            .collect();
        if self.shuffle {
            pairs.shuffle(&mut rng);
        }
        Batches {
            loader: self,
            pairs,
            next: 0,
            rng,
        }
    }
}

/// The iterator [`DataLoader::epoch`] returns.
pub struct Batches<'l> {
    loader: &'l DataLoader<'l>,
    pairs: Vec<(usize, usize)>,
    next: usize,
    rng: StdRng,
}

impl Batches<'_> {
    fn make(&mut self, chunk: &[(usize, usize)]) -> Result<Batch> {
        let ds = self.loader.dataset;
        let img_idx: Vec<usize> = chunk.iter().map(|p| p.0).collect();
        let aud_idx: Vec<usize> = chunk.iter().map(|p| p.1).collect();
        let (mut images, image_labels) = ds.images().gather(&img_idx)?;
        let (mut spectrograms, audio_labels) = ds.audio().gather(&aud_idx)?;
        if let Some(t) = &self.loader.image_transform {
            images = t.apply(&images, &mut self.rng)?;
        }
        if let Some(t) = &self.loader.audio_transform {
            spectrograms = t.apply(&spectrograms, &mut self.rng)?;
        }
        let dev = &self.loader.device;
        Ok(Batch {
            images: images.to_device(dev)?,
            spectrograms: spectrograms.to_device(dev)?,
            image_labels: image_labels.to_device(dev)?,
            audio_labels: audio_labels.to_device(dev)?,
        })
    }
}

impl Iterator for Batches<'_> {
    type Item = Result<Batch>;

    fn next(&mut self) -> Option<Self::Item> {
        let bs = self.loader.batch_size;
        let remaining = self.pairs.len() - self.next;
        if remaining == 0 || (self.loader.drop_last && remaining < bs) {
            return None;
        }
        let end = self.next + remaining.min(bs);
        let chunk: Vec<(usize, usize)> = self.pairs[self.next..end].to_vec();
        self.next = end;
        Some(self.make(&chunk))
    }
}
