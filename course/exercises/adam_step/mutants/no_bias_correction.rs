// MUTANT: no bias correction: the first steps are far too small.
pub struct Adam {
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl Adam {
    pub fn new(len: usize, lr: f64, beta1: f64, beta2: f64, eps: f64) -> Self {
        Adam { lr, beta1, beta2, eps, m: vec![0.0; len], v: vec![0.0; len], t: 0 }
    }

    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        self.t += 1;
        let correct = false;
        let (c1, c2) = if correct { (1.0 - self.beta1.powi(self.t), 1.0 - self.beta2.powi(self.t)) } else { (1.0, 1.0) };
        for i in 0..params.len() {
            let g = grads[i] as f64;
            self.m[i] = self.beta1 * self.m[i] + (1.0 - self.beta1) * g;
            self.v[i] = self.beta2 * self.v[i] + (1.0 - self.beta2) * g * g;
            let (m_hat, v_hat, eps) = (self.m[i] / c1, self.v[i] / c2, self.eps);
            params[i] -= (self.lr * m_hat / (v_hat.sqrt() + eps)) as f32;
        }
    }
}
