//! Section 1 of the tutorial: the two datasets, the spectrogram, transforms, and the paired loader.
//!
//! Everything here reads the real files: MNIST's IDX files and FSDD's WAVs, found through
//! [`DataDir`] (`--data`, `MMS_DATA`, `./data`, or the user cache folder), and fetched from
//! their [`sources`] when the `download` feature is on and downloads are allowed.
//! [`TutorialData`] is all of it prepared once, as the tutorial's data module does.

mod bytes;
pub mod fsdd;
pub mod labeled;
pub mod loader;
pub mod location;
pub mod mnist;
pub mod own_audio;
pub mod own_collection;
pub mod own_image;
pub mod paired;
pub mod sources;
pub mod spectrogram;
pub mod transforms;
pub mod tutorial_data;

pub use fsdd::{
    FSDD_SAMPLE_RATE, FsddScan, FsddSplit, Recording, SkippedFile, parse_recording_name, read_wav,
};
pub use labeled::LabeledSet;
pub use loader::{Batch, Batches, DataLoader};
pub use location::DataDir;
pub use mnist::{MNIST_MEAN, MNIST_STD, Mnist, MnistSplit};
pub use own_audio::{DecodedAudio, PreparedAudio, decode_audio, prepare_audio};
pub use own_collection::OwnCollection;
pub use own_image::{PreparedDigit, load_image, prepare_digit};
pub use paired::{PairedDataset, PairedItem};
pub use sources::{DownloadSources, FSDD_COMMIT, MNIST_FILES};
pub use spectrogram::{
    FSDD_MEAN, FSDD_STD, Psd, Resampling, SPECTROGRAM_SIZE, SpectrogramConfig, Spectrogrammer,
    hanning,
};
pub use transforms::{
    Compose, FrequencyMasking, GaussianNoise, Normalize, RandomErasing, RandomRotation,
    RandomTranslation, Resize, TimeMasking, TimeShift, Transform, tutorial_augmentations,
};
pub use tutorial_data::TutorialData;
