//! `Hooks`: what the training loop ([`fit`](crate::train::fit())) tells whoever watches it. Every
//! method does nothing by default, so `&mut ()` runs the bare loop; [`Trainer`](crate::train::Trainer)
//! uses them for its progress display, timings, history and callbacks.

use crate::error::Result;

/// Whether training goes on after an epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep training.
    Continue,
    /// Stop after this epoch.
    Stop,
}

/// The part of a training step that has just finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The batch was drawn (and augmented).
    Data,
    /// The model's forward pass.
    Forward,
    /// The loss, read back as a number.
    Loss,
    /// Back-propagation.
    Backward,
    /// The optimizer's update.
    Optimizer,
}

/// Called by the training loop; every method defaults to doing nothing.
///
/// # Example
/// ```
/// use multimodal_search::train::Hooks;
/// /// Keeps every step's loss.
/// #[derive(Default)]
/// struct Losses(Vec<f32>);
/// impl Hooks for Losses {
///     fn on_step_end(&mut self, _step: usize, loss: f32, _batch_size: usize) -> multimodal_search::Result<()> {
///         self.0.push(loss);
///         Ok(())
///     }
/// }
/// ```
pub trait Hooks {
    /// An epoch of `steps` steps starts.
    fn on_epoch_start(&mut self, _epoch: usize, _steps: usize) {}
    /// A part of the current step has finished (for timing).
    fn on_phase(&mut self, _phase: Phase) {}
    /// Step `step` of the epoch (from 0) has finished with `loss` on `batch_size` pairs.
    fn on_step_end(&mut self, _step: usize, _loss: f32, _batch_size: usize) -> Result<()> {
        Ok(())
    }
    /// Epoch `epoch` and its validation (when the config asks for one) have finished;
    /// [`Control::Stop`] ends training.
    fn on_epoch_end(&mut self, _epoch: usize, _validation_loss: Option<f32>) -> Result<Control> {
        Ok(Control::Continue)
    }
}

/// No hooks: the bare loop.
impl Hooks for () {}
