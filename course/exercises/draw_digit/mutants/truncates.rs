// MUTANT: truncates instead of rounding (`as u8` alone): every grey level off by one half the time.
pub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> {
    let values = image.flatten_all()?.to_vec1::<f32>()?;
    Ok(values.iter().map(|v| ((v * 0.3081 + 0.1307).clamp(0.0, 1.0) * 255.0) as u8).collect())
}
