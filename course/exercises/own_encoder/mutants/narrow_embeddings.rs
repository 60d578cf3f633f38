// MUTANT: 64-wide embeddings, not the 128 the multimodal model and the losses expect.
pub struct MyEncoder {
    conv1: candle_nn::Conv2d,
    conv2: candle_nn::Conv2d,
    embed: candle_nn::Linear,
    classify: candle_nn::Linear,
}

impl MyEncoder {
    pub fn new(vb: VarBuilder) -> Result<Self> {
        let c = candle_nn::Conv2dConfig::default();
        Ok(MyEncoder {
            conv1: candle_nn::conv2d(1, 8, 3, c, vb.pp("conv1"))?,
            conv2: candle_nn::conv2d(8, 16, 3, c, vb.pp("conv2"))?,
            embed: candle_nn::linear(16 * 5 * 5, 64, vb.pp("embed"))?,
            classify: candle_nn::linear(64, 10, vb.pp("classify"))?,
        })
    }

    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let h = self.conv1.forward(x)?.relu()?.max_pool2d(2)?;
        let h = self.conv2.forward(&h)?.relu()?.max_pool2d(2)?;
        let e = self.embed.forward(&h.flatten_from(1)?)?.relu()?;
        let z = self.classify.forward(&e)?;
        Ok((e, z))
    }
}
