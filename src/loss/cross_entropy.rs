//! Cross-entropy over class logits, with optional class weights (PyTorch's `CrossEntropyLoss`).

use candle_core::{D, DType, Tensor};

use crate::error::{Error, Result};

/// `mean(-log softmax(logits)[y])`, or with class weights `w`, `sum(w[y] * ce) / sum(w[y])`, as
/// PyTorch's `CrossEntropyLoss(weight=w)` reduces.
///
/// # Shapes
/// logits `(N, C)` f32, labels `(N,)` integer in `0..C`, weights `(C,)` f32 -> scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// let logits = Tensor::new(&[[0.0f32, 0.0], [0.0, 0.0]], &Device::Cpu)?;
/// let labels = Tensor::new(&[0u32, 1], &Device::Cpu)?;
/// let ce = multimodal_search::loss::cross_entropy(&logits, &labels, None)?;
/// assert!((ce.to_scalar::<f32>()? - 2f32.ln()).abs() < 1e-6);
/// # Ok(()) }
/// ```
pub fn cross_entropy(logits: &Tensor, labels: &Tensor, weights: Option<&Tensor>) -> Result<Tensor> {
    if logits.rank() != 2 || logits.dim(0)? == 0 {
        crate::bail!(
            "cross-entropy needs logits (N, C) with N > 0, got {:?}",
            logits.dims()
        );
    }
    let (n, c) = logits.dims2()?;
    let labels = labels.flatten_all()?.to_dtype(DType::U32)?;
    let lv = labels.to_vec1::<u32>()?;
    if lv.len() != n {
        crate::bail!("{n} rows of logits but {} labels", lv.len());
    }
    if let Some(bad) = lv.iter().find(|&&l| l as usize >= c) {
        crate::bail!("label {bad} out of range for {c} classes");
    }
    crate::loss::batch::check_finite(logits, "logits")?;
    let log_p = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    let nll = log_p.gather(&labels.unsqueeze(1)?, 1)?.squeeze(1)?.neg()?;
    match weights {
        None => Ok(nll.mean_all()?),
        Some(w) => {
            if w.dims() != [c] {
                return Err(Error::Shape {
                    what: "class weights".into(),
                    expected: format!("({c},)"),
                    found: w.dims().to_vec(),
                });
            }
            let wy = w.to_dtype(DType::F32)?.index_select(&labels, 0)?;
            Ok(((nll * &wy)?.sum_all()? / wy.sum_all()?.to_scalar::<f32>()? as f64)?)
        }
    }
}
