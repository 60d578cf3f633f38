/// Adam, written out: one first and one second moment per parameter, and the step count.
pub struct Adam {
    // Your state here: the settings, `m`, `v`, `t`.
}

impl Adam {
    /// An optimizer for `len` parameters with learning rate `lr`, decays `beta1`, `beta2`, and
    /// `eps` in the denominator.
    pub fn new(_len: usize, _lr: f64, _beta1: f64, _beta2: f64, _eps: f64) -> Self {
        todo!("zero moments, step 0")
    }

    /// One step: update the moments with `grads`, correct their bias, move `params`.
    pub fn step(&mut self, _params: &mut [f32], _grads: &[f32]) {
        todo!("m, v, m_hat, v_hat, then the parameters")
    }
}
