//! `TutorialData`: the tutorial's `MnistAudioImageDataModule` after `setup()`: paired training and
//! validation sets, spectrograms computed once.

use candle_core::Device;

use crate::data::{DataDir, LabeledSet, MnistSplit, PairedDataset, Spectrogrammer};
use crate::error::Result;

/// Training pairs (MNIST train with FSDD train) and validation pairs (MNIST test with FSDD
/// validation), each as long as its larger set; the validation sets double as the search database.
///
/// # Shapes
/// Images `(N, 1, 28, 28)` f32 normalized with 0.1307 / 0.3081; spectrograms `(M, 1, 64, 64)` f32
/// normalized with 0.4729 / 0.1477; labels u32 digits.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::data::LabeledSet;
/// use multimodal_search::data::TutorialData;
/// let set = |n: usize, side: usize| -> multimodal_search::Result<LabeledSet> {
///     let x = Tensor::zeros((n, 1, side, side), DType::F32, &Device::Cpu)?;
///     LabeledSet::new(x, (0..n as u32).map(|i| i % 10).collect(), (0..n).map(|i| i.to_string()).collect())
/// };
/// let data = TutorialData::from_sets(set(20, 28)?, set(6, 64)?, set(10, 28)?, set(4, 64)?)?;
/// assert_eq!((data.train.len(), data.validation.len()), (20, 10));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct TutorialData {
    /// MNIST train images paired with FSDD training spectrograms.
    pub train: PairedDataset,
    /// MNIST test images paired with FSDD validation spectrograms.
    pub validation: PairedDataset,
}

impl TutorialData {
    /// Reads MNIST (train and test) and FSDD from `dir` (downloading what is missing when the
    /// `download` feature is on and downloads are allowed) and computes
    /// every spectrogram with the tutorial's settings, on the CPU.
    pub fn load(dir: &DataDir) -> Result<Self> {
        let cpu = Device::Cpu;
        let train_images =
            LabeledSet::from_mnist(&dir.mnist(MnistSplit::Train)?, MnistSplit::Train, &cpu)?;
        let val_images =
            LabeledSet::from_mnist(&dir.mnist(MnistSplit::Test)?, MnistSplit::Test, &cpu)?;
        let scan = dir.fsdd()?;
        let spec = Spectrogrammer::default();
        let train_audio = LabeledSet::from_recordings(&scan.train, &spec, &cpu)?;
        let val_audio = LabeledSet::from_recordings(&scan.validation, &spec, &cpu)?;
        Self::from_sets(train_images, train_audio, val_images, val_audio)
    }

    /// Pairs four ready sets.
    pub fn from_sets(
        train_images: LabeledSet,
        train_audio: LabeledSet,
        validation_images: LabeledSet,
        validation_audio: LabeledSet,
    ) -> Result<Self> {
        Ok(TutorialData {
            train: PairedDataset::new(train_images, train_audio)?,
            validation: PairedDataset::new(validation_images, validation_audio)?,
        })
    }

    /// The unique validation images (the image search database).
    pub fn validation_images(&self) -> &LabeledSet {
        self.validation.images()
    }

    /// The unique validation spectrograms (the audio search database).
    pub fn validation_audio(&self) -> &LabeledSet {
        self.validation.audio()
    }
}
