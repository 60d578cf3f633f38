//! One modality in memory: a stack of model-ready tensors with their labels and ids.
//!
//! The Rust counterpart of the tutorial's two `torchvision` datasets (MNIST with its transforms,
//! and the `ImageFolder` of spectrogram PNGs), computed once up front.

use candle_core::{Device, Tensor};
use rayon::prelude::*;

use crate::data::fsdd::Recording;
use crate::data::mnist::{Mnist, MnistSplit};
use crate::data::spectrogram::Spectrogrammer;
use crate::error::{Error, Result};

/// A modality's items, labels and ids, row `i` of each belonging together.
///
/// # Shapes
/// - `items`: `(N, 1, H, W)` f32: `(N, 1, 28, 28)` for MNIST, `(N, 1, 64, 64)` for spectrograms.
/// - `labels`: `N` digits. `ids`: `N` names (`mnist-test-00042`, `5_george_5.wav`).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::data::LabeledSet;
/// let items = Tensor::zeros((3, 1, 28, 28), DType::F32, &Device::Cpu)?;
/// let set = LabeledSet::new(items, vec![1, 2, 1], vec!["a".into(), "b".into(), "c".into()])?;
/// assert_eq!(set.label_counts()[1], 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct LabeledSet {
    items: Tensor,
    labels: Vec<u32>,
    ids: Vec<String>,
}

impl LabeledSet {
    /// Bundles `items` with one label (0-9) and one id per row.
    pub fn new(items: Tensor, labels: Vec<u32>, ids: Vec<String>) -> Result<Self> {
        let n = items.dims().first().copied().unwrap_or(0);
        if items.rank() != 4 || n != labels.len() || n != ids.len() {
            crate::bail!(
                "LabeledSet needs items (N, C, H, W) with N labels and N ids; got items {:?}, {} labels, {} ids",
                items.dims(),
                labels.len(),
                ids.len()
            );
        }
        if let Some((i, l)) = labels.iter().enumerate().find(|(_, l)| **l > 9) {
            crate::bail!(
                "LabeledSet: label {l} of item {i} ({}) is not a digit",
                ids[i]
            );
        }
        Ok(LabeledSet { items, labels, ids })
    }

    /// An MNIST split, normalized as the tutorial does; ids are `mnist-{split}-{index:05}`.
    pub fn from_mnist(mnist: &Mnist, split: MnistSplit, device: &Device) -> Result<Self> {
        let ids = (0..mnist.len())
            .map(|i| format!("mnist-{}-{i:05}", split.name()))
            .collect();
        let labels = mnist.labels().iter().map(|&l| l as u32).collect();
        Self::new(mnist.to_tensor(device)?, labels, ids)
    }

    /// Reads the recordings and turns each into its normalized spectrogram, in parallel (rayon).
    ///
    /// Any unreadable or malformed WAV is an error naming its file. Ids are the file names.
    pub fn from_recordings(
        recordings: &[Recording],
        spectrogrammer: &Spectrogrammer,
        device: &Device,
    ) -> Result<Self> {
        let size = spectrogrammer.config().size;
        let results: Vec<Result<Vec<f32>>> = recordings
            .par_iter()
            .map(|r| spectrogrammer.compute(&r.samples()?))
            .collect();
        // Read every file before failing, so one run names all the broken recordings at once.
        let broken: Vec<String> = results
            .iter()
            .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
            .collect();
        if !broken.is_empty() {
            return Err(Error::UnreadableRecordings {
                count: broken.len(),
                total: recordings.len(),
                errors: broken.join("; "),
            });
        }
        let images: Vec<Vec<f32>> = results.into_iter().collect::<Result<_>>()?;
        let data: Vec<f32> = images.concat();
        let items = Tensor::from_vec(data, (recordings.len(), 1, size, size), device)?;
        let labels = recordings.iter().map(|r| r.digit as u32).collect();
        let ids = recordings.iter().map(|r| r.name.clone()).collect();
        Self::new(items, labels, ids)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there is no item.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// This set followed by `other` (same item shape), as when a participant's own labelled
    /// recordings or drawings join the training set.
    ///
    /// # Shapes
    /// `(N, C, H, W)` and `(M, C, H, W)` give `(N + M, C, H, W)`.
    ///
    /// # Example
    /// ```
    /// # fn main() -> multimodal_search::Result<()> {
    /// use multimodal_search::candle_core::{DType, Device, Tensor};
    /// use multimodal_search::data::LabeledSet;
    /// let set = |n: usize| LabeledSet::new(Tensor::zeros((n, 1, 2, 2), DType::F32, &Device::Cpu)?, vec![1; n], vec!["x".into(); n]);
    /// assert_eq!(set(2)?.concat(&set(3)?)?.len(), 5);
    /// # Ok(()) }
    /// ```
    pub fn concat(&self, other: &LabeledSet) -> Result<LabeledSet> {
        if self.items.dims()[1..] != other.items.dims()[1..] {
            crate::bail!(
                "concatenating labeled sets of items {:?} and {:?}",
                self.items.dims(),
                other.items.dims()
            );
        }
        let items = Tensor::cat(&[&self.items, &other.items], 0)?;
        let labels = self.labels.iter().chain(&other.labels).copied().collect();
        let ids = self.ids.iter().chain(&other.ids).cloned().collect();
        LabeledSet::new(items, labels, ids)
    }

    /// The stacked items, `(N, 1, H, W)` f32.
    pub fn items(&self) -> &Tensor {
        &self.items
    }

    /// The labels.
    pub fn labels(&self) -> &[u32] {
        &self.labels
    }

    /// The ids.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Item `i` alone, `(1, H, W)`.
    pub fn item(&self, i: usize) -> Result<Tensor> {
        if i >= self.len() {
            crate::bail!("item {i} of a set of {}", self.len());
        }
        Ok(self.items.get(i)?)
    }

    /// How many items carry each digit.
    pub fn label_counts(&self) -> [usize; 10] {
        let mut c = [0; 10];
        for &l in &self.labels {
            c[l as usize] += 1;
        }
        c
    }

    /// The rows `indices`, in that order, as `(items (B, 1, H, W), labels (B,) u32)`.
    pub fn gather(&self, indices: &[usize]) -> Result<(Tensor, Tensor)> {
        if let Some(&bad) = indices.iter().find(|&&i| i >= self.len()) {
            crate::bail!("index {bad} out of range for a set of {}", self.len());
        }
        let device = self.items.device();
        let idx: Vec<u32> = indices.iter().map(|&i| i as u32).collect();
        let idx = Tensor::from_vec(idx, indices.len(), device)?;
        let items = self.items.index_select(&idx, 0)?;
        let labels: Vec<u32> = indices.iter().map(|&i| self.labels[i]).collect();
        let labels = Tensor::from_vec(labels, indices.len(), device)?;
        Ok((items, labels))
    }
}
