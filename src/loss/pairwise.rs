//! Pair losses from the tutorial's theory section and its first loss exercise.

use candle_core::{DType, Tensor};

use crate::error::Result;
use crate::loss::batch::check_finite;
use crate::ops::safe_sqrt;

fn check_pairs(x1: &Tensor, x2: &Tensor, y: &Tensor) -> Result<usize> {
    if x1.rank() != 2 || x1.dims() != x2.dims() || x1.dim(0)? == 0 {
        crate::bail!(
            "pair losses need two non-empty (N, D) batches of one shape, got {:?} and {:?}",
            x1.dims(),
            x2.dims()
        );
    }
    let n = x1.dim(0)?;
    if y.elem_count() != n {
        crate::bail!("{n} pairs but {} targets", y.elem_count());
    }
    check_finite(x1, "first embeddings")?;
    check_finite(x2, "second embeddings")?;
    Ok(n)
}

/// The pairwise margin (contrastive) loss from the tutorial's theory:
/// `mean(y * d + (1 - y) * max(0, alpha - d))`, with `d` the Euclidean distance between the two
/// embeddings of a pair and `y = 1` for a positive pair, `0` for a negative one.
///
/// # Shapes
/// x1, x2 `(N, D)` f32, y `(N,)` of 0/1 -> scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::PairwiseMarginLoss;
/// let a = Tensor::new(&[[0.0f32, 0.0], [0.0, 0.0]], &Device::Cpu)?;
/// let b = Tensor::new(&[[3.0f32, 4.0], [0.3, 0.4]], &Device::Cpu)?;
/// let y = Tensor::new(&[1.0f32, 0.0], &Device::Cpu)?;
/// // positive pair at distance 5 costs 5; negative pair at 0.5 costs 1 - 0.5.
/// let l = PairwiseMarginLoss::new(1.0).forward(&a, &b, &y)?.to_scalar::<f32>()?;
/// assert!((l - 2.75).abs() < 1e-6);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PairwiseMarginLoss {
    /// How far apart negative pairs must be before they stop costing.
    pub alpha: f32,
}

impl PairwiseMarginLoss {
    /// A loss with margin `alpha`.
    pub fn new(alpha: f32) -> Self {
        PairwiseMarginLoss { alpha }
    }

    /// The mean loss over the pairs.
    pub fn forward(&self, x1: &Tensor, x2: &Tensor, y: &Tensor) -> Result<Tensor> {
        check_pairs(x1, x2, y)?;
        let y = y.flatten_all()?.to_dtype(DType::F32)?;
        let d = safe_sqrt(&(x1 - x2)?.sqr()?.sum(1)?)?;
        let neg = d.affine(-1.0, self.alpha as f64)?.relu()?;
        let loss = ((&y * &d)? + (y.affine(-1.0, 1.0)? * neg)?)?;
        Ok(loss.mean_all()?)
    }
}

/// PyTorch's `CosineEmbeddingLoss`: `1 - cos(x1, x2)` for `y = 1`, `max(0, cos(x1, x2) - margin)`
/// for `y = -1`, averaged. The tutorial's exercise builds the pairwise margin loss with it.
///
/// # Shapes
/// x1, x2 `(N, D)` f32, y `(N,)` of 1/-1 -> scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::CosineEmbeddingLoss;
/// let a = Tensor::new(&[[1.0f32, 0.0]], &Device::Cpu)?;
/// let b = Tensor::new(&[[0.0f32, 1.0]], &Device::Cpu)?;
/// let l = CosineEmbeddingLoss::new(0.0).forward(&a, &b, &Tensor::new(&[1.0f32], &Device::Cpu)?)?;
/// assert!((l.to_scalar::<f32>()? - 1.0).abs() < 1e-6);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CosineEmbeddingLoss {
    /// Cosine above which a negative pair costs.
    pub margin: f32,
}

impl CosineEmbeddingLoss {
    /// A loss with `margin` (PyTorch's default is 0).
    pub fn new(margin: f32) -> Self {
        CosineEmbeddingLoss { margin }
    }

    /// The mean loss over the pairs.
    pub fn forward(&self, x1: &Tensor, x2: &Tensor, y: &Tensor) -> Result<Tensor> {
        check_pairs(x1, x2, y)?;
        let y = y.flatten_all()?.to_dtype(DType::F32)?;
        let yv = y.to_vec1::<f32>()?;
        if let Some(bad) = yv.iter().find(|v| **v != 1.0 && **v != -1.0) {
            crate::bail!("CosineEmbeddingLoss targets must be 1 or -1, found {bad}");
        }
        // As PyTorch: cos = <x1, x2> / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12)).
        let dot = (x1 * x2)?.sum(1)?;
        let m1 = x1.sqr()?.sum(1)?.affine(1.0, 1e-12)?;
        let m2 = x2.sqr()?.sum(1)?.affine(1.0, 1e-12)?;
        let cos = (dot / (m1 * m2)?.sqrt()?)?;
        let pos = cos.affine(-1.0, 1.0)?;
        let neg = cos.affine(1.0, -(self.margin as f64))?.relu()?;
        let is_pos = y.gt(0.0)?;
        Ok(is_pos.where_cond(&pos, &neg)?.mean_all()?)
    }
}
