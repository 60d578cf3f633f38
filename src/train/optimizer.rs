//! Optimizers: the tutorial's Adam and the ones the optimizer exercise compares.
//!
//! The tutorial's `configure_optimizers` returns `torch.optim.Adam(params, lr)`. candle-nn's
//! `AdamW` with `weight_decay = 0` *is* Adam (the decay term `theta * (1 - lr * 0)` vanishes; the
//! moment estimates, bias corrections and `eps` outside the square root match PyTorch), so
//! [`AnyOptimizer::Adam`] wraps it. candle-nn has no momentum SGD nor RMSprop: [`SgdMomentum`] and
//! [`RmsProp`] below follow PyTorch's update rules.

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use candle_nn::{AdamW, Optimizer as _, ParamsAdamW};

use crate::error::Result;
use crate::train::config::OptimizerChoice;

/// `torch.optim.SGD(momentum=m)`: `b = m * b + g` (b = g on the first step), `theta -= lr * b`.
///
/// # Shapes
/// One velocity buffer per variable, same shape and dtype.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Var};
/// use multimodal_search::candle_nn::Optimizer;
/// use multimodal_search::train::SgdMomentum;
/// let x = Var::new(&[1.0f32], &Device::Cpu)?;
/// let mut sgd = SgdMomentum::new(vec![x.clone()], (0.1, 0.9))?;
/// for _ in 0..2 {
///     let loss = x.as_tensor().sqr()?.sum_all()?; // gradient 2x
///     sgd.backward_step(&loss)?;
/// }
/// // step 1: b = 2, x = 0.8; step 2: b = 0.9*2 + 1.6 = 3.4, x = 0.8 - 0.34 = 0.46
/// assert!((x.as_tensor().to_vec1::<f32>()?[0] - 0.46).abs() < 1e-6);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SgdMomentum {
    vars: Vec<(Var, Option<Tensor>)>,
    lr: f64,
    momentum: f64,
}

impl candle_nn::Optimizer for SgdMomentum {
    /// `(learning_rate, momentum)`.
    type Config = (f64, f64);

    fn new(vars: Vec<Var>, (lr, momentum): (f64, f64)) -> candle_core::Result<Self> {
        let vars = vars
            .into_iter()
            .filter(|v| v.dtype().is_float())
            .map(|v| (v, None))
            .collect();
        Ok(SgdMomentum { vars, lr, momentum })
    }

    fn step(&mut self, grads: &GradStore) -> candle_core::Result<()> {
        for (var, buf) in self.vars.iter_mut() {
            let Some(g) = grads.get(var) else { continue };
            let b = match buf.take() {
                Some(b) if self.momentum != 0.0 => ((b * self.momentum)? + g)?,
                _ => g.clone(),
            };
            var.set(&var.sub(&(&b * self.lr)?)?)?;
            *buf = Some(b);
        }
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}

/// `torch.optim.RMSprop` with its defaults (alpha 0.99, eps 1e-8, no momentum, not centered):
/// `v = alpha * v + (1 - alpha) * g^2`, `theta -= lr * g / (sqrt(v) + eps)`.
///
/// # Shapes
/// One square-average buffer per variable, same shape and dtype.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Var};
/// use multimodal_search::candle_nn::Optimizer;
/// use multimodal_search::train::RmsProp;
/// let x = Var::new(&[1.0f32], &Device::Cpu)?;
/// let mut opt = RmsProp::new(vec![x.clone()], 0.01)?;
/// opt.backward_step(&x.as_tensor().sqr()?.sum_all()?)?;
/// // v = 0.01 * 4 = 0.04, step = 0.01 * 2 / 0.2 = 0.1
/// assert!((x.as_tensor().to_vec1::<f32>()?[0] - 0.9).abs() < 1e-5);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct RmsProp {
    vars: Vec<(Var, Tensor)>,
    lr: f64,
    alpha: f64,
    eps: f64,
}

impl candle_nn::Optimizer for RmsProp {
    /// The learning rate.
    type Config = f64;

    fn new(vars: Vec<Var>, lr: f64) -> candle_core::Result<Self> {
        let vars = vars
            .into_iter()
            .filter(|v| v.dtype().is_float())
            .map(|v| {
                let z = v.as_tensor().zeros_like()?;
                Ok((v, z))
            })
            .collect::<candle_core::Result<_>>()?;
        Ok(RmsProp {
            vars,
            lr,
            alpha: 0.99,
            eps: 1e-8,
        })
    }

    fn step(&mut self, grads: &GradStore) -> candle_core::Result<()> {
        for (var, v) in self.vars.iter_mut() {
            let Some(g) = grads.get(var) else { continue };
            *v = ((&*v * self.alpha)? + (g.sqr()? * (1.0 - self.alpha))?)?;
            let denom = (v.sqrt()? + self.eps)?;
            var.set(&var.sub(&((g / denom)? * self.lr)?)?)?;
        }
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}

/// One optimizer chosen by [`OptimizerChoice`], behind one `step` (named so as not to be taken
/// for candle-nn's `Optimizer` trait, which each variant implements).
///
/// # Shapes
/// Holds per-variable state of the same shapes as the model's variables (f32).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Var};
/// use multimodal_search::train::{AnyOptimizer, OptimizerChoice};
/// let x = Var::new(&[3.0f32], &Device::Cpu)?;
/// let mut adam = AnyOptimizer::new(OptimizerChoice::Adam, vec![x.clone()], 0.1)?;
/// adam.backward_step(&x.as_tensor().sqr()?.sum_all()?)?;
/// // Adam's first step moves every weight by about lr, whatever the gradient's size.
/// assert!((x.as_tensor().to_vec1::<f32>()?[0] - 2.9).abs() < 1e-4);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub enum AnyOptimizer {
    /// Adam (candle-nn's `AdamW` with weight decay 0).
    Adam(AdamW),
    /// AdamW with decoupled weight decay.
    AdamW(AdamW),
    /// SGD with momentum.
    Sgd(SgdMomentum),
    /// RMSprop.
    RmsProp(RmsProp),
}

impl AnyOptimizer {
    /// Builds `choice` over `vars` at learning rate `lr`.
    pub fn new(choice: OptimizerChoice, vars: Vec<Var>, lr: f64) -> Result<Self> {
        let adam = |weight_decay| ParamsAdamW {
            lr,
            weight_decay,
            ..ParamsAdamW::default()
        };
        Ok(match choice {
            OptimizerChoice::Adam => AnyOptimizer::Adam(AdamW::new(vars, adam(0.0))?),
            OptimizerChoice::AdamW { weight_decay } => {
                AnyOptimizer::AdamW(AdamW::new(vars, adam(weight_decay))?)
            }
            OptimizerChoice::Sgd { momentum } => {
                AnyOptimizer::Sgd(SgdMomentum::new(vars, (lr, momentum))?)
            }
            OptimizerChoice::RmsProp => AnyOptimizer::RmsProp(RmsProp::new(vars, lr)?),
        })
    }

    /// Applies one update from `grads`.
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        match self {
            AnyOptimizer::Adam(o) | AnyOptimizer::AdamW(o) => o.step(grads)?,
            AnyOptimizer::Sgd(o) => o.step(grads)?,
            AnyOptimizer::RmsProp(o) => o.step(grads)?,
        }
        Ok(())
    }

    /// Back-propagates `loss` and applies one update.
    pub fn backward_step(&mut self, loss: &Tensor) -> Result<()> {
        let grads = loss.backward()?;
        self.step(&grads)
    }
}
