/// The bytes of an image as the model sees it (normalized with MNIST's mean 0.1307 and std
/// 0.3081), to draw it: `round(255 * clamp(v * 0.3081 + 0.1307, 0, 1))`, top row first.
///
/// # Shapes
/// `image`: `(1, H, W)` f32; returns `H * W` bytes.
pub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> {
    // BEGIN SOLUTION
    let values = image.flatten_all()?.to_vec1::<f32>()?; // H * W, row by row
    Ok(values
        .iter()
        .map(|v| ((v * 0.3081 + 0.1307).clamp(0.0, 1.0) * 255.0).round() as u8)
        .collect())
    // END SOLUTION
}
