//! Triplet margin loss with a miner: the tutorial's `TripletLoss`, fast.

use candle_core::{DType, Device, Tensor};

use crate::error::Result;
use crate::loss::distance::{
    Distance, NORM_EPS, check_batch, euclidean_between_unit_rows, safe_sqrt,
};
use crate::loss::miner::{TripletMarginMiner, TripletType};

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
    /// The margin.
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
        let d = Distance::Euclidean
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
/// [`TripletMarginLoss`] (margin 0.5), on Euclidean distances between L2-normalized embeddings.
///
/// [`TripletLoss::forward`] never lists the triplets. Every active triplet adds +1 to the weight
/// of its `d_ap` and -1 to its `d_an`, so the loss is `sum(W * D) / count + margin` over the
/// `N x N` distance matrix. With each anchor's negative distances sorted, the negatives of each
/// (a, p) form one contiguous range found by binary search, using the same f32 expression
/// `d_an - d_ap` as the miner, so boundary triplets land where PML puts them: O(N^2 log N)
/// instead of PML's O(N^3) mask. The gradient is the chain rule through `D` and the
/// normalization written out (one `N x N` by `N x D` product, as PyTorch's `cdist` backward),
/// handed to candle's autograd as a linear term: measured 2x faster than letting autograd walk
/// the ~20 element-wise ops over `N x N` (see `benches/triplet_loss.rs`).
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
    /// The miner.
    pub miner: TripletMarginMiner,
    /// The loss.
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

    /// The loss, fast path.
    pub fn forward(&self, embeddings: &Tensor, labels: &Tensor) -> Result<Tensor> {
        Ok(self.forward_with_stats(embeddings, labels)?.0)
    }

    /// The loss and its mining statistics, fast path.
    pub fn forward_with_stats(
        &self,
        embeddings: &Tensor,
        labels: &Tensor,
    ) -> Result<(Tensor, MiningStats)> {
        let labels = check_batch(embeddings, labels)?;
        let n = labels.len();
        let x = embeddings.to_dtype(DType::F32)?;
        // Everything below is a constant for autograd: the distances, the mining, and the
        // gradient, which is written out and handed back as a linear term at the end.
        let xd = x.detach();
        let raw_norms = safe_sqrt(&xd.sqr()?.sum_keepdim(1)?)?;
        let norms = raw_norms.maximum(NORM_EPS)?;
        let xhat = xd.broadcast_div(&norms)?;
        let d = euclidean_between_unit_rows(&xhat, &xhat)?;
        let values = d.flatten_all()?.to_vec1::<f32>()?;
        let (weights, stats) = triplet_weights(&values, &labels, self.miner, self.loss.margin);
        if stats.active == 0 {
            return Ok((zero_loss(embeddings)?, stats));
        }
        // The value, accumulated in f64 (N = 512 sums ~10^6 terms).
        let active = stats.active as f64;
        let exact = weights
            .iter()
            .zip(&values)
            .map(|(w, d)| *w as f64 * *d as f64)
            .sum::<f64>()
            / active
            + self.loss.margin as f64;
        // dL/dD = W / active. Through D_ij = |x^_i - x^_j| (both arguments, as PyTorch's cdist
        // backward, with 0 where D_ij = 0) and through x^ = x / max(|x|, eps).
        let dev = x.device();
        let g = (Tensor::from_vec(weights, (n, n), &Device::Cpu)?.to_device(dev)? / active)?;
        let s = (&g + g.t()?)?;
        let positive = d.gt(0.0)?;
        let a = positive.where_cond(
            &(s / positive.where_cond(&d, &d.ones_like()?)?)?,
            &d.zeros_like()?,
        )?;
        let g_hat = (xhat.broadcast_mul(&a.sum_keepdim(1)?)? - a.matmul(&xhat)?)?;
        let radial = (&xhat * &g_hat)?.sum_keepdim(1)?;
        let tangent = (&g_hat - xhat.broadcast_mul(&radial)?)?;
        let clamped = raw_norms.lt(NORM_EPS)?.broadcast_as(g_hat.shape())?;
        let grad = clamped
            .where_cond(&g_hat, &tangent)?
            .broadcast_div(&norms)?;
        // A linear term whose gradient is exactly `grad`, shifted to the exact value.
        let linear = (&x * &grad)?.sum_all()?;
        let shift = exact - linear.to_scalar::<f32>()? as f64;
        Ok((linear.affine(1.0, shift)?, stats))
    }

    /// The loss by listing every mined triplet (O(N^3)): the reference the fast path is tested against.
    pub fn forward_naive(&self, embeddings: &Tensor, labels: &Tensor) -> Result<Tensor> {
        let triplets = self.miner.mine(embeddings, labels)?;
        self.loss.forward_triplets(embeddings, &triplets)
    }
}

/// The weight matrix `W` (row-major `N x N`) and the counts, from the distances.
///
/// Only triplets that are both mined and active (loss > 0, i.e. `m < margin`) carry weight.
pub(crate) fn triplet_weights(
    d: &[f32],
    labels: &[u32],
    miner: TripletMarginMiner,
    loss_margin: f32,
) -> (Vec<f32>, MiningStats) {
    let n = labels.len();
    let mut w = vec![0.0f32; n * n];
    let mut stats = MiningStats::default();
    let mut negs: Vec<(f32, usize)> = Vec::with_capacity(n);
    let mut diff: Vec<i64> = vec![0; n + 1];
    for a in 0..n {
        let row = &d[a * n..(a + 1) * n];
        negs.clear();
        negs.extend(
            (0..n)
                .filter(|&j| labels[j] != labels[a])
                .map(|j| (row[j], j)),
        );
        if negs.is_empty() {
            continue;
        }
        negs.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
        diff[..=negs.len()].fill(0);
        for p in (0..n).filter(|&p| p != a && labels[p] == labels[a]) {
            let dap = row[p];
            // m(n) = d_an - d_ap in f32 is non-decreasing along the sorted negatives, so each
            // condition below is a prefix or suffix: partition_point finds its edge.
            let first_gt = |x: f32| negs.partition_point(|&(dn, _)| dn - dap <= x);
            let first_ge = |x: f32| negs.partition_point(|&(dn, _)| dn - dap < x);
            let m = miner.margin;
            let (mined_lo, mined_hi) = match miner.kind {
                TripletType::All => (0, first_gt(m)),
                TripletType::Hard => (0, first_gt(m.min(0.0))),
                TripletType::Semihard => (first_gt(0.0), first_gt(m)),
                TripletType::Easy => (first_gt(m), negs.len()),
            };
            stats.mined += mined_hi.saturating_sub(mined_lo) as u64;
            // Active: loss relu(d_ap - d_an + margin) > 0, i.e. m < loss margin.
            let hi = mined_hi.min(first_ge(loss_margin));
            if hi <= mined_lo {
                continue;
            }
            let count = (hi - mined_lo) as i64;
            stats.active += count as u64;
            w[a * n + p] += count as f32;
            diff[mined_lo] += 1;
            diff[hi] -= 1;
        }
        let mut running = 0i64;
        for (k, &(_, j)) in negs.iter().enumerate() {
            running += diff[k];
            w[a * n + j] -= running as f32;
        }
    }
    (w, stats)
}
