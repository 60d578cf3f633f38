// MUTANT: two linear layers and no non-linearity between them (an affine map).
pub struct ProjectionHead {
    linear1: candle_nn::Linear,
    linear2: candle_nn::Linear,
}

impl ProjectionHead {
    pub fn new(input_dim: usize, embedding_size: usize, vb: VarBuilder) -> Result<Self> {
        Ok(ProjectionHead {
            linear1: candle_nn::linear(input_dim, input_dim, vb.pp("linear1"))?,
            linear2: candle_nn::linear(input_dim, embedding_size, vb.pp("linear2"))?,
        })
    }
}

impl Module for ProjectionHead {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.linear2.forward(&self.linear1.forward(x)?)
    }
}
