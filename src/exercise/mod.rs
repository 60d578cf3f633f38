//! The take-home exercises' checks: each exercise of the tutorial that code can check has a
//! module here whose `check` runs the participant's code on the visible test inputs and returns
//! a [`Checklist`] (a table in the notebook, text in `cargo test`).
//!
//! The same checks run in the notebook's check cell and in `cargo test -p exercises <id>`;
//! `exercises/info.toml` lists each exercise's expectations with their points, its hint and the
//! calls it may not make. The instructor's kit (`course/`) adds hidden tests.
//!
//! A check never panics and never prints: a `todo!()` shows as "not solved yet", a panic as its
//! message, each in its own row.

mod checklist;
mod inputs;
mod scan;

pub mod adam_step;
pub mod classification_only;
pub mod compose_transforms;
pub mod cosine_embedding_loss;
pub mod draw_digit;
pub mod heads_in_model;
pub mod own_encoder;
pub mod pca;
pub mod projection_head;
pub mod random_forest;
pub mod search_metrics;
pub mod time_mask;
pub mod training;
pub mod triplet_miners;
pub mod triplets_per_batch;
pub mod tsne;

pub use checklist::{Checklist, Outcome, Row, Verdict, attempt};
pub use scan::{forbidden_names, identifiers, saved_notebook_row};

/// Where an auto-graded exercise lives and what it may not use: what a notebook's check cell
/// needs to scan the saved cell (`exercises/info.toml` says the same; the instructor's kit checks
/// they agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExerciseSpot {
    /// The exercise id (and the cell's `grade_id`).
    pub id: &'static str,
    /// The notebook's file stem.
    pub notebook: &'static str,
    /// Names the solution may not use.
    pub forbidden: &'static [&'static str],
}

/// Every auto-graded exercise, in course order.
///
/// # Example
/// ```
/// let e = multimodal_search::exercise::EXERCISES.iter().find(|e| e.id == "projection_head").unwrap();
/// assert_eq!(e.notebook, "02_architectures");
/// ```
pub const EXERCISES: &[ExerciseSpot] = &[
    ExerciseSpot {
        id: "draw_digit",
        notebook: "01_representation_learning_and_data",
        forbidden: &["viz::DigitGrid", "from_normalized"],
    },
    ExerciseSpot {
        id: "compose_transforms",
        notebook: "01_representation_learning_and_data",
        forbidden: &["tutorial_augmentations"],
    },
    ExerciseSpot {
        id: "time_mask",
        notebook: "01_representation_learning_and_data",
        forbidden: &["transforms::TimeMasking", "transforms::FrequencyMasking"],
    },
    ExerciseSpot {
        id: "projection_head",
        notebook: "02_architectures",
        forbidden: &["model::MlpProjection", "model::MlpProjectionConfig"],
    },
    ExerciseSpot {
        id: "heads_in_model",
        notebook: "02_architectures",
        forbidden: &["model::MlpProjection", "model::MlpProjectionConfig"],
    },
    ExerciseSpot {
        id: "own_encoder",
        notebook: "02_architectures",
        forbidden: &[
            "model::Encoder",
            "model::EncoderConfig",
            "model::TutorialModel",
            "model::AudioImageEncoder",
        ],
    },
    ExerciseSpot {
        id: "cosine_embedding_loss",
        notebook: "03_losses",
        forbidden: &["loss::CosineEmbeddingLoss", "loss::PairwiseMarginLoss"],
    },
    ExerciseSpot {
        id: "triplet_miners",
        notebook: "03_losses",
        forbidden: &[
            "loss::TripletMarginMiner",
            "loss::TripletType",
            "mine_distances",
        ],
    },
    ExerciseSpot {
        id: "pca",
        notebook: "04_unimodal_training",
        forbidden: &["viz::Pca", "explained_variance_ratio", "explained_variance"],
    },
    ExerciseSpot {
        id: "classification_only",
        notebook: "04_unimodal_training",
        forbidden: &[
            "cross_entropy",
            "nll",
            "log_softmax",
            "loss::LossChoice",
            "loss::TrainLoss",
        ],
    },
    ExerciseSpot {
        id: "triplets_per_batch",
        notebook: "04_unimodal_training",
        forbidden: &[
            "loss::TripletMarginMiner",
            "mine_distances",
            "reference_count",
            "forward_with_stats",
            "MiningStats",
        ],
    },
    ExerciseSpot {
        id: "adam_step",
        notebook: "05_multimodal_training",
        forbidden: &[
            "candle_nn::AdamW",
            "ParamsAdamW",
            "AnyOptimizer",
            "SgdMomentum",
            "RmsProp",
            "candle_nn::Optimizer",
        ],
    },
    ExerciseSpot {
        id: "random_forest",
        notebook: "05_multimodal_training",
        forbidden: &[
            "search::EmbeddingIndex",
            "perform_image_search",
            "perform_audio_search",
            "neighbors",
            "validation",
            "validation_audio",
            "validation_images",
            "TutorialData",
        ],
    },
    ExerciseSpot {
        id: "tsne",
        notebook: "05_multimodal_training",
        forbidden: &["viz::Pca", "principal_components", "EmbeddingScatter"],
    },
    ExerciseSpot {
        id: "search_metrics",
        notebook: "06_search",
        forbidden: &[
            "search::EmbeddingIndex",
            "ops::PairwiseDistance",
            "distance_of",
            "euclidean_between_unit_rows",
            "perform_image_search",
            "perform_audio_search",
        ],
    },
];
