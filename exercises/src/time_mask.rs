//! Exercise `time_mask`: A spectrogram augmentation: time masking (notebook 01_representation_learning_and_data, Representation learning, and the data).
//!
//! The further exercise, as torchaudio's `TimeMasking` but with the band given: `time_mask(spec,
//! start, width, value)` sets the columns `start .. start + width` of a `(C, F, T)` spectrogram to
//! `value` (time is the last axis), clipping the band at the end, and leaves everything else.
//!
//! Check it with `cargo test -p exercises time_mask`; a hint: `mmsearch exercises hint time_mask`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// SpecAugment's time masking with the band given: the columns `start .. start + width` of a
/// `(C, F, T)` spectrogram (time is the last axis) set to `value`, the band clipped at the end,
/// everything else unchanged.
///
/// # Shapes
/// `spec`: `(C, F, T)` f32 -> `(C, F, T)`.
pub fn time_mask(_spec: &Tensor, _start: usize, _width: usize, _value: f32) -> Result<Tensor> {
    todo!("overwrite the band's columns")
}
