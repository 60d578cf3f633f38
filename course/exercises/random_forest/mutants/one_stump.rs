// MUTANT: ignores the forest's size and grows a single stump (one split: smartcore's depth 2).
pub fn forest_predict(train: &[f32], labels: &[u32], test: &[f32], dim: usize, forest: multimodal_search::exercise::random_forest::Forest) -> Vec<u32> {
    use multimodal_search::smartcore::ensemble::random_forest_classifier::{RandomForestClassifier, RandomForestClassifierParameters};
    use multimodal_search::smartcore::linalg::basic::matrix::DenseMatrix;
    let matrix = |v: &[f32]| DenseMatrix::from_2d_vec(&v.chunks(dim).map(<[f32]>::to_vec).collect::<Vec<_>>());
    let (Ok(x), Ok(t)) = (matrix(train), matrix(test)) else {
        return Vec::new();
    };
    let params = RandomForestClassifierParameters::default().with_n_trees(1).with_max_depth(2).with_seed(forest.seed);
    let fitted = RandomForestClassifier::fit(&x, &labels.to_vec(), params);
    fitted.and_then(|f| f.predict(&t)).unwrap_or_default()
}
