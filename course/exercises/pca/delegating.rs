// DELEGATES: the crate's own PCA.
pub fn principal_components(rows: &[f32], dim: usize, k: usize) -> Result<multimodal_search::exercise::pca::Components> {
    let p = multimodal_search::viz::Pca::fit(rows, dim, k)?;
    let n = rows.len() / dim;
    let mean = (0..dim).map(|j| rows.iter().skip(j).step_by(dim).map(|v| *v as f64).sum::<f64>() / n as f64).collect();
    Ok(multimodal_search::exercise::pca::Components { mean, directions: p.components().to_vec(), variances: p.explained_variance().to_vec() })
}
