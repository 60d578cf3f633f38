// MUTANT: ignores `embedding_size` and keeps the input's width (right at 512 -> 512 and
// 128 -> 128, the sizes the visible tests use).
pub struct ProjectionHead {
    linear1: candle_nn::Linear,
    linear2: candle_nn::Linear,
}

impl ProjectionHead {
    pub fn new(input_dim: usize, _embedding_size: usize, vb: VarBuilder) -> Result<Self> {
        Ok(ProjectionHead {
            linear1: candle_nn::linear(input_dim, input_dim, vb.pp("linear1"))?,
            linear2: candle_nn::linear(input_dim, input_dim, vb.pp("linear2"))?,
        })
    }
}

impl Module for ProjectionHead {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.linear2.forward(&self.linear1.forward(x)?.relu()?)
    }
}
