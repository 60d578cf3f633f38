// MUTANT: scales the normalized values straight to bytes (the background comes out grey-black wrong).
pub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> {
    let values = image.flatten_all()?.to_vec1::<f32>()?;
    Ok(values.iter().map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8).collect())
}
