//! `NearestNeighbors`: the one question every index answers, exact or approximate.

use candle_core::Tensor;

use crate::error::Result;
use crate::search::index::EmbeddingIndex;
use crate::search::select::top_k;

/// Anything that answers "which rows are nearest to this query?".
///
/// # Shapes
/// query `D` f32 values -> up to `k` `(row, score)` pairs, best first (score: higher is better).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::search::{EmbeddingIndex, SearchMetric, NearestNeighbors};
/// let m = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0]], &Device::Cpu)?;
/// let exact = EmbeddingIndex::from_matrix(&m, vec![0, 1], vec!["a".into(), "b".into()], SearchMetric::Cosine)?;
/// assert_eq!(exact.nearest(&[0.1, 0.9], 1)?[0].0, 1);
/// # Ok(()) }
/// ```
pub trait NearestNeighbors: Send + Sync {
    /// The `k` nearest rows to `query`, best first.
    fn nearest(&self, query: &[f32], k: usize) -> Result<Vec<(usize, f32)>>;
    /// Number of rows.
    fn rows(&self) -> usize;
}

impl NearestNeighbors for EmbeddingIndex {
    fn nearest(&self, query: &[f32], k: usize) -> Result<Vec<(usize, f32)>> {
        let q = Tensor::from_slice(query, query.len(), &candle_core::Device::Cpu)?;
        let scores = self.scores(&q)?;
        Ok(top_k(&scores, k, false)
            .into_iter()
            .map(|(s, i)| (i, s))
            .collect())
    }

    fn rows(&self) -> usize {
        self.len()
    }
}
