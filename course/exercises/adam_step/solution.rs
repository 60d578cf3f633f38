/// Adam, written out: one first and one second moment per parameter, and the step count.
pub struct Adam {
    // BEGIN SOLUTION
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
    // END SOLUTION
}

impl Adam {
    /// An optimizer for `len` parameters with learning rate `lr`, decays `beta1`, `beta2`, and
    /// `eps` in the denominator.
    pub fn new(len: usize, lr: f64, beta1: f64, beta2: f64, eps: f64) -> Self {
        // BEGIN SOLUTION
        Adam { lr, beta1, beta2, eps, m: vec![0.0; len], v: vec![0.0; len], t: 0 }
        // END SOLUTION
    }

    /// One step: update the moments with `grads`, correct their bias, move `params`.
    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        // BEGIN SOLUTION
        self.t += 1;
        let c1 = 1.0 - self.beta1.powi(self.t); // bias corrections
        let c2 = 1.0 - self.beta2.powi(self.t);
        for i in 0..params.len() {
            let g = grads[i] as f64;
            self.m[i] = self.beta1 * self.m[i] + (1.0 - self.beta1) * g; //     first moment
            self.v[i] = self.beta2 * self.v[i] + (1.0 - self.beta2) * g * g; // second moment
            let (m_hat, v_hat) = (self.m[i] / c1, self.v[i] / c2);
            params[i] -= (self.lr * m_hat / (v_hat.sqrt() + self.eps)) as f32;
        }
        // END SOLUTION
    }
}
