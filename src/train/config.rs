//! `TrainConfig`: every knob of one training run, with the tutorial's defaults.
//!
//! Mirrors the arguments of the tutorial's `train_and_return_audio_model`,
//! `train_and_return_image_model` and `train_and_return_multimodal_model` (embedding size,
//! learning rate, loss, epochs, batch size) plus `seed_everything(42)` and Lightning's options.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which of the tutorial's three models a run trains.
///
/// # Example
/// ```
/// use multimodal_search::train::ModelKind;
/// assert_eq!(ModelKind::parse("multimodal").unwrap(), ModelKind::MultiModal);
/// assert_eq!(ModelKind::Audio.name(), "unimodal_audio");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// The tutorial's `AudioEncoder` module: one spectrogram `Encoder` (fc1 2704).
    Audio,
    /// The tutorial's `ImageEncoder` module: one MNIST `Encoder` (fc1 256).
    Image,
    /// The tutorial's `AudioImageEncoder`: both encoders, trained together.
    MultiModal,
}

impl ModelKind {
    /// The folder and report name: `unimodal_audio`, `unimodal_image` or `multimodal`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Audio => "unimodal_audio",
            ModelKind::Image => "unimodal_image",
            ModelKind::MultiModal => "multimodal",
        }
    }

    /// Reads `audio`, `image`, `multimodal` (or the folder names of [`ModelKind::name`]).
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "audio" | "unimodal_audio" | "speech" => Ok(ModelKind::Audio),
            "image" | "unimodal_image" => Ok(ModelKind::Image),
            "multimodal" | "audio_image" => Ok(ModelKind::MultiModal),
            _ => Err(Error::InvalidArgument(format!(
                "unknown model {s:?}: expected audio, image or multimodal"
            ))),
        }
    }
}

/// The loss a run minimizes; the multimodal model applies it to both modalities joined
/// (image rows first), as the tutorial's `MultiModal...` losses do.
///
/// | choice | unimodal | multimodal |
/// |---|---|---|
/// | `TripletLoss` | `TripletLoss` | `MultiModalTripletLoss` |
/// | `TripletEntropyLoss` | cross-entropy + triplet | `MultiModalTripletEntropyLoss` |
/// | `CrossEntropy` | classification only (exercise 4.1) | classification only |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossChoice {
    /// Triplet margin loss with the semihard miner.
    TripletLoss,
    /// Cross-entropy on the logits plus the triplet loss, each weight 1.
    TripletEntropyLoss,
    /// Cross-entropy on the logits only: the "classification only" take-home exercise.
    CrossEntropy,
}

impl LossChoice {
    /// Reads `triplet`, `triplet_entropy` or `cross_entropy`.
    ///
    /// # Example
    /// ```
    /// use multimodal_search::train::LossChoice;
    /// assert_eq!(LossChoice::parse("triplet").unwrap(), LossChoice::TripletLoss);
    /// ```
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "triplet" | "triplet_loss" => Ok(LossChoice::TripletLoss),
            "triplet_entropy" | "triplet_entropy_loss" => Ok(LossChoice::TripletEntropyLoss),
            "cross_entropy" | "ce" => Ok(LossChoice::CrossEntropy),
            _ => Err(Error::InvalidArgument(format!(
                "unknown loss {s:?}: expected triplet, triplet_entropy or cross_entropy"
            ))),
        }
    }
}

/// The optimizer and its settings (the tutorial uses Adam; the others serve the optimizer exercise).
///
/// # Example
/// ```
/// use multimodal_search::train::OptimizerChoice;
/// assert_eq!(OptimizerChoice::default(), OptimizerChoice::Adam);
/// let sgd: OptimizerChoice = serde_json::from_str(r#"{"sgd":{"momentum":0.9}}"#).unwrap();
/// assert_eq!(sgd, OptimizerChoice::Sgd { momentum: 0.9 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerChoice {
    /// `torch.optim.Adam` defaults: betas (0.9, 0.999), eps 1e-8, no weight decay.
    #[default]
    Adam,
    /// `torch.optim.AdamW`: Adam with decoupled weight decay.
    AdamW {
        /// Decoupled weight decay (PyTorch's default is 0.01).
        weight_decay: f64,
    },
    /// `torch.optim.SGD` with (heavy-ball) momentum.
    Sgd {
        /// Momentum factor; 0 is plain SGD.
        momentum: f64,
    },
    /// `torch.optim.RMSprop` (alpha 0.99, eps 1e-8, no momentum).
    RmsProp,
}

