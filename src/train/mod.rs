//! Training: the tutorial's "Unimodal training" and "Multimodal training" sections.
//!
//! [`Trainer`] runs one of the three tutorial models ([`ModelKind`]) with a [`TrainConfig`];
//! [`TrainedModel`] saves and loads checkpoints; [`load_pretrained`] opens the three models
//! committed under `checkpoints/`; [`tutorial`] is the main job behind `cargo run --release`.

pub mod callbacks;
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod history;
pub mod model;
pub mod optimizer;
pub mod pretrained;
pub mod progress;
pub mod trainer;
pub mod tutorial;

pub use callbacks::{
    Callback, CheckpointEachEpoch, Control, EarlyStopping, EmbeddingPlots, EpochEnd,
    ValidationEmbeddings,
};
pub use checkpoint::TrainedModel;
pub use config::{LossChoice, ModelKind, OptimizerChoice, TrainConfig, TrainTransforms};
pub use data::TutorialData;
pub use history::{EpochRecord, History, StepTimes};
pub use model::{TrainLoss, TutorialModel};
pub use optimizer::{Optimizer, RmsProp, SgdMomentum};
pub use pretrained::{Pretrained, load_pretrained, pretrained_dir};
pub use progress::ProgressMode;
pub use trainer::Trainer;
