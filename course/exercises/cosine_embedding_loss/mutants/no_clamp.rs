// MUTANT: `cos - margin` for dissimilar pairs without `max(0, ...)`: negative losses.
pub fn cosine_embedding_loss(x1: &Tensor, x2: &Tensor, y: &Tensor, margin: f32) -> Result<Tensor> {
    let dot = (x1 * x2)?.sum(1)?;
    let n1 = x1.sqr()?.sum(1)?.affine(1.0, 1e-12)?;
    let n2 = x2.sqr()?.sum(1)?.affine(1.0, 1e-12)?;
    let cos = (dot / (n1 * n2)?.sqrt()?)?;
    let similar = cos.affine(-1.0, 1.0)?;
    let dissimilar = cos.affine(1.0, -(margin as f64))?;
    Ok(y.gt(0.0)?.where_cond(&similar, &dissimilar)?.mean_all()?)
}
