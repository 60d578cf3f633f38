// MUTANT: no eps in the norms: a zero vector gives 0 / 0 = NaN.
pub fn cosine_embedding_loss(x1: &Tensor, x2: &Tensor, y: &Tensor, margin: f32) -> Result<Tensor> {
    let dot = (x1 * x2)?.sum(1)?;
    let cos = (dot / (x1.sqr()?.sum(1)? * x2.sqr()?.sum(1)?)?.sqrt()?)?;
    let similar = cos.affine(-1.0, 1.0)?;
    let dissimilar = cos.affine(1.0, -(margin as f64))?.relu()?;
    Ok(y.gt(0.0)?.where_cond(&similar, &dissimilar)?.mean_all()?)
}
