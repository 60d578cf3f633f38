//! Section 5 of the tutorial: search across modalities, and numbers that say how well it works.
//!
//! [`EmbeddingIndex`] (exact search with four metrics, save/load), the tutorial's helpers
//! [`perform_image_search`] and [`perform_audio_search`], and retrieval [`metrics`] gathered in a
//! [`RetrievalReport`].

pub mod ann;
pub mod helpers;
pub mod index;
pub mod metric;
pub mod metrics;
mod select;

pub use ann::{HnswConfig, HnswIndex, NearestNeighbors};
pub use helpers::{perform_audio_search, perform_image_search};
pub use index::{EmbeddingIndex, Hit};
pub use metric::Metric;
pub use metrics::{DirectionMetrics, RetrievalReport};
