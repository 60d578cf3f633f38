/// SpecAugment's time masking with the band given: the columns `start .. start + width` of a
/// `(C, F, T)` spectrogram (time is the last axis) set to `value`, the band clipped at the end,
/// everything else unchanged.
///
/// # Shapes
/// `spec`: `(C, F, T)` f32 -> `(C, F, T)`.
pub fn time_mask(_spec: &Tensor, _start: usize, _width: usize, _value: f32) -> Result<Tensor> {
    todo!("overwrite the band's columns")
}
