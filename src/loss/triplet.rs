//! Triplet margin loss with a miner: the tutorial's `TripletLoss`, fast.

use candle_core::Tensor;

use crate::error::Result;
use crate::kernels::{self, Kernels};
use crate::loss::miner::{TripletMarginMiner, TripletType};
use crate::ops::PairwiseDistance;

/// PML's `TripletMarginLoss` (swap = false) with its default `AvgNonZeroReducer`: per triplet
/// `relu(d_ap - d_an + margin)`, averaged over the triplets whose loss is above zero; no such
/// triplet gives exactly 0 (with a zero gradient).
///
/// # Shapes
/// embeddings `(N, D)` f32 -> scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::TripletMarginLoss;
/// let e = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0], [1.0, 0.0]], &Device::Cpu)?;
/// // anchor 0, positive 1 (distance sqrt 2), negative 2 (distance 0): loss sqrt(2) + 0.5.
/// let loss = TripletMarginLoss::new(0.5).forward_triplets(&e, &[[0, 1, 2]])?;
/// assert!((loss.to_scalar::<f32>()? - (2f32.sqrt() + 0.5)).abs() < 1e-6);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TripletMarginLoss {
    /// How much farther than the positive the negative must be before a triplet costs nothing.
    pub margin: f32,
}

impl TripletMarginLoss {
    /// A loss with `margin`.
    pub fn new(margin: f32) -> Self {
        TripletMarginLoss { margin }
    }

    /// The loss over the given triplets (the naive path: one gather per triplet).
    pub fn forward_triplets(&self, embeddings: &Tensor, triplets: &[[usize; 3]]) -> Result<Tensor> {
        let n = embeddings.dim(0)?;
        let zero = zero_loss(embeddings)?;
        if triplets.is_empty() {
            return Ok(zero);
        }
        let d = PairwiseDistance::Euclidean
            .matrix(embeddings, embeddings)?
            .flatten_all()?;
        let dev = embeddings.device();
        let flat = |col: usize| -> Result<Tensor> {
            let v: Vec<u32> = triplets
                .iter()
                .map(|t| (t[0] * n + t[col]) as u32)
                .collect();
            Ok(Tensor::from_vec(v, triplets.len(), dev)?)
        };
        let ap = d.index_select(&flat(1)?, 0)?;
        let an = d.index_select(&flat(2)?, 0)?;
        let losses = (ap - an)?.affine(1.0, self.margin as f64)?.relu()?;
        avg_non_zero(&losses, zero)
    }
}

impl TripletMarginLoss {
    /// How many of `triplets` there are and how many have a loss above zero.
    pub fn stats(&self, embeddings: &Tensor, triplets: &[[usize; 3]]) -> Result<MiningStats> {
        let n = embeddings.dim(0)?;
        let d = PairwiseDistance::Euclidean
            .matrix(embeddings, embeddings)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        let active = triplets
            .iter()
            .filter(|t| d[t[0] * n + t[1]] - d[t[0] * n + t[2]] + self.margin > 0.0)
            .count();
        Ok(MiningStats {
            mined: triplets.len() as u64,
            active: active as u64,
        })
    }
}

/// Mean of the entries above zero (accumulated in f64); `zero` when there are none.
pub(crate) fn avg_non_zero(losses: &Tensor, zero: Tensor) -> Result<Tensor> {
    let values = losses.flatten_all()?.to_vec1::<f32>()?;
    let count = values.iter().filter(|v| **v > 0.0).count();
    if count == 0 {
        return Ok(zero);
    }
    let exact = values.iter().map(|v| *v as f64).sum::<f64>() / count as f64;
    let mean = (losses.sum_all()? / count as f64)?;
    let correction = exact - mean.to_scalar::<f32>()? as f64;
    Ok(mean.affine(1.0, correction)?)
}

