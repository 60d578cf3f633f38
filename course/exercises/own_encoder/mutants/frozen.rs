// MUTANT: random weights as plain tensors, not through `vb`: nothing to train.
pub struct MyEncoder {
    w1: Tensor,
    w2: Tensor,
}

impl MyEncoder {
    pub fn new(_vb: VarBuilder) -> Result<Self> {
        Ok(MyEncoder {
            w1: Tensor::randn(0f32, 0.05, (784, 128), &Device::Cpu)?,
            w2: Tensor::randn(0f32, 0.1, (128, 10), &Device::Cpu)?,
        })
    }

    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let e = x.flatten_from(1)?.matmul(&self.w1)?.relu()?;
        let z = e.matmul(&self.w2)?;
        Ok((e, z))
    }
}
