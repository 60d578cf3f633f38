//! Section 1 of the tutorial: the two datasets, the spectrogram, transforms, and the paired loader.
//!
//! Everything here reads the real files: MNIST's IDX files and FSDD's WAVs, found through
//! [`DataDir`] (`--data`, `MMS_DATA`, `./data`, or the user cache folder).

mod bytes;
pub mod fsdd;
pub mod mnist;
pub mod spectrogram;

pub use fsdd::{
    FSDD_SAMPLE_RATE, FsddScan, FsddSplit, Recording, SkippedFile, parse_recording_name, read_wav,
};
pub use mnist::{MNIST_MEAN, MNIST_STD, Mnist, MnistSplit};
pub use spectrogram::{
    FSDD_MEAN, FSDD_STD, Psd, Resampling, SPECTROGRAM_SIZE, SpectrogramConfig, Spectrogrammer,
    hanning,
};
