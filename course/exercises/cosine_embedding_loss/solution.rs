/// A pairwise margin loss on cosine similarity, as PyTorch's `CosineEmbeddingLoss`: the mean over
/// the pairs of `1 - cos(x1, x2)` where `y = 1`, and `max(0, cos(x1, x2) - margin)` where `y = -1`.
/// Like PyTorch, add `1e-12` to each squared norm, so a zero vector has cosine 0.
///
/// # Shapes
/// `x1`, `x2`: `(N, D)`; `y`: `(N,)` of 1 and -1 (f32); returns a scalar.
pub fn cosine_embedding_loss(x1: &Tensor, x2: &Tensor, y: &Tensor, margin: f32) -> Result<Tensor> {
    // BEGIN SOLUTION
    let dot = (x1 * x2)?.sum(1)?; //                          (N,)
    let n1 = x1.sqr()?.sum(1)?.affine(1.0, 1e-12)?; //         (N,) |x1|^2 + eps
    let n2 = x2.sqr()?.sum(1)?.affine(1.0, 1e-12)?; //         (N,) |x2|^2 + eps
    let cos = (dot / (n1 * n2)?.sqrt()?)?; //                  (N,)
    let similar = cos.affine(-1.0, 1.0)?; //                   (N,) 1 - cos
    let dissimilar = cos.affine(1.0, -(margin as f64))?.relu()?; // (N,) max(0, cos - margin)
    let per_pair = y.gt(0.0)?.where_cond(&similar, &dissimilar)?; // (N,)
    Ok(per_pair.mean_all()?) //                                ()
    // END SOLUTION
}
