/// An image encoder of your own design: `(B, 1, 28, 28)` images to 128-wide embeddings and 10
/// logits, with layers that differ from the tutorial `Encoder`'s (other kernels, widths, pooling,
/// depth...).
///
/// # Shapes
/// `forward`: `(B, 1, 28, 28)` -> embeddings `(B, 128)`, logits `(B, 10)`.
pub struct MyEncoder {
    // BEGIN SOLUTION
    conv1: candle_nn::Conv2d,
    conv2: candle_nn::Conv2d,
    embed: candle_nn::Linear,
    classify: candle_nn::Linear,
    // END SOLUTION
}

impl MyEncoder {
    /// Builds the layers, their parameters from `vb` (`vb.pp("conv1")`, ...).
    pub fn new(vb: VarBuilder) -> Result<Self> {
        // BEGIN SOLUTION
        let c = candle_nn::Conv2dConfig::default();
        Ok(MyEncoder {
            conv1: candle_nn::conv2d(1, 8, 3, c, vb.pp("conv1"))?,
            conv2: candle_nn::conv2d(8, 16, 3, c, vb.pp("conv2"))?,
            embed: candle_nn::linear(16 * 5 * 5, 128, vb.pp("embed"))?,
            classify: candle_nn::linear(128, 10, vb.pp("classify"))?,
        })
        // END SOLUTION
    }

    /// Embeddings and logits of a batch of images.
    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        // BEGIN SOLUTION
        let h = self.conv1.forward(x)?.relu()?.max_pool2d(2)?; // (B, 8, 13, 13)
        let h = self.conv2.forward(&h)?.relu()?.max_pool2d(2)?; // (B, 16, 5, 5)
        let e = self.embed.forward(&h.flatten_from(1)?)?.relu()?; // (B, 128)
        let z = self.classify.forward(&e)?; //                     (B, 10)
        Ok((e, z))
        // END SOLUTION
    }
}
