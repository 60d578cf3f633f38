//! The small tensor operations everything above builds on: a `sqrt` safe at zero, L2
//! normalization, and the pairwise distances pytorch-metric-learning compares embeddings with.

use candle_core::{D, DType, Tensor};

use crate::error::Result;

/// `sqrt` whose gradient at 0 is 0 instead of infinite (so duplicate embeddings give a zero
/// gradient, never NaN), as PyTorch's `cdist` backward does.
///
/// # Shapes
/// Any shape, f32; inputs must be `>= 0`.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Var};
/// let x = Var::new(&[0.0f32, 4.0], &Device::Cpu)?;
/// let y = multimodal_search::ops::safe_sqrt(x.as_tensor())?;
/// let g = y.sum_all()?.backward()?;
/// assert_eq!(g.get(&x).unwrap().to_vec1::<f32>()?, vec![0.0, 0.25]);
/// # Ok(()) }
/// ```
pub fn safe_sqrt(sq: &Tensor) -> Result<Tensor> {
    let positive = sq.gt(0.0)?;
    let safe = positive.where_cond(sq, &sq.ones_like()?)?;
    Ok(positive.where_cond(&safe.sqrt()?, &sq.zeros_like()?)?)
}

/// Each row divided by its L2 norm (at least 1e-12), like `torch.nn.functional.normalize`.
///
/// # Shapes
/// `(N, D)` -> `(N, D)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// let x = Tensor::new(&[[3.0f32, 4.0], [0.0, 0.0]], &Device::Cpu)?;
/// let y = multimodal_search::ops::l2_normalize(&x)?;
/// assert_eq!(y.to_vec2::<f32>()?, vec![vec![0.6, 0.8], vec![0.0, 0.0]]);
/// # Ok(()) }
/// ```
pub fn l2_normalize(x: &Tensor) -> Result<Tensor> {
    let norm = safe_sqrt(&x.sqr()?.sum_keepdim(D::Minus1)?)?;
    let norm = norm.maximum(NORM_EPS)?;
    Ok(x.broadcast_div(&norm)?)
}

/// The smallest norm [`l2_normalize`] divides by (PyTorch's `F.normalize` eps): a zero row stays zero.
pub const NORM_EPS: f64 = 1e-12;

/// Euclidean distances between rows already normalized, as PyTorch's `cdist` computes them for
/// larger inputs: `sqrt(max(|a|^2 + |b|^2 - 2 a.b, 0))`.
///
/// # Shapes
/// `a (N, D)`, `b (M, D)` -> `(N, M)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// let e = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0]], &Device::Cpu)?;
/// let d = multimodal_search::ops::euclidean_between_unit_rows(&e, &e)?.to_vec2::<f32>()?;
/// assert_eq!((d[0][0], d[0][1]), (0.0, 2f32.sqrt()));
/// # Ok(()) }
/// ```
pub fn euclidean_between_unit_rows(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let a2 = a.sqr()?.sum_keepdim(1)?; // (N, 1)
    let b2 = b.sqr()?.sum_keepdim(1)?.t()?; // (1, M)
    let ab = a.matmul(&b.t()?)?;
    let sq = a2.broadcast_add(&b2)?.sub(&(ab * 2.0)?)?.relu()?;
    safe_sqrt(&sq)
}

/// Which distance (or similarity) a loss or miner compares embeddings with; search has its own
/// choice, [`SearchMetric`](crate::search::SearchMetric), which also reports scores.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::ops::PairwiseDistance;
/// let e = Tensor::new(&[[1.0f32, 0.0], [0.0, 2.0]], &Device::Cpu)?;
/// let d = PairwiseDistance::Euclidean.matrix(&e, &e)?.to_vec2::<f32>()?;
/// assert_eq!(d[0][1], 2f32.sqrt());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum PairwiseDistance {
    /// Euclidean distance between L2-normalized rows: PML's `LpDistance(normalize_embeddings=True, p=2)`,
    /// the default everywhere.
    #[default]
    Euclidean,
    /// Cosine similarity (higher is closer): PML's `CosineSimilarity`.
    Cosine,
    /// Dot product of the raw rows (higher is closer): PML's `DotProductSimilarity`.
    Dot,
}

impl PairwiseDistance {
    /// True for similarities (higher means closer).
    pub fn is_similarity(&self) -> bool {
        !matches!(self, PairwiseDistance::Euclidean)
    }

    /// All pairwise values between the rows of `a` and of `b`.
    ///
    /// # Shapes
    /// `a (N, D)`, `b (M, D)` -> `(N, M)` f32.
    pub fn matrix(&self, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        if a.rank() != 2 || b.rank() != 2 || a.dim(1)? != b.dim(1)? {
            crate::bail!(
                "distance between {:?} and {:?}: need (N, D) and (M, D)",
                a.dims(),
                b.dims()
            );
        }
        let (a, b) = (a.to_dtype(DType::F32)?, b.to_dtype(DType::F32)?);
        match self {
            PairwiseDistance::Dot => Ok(a.matmul(&b.t()?)?),
            PairwiseDistance::Cosine => {
                let (an, bn) = (l2_normalize(&a)?, l2_normalize(&b)?);
                Ok(an.matmul(&bn.t()?)?)
            }
            PairwiseDistance::Euclidean => {
                euclidean_between_unit_rows(&l2_normalize(&a)?, &l2_normalize(&b)?)
            }
        }
    }
}

/// An error naming the first non-finite value of `t` (NaN or infinite), with its row and column.
///
/// # Shapes
/// Any shape; rows and columns are counted as for `(N, D)`.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// let t = Tensor::new(&[[1.0f32, f32::NAN]], &Device::Cpu)?;
/// let err = multimodal_search::ops::check_finite(&t, "embeddings").unwrap_err();
/// assert!(err.to_string().contains("row 0, column 1"));
/// # Ok(()) }
/// ```
pub fn check_finite(t: &Tensor, what: &str) -> Result<()> {
    let v = t.flatten_all()?.to_dtype(DType::F32)?.to_vec1::<f32>()?;
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        let cols = if t.rank() == 2 { t.dim(1)? } else { 1 };
        return Err(crate::error::Error::NotFinite {
            what: what.to_string(),
            value: v[i],
            row: i / cols,
            column: i % cols,
        });
    }
    Ok(())
}
