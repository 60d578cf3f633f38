// DELEGATES: the crate's PCA projects onto two components (not t-SNE).
pub fn tsne_map(points: &[f32], dim: usize, _seed: u64) -> Vec<[f32; 2]> {
    let pca = multimodal_search::viz::Pca::fit(points, dim, 2).unwrap();
    pca.transform(points).unwrap().chunks(2).map(|p| [p[0], p[1]]).collect()
}