impl OptimizerChoice {
    /// Reads `adam`, `adamw`, `sgd`, `sgd-momentum` or `rmsprop` with PyTorch's default settings
    /// (`sgd-momentum` is momentum 0.9).
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "adam" => Ok(OptimizerChoice::Adam),
            "adamw" => Ok(OptimizerChoice::AdamW { weight_decay: 0.01 }),
            "sgd" => Ok(OptimizerChoice::Sgd { momentum: 0.0 }),
            "sgd-momentum" | "sgd_momentum" => Ok(OptimizerChoice::Sgd { momentum: 0.9 }),
            "rmsprop" => Ok(OptimizerChoice::RmsProp),
            _ => Err(Error::InvalidArgument(format!(
                "unknown optimizer {s:?}: expected adam, adamw, sgd, sgd-momentum or rmsprop"
            ))),
        }
    }
}

/// Data augmentation applied to training batches only (validation never augments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TrainTransforms {
    /// None, as in the tutorial.
    #[default]
    None,
    /// The transforms exercise's suggestion: small rotations and shifts for digits, time and
    /// frequency masking for spectrograms.
    Augment,
}

/// Hyperparameters of one training run; saved as `config.json` beside the weights.
///
/// # Shapes
/// Not a tensor type; `embedding_size` sets the embeddings' width `(B, embedding_size)` f32.
///
/// # Example
/// ```
/// use multimodal_search::train::{ModelKind, TrainConfig};
/// let c = TrainConfig::tutorial(ModelKind::Audio);
/// assert_eq!((c.batch_size, c.epochs, c.seed, c.learning_rate), (512, 2, 42, 1e-3));
/// let back: TrainConfig = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
/// assert_eq!(back, c);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// Which model to train.
    pub model: ModelKind,
    /// Width of the embedding (the tutorial uses 128).
    pub embedding_size: usize,
    /// Learning rate (1e-3).
    pub learning_rate: f64,
    /// Passes over the paired training set; an epoch is max(len MNIST train, len FSDD train) pairs.
    pub epochs: usize,
    /// Pairs per batch (the multimodal loss sees twice as many embeddings).
    pub batch_size: usize,
    /// Seeds the weights, the shuffling and the paired draws (`seed_everything(42)`).
    pub seed: u64,
    /// The loss to minimize.
    pub loss: LossChoice,
    /// Triplet margin (0.5 in the tutorial's `TripletLoss`).
    pub margin: f32,
    /// The optimizer.
    pub optimizer: OptimizerChoice,
    /// Training-time augmentation.
    pub train_transforms: TrainTransforms,
    /// Stop after this many optimizer steps in total (a bounded run for notebooks and smoke tests).
    pub max_steps: Option<usize>,
    /// Compute the validation loss (and the callbacks' validation embeddings) after each epoch.
    pub validate: bool,
}

impl Default for TrainConfig {
    /// The tutorial's multimodal run.
    fn default() -> Self {
        TrainConfig::tutorial(ModelKind::MultiModal)
    }
}

impl TrainConfig {
    /// The settings the tutorial trains `model` with: embedding 128, Adam at 1e-3, 2 epochs, seed
    /// 42; the audio model with batch 512 and `TripletLoss`, the image model with batch 64 and
    /// `TripletLoss`, the multimodal model with batch 256 and `MultiModalTripletEntropyLoss`.
    pub fn tutorial(model: ModelKind) -> Self {
        let (batch_size, loss) = match model {
            ModelKind::Audio => (512, LossChoice::TripletLoss),
            ModelKind::Image => (64, LossChoice::TripletLoss),
            ModelKind::MultiModal => (256, LossChoice::TripletEntropyLoss),
        };
        TrainConfig {
            model,
            embedding_size: 128,
            learning_rate: 1e-3,
            epochs: 2,
            batch_size,
            seed: 42,
            loss,
            margin: 0.5,
            optimizer: OptimizerChoice::Adam,
            train_transforms: TrainTransforms::None,
            max_steps: None,
            validate: true,
        }
    }

    /// Checks the values a run cannot start with (zero sizes, a non-positive or non-finite
    /// learning rate, a negative margin).
    ///
    /// # Example
    /// ```
    /// use multimodal_search::train::TrainConfig;
    /// let bad = TrainConfig { batch_size: 0, ..TrainConfig::default() };
    /// assert!(bad.validate_values().is_err());
    /// ```
    pub fn validate_values(&self) -> Result<()> {
        let bad = |what: String| Err(Error::InvalidArgument(what));
        if self.embedding_size == 0 {
            return bad("embedding_size must be at least 1".into());
        }
        if self.batch_size < 2 {
            return bad(format!(
                "batch_size must be at least 2 (a triplet needs two items), got {}",
                self.batch_size
            ));
        }
        if self.epochs == 0 {
            return bad("epochs must be at least 1".into());
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad(format!(
                "learning_rate must be a positive number, got {}",
                self.learning_rate
            ));
        }
        if !(self.margin.is_finite() && self.margin >= 0.0) {
            return bad(format!("margin must be >= 0, got {}", self.margin));
        }
        if self.max_steps == Some(0) {
            return bad("max_steps must be at least 1 when set".into());
        }
        Ok(())
    }
}
