//! Checks shared by the losses: a batch of embeddings with one label each, all finite.

use candle_core::{DType, Tensor};

use crate::error::{Error, Result};
pub(crate) use crate::ops::check_finite;

/// Checks a batch of embeddings and labels; returns the labels as `u32`.
pub(crate) fn check_batch(embeddings: &Tensor, labels: &Tensor) -> Result<Vec<u32>> {
    if embeddings.rank() != 2 {
        return Err(Error::Shape {
            what: "embeddings".into(),
            expected: "(N, D)".into(),
            found: embeddings.dims().to_vec(),
        });
    }
    let n = embeddings.dim(0)?;
    if n == 0 {
        crate::bail!("empty batch: no embeddings to compute a loss on");
    }
    let labels = labels
        .flatten_all()?
        .to_dtype(DType::U32)?
        .to_vec1::<u32>()?;
    if labels.len() != n {
        crate::bail!("{n} embeddings but {} labels", labels.len());
    }
    check_finite(embeddings, "embeddings")?;
    Ok(labels)
}
