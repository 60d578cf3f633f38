//! Exercise `random_forest`: A random forest on embeddings, and on raw spectrograms (notebook 05_multimodal_training, Multimodal training).
//!
//! Write `forest_predict(train, labels, test, dim, forest)`: fit a random forest (smartcore's
//! `RandomForestClassifier`, `forest.trees` trees of depth at most `forest.max_depth`, seed
//! `forest.seed`) on the training rows and predict a label for each test row. The check grows it on
//! the multimodal model's embeddings of FSDD's training recordings and scores it on the validation
//! recordings' embeddings and, across modalities, on MNIST's validation images'; then on the raw
//! flattened 64 x 64 spectrograms.
//!
//! Check it with `cargo test -p exercises random_forest`; a hint: `mmsearch exercises hint random_forest`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// Fits a random forest of `forest.trees` trees, each at most `forest.max_depth` deep and seeded
/// by `forest.seed`, on the rows of `train` (row-major, `dim` wide) with their `labels`, and
/// predicts one label per row of `test`. `multimodal_search::smartcore` has
/// `RandomForestClassifier` and `DenseMatrix`.
///
/// # Shapes
/// `train`: `labels.len() * dim`; `test`: `m * dim`; returns `m` labels.
pub fn forest_predict(
    _train: &[f32],
    _labels: &[u32],
    _test: &[f32],
    _dim: usize,
    _forest: multimodal_search::exercise::random_forest::Forest,
) -> Vec<u32> {
    todo!("rows into a DenseMatrix, fit the forest, predict")
}