/// A scalar 0 that still reaches `t` in the graph, so every parameter gets a (zero) gradient,
/// as PyTorch's `sum(losses * 0)` does. (candle drops a multiplication by the constant 0 from
/// the graph, so the zero comes from a tensor of zeros instead.)
pub(crate) fn zero_loss(t: &Tensor) -> Result<Tensor> {
    Ok(t.mul(&t.zeros_like()?)?.sum_all()?)
}

/// How many triplets the miner kept and how many of them have a loss above zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct MiningStats {
    /// Triplets the miner kept.
    pub mined: u64,
    /// Of those, triplets with loss > 0 (the ones averaged).
    pub active: u64,
}

/// The tutorial's `TripletLoss`: a [`TripletMarginMiner`] (semihard, margin 0.5) feeding a
/// [`TripletMarginLoss`] (margin 0.5), on Euclidean distances between L2-normalized embeddings:
///
/// `loss = mean_{(a, p, n) mined, active} relu(d(a, p) - d(a, n) + margin)`
///
/// where the miner keeps the semihard triplets (`d(a, p) < d(a, n) < d(a, p) + margin`) and
/// "active" means the term is above zero. [`TripletLoss::forward_naive`] computes exactly that,
/// listing the triplets; on the CPU [`TripletLoss::forward`] gets the same value and gradient
/// without listing them (the fast kernel in `src/kernels/triplet.rs`).
///
/// # Shapes
/// embeddings `(N, D)` f32, labels `(N,)` integer -> scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::TripletLoss;
/// let e = Tensor::new(&[[1.0f32, 0.0], [0.8, 0.6], [0.6, 0.8]], &Device::Cpu)?;
/// let labels = Tensor::new(&[0u32, 0, 1], &Device::Cpu)?;
/// let fast = TripletLoss::default().forward(&e, &labels)?.to_scalar::<f32>()?;
/// let naive = TripletLoss::default().forward_naive(&e, &labels)?.to_scalar::<f32>()?;
/// assert!((fast - naive).abs() < 1e-6 && fast > 0.0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TripletLoss {
    /// Picks the (anchor, positive, negative) triplets of a batch (semihard by default).
    pub miner: TripletMarginMiner,
    /// Scores the picked triplets: `relu(d_ap - d_an + margin)`, averaged over those above zero.
    pub loss: TripletMarginLoss,
}

impl Default for TripletLoss {
    fn default() -> Self {
        Self::new(0.5)
    }
}

impl TripletLoss {
    /// Semihard mining and loss, both with `margin`.
    pub fn new(margin: f32) -> Self {
        TripletLoss {
            miner: TripletMarginMiner::new(margin, TripletType::Semihard),
            loss: TripletMarginLoss::new(margin),
        }
    }

    /// The loss: `mean over the mined triplets with loss > 0 of relu(d_ap - d_an + margin)`.
    ///
    /// Runs the fast kernel on the CPU, the reference ([`TripletLoss::forward_naive`])
    /// elsewhere; see [`Kernels`].
    pub fn forward(&self, embeddings: &Tensor, labels: &Tensor) -> Result<Tensor> {
        Ok(self.forward_with_stats(embeddings, labels)?.0)
    }

    /// The loss and its mining statistics.
    pub fn forward_with_stats(
        &self,
        embeddings: &Tensor,
        labels: &Tensor,
    ) -> Result<(Tensor, MiningStats)> {
        match Kernels::active(embeddings.device()) {
            Kernels::Fast => kernels::triplet::triplet_loss(self, embeddings, labels),
            _ => {
                let triplets = self.miner.mine(embeddings, labels)?;
                let loss = self.loss.forward_triplets(embeddings, &triplets)?;
                let stats = self.loss.stats(embeddings, &triplets)?;
                Ok((loss, stats))
            }
        }
    }

    /// The loss by listing every mined triplet (O(N^3)): the reference the fast path is tested against.
    pub fn forward_naive(&self, embeddings: &Tensor, labels: &Tensor) -> Result<Tensor> {
        let triplets = self.miner.mine(embeddings, labels)?;
        self.loss.forward_triplets(embeddings, &triplets)
    }
}
