//! A small, exact search engine over embeddings: the tutorial's "database of representations".

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use rayon::prelude::*;

use crate::data::LabeledSet;
use crate::error::{Error, Result};
use crate::model::Embed;
use crate::ops::l2_normalize;
use crate::search::search_metric::SearchMetric;
use crate::search::select::top_k;

/// One search result.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    /// Row in the index.
    pub index: usize,
    /// The item's id (FSDD file name, `mnist-test-00042`, ...).
    pub id: String,
    /// The item's digit.
    pub label: u32,
    /// Similarity: higher is better.
    pub score: f32,
    /// Distance: lower is better (see [`SearchMetric`]).
    pub distance: f32,
}

/// Embeddings with their labels and ids, searched exactly (brute force: one matrix product and
/// a partial selection per batch of queries).
///
/// Mirrors the tutorial's tensors of validation embeddings searched with `F.cosine_similarity`.
///
/// # Shapes
/// Holds an `(N, D)` f32 matrix; queries are `(D,)` or `(Q, D)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::search::{EmbeddingIndex, SearchMetric};
/// let m = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0], [0.7, 0.7]], &Device::Cpu)?;
/// let index = EmbeddingIndex::from_matrix(&m, vec![1, 2, 3], vec!["a".into(), "b".into(), "c".into()], SearchMetric::Cosine)?;
/// let hits = index.search(&Tensor::new(&[1.0f32, 0.1], &Device::Cpu)?, 2)?;
/// assert_eq!((hits[0].id.as_str(), hits[1].id.as_str()), ("a", "c"));
/// assert_eq!(index.farthest(&Tensor::new(&[1.0f32, 0.1], &Device::Cpu)?, 1)?[0].id, "b");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct EmbeddingIndex {
    matrix: Tensor,
    /// For cosine: the rows normalized; otherwise the rows themselves.
    prepared: Tensor,
    /// Squared norms of the rows, for Euclidean distances.
    sq_norms: Vec<f32>,
    labels: Vec<u32>,
    ids: Vec<String>,
    metric: SearchMetric,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Meta {
    format: String,
    metric: SearchMetric,
    rows: usize,
    dim: usize,
    labels: Vec<u32>,
    ids: Vec<String>,
}

const FORMAT: &str = "multimodal-search embedding index v1";

impl EmbeddingIndex {
    /// An index over the rows of `matrix` (`(N, D)`), one label and one id per row.
    pub fn from_matrix(
        matrix: &Tensor,
        labels: Vec<u32>,
        ids: Vec<String>,
        metric: SearchMetric,
    ) -> Result<Self> {
        if matrix.rank() != 2 {
            return Err(Error::Shape {
                what: "the matrix of an index".into(),
                expected: "(N, D)".into(),
                found: matrix.dims().to_vec(),
            });
        }
        let (n, d) = matrix.dims2()?;
        if n == 0 || d == 0 {
            crate::bail!("an empty index ({n} rows of dimension {d}) cannot be searched");
        }
        if labels.len() != n || ids.len() != n {
            crate::bail!(
                "{n} embeddings but {} labels and {} ids",
                labels.len(),
                ids.len()
            );
        }
        crate::ops::check_finite(matrix, "embeddings")?;
        let matrix = matrix
            .to_dtype(DType::F32)?
            .to_device(&Device::Cpu)?
            .contiguous()?;
        let prepared = match metric {
            SearchMetric::Cosine => l2_normalize(&matrix)?,
            _ => matrix.clone(),
        };
        let sq_norms = matrix.sqr()?.sum(1)?.to_vec1::<f32>()?;
        Ok(EmbeddingIndex {
            matrix,
            prepared,
            sq_norms,
            labels,
            ids,
            metric,
        })
    }

