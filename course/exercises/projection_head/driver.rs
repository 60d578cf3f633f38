// The grader's driver for `projection_head`, compiled at the end of the participant's module: it
// builds their heads in the sandbox and answers with what the heads give, as plain data.

/// The outputs of one fresh `input -> output` head for each of `inputs`.
pub fn head_outputs(input: usize, output: usize, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
    ::multimodal_search::exercise::projection_head::outputs(&ProjectionHead::new, input, output, inputs)
}

/// One fresh head's output on `x`, before and after one SGD step on `mean(f(x)^2)`.
pub fn head_step(input: usize, output: usize, x: &Tensor) -> Result<(Tensor, Tensor)> {
    ::multimodal_search::exercise::projection_head::step(&ProjectionHead::new, input, output, x)
}

/// How many values a fresh head registers in its `VarBuilder`.
pub fn head_parameters(input: usize, output: usize) -> Result<usize> {
    ::multimodal_search::exercise::projection_head::parameter_count(&ProjectionHead::new, input, output)
}
