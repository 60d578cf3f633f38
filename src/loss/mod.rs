//! Section 3 of the tutorial: the losses, with pytorch-metric-learning's exact semantics.
//!
//! [`TripletLoss`] (semihard miner + triplet margin loss), its multimodal forms
//! [`MultiModalTripletLoss`] and [`MultiModalTripletEntropyLoss`], and the losses of the theory
//! section and exercises: [`PairwiseMarginLoss`], [`CosineEmbeddingLoss`], [`NTXentLoss`],
//! [`ClipLoss`].

pub mod cross_entropy;
pub mod distance;
pub mod miner;
pub mod multimodal;
pub mod ntxent;
pub mod pairwise;
pub mod triplet;

pub use cross_entropy::cross_entropy;
pub use distance::{Distance, l2_normalize, safe_sqrt};
pub use miner::{TripletMarginMiner, TripletType};
pub use multimodal::{MultiModalTripletEntropyLoss, MultiModalTripletLoss};
pub use ntxent::{ClipLoss, NTXentLoss};
pub use pairwise::{CosineEmbeddingLoss, PairwiseMarginLoss};
pub use triplet::{MiningStats, TripletLoss, TripletMarginLoss};
