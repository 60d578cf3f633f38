//! Section 5 of the tutorial: search across modalities, and numbers that say how well it works.
//!
//! [`EmbeddingIndex`] (exact search with four metrics, save/load), the tutorial's helpers
//! [`perform_image_search`] and [`perform_audio_search`], and the [`retrieval`] metrics gathered
//! in a [`RetrievalReport`]. Showing them is [`viz`](crate::viz)'s job; approximate search for
//! large collections (HNSW) is in the shell (`ann` feature).

pub mod helpers;
pub mod index;
pub mod neighbors;
pub mod query;
pub mod retrieval;
pub mod search_metric;
mod select;

pub use helpers::{perform_audio_search, perform_image_search};
pub use index::{EmbeddingIndex, Hit};
pub use neighbors::NearestNeighbors;
pub use query::{AudioQuery, ImageQuery, majority_label, query_from_audio, query_from_image};
pub use retrieval::{DirectionMetrics, RetrievalReport};
pub use search_metric::SearchMetric;
