// DELEGATES: the crate's own loss does the work.
pub fn cosine_embedding_loss(x1: &Tensor, x2: &Tensor, y: &Tensor, margin: f32) -> Result<Tensor> {
    multimodal_search::loss::CosineEmbeddingLoss::new(margin).forward(x1, x2, y)
}
