// MUTANT: sums over the rows instead of averaging (the loss grows with the batch).
pub fn classification_loss(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    let shifted = if true { logits.broadcast_sub(&logits.max_keepdim(1)?)? } else { logits.clone() };
    let log_probs = if true {
        let log_sum = shifted.exp()?.sum_keepdim(1)?.log()?;
        shifted.broadcast_sub(&log_sum)?
    } else {
        shifted
    };
    let picked = log_probs.gather(&labels.unsqueeze(1)?, 1)?;
    Ok(picked.sum_all()?.neg()?)
}
