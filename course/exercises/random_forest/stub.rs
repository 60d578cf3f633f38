/// Fits a random forest of `forest.trees` trees, each at most `forest.max_depth` deep and seeded
/// by `forest.seed`, on the rows of `train` (row-major, `dim` wide) with their `labels`, and
/// predicts one label per row of `test`. `multimodal_search::smartcore` has
/// `RandomForestClassifier` and `DenseMatrix`.
///
/// # Shapes
/// `train`: `labels.len() * dim`; `test`: `m * dim`; returns `m` labels.
pub fn forest_predict(_train: &[f32], _labels: &[u32], _test: &[f32], _dim: usize, _forest: multimodal_search::exercise::random_forest::Forest) -> Vec<u32> {
    todo!("rows into a DenseMatrix, fit the forest, predict")
}
