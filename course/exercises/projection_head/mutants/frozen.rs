// MUTANT: random weights made as plain tensors, not through `vb`: nothing to train.
pub struct ProjectionHead {
    w1: Tensor,
    w2: Tensor,
}

impl ProjectionHead {
    pub fn new(input_dim: usize, embedding_size: usize, _vb: VarBuilder) -> Result<Self> {
        let scale = 1.0 / (input_dim as f64).sqrt();
        Ok(ProjectionHead {
            w1: Tensor::randn(0f32, scale as f32, (input_dim, input_dim), &Device::Cpu)?,
            w2: Tensor::randn(0f32, scale as f32, (input_dim, embedding_size), &Device::Cpu)?,
        })
    }
}

impl Module for ProjectionHead {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.matmul(&self.w1)?.relu()?.matmul(&self.w2)
    }
}
