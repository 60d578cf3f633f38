/// Cross-entropy of `logits` and `labels`, as PyTorch's `nn.CrossEntropyLoss`: the mean over
/// rows of `log(sum_j exp(z_j)) - z_label`. Subtract each row's largest logit before `exp`, or
/// logits near 1000 overflow.
///
/// # Shapes
/// `logits`: `(N, C)` f32; `labels`: `(N,)` u32; returns a scalar.
pub fn classification_loss(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    // BEGIN SOLUTION
    let shifted = logits.broadcast_sub(&logits.max_keepdim(1)?)?; //  (N, C), each row's max 0
    let log_sum = shifted.exp()?.sum_keepdim(1)?.log()?; //            (N, 1)
    let log_probs = shifted.broadcast_sub(&log_sum)?; //               (N, C) log-softmax
    let picked = log_probs.gather(&labels.unsqueeze(1)?, 1)?; //       (N, 1) at each label
    Ok(picked.mean_all()?.neg()?) //                                   ()
    // END SOLUTION
}
