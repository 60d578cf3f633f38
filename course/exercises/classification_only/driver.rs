// The grader's driver for `classification_only`, compiled at the end of the participant's module:
// their loss as the grader calls it, and the short run trained with it in the sandbox, answered
// as the classes it gives the validation images (whose labels the sandbox does not hold).

/// The participant's loss.
pub fn loss_of(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    classification_loss(logits, labels)
}

/// The classes the image encoder gives the first 2,000 validation images after 150 steps trained
/// with the participant's loss, seeded with `seed`.
pub fn short_run_classes(seed: u64) -> Result<Vec<u32>> {
    let data = ::multimodal_search::exercise::training::shared_data()?;
    ::multimodal_search::exercise::classification_only::run_predictions(
        data,
        &classification_loss,
        seed,
    )
}
