//! `TrainConfig`: every knob of one training run, with the tutorial's defaults.
//!
//! Mirrors the arguments of the tutorial's `train_and_return_audio_model`,
//! `train_and_return_image_model` and `train_and_return_multimodal_model` (embedding size,
//! learning rate, loss, epochs, batch size) plus `seed_everything(42)` and Lightning's options.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, pick_preset};
use crate::loss::LossChoice;
use crate::model::{MlpProjectionConfig, ModelKind};

/// The optimizer and its settings (the tutorial uses Adam; the others serve the optimizer exercise).
///
/// # Example
/// ```
/// use multimodal_search::train::OptimizerChoice;
/// assert_eq!(OptimizerChoice::default(), OptimizerChoice::Adam);
/// let sgd: OptimizerChoice = serde_json::from_str(r#"{"sgd":{"momentum":0.9}}"#).unwrap();
/// assert_eq!(sgd, OptimizerChoice::Sgd { momentum: 0.9 });
/// assert_eq!("sgd-momentum".parse::<OptimizerChoice>().unwrap(), sgd);
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
    /// The choices the command line offers, with PyTorch's default settings.
    pub const PRESETS: [(&'static str, OptimizerChoice); 5] = [
        ("adam", OptimizerChoice::Adam),
        ("adamw", OptimizerChoice::AdamW { weight_decay: 0.01 }),
        ("sgd", OptimizerChoice::Sgd { momentum: 0.0 }),
        ("sgd-momentum", OptimizerChoice::Sgd { momentum: 0.9 }),
        ("rmsprop", OptimizerChoice::RmsProp),
    ];
}

impl std::str::FromStr for OptimizerChoice {
    type Err = Error;
    /// Reads `adam`, `adamw`, `sgd`, `sgd-momentum` or `rmsprop` with PyTorch's default settings
    /// (`sgd-momentum` is momentum 0.9).
    fn from_str(s: &str) -> Result<Self> {
        let s = if s == "sgd_momentum" {
            "sgd-momentum"
        } else {
            s
        };
        let expected = "adam, adamw, sgd, sgd-momentum or rmsprop";
        pick_preset(&Self::PRESETS, s, "optimizer", expected)
    }
}

// The optimizer has settings, so clap cannot derive its `ValueEnum`: the presets are its values.
#[cfg(feature = "cli")]
impl clap::ValueEnum for OptimizerChoice {
    fn value_variants<'a>() -> &'a [Self] {
        const P: [(&str, OptimizerChoice); 5] = OptimizerChoice::PRESETS;
        &[P[0].1, P[1].1, P[2].1, P[3].1, P[4].1]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        crate::error::preset_name(&Self::PRESETS, self)
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

/// The widest embedding or projection layer a config may ask for. A layer's weights grow with
/// its width (`embedding_size` x 512 floats for the encoders' last layer): a typo such as
/// `100000000` would ask for 205 GB and abort the process instead of failing with a message.
///
/// # Example
/// ```
/// use multimodal_search::train::{MAX_WIDTH, TrainConfig};
/// let wide = TrainConfig { embedding_size: MAX_WIDTH + 1, ..TrainConfig::default() };
/// assert!(wide.validate_values().unwrap_err().to_string().contains("16384"));
/// ```
pub const MAX_WIDTH: usize = 16_384;

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
    /// The optimizer and its settings (Adam in the tutorial).
    pub optimizer: OptimizerChoice,
    /// Training-time augmentation.
    pub train_transforms: TrainTransforms,
    /// Stop after this many optimizer steps in total (a bounded run for notebooks and smoke tests).
    pub max_steps: Option<usize>,
    /// Compute the validation loss after each epoch.
    pub validate: bool,
    /// MLP projection heads after the multimodal model's encoders (`None`: no heads, as in the
    /// tutorial). Checkpoints saved before this field existed load with `None`, and `None` is
    /// not written, so a run without heads saves the same `config.json` as before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection: Option<MlpProjectionConfig>,
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
            projection: None,
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
        let bad = |what: String| Err(Error::InvalidConfig(what));
        if !(1..=MAX_WIDTH).contains(&self.embedding_size) {
            return bad(format!(
                "embedding_size must be between 1 and {MAX_WIDTH} (the tutorial uses 128), got {}",
                self.embedding_size
            ));
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
        if let Some(p) = self.projection {
            if self.model != ModelKind::MultiModal {
                return bad(format!(
                    "projection heads need the multimodal model, not {}",
                    self.model.name()
                ));
            }
            if !(1..=MAX_WIDTH).contains(&p.hidden_size)
                || !(1..=MAX_WIDTH).contains(&p.output_size)
            {
                return bad(format!(
                    "projection sizes must be between 1 and {MAX_WIDTH}, got {p:?}"
                ));
            }
        }
        Ok(())
    }
}
