//! The triplet miner: which (anchor, positive, negative) triplets a loss should look at.

use candle_core::Tensor;

use crate::error::Result;
use crate::loss::batch::check_batch;
use crate::ops::PairwiseDistance;

/// Which triplets [`TripletMarginMiner`] keeps, by `m = d_an - d_ap` (computed in f32, as PML does).
///
/// # Example
/// ```
/// use multimodal_search::loss::TripletType;
/// assert!(TripletType::Semihard.keeps(0.3, 0.5));
/// assert!(!TripletType::Semihard.keeps(0.0, 0.5)); // a tie is hard, not semihard
/// assert!(TripletType::Hard.keeps(0.0, 0.5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum TripletType {
    /// `m <= margin`: every triplet that violates the margin.
    All,
    /// `m <= margin` and `m <= 0`: the negative is at least as close as the positive.
    Hard,
    /// `0 < m <= margin`: the negative is farther, but within the margin (the tutorial's choice).
    #[default]
    Semihard,
    /// `m > margin`: triplets already satisfied.
    Easy,
}

impl TripletType {
    /// Whether a triplet with `m = d_an - d_ap` is kept at `margin`.
    pub fn keeps(self, m: f32, margin: f32) -> bool {
        match self {
            TripletType::All => m <= margin,
            TripletType::Hard => m <= margin && m <= 0.0,
            TripletType::Semihard => m <= margin && m > 0.0,
            TripletType::Easy => m > margin,
        }
    }
}

/// PML's `TripletMarginMiner`: among all triplets with `label[a] == label[p]`, `a != p`,
/// `label[n] != label[a]`, keep those of the chosen [`TripletType`].
///
/// Mirrors the miner inside the tutorial's `TripletLoss` (`margin = 0.5`, semihard). This is
/// the plain O(N^3) enumeration, for inspection and tests; [`TripletLoss`](crate::loss::TripletLoss)
/// never materializes the triplets.
///
/// # Shapes
/// embeddings `(N, D)` f32, labels `(N,)` integer -> triplets as `[a, p, n]`, sorted.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::{TripletMarginMiner, TripletType};
/// let e = Tensor::new(&[[1.0f32, 0.0], [0.9, 0.1], [0.0, 1.0]], &Device::Cpu)?;
/// let labels = Tensor::new(&[0u32, 0, 1], &Device::Cpu)?;
/// let miner = TripletMarginMiner::new(2.0, TripletType::All);
/// assert_eq!(miner.mine(&e, &labels)?, vec![[0, 1, 2], [1, 0, 2]]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TripletMarginMiner {
    /// `m` in the conditions on `d_an - d_ap` that classify a triplet (0.5 in the tutorial).
    pub margin: f32,
    /// Which triplets to keep.
    pub kind: TripletType,
}

impl TripletMarginMiner {
    /// A miner with `margin` keeping `kind` triplets.
    pub fn new(margin: f32, kind: TripletType) -> Self {
        TripletMarginMiner { margin, kind }
    }

    /// The kept triplets, `[a, p, n]` in lexicographic order (PML's order).
    pub fn mine(&self, embeddings: &Tensor, labels: &Tensor) -> Result<Vec<[usize; 3]>> {
        let labels = check_batch(embeddings, labels)?;
        let d = PairwiseDistance::Euclidean.matrix(embeddings, embeddings)?;
        Ok(self.mine_distances(&d.flatten_all()?.to_vec1::<f32>()?, &labels))
    }

    /// The kept triplets for a precomputed `N x N` distance matrix (row-major).
    pub fn mine_distances(&self, d: &[f32], labels: &[u32]) -> Vec<[usize; 3]> {
        let n = labels.len();
        let mut out = Vec::new();
        for a in 0..n {
            for p in 0..n {
                if p == a || labels[p] != labels[a] {
                    continue;
                }
                for (neg, &ln) in labels.iter().enumerate() {
                    if ln != labels[a]
                        && self.kind.keeps(d[a * n + neg] - d[a * n + p], self.margin)
                    {
                        out.push([a, p, neg]);
                    }
                }
            }
        }
        out
    }
}
