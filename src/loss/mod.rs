//! Section 3 of the tutorial: the losses, with pytorch-metric-learning's exact semantics.
//!
//! [`TripletLoss`] (semihard miner + triplet margin loss), its multimodal forms
//! [`MultiModalTripletLoss`] and [`MultiModalTripletEntropyLoss`], the losses of the theory
//! section and exercises ([`PairwiseMarginLoss`], [`CosineEmbeddingLoss`], [`NTXentLoss`],
//! [`ClipLoss`]), and [`TrainLoss`], the one a training run picks with a [`LossChoice`].

pub(crate) mod batch;
pub mod cross_entropy;
pub mod miner;
pub mod multimodal;
pub mod ntxent;
pub mod pairwise;
pub mod train_loss;
pub mod triplet;

pub use cross_entropy::cross_entropy;
pub use miner::{TripletMarginMiner, TripletType};
pub use multimodal::{MultiModalTripletEntropyLoss, MultiModalTripletLoss};
pub use ntxent::{ClipLoss, NTXentLoss};
pub use pairwise::{CosineEmbeddingLoss, PairwiseMarginLoss};
pub use train_loss::{LossChoice, TrainLoss};
pub use triplet::{MiningStats, TripletLoss, TripletMarginLoss};
