//! # multimodal-search
//!
//! Find handwritten digits from spoken ones, and spoken digits from handwritten ones: a Rust port,
//! on [candle](https://github.com/huggingface/candle), of the IndabaX 2021 multimodal search
//! tutorial. The modules follow the tutorial's sections:
//!
//! - [`data`]: MNIST and FSDD, spectrograms, transforms, the paired dataset and its loader.
//! - [`model`]: the `Encoder`, the `ProjectionHead` exercise, the multimodal `AudioImageEncoder`.
//! - [`loss`]: triplet losses with a semihard miner (exact to pytorch-metric-learning), and friends.
//! - [`search`]: an embedding index, the tutorial's search helpers, and retrieval metrics.
//! - [`train`]: the trainer, checkpoints, the pretrained models and the main job.
//! - [`doctor`]: checks a machine's notebook setup (`mmsearch doctor`).
//! - [`viz`]: the notebooks' figures (SVG charts, PNG digit grids and spectrograms, HTML tables,
//!   audio players, search results), each shown inline by evcxr or saved to a file.
//!
//! The crate re-exports the libraries a notebook needs ([`candle_core`], [`candle_nn`], [`image`]),
//! so a notebook depends on this crate alone ([`viz::plotters`] too).
#![deny(missing_docs)]

pub mod data;
pub mod doctor;
pub mod error;
pub mod loss;
pub mod model;
pub mod search;
pub mod train;
pub mod viz;

pub use error::{Error, Result};

pub use candle_core;
pub use candle_nn;
pub use image;

/// The names a notebook cell usually wants, in one `use multimodal_search::prelude::*;`.
pub mod prelude {
    pub use crate::data::{
        DataDir, FsddScan, FsddSplit, LabeledSet, Mnist, MnistSplit, Recording, SpectrogramConfig,
        Spectrogrammer,
    };
    pub use crate::error::{Error, Result};
    pub use crate::loss::{
        MultiModalTripletEntropyLoss, MultiModalTripletLoss, TripletLoss, TripletMarginMiner,
        TripletType,
    };
    pub use crate::model::{AudioImageEncoder, Encoder, EncoderConfig, ProjectionHead};
    pub use crate::search::{EmbeddingIndex, Metric, RetrievalReport};
    pub use crate::train::{
        EmbeddingPlots, LossChoice, ModelKind, OptimizerChoice, ProgressMode, TrainConfig,
        TrainedModel, Trainer, TutorialData, TutorialModel, load_pretrained,
    };
    pub use crate::viz::{
        AudioPlayer, DigitGrid, EmbeddingScatter, Figures, HtmlTable, Modality, SearchResults,
        SpectrogramImage, SvgChart, Waveform,
    };
    pub use candle_core::{DType, Device, Module, Tensor};
}
