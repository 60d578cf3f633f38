//! Distances between embeddings, as pytorch-metric-learning computes them.

use candle_core::{D, DType, Tensor};

use crate::error::{Error, Result};

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
/// let y = multimodal_search::loss::safe_sqrt(x.as_tensor())?;
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
/// let y = multimodal_search::loss::l2_normalize(&x)?;
/// assert_eq!(y.to_vec2::<f32>()?, vec![vec![0.6, 0.8], vec![0.0, 0.0]]);
/// # Ok(()) }
/// ```
pub fn l2_normalize(x: &Tensor) -> Result<Tensor> {
    let norm = safe_sqrt(&x.sqr()?.sum_keepdim(D::Minus1)?)?;
    let norm = norm.maximum(NORM_EPS)?;
    Ok(x.broadcast_div(&norm)?)
}

/// The smallest norm [`l2_normalize`] divides by (PyTorch's `F.normalize` eps).
pub(crate) const NORM_EPS: f64 = 1e-12;

/// Euclidean distances between rows already normalized, as PyTorch's `cdist` computes them for
/// larger inputs: `sqrt(max(|a|^2 + |b|^2 - 2 a.b, 0))`.
pub(crate) fn euclidean_between_unit_rows(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let a2 = a.sqr()?.sum_keepdim(1)?; // (N, 1)
    let b2 = b.sqr()?.sum_keepdim(1)?.t()?; // (1, M)
    let ab = a.matmul(&b.t()?)?;
    let sq = a2.broadcast_add(&b2)?.sub(&(ab * 2.0)?)?.relu()?;
    safe_sqrt(&sq)
}

/// Which distance (or similarity) to compare embeddings with.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::Distance;
/// let e = Tensor::new(&[[1.0f32, 0.0], [0.0, 2.0]], &Device::Cpu)?;
/// let d = Distance::Euclidean.matrix(&e, &e)?.to_vec2::<f32>()?;
/// assert_eq!(d[0][1], 2f32.sqrt());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Distance {
    /// Euclidean distance between L2-normalized rows: PML's `LpDistance(normalize_embeddings=True, p=2)`,
    /// the default everywhere.
    #[default]
    Euclidean,
    /// Cosine similarity (higher is closer): PML's `CosineSimilarity`.
    Cosine,
    /// Dot product of the raw rows (higher is closer): PML's `DotProductSimilarity`.
    Dot,
}

impl Distance {
    /// True for similarities (higher means closer).
    pub fn is_similarity(&self) -> bool {
        !matches!(self, Distance::Euclidean)
    }

    /// All pairwise values between the rows of `a` and of `b`.
    ///
    /// # Shapes
    /// `a (N, D)`, `b (M, D)` -> `(N, M)` f32.
    pub fn matrix(&self, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        if a.rank() != 2 || b.rank() != 2 || a.dim(1)? != b.dim(1)? {
            return Err(Error::InvalidArgument(format!(
                "distance between {:?} and {:?}: need (N, D) and (M, D)",
                a.dims(),
                b.dims()
            )));
        }
        let (a, b) = (a.to_dtype(DType::F32)?, b.to_dtype(DType::F32)?);
        match self {
            Distance::Dot => Ok(a.matmul(&b.t()?)?),
            Distance::Cosine => {
                let (an, bn) = (l2_normalize(&a)?, l2_normalize(&b)?);
                Ok(an.matmul(&bn.t()?)?)
            }
            Distance::Euclidean => {
                euclidean_between_unit_rows(&l2_normalize(&a)?, &l2_normalize(&b)?)
            }
        }
    }
}

/// Checks a batch of embeddings and labels; returns the labels as `u32`.
pub(crate) fn check_batch(embeddings: &Tensor, labels: &Tensor) -> Result<Vec<u32>> {
    if embeddings.rank() != 2 {
        return Err(Error::InvalidArgument(format!(
            "embeddings must be (N, D), got {:?}",
            embeddings.dims()
        )));
    }
    let n = embeddings.dim(0)?;
    if n == 0 {
        return Err(Error::InvalidArgument(
            "empty batch: no embeddings to compute a loss on".into(),
        ));
    }
    let labels = labels
        .flatten_all()?
        .to_dtype(DType::U32)?
        .to_vec1::<u32>()?;
    if labels.len() != n {
        return Err(Error::InvalidArgument(format!(
            "{n} embeddings but {} labels",
            labels.len()
        )));
    }
    check_finite(embeddings, "embeddings")?;
    Ok(labels)
}

/// An error naming the first non-finite value of `t`.
pub(crate) fn check_finite(t: &Tensor, what: &str) -> Result<()> {
    let v = t.flatten_all()?.to_dtype(DType::F32)?.to_vec1::<f32>()?;
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        let cols = if t.rank() == 2 { t.dim(1)? } else { 1 };
        return Err(Error::InvalidArgument(format!(
            "{what} hold {} at row {}, column {}",
            v[i],
            i / cols,
            i % cols
        )));
    }
    Ok(())
}