    /// Embeds `set` in batches of `batch_size` with `embed` (for example an encoder's forward) and
    /// indexes the result; never one huge forward pass.
    pub fn build(
        set: &LabeledSet,
        batch_size: usize,
        metric: SearchMetric,
        embed: impl Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<Self> {
        if batch_size == 0 {
            crate::bail!("batch size must be at least 1");
        }
        let mut parts = Vec::new();
        let mut start = 0;
        while start < set.len() {
            let len = batch_size.min(set.len() - start);
            let batch = set.items().narrow(0, start, len)?;
            parts.push(embed(&batch)?.detach().to_device(&Device::Cpu)?);
            start += len;
        }
        if parts.is_empty() {
            crate::bail!("cannot index an empty set");
        }
        let matrix = Tensor::cat(&parts, 0)?;
        Self::from_matrix(&matrix, set.labels().to_vec(), set.ids().to_vec(), metric)
    }

    /// Indexes `set` with the embeddings of `encoder` (an [`Encoder`](crate::model::Encoder),
    /// or one side of a trained model).
    pub fn from_encoder(
        encoder: &dyn Embed,
        set: &LabeledSet,
        batch_size: usize,
        metric: SearchMetric,
    ) -> Result<Self> {
        let device = encoder.device().clone();
        Self::build(set, batch_size, metric, |x| {
            encoder.embed(&x.to_device(&device)?)
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Never true: an index holds at least one row.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Embedding dimension.
    pub fn dim(&self) -> usize {
        self.matrix.dims()[1]
    }

    /// How queries are compared with the rows (and what scores mean).
    pub fn metric(&self) -> SearchMetric {
        self.metric
    }

    /// The stored matrix, `(N, D)` f32.
    pub fn matrix(&self) -> &Tensor {
        &self.matrix
    }

    /// Each row's digit, in row order.
    pub fn labels(&self) -> &[u32] {
        &self.labels
    }

    /// Each row's identifier (an MNIST index or an FSDD file name), in row order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    fn queries(&self, q: &Tensor) -> Result<Tensor> {
        let q = q.to_dtype(DType::F32)?.to_device(&Device::Cpu)?;
        let q = match q.rank() {
            1 => q.unsqueeze(0)?,
            2 => q,
            _ => {
                return Err(Error::Shape {
                    what: "queries".into(),
                    expected: "(D,) or (Q, D)".into(),
                    found: q.dims().to_vec(),
                });
            }
        };
        if q.dim(1)? != self.dim() {
            crate::bail!(
                "query dimension {} does not match the index dimension {}",
                q.dim(1)?,
                self.dim()
            );
        }
        crate::ops::check_finite(&q, "queries")?;
        Ok(q.contiguous()?)
    }

    /// Scores of every query against every row, row-major `Q x N` (higher is better).
    pub fn scores(&self, queries: &Tensor) -> Result<Vec<f32>> {
        let q = self.queries(queries)?;
        let n = self.len();
        match self.metric {
            SearchMetric::Dot => Ok(q.matmul(&self.prepared.t()?)?.flatten_all()?.to_vec1()?),
            SearchMetric::Cosine => {
                let qn = l2_normalize(&q)?;
                Ok(qn.matmul(&self.prepared.t()?)?.flatten_all()?.to_vec1()?)
            }
            SearchMetric::Euclidean => {
                let q2 = q.sqr()?.sum(1)?.to_vec1::<f32>()?;
                let mut s: Vec<f32> = q.matmul(&self.prepared.t()?)?.flatten_all()?.to_vec1()?;
                s.par_chunks_mut(n).zip(&q2).for_each(|(row, qq)| {
                    for (v, xx) in row.iter_mut().zip(&self.sq_norms) {
                        *v = -(qq + xx - 2.0 * *v).max(0.0).sqrt();
                    }
                });
                Ok(s)
            }
            SearchMetric::Manhattan => {
                let qv = q.flatten_all()?.to_vec1::<f32>()?;
                let xv = self.matrix.flatten_all()?.to_vec1::<f32>()?;
                let d = self.dim();
                let mut s = vec![0.0f32; qv.len() / d * n];
                s.par_chunks_mut(n)
                    .zip(qv.par_chunks(d))
                    .for_each(|(row, qrow)| {
                        for (v, x) in row.iter_mut().zip(xv.chunks(d)) {
                            *v = -qrow.iter().zip(x).map(|(a, b)| (a - b).abs()).sum::<f32>();
                        }
                    });
                Ok(s)
            }
        }
    }

    fn hits(&self, picked: Vec<(f32, usize)>) -> Vec<Hit> {
        picked
            .into_iter()
            .map(|(score, index)| Hit {
                index,
                id: self.ids[index].clone(),
                label: self.labels[index],
                score,
                distance: self.metric.distance_of(score),
            })
            .collect()
    }

    /// The `k` nearest rows to each query, best first (`k` larger than the index gives all rows).
    pub fn search_batch(&self, queries: &Tensor, k: usize) -> Result<Vec<Vec<Hit>>> {
        let n = self.len();
        let scores = self.scores(queries)?;
        Ok(scores
            .par_chunks(n)
            .map(|row| self.hits(top_k(row, k, false)))
            .collect())
    }

    /// The `k` nearest rows to one query, best first; ties go to the lower row.
    pub fn search(&self, query: &Tensor, k: usize) -> Result<Vec<Hit>> {
        let mut results = self.search_batch(query, k)?;
        match (results.pop(), results.is_empty()) {
            (Some(hits), true) => Ok(hits),
            _ => Err(Error::Shape {
                what: "search query".into(),
                expected: "one row (D) or (1, D)".into(),
                found: query.dims().to_vec(),
            }),
        }
    }

    /// The `k` farthest rows from one query, farthest first.
    pub fn farthest(&self, query: &Tensor, k: usize) -> Result<Vec<Hit>> {
        let scores = self.scores(query)?;
        Ok(self.hits(top_k(&scores[..self.len()], k, true)))
    }

    /// Writes `dir/embeddings.safetensors` (tensor `embeddings`) and `dir/index.json` (metric,
    /// shape, labels, ids), each through a temporary file and a rename.
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let meta = Meta {
            format: FORMAT.into(),
            metric: self.metric,
            rows: self.len(),
            dim: self.dim(),
            labels: self.labels.clone(),
            ids: self.ids.clone(),
        };
        let tmp = dir.join(".embeddings.safetensors.tmp");
        candle_core::safetensors::save(
            &std::collections::HashMap::from([("embeddings".to_string(), self.matrix.clone())]),
            &tmp,
        )?;
        let dest = dir.join("embeddings.safetensors");
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        let json = serde_json::to_vec_pretty(&meta).map_err(|source| Error::Serialization {
            what: "the index metadata".into(),
            source,
        })?;
        let tmp = dir.join(".index.json.tmp");
        std::fs::write(&tmp, json).map_err(|e| Error::io(&tmp, e))?;
        let dest = dir.join("index.json");
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))
    }

