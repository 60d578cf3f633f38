// MUTANT: masks frequency rows instead of time columns.
pub fn time_mask(spec: &Tensor, start: usize, width: usize, value: f32) -> Result<Tensor> {
    let (_, f, t) = spec.dims3()?;
    let end = (start + width).min(f);
    let mut values = spec.flatten_all()?.to_vec1::<f32>()?;
    for (i, v) in values.iter_mut().enumerate() {
        let row = (i / t) % f;
        if row >= start && row < end {
            *v = value;
        }
    }
    Ok(Tensor::from_vec(values, spec.shape(), spec.device())?)
}
