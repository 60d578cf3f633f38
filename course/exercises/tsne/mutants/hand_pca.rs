// MUTANT: a hand-written PCA onto two components: a linear view, which keeps far fewer of the
// neighbours than t-SNE (the validation threshold rejects it).
pub fn tsne_map(points: &[f32], dim: usize, _seed: u64) -> Vec<[f32; 2]> {
    use multimodal_search::nalgebra::{DMatrix, SymmetricEigen};
    let n = points.len() / dim;
    let mean: Vec<f64> = (0..dim).map(|j| points.iter().skip(j).step_by(dim).map(|v| *v as f64).sum::<f64>() / n as f64).collect();
    let x = DMatrix::from_fn(n, dim, |i, j| points[i * dim + j] as f64 - mean[j]);
    let eig = SymmetricEigen::new(x.transpose() * &x);
    let mut order: Vec<usize> = (0..dim).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let y = &x * eig.eigenvectors.select_columns(&order[..2]);
    (0..n).map(|i| [y[(i, 0)] as f32, y[(i, 1)] as f32]).collect()
}
