//! Exercise `draw_digit`: Draw one MNIST digit (notebook 01_representation_learning_and_data, Representation learning, and the data).
//!
//! Take one training image as the model sees it (normalized) and turn it back into the bytes of a
//! picture: `to_pixels(image)` undoes the normalization (mean 0.1307, std 0.3081), clamps to [0, 1],
//! scales to 0..=255 and rounds, row by row. The notebook then draws your bytes.
//!
//! Check it with `cargo test -p exercises draw_digit`; a hint: `mmsearch exercises hint draw_digit`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// The bytes of an image as the model sees it (normalized with MNIST's mean 0.1307 and std
/// 0.3081), to draw it: `round(255 * clamp(v * 0.3081 + 0.1307, 0, 1))`, top row first.
///
/// # Shapes
/// `image`: `(1, H, W)` f32; returns `H * W` bytes.
pub fn to_pixels(_image: &Tensor) -> Result<Vec<u8>> {
    todo!("undo the normalization, then scale to bytes")
}
