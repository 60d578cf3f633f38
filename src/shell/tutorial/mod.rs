//! The main job (`cargo run --release`): the whole tutorial from data to retrieval metrics.
//!
//! For each seed: train the unimodal speech model, the unimodal image model and the multimodal
//! model with the tutorial's settings, embed the validation sets, and score cross-modal search
//! for the unimodal pair (two encoders trained apart) and for the multimodal model
//! ([`experiment`]). Everything lands in a run folder: `report.md`, `metrics.json`, loss curves
//! and PCA plots (SVG) and the checkpoints ([`report`]).

pub mod experiment;
pub mod report;

pub use experiment::{
    SeedResult, Spread, TrainingSummary, TutorialOptions, TutorialOutcome, run_seed, run_tutorial,
};
pub use report::PYTORCH_REFERENCE;
