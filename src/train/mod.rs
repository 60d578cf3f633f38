//! Training: the tutorial's "Unimodal training" and "Multimodal training" sections.
//!
//! [`fit()`] is the training loop itself, short enough to read and change; [`Trainer`] runs that
//! loop with a progress display, timings, a [`History`] and [`Callback`]s, for one of the
//! tutorial's three models ([`ModelKind`]) and a [`TrainConfig`]. [`TrainedModel`] saves and
//! loads checkpoints; [`load_pretrained`] opens the three models committed under `checkpoints/`.

pub mod callbacks;
pub mod checkpoint;
pub mod config;
pub mod fit;
pub mod history;
pub mod hooks;
pub mod optimizer;
pub mod pretrained;
pub mod progress;
pub mod trainer;

pub use crate::loss::LossChoice;
pub use crate::model::ModelKind;
pub use callbacks::{Callback, CheckpointEachEpoch, EarlyStopping, EpochEnd};
pub use checkpoint::TrainedModel;
pub use config::{MAX_WIDTH, OptimizerChoice, TrainConfig, TrainTransforms};
pub use fit::{VALIDATION_SALT, fit, validation_loss};
pub use history::{EpochRecord, History, StepTimes};
pub use hooks::{Control, Hooks, Phase};
pub use optimizer::{AnyOptimizer, RmsProp, SgdMomentum};
pub use pretrained::{Pretrained, load_pretrained, pretrained_dir};
pub use progress::ProgressMode;
pub use trainer::Trainer;
