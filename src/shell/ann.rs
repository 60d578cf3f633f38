//! Approximate search for large collections: an HNSW graph behind the same trait as the exact
//! index, so the two can be swapped and compared.

use candle_core::{DType, Tensor};
use hnsw_rs::prelude::{DistCosine, Hnsw};
use rayon::prelude::*;

use crate::error::Result;
use crate::search::NearestNeighbors;

/// HNSW parameters. `Default`: 16 links per node, `ef_construction` 100, `ef_search` 64.
///
/// # Example
/// ```
/// let c = multimodal_search::shell::HnswConfig::default();
/// assert_eq!((c.max_connections, c.ef_construction, c.ef_search), (16, 100, 64));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HnswConfig {
    /// Links per node (`M`, at most 256).
    pub max_connections: usize,
    /// Candidate list size while building (higher: better graph, slower build).
    pub ef_construction: usize,
    /// Candidate list size while searching (higher: better recall, slower queries).
    pub ef_search: usize,
}

impl Default for HnswConfig {
    fn default() -> Self {
        HnswConfig {
            max_connections: 16,
            ef_construction: 100,
            ef_search: 64,
        }
    }
}

/// An approximate cosine index: a hierarchical navigable small-world graph from the maintained
/// `hnsw_rs` crate (Malkov and Yashunin's algorithm), built in parallel.
///
/// # Shapes
/// Built from an `(N, D)` f32 matrix; queries are `D` values.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::search::NearestNeighbors;
/// use multimodal_search::shell::{HnswConfig, HnswIndex};
/// let m = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0], [0.7, 0.7]], &Device::Cpu)?;
/// let ann = HnswIndex::build(&m, HnswConfig::default())?;
/// assert_eq!(ann.nearest(&[0.0, 1.0], 1)?[0].0, 1);
/// # Ok(()) }
/// ```
pub struct HnswIndex {
    graph: Hnsw<'static, f32, DistCosine>,
    rows: usize,
    dim: usize,
    config: HnswConfig,
}

impl std::fmt::Debug for HnswIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HnswIndex")
            .field("rows", &self.rows)
            .field("dim", &self.dim)
            .field("config", &self.config)
            .finish()
    }
}

impl HnswIndex {
    /// Builds the graph over the rows of `matrix`, inserting in parallel.
    pub fn build(matrix: &Tensor, config: HnswConfig) -> Result<Self> {
        let (rows, dim) = matrix.dims2()?;
        if rows == 0 || dim == 0 {
            crate::bail!("an empty index ({rows} rows of dimension {dim}) cannot be searched");
        }
        if config.max_connections == 0
            || config.max_connections > 256
            || config.ef_construction == 0
        {
            crate::bail!(
                "HNSW needs 1 <= max_connections <= 256 and ef_construction >= 1, got {config:?}"
            );
        }
        let data = matrix
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        let graph = Hnsw::<f32, DistCosine>::new(
            config.max_connections,
            rows,
            16,
            config.ef_construction,
            DistCosine {},
        );
        let items: Vec<(&[f32], usize)> = data.chunks(dim).zip(0..).collect();
        graph.parallel_insert_slice(&items);
        let mut graph = graph;
        graph.set_searching_mode(true);
        Ok(HnswIndex {
            graph,
            rows,
            dim,
            config,
        })
    }

    /// Sets the search-time candidate list size.
    pub fn set_ef_search(&mut self, ef: usize) {
        self.config.ef_search = ef.max(1);
    }

    /// The parameters in use.
    pub fn config(&self) -> HnswConfig {
        self.config
    }

    /// Many queries at once, in parallel: row indices of the `k` nearest, best first.
    pub fn nearest_batch(&self, queries: &[f32], k: usize) -> Result<Vec<Vec<usize>>> {
        if !queries.len().is_multiple_of(self.dim) {
            crate::bail!(
                "{} query values are not whole rows of dimension {}",
                queries.len(),
                self.dim
            );
        }
        Ok(queries
            .par_chunks(self.dim)
            .map(|q| {
                self.graph
                    .search(q, k, self.config.ef_search.max(k))
                    .into_iter()
                    .map(|n| n.d_id)
                    .collect()
            })
            .collect())
    }
}

impl NearestNeighbors for HnswIndex {
    fn nearest(&self, query: &[f32], k: usize) -> Result<Vec<(usize, f32)>> {
        if query.len() != self.dim {
            crate::bail!(
                "query dimension {} does not match the index dimension {}",
                query.len(),
                self.dim
            );
        }
        let found = self.graph.search(query, k, self.config.ef_search.max(k));
        Ok(found
            .into_iter()
            .map(|n| (n.d_id, 1.0 - n.distance))
            .collect())
    }

    fn rows(&self) -> usize {
        self.rows
    }
}
