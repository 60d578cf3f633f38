// The grader's driver for `heads_in_model`, compiled at the end of the participant's module: it
// runs their `train_with_heads` in the sandbox and answers with the trained model's parameter
// names and step losses, as plain data.

/// The parameter names (sorted) and step losses of the model `train_with_heads` gives for the
/// check's config with `seed`.
pub fn heads_run(seed: u64) -> Result<(Vec<String>, Vec<f32>)> {
    let data = ::multimodal_search::exercise::training::shared_data()?;
    ::multimodal_search::exercise::heads_in_model::run_summary(data, &train_with_heads, seed)
}
