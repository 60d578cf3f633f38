/// Fits a random forest of `forest.trees` trees, each at most `forest.max_depth` deep and seeded
/// by `forest.seed`, on the rows of `train` (row-major, `dim` wide) with their `labels`, and
/// predicts one label per row of `test`. `multimodal_search::smartcore` has
/// `RandomForestClassifier` and `DenseMatrix`.
///
/// # Shapes
/// `train`: `labels.len() * dim`; `test`: `m * dim`; returns `m` labels.
pub fn forest_predict(train: &[f32], labels: &[u32], test: &[f32], dim: usize, forest: multimodal_search::exercise::random_forest::Forest) -> Vec<u32> {
    // BEGIN SOLUTION
    use multimodal_search::smartcore::ensemble::random_forest_classifier::{RandomForestClassifier, RandomForestClassifierParameters};
    use multimodal_search::smartcore::linalg::basic::matrix::DenseMatrix;
    let matrix = |v: &[f32]| DenseMatrix::from_2d_vec(&v.chunks(dim).map(<[f32]>::to_vec).collect::<Vec<_>>());
    let (Ok(x), Ok(t)) = (matrix(train), matrix(test)) else {
        return Vec::new();
    };
    let params = RandomForestClassifierParameters::default()
        .with_n_trees(forest.trees)
        .with_max_depth(forest.max_depth)
        .with_seed(forest.seed);
    let fitted = RandomForestClassifier::fit(&x, &labels.to_vec(), params);
    fitted.and_then(|f| f.predict(&t)).unwrap_or_default()
    // END SOLUTION
}
