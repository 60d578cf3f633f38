// DELEGATES: the crate's own MLP head does the work.
pub struct ProjectionHead {
    inner: multimodal_search::model::MlpProjection,
}

impl ProjectionHead {
    pub fn new(input_dim: usize, embedding_size: usize, vb: VarBuilder) -> Result<Self> {
        let config = multimodal_search::model::MlpProjectionConfig {
            hidden_size: input_dim,
            output_size: embedding_size,
        };
        Ok(ProjectionHead {
            inner: multimodal_search::model::MlpProjection::new(input_dim, config, vb)?,
        })
    }
}

impl Module for ProjectionHead {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.inner.forward(x)
    }
}
