//! # multimodal-search
//!
//! Find handwritten digits from spoken ones, and spoken digits from handwritten ones: a Rust port,
//! on [candle](https://github.com/huggingface/candle), of the IndabaX 2021 multimodal search
//! tutorial. The crate has three layers.
//!
//! **The core**, what a learner reads, follows the tutorial's sections and only ever imports
//! from the modules above it in this list:
//!
//! - [`error`], [`ops`] (L2 normalization, a safe `sqrt`, pairwise distances) and [`fs`]
//!   (atomic file writes);
//! - [`data`]: MNIST and FSDD, spectrograms, transforms, the paired dataset and its loader;
//! - [`model`]: the `Encoder`, projection heads, the multimodal `AudioImageEncoder`;
//! - [`loss`]: triplet losses with a semihard miner (exact to pytorch-metric-learning), and friends;
//! - [`train`]: the training loop, the trainer, checkpoints and the pretrained models;
//! - [`search`]: an embedding index, the tutorial's search helpers, and retrieval metrics;
//! - [`viz`]: the notebooks' figures (SVG charts, PNG digit grids and spectrograms, HTML tables,
//!   audio players, search results), each shown inline by evcxr or saved to a file.
//!
//! **The kernels** ([`kernels`]): the fast CPU paths (the fused conv block, the triplet loss
//! without listing triplets), reached only through the [`kernels::Kernels`] switch and tested
//! against the core's plain candle code.
//!
//! **The shell** ([`shell`]): the main job, `doctor`, downloads and HNSW, behind the cargo
//! features `cli`, `download` and `ann` (on by default; `default-features = false` builds the
//! core alone, as the notebooks do).
//!
//! The crate re-exports the libraries a notebook needs ([`candle_core`], [`candle_nn`], [`image`],
//! [`nalgebra`], [`rand`]),
//! so a notebook depends on this crate alone ([`viz::plotters`] too).
#![deny(missing_docs)]

pub mod data;
pub mod error;
pub mod exercise;
pub mod fs;
pub mod kernels;
pub mod loss;
pub mod model;
pub mod ops;
pub mod search;
pub mod shell;
pub mod train;
pub mod viz;

pub use error::{Error, Result};

/// t-SNE (exact and Barnes-Hut), for notebook 05's exercise; feature `tsne`.
#[cfg(feature = "tsne")]
pub use bhtsne;
pub use candle_core;
pub use candle_nn;
pub use image;
pub use nalgebra;
/// Interactive plotly.js charts, for notebook 04's 3-D PCA; feature `plotly`.
#[cfg(feature = "plotly")]
pub use plotly;
pub use rand;
/// Random forests and other classic learners, for notebook 05's exercise; feature `forest`.
#[cfg(feature = "forest")]
pub use smartcore;

/// The names a notebook cell usually wants, in one `use multimodal_search::prelude::*;`.
pub mod prelude {
    pub use crate::data::{
        DataDir, DataLoader, FsddScan, FsddSplit, LabeledSet, Mnist, MnistSplit, Recording,
        SpectrogramConfig, Spectrogrammer, TutorialData,
    };
    pub use crate::error::{Error, Result};
    pub use crate::kernels::Kernels;
    pub use crate::loss::{
        LossChoice, MultiModalTripletEntropyLoss, MultiModalTripletLoss, TrainLoss, TripletLoss,
        TripletMarginMiner, TripletType,
    };
    pub use crate::model::{
        AudioImageEncoder, Embed, Encoder, EncoderConfig, MlpProjection, MlpProjectionConfig,
        Modality, ModelKind, ModelOutput, ParamStore, Projection, TutorialModel,
    };
    pub use crate::search::{
        EmbeddingIndex, RetrievalReport, SearchMetric, perform_audio_search, perform_image_search,
    };
    pub use crate::train::{
        AnyOptimizer, Callback, Control, EpochRecord, History, Hooks, OptimizerChoice, Pretrained,
        ProgressMode, TrainConfig, TrainedModel, Trainer, fit, load_pretrained, pretrained_dir,
        validation_loss,
    };
    pub use crate::viz::{
        AudioPlayer, DigitGrid, EmbeddingPlots, EmbeddingScatter, Figures, HtmlTable,
        SearchResults, SpectrogramImage, SvgChart, Waveform,
    };
    pub use crate::{candle_core, candle_nn};
    pub use candle_core::{DType, Device, Module, Tensor};
    pub use candle_nn::{VarBuilder, VarMap};
}
