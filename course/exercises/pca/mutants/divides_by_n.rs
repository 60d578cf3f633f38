// MUTANT: divides by n, not n - 1 (the variances are all a little small).
pub fn principal_components(rows: &[f32], dim: usize, k: usize) -> Result<multimodal_search::exercise::pca::Components> {
    use multimodal_search::exercise::pca::Components;
    use multimodal_search::nalgebra::{DMatrix, SymmetricEigen};
    let n = rows.len() / dim;
    let mean: Vec<f64> = (0..dim)
        .map(|j| rows.iter().skip(j).step_by(dim).map(|v| *v as f64).sum::<f64>() / n as f64)
        .collect();
    let centre = true;
    let x = DMatrix::from_fn(n, dim, |i, j| rows[i * dim + j] as f64 - if centre { mean[j] } else { 0.0 }); // (n, dim)
    let cov = (x.transpose() * &x) / (n as f64); //                                  (dim, dim)
    let eig = SymmetricEigen::new(cov);
    let mut order: Vec<usize> = (0..dim).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let directions = order.iter().take(k).map(|&c| eig.eigenvectors.column(c).iter().copied().collect()).collect();
    let variances = order.iter().take(k).map(|&c| eig.eigenvalues[c]).collect();
    Ok(Components { mean, directions, variances })
}
