/// The tutorial's `ProjectionHead`: maps an encoder's `input_dim`-wide embedding into the shared
/// `embedding_size`-wide space. Give it layers with parameters, and a non-linearity between them.
///
/// # Shapes
/// `(B, input_dim)` -> `(B, embedding_size)`.
pub struct ProjectionHead {
    // Your layers here (`candle_nn::Linear`, ...).
}

impl ProjectionHead {
    /// Builds the head, its parameters from `vb` (`candle_nn::linear(.., vb.pp("linear1"))`, ...).
    pub fn new(_input_dim: usize, _embedding_size: usize, _vb: VarBuilder) -> Result<Self> {
        todo!("build the projection head's layers")
    }
}

impl Module for ProjectionHead {
    fn forward(&self, _x: &Tensor) -> candle_core::Result<Tensor> {
        todo!("map x into the shared space")
    }
}
