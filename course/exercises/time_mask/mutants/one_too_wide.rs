// MUTANT: masks `width + 1` columns (an inclusive end).
pub fn time_mask(spec: &Tensor, start: usize, width: usize, value: f32) -> Result<Tensor> {
    let (_, _, t) = spec.dims3()?;
    let end = (start + width + 1).min(t);
    let mut values = spec.flatten_all()?.to_vec1::<f32>()?;
    for row in values.chunks_mut(t) {
        for v in &mut row[start.min(end)..end] {
            *v = value;
        }
    }
    Ok(Tensor::from_vec(values, spec.shape(), spec.device())?)
}
