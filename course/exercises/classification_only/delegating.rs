// DELEGATES: candle-nn's own cross-entropy.
pub fn classification_loss(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    Ok(multimodal_search::candle_nn::loss::cross_entropy(logits, labels)?)
}
