/// The bytes of an image as the model sees it (normalized with MNIST's mean 0.1307 and std
/// 0.3081), to draw it: `round(255 * clamp(v * 0.3081 + 0.1307, 0, 1))`, top row first.
///
/// # Shapes
/// `image`: `(1, H, W)` f32; returns `H * W` bytes.
pub fn to_pixels(_image: &Tensor) -> Result<Vec<u8>> {
    todo!("undo the normalization, then scale to bytes")
}
