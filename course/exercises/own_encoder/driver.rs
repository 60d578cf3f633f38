// The grader's driver for `own_encoder`, compiled at the end of the participant's module: it
// builds and trains their `MyEncoder` in the sandbox and answers with shapes and the classes it
// gives the validation images (whose labels the sandbox does not hold).

/// The shapes of the embeddings and logits a fresh encoder (weights from `seed`) gives `batch`
/// blank images.
pub fn encoder_output_dims(seed: u64, batch: usize) -> Result<(Vec<usize>, Vec<usize>)> {
    ::multimodal_search::exercise::own_encoder::output_dims(&MyEncoder::new, &MyEncoder::forward, seed, batch)
}

/// The shapes of a fresh encoder's parameter tensors.
pub fn encoder_parameter_shapes(seed: u64) -> Result<Vec<Vec<usize>>> {
    ::multimodal_search::exercise::own_encoder::parameter_shapes(&MyEncoder::new, seed)
}

/// The classes the encoder gives the first 2,000 validation images after 150 steps of
/// cross-entropy, seeded with `seed`.
pub fn encoder_short_run_classes(seed: u64) -> Result<Vec<u32>> {
    let data = ::multimodal_search::exercise::training::shared_data()?;
    ::multimodal_search::exercise::own_encoder::run_predictions(data, &MyEncoder::new, &MyEncoder::forward, seed)
}
