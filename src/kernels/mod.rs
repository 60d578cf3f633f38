//! The fast paths, beside the readable core: the fused conv block (`kernels/conv.rs`) and the triplet
//! loss without listing triplets (`kernels/triplet.rs`).
//!
//! The core calls them through one switch, [`Kernels`]: on the CPU the fast path runs by default,
//! on a GPU the plain candle code a learner reads in `model/encoder.rs` and `loss/triplet.rs`
//! (candle's GPU kernels are fast already). Both paths give the same values to float rounding;
//! the tests check every fast path against its reference.

use std::cell::Cell;

use candle_core::Device;

pub(crate) mod conv;
pub(crate) mod triplet;

/// Which implementation the core's two hot spots (the encoder's conv block and the triplet loss)
/// run.
///
/// The choice holds for the current thread: [`Kernels::scope`] runs a closure with another one.
/// The process-wide default is [`Kernels::Auto`], or what `MMS_KERNELS` says (`fast`,
/// `reference` or `auto`).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::kernels::Kernels;
/// use multimodal_search::loss::TripletLoss;
/// let e = Tensor::new(&[[1.0f32, 0.0], [0.8, 0.6], [0.6, 0.8]], &Device::Cpu)?;
/// let labels = Tensor::new(&[0u32, 0, 1], &Device::Cpu)?;
/// let loss = |k: Kernels| -> multimodal_search::Result<f32> {
///     k.scope(|| Ok(TripletLoss::default().forward(&e, &labels)?.to_scalar::<f32>()?))
/// };
/// let (fast, reference) = (loss(Kernels::Fast)?, loss(Kernels::Reference)?);
/// assert!((fast - reference).abs() < 1e-6);
/// assert_eq!(Kernels::Auto.resolve(&Device::Cpu), Kernels::Fast);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kernels {
    /// [`Kernels::Fast`] on the CPU, [`Kernels::Reference`] on other devices.
    #[default]
    Auto,
    /// The fused, hand-differentiated kernels of this module (CPU only; other devices fall back
    /// to the reference).
    Fast,
    /// The plain candle code, differentiated by candle's autograd.
    Reference,
}

thread_local! {
    static CHOICE: Cell<Option<Kernels>> = const { Cell::new(None) };
}

impl Kernels {
    /// The choice in force on this thread: the innermost [`Kernels::scope`], else `MMS_KERNELS`,
    /// else [`Kernels::Auto`].
    pub fn current() -> Kernels {
        CHOICE
            .with(|c| c.get())
            .unwrap_or_else(|| match std::env::var("MMS_KERNELS").as_deref() {
                Ok("fast") => Kernels::Fast,
                Ok("reference") => Kernels::Reference,
                Ok("auto") | Ok("") | Err(_) => Kernels::Auto,
                Ok(other) => {
                    static WARNED: std::sync::Once = std::sync::Once::new();
                    WARNED.call_once(|| {
                        eprintln!(
                            "MMS_KERNELS={other:?} is not fast, reference or auto: using auto"
                        )
                    });
                    Kernels::Auto
                }
            })
    }

    /// What runs on `device`: always [`Kernels::Fast`] or [`Kernels::Reference`].
    pub fn resolve(self, device: &Device) -> Kernels {
        match self {
            Kernels::Fast | Kernels::Auto if device.is_cpu() => Kernels::Fast,
            _ => Kernels::Reference,
        }
    }

    /// What the current choice runs on `device` (what the core asks before a hot spot).
    pub fn active(device: &Device) -> Kernels {
        Kernels::current().resolve(device)
    }

    /// Runs `f` with this choice on the current thread, then restores the previous one.
    pub fn scope<T>(self, f: impl FnOnce() -> T) -> T {
        struct Restore(Option<Kernels>);
        impl Drop for Restore {
            fn drop(&mut self) {
                CHOICE.with(|c| c.set(self.0));
            }
        }
        let _restore = Restore(CHOICE.with(|c| c.replace(Some(self))));
        f()
    }
}
