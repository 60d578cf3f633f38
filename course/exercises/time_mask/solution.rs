/// SpecAugment's time masking with the band given: the columns `start .. start + width` of a
/// `(C, F, T)` spectrogram (time is the last axis) set to `value`, the band clipped at the end,
/// everything else unchanged.
///
/// # Shapes
/// `spec`: `(C, F, T)` f32 -> `(C, F, T)`.
pub fn time_mask(spec: &Tensor, start: usize, width: usize, value: f32) -> Result<Tensor> {
    // BEGIN SOLUTION
    let (_, _, t) = spec.dims3()?;
    let end = (start + width).min(t);
    let mut values = spec.flatten_all()?.to_vec1::<f32>()?; // C * F rows of T
    for row in values.chunks_mut(t) {
        for v in &mut row[start.min(end)..end] {
            *v = value;
        }
    }
    Ok(Tensor::from_vec(values, spec.shape(), spec.device())?)
    // END SOLUTION
}
