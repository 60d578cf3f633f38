//! Exercise `adam_step`: Another optimizer: Adam, written out (notebook 05_multimodal_training, Multimodal training).
//!
//! Write Adam's update rule: `new(len, lr, beta1, beta2, eps)` and `step(params, grads)` with the
//! moments `m`, `v`, their bias correction and `p -= lr * m_hat / (sqrt(v_hat) + eps)`. It is compared
//! step by step with candle's `AdamW` at weight decay 0 (PyTorch's Adam). Then train the multimodal
//! model with another of the crate's optimizers and compare the losses.
//!
//! Check it with `cargo test -p exercises adam_step`; a hint: `mmsearch exercises hint adam_step`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

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
