// The grader's driver for `adam_step`, compiled at the end of the participant's module (and of
// the reference solution's, in the scorer): it runs their `Adam` in the sandbox and answers with
// its trajectory, as plain data.

/// The parameters after each of `steps` steps of the participant's `Adam`, minimizing
/// `sum((p - target)^2)` from `start`.
pub fn adam_trajectory(
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    steps: usize,
    start: &[f32],
    target: &[f32],
) -> Vec<Vec<f32>> {
    let case = ::multimodal_search::exercise::adam_step::AdamCase { lr, beta1, beta2, eps, steps };
    ::multimodal_search::exercise::adam_step::trajectory(
        &Adam::new,
        &|a: &mut Adam, p: &mut [f32], g: &[f32]| a.step(p, g),
        case,
        start,
        target,
    )
}
