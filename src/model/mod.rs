//! Section 2 of the tutorial: the architectures.
//!
//! [`Encoder`] (one per modality), the [`ProjectionHead`] exercise, and the multimodal
//! [`AudioImageEncoder`] that holds both encoders.

pub mod conv;
pub mod encoder;
pub mod init;
pub mod multimodal;
pub mod projection;

pub use encoder::{Encoder, EncoderConfig};
pub use multimodal::{AudioImageEncoder, MultiModalOutput};
pub use projection::{Projection, ProjectionHead};