    /// Reads what [`Self::save`] wrote, checking the format, the shape against the metadata,
    /// and the metric against `expected_metric` when one is given.
    pub fn load(dir: &Path, expected_metric: Option<SearchMetric>) -> Result<Self> {
        let meta_path = dir.join("index.json");
        let text = std::fs::read(&meta_path).map_err(|e| Error::io(&meta_path, e))?;
        let meta: Meta = serde_json::from_slice(&text).map_err(|e| {
            Error::InvalidArgument(format!(
                "{}: not an index metadata file: {e}",
                meta_path.display()
            ))
        })?;
        let bad = |what: String| Error::InvalidArgument(format!("{}: {what}", dir.display()));
        if meta.format != FORMAT {
            return Err(bad(format!(
                "format {:?}, expected {FORMAT:?}",
                meta.format
            )));
        }
        if let Some(m) = expected_metric
            && m != meta.metric
        {
            return Err(bad(format!(
                "the index was built for {} search, not {m}",
                meta.metric
            )));
        }
        let st_path = dir.join("embeddings.safetensors");
        let tensors = candle_core::safetensors::load(&st_path, &Device::Cpu)
            .map_err(|e| bad(format!("embeddings.safetensors: {e}")))?;
        let matrix = tensors.get("embeddings").ok_or_else(|| {
            bad("embeddings.safetensors holds no tensor named `embeddings`".into())
        })?;
        if matrix.dims() != [meta.rows, meta.dim] {
            return Err(bad(format!(
                "embeddings.safetensors holds {:?} but index.json says {} x {}",
                matrix.dims(),
                meta.rows,
                meta.dim
            )));
        }
        Self::from_matrix(matrix, meta.labels, meta.ids, meta.metric)
    }
}
