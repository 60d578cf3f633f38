/// The tutorial's `ProjectionHead`: maps an encoder's `input_dim`-wide embedding into the shared
/// `embedding_size`-wide space. Give it layers with parameters, and a non-linearity between them.
///
/// # Shapes
/// `(B, input_dim)` -> `(B, embedding_size)`.
pub struct ProjectionHead {
    // BEGIN SOLUTION
    linear1: candle_nn::Linear,
    linear2: candle_nn::Linear,
    // END SOLUTION
}

impl ProjectionHead {
    /// Builds the head, its parameters from `vb` (`candle_nn::linear(.., vb.pp("linear1"))`, ...).
    pub fn new(input_dim: usize, embedding_size: usize, vb: VarBuilder) -> Result<Self> {
        // BEGIN SOLUTION
        Ok(ProjectionHead {
            linear1: candle_nn::linear(input_dim, input_dim, vb.pp("linear1"))?,
            linear2: candle_nn::linear(input_dim, embedding_size, vb.pp("linear2"))?,
        })
        // END SOLUTION
    }
}

impl Module for ProjectionHead {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        // BEGIN SOLUTION
        let h = self.linear1.forward(x)?.relu()?; // (B, input_dim)
        self.linear2.forward(&h) //                   (B, embedding_size)
        // END SOLUTION
    }
}
