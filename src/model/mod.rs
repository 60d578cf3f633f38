//! Section 2 of the tutorial: the architectures.
//!
//! [`Encoder`] (one per modality), projection heads ([`MlpProjection`], or any [`Projection`] of
//! your own), the multimodal [`AudioImageEncoder`] that holds both encoders, and
//! [`TutorialModel`], the tutorial's three models as one type. [`ParamStore`] initializes them as
//! PyTorch would, from a seed, or loads and checks a checkpoint's tensors.

pub mod embed;
pub mod encoder;
pub mod modality;
pub mod multimodal;
pub mod params;
pub mod projection;
pub mod tutorial_model;

pub use embed::Embed;
pub use encoder::{Encoder, EncoderConfig, conv_block};
pub use modality::Modality;
pub use multimodal::{AudioImageEncoder, BuildHead, Side};
pub use params::ParamStore;
pub use projection::{MlpProjection, MlpProjectionConfig, Projection};
pub use tutorial_model::{ModelKind, ModelOutput, TutorialModel};
