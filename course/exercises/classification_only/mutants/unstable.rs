// MUTANT: no shift by the row's largest logit: exp(1000) overflows to inf, the loss is NaN.
pub fn classification_loss(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    let shifted = if false { logits.broadcast_sub(&logits.max_keepdim(1)?)? } else { logits.clone() };
    let log_probs = if true {
        let log_sum = shifted.exp()?.sum_keepdim(1)?.log()?;
        shifted.broadcast_sub(&log_sum)?
    } else {
        shifted
    };
    let picked = log_probs.gather(&labels.unsqueeze(1)?, 1)?;
    Ok(picked.mean_all()?.neg()?)
}
