//! `SpectrogramImage`: a spectrogram as the tutorial shows it with `imshow` (the spoken 5 and 8).

use std::path::Path;

use candle_core::{DType, Tensor};

use crate::data::{FSDD_MEAN, FSDD_STD};
use crate::error::Result;
use crate::viz::png::{Canvas, PngImage};

/// matplotlib's `viridis` at eleven evenly spaced points (dark purple -> yellow).
const VIRIDIS: [[u8; 3]; 11] = [
    [68, 1, 84],
    [72, 36, 117],
    [65, 68, 135],
    [53, 95, 141],
    [42, 120, 142],
    [33, 145, 140],
    [34, 168, 132],
    [68, 191, 112],
    [122, 209, 81],
    [189, 223, 38],
    [253, 231, 37],
];

/// `viridis` at `t` in [0, 1], linearly interpolated between the table's points.
fn viridis(t: f32) -> [u8; 3] {
    let x = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f32;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f32;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    std::array::from_fn(|c| (a[c] as f32 + (b[c] as f32 - a[c] as f32) * f).round() as u8)
}

/// A square spectrogram drawn with the `viridis` colormap, loud bins bright, high frequencies
/// at the top.
///
/// # Shapes
/// Input: `size * size` f32 in [0, 1] as [`Spectrogrammer::image`](crate::data::Spectrogrammer::image)
/// returns it (`gray_r`: 0 is the loudest bin), row-major. Output PNG: `size * scale` pixels square.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::SpectrogramImage;
/// let image: Vec<f32> = (0..64 * 64).map(|i| (i % 64) as f32 / 63.0).collect();
/// let png = SpectrogramImage::new(&image, 64)?.render(4)?;
/// assert_eq!((png.width(), png.height()), (256, 256));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SpectrogramImage {
    values: Vec<f32>,
    size: usize,
}

impl SpectrogramImage {
    /// Wraps a drawn spectrogram of `size * size` values.
    pub fn new(image: &[f32], size: usize) -> Result<Self> {
        if image.len() != size * size || size == 0 {
            crate::bail!(
                "spectrogram image: expected {size}x{size} = {} values, found {}",
                size * size,
                image.len()
            );
        }
        Ok(SpectrogramImage {
            values: image.to_vec(),
            size,
        })
    }

    /// A spectrogram as the models see it (normalized with the FSDD mean and std), turned back
    /// into the drawn image.
    ///
    /// # Shapes
    /// `(1, size, size)` or `(size, size)` f32.
    pub fn from_normalized(spectrogram: &Tensor) -> Result<Self> {
        let size = *spectrogram.dims().last().unwrap_or(&0);
        let values: Vec<f32> = spectrogram
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1::<f32>()?
            .into_iter()
            .map(|v| v * FSDD_STD + FSDD_MEAN)
            .collect();
        Self::new(&values, size)
    }

    /// Draws the spectrogram, each bin a `scale x scale` square (at least 1).
    pub fn render(&self, scale: u32) -> Result<PngImage> {
        let scale = scale.max(1);
        let side = self.size as u32 * scale;
        let mut canvas = Canvas::new(side, side, [0, 0, 0]);
        for (i, &v) in self.values.iter().enumerate() {
            let (row, col) = ((i / self.size) as u32, (i % self.size) as u32);
            canvas.fill_rect(col * scale, row * scale, scale, scale, viridis(1.0 - v));
        }
        canvas.into_png()
    }

    /// Renders (scale 4) and writes the PNG to `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.render(4)?.save(path)
    }

    /// Shows the spectrogram (scale 4) in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        match self.render(4) {
            Ok(png) => png.evcxr_display(),
            Err(e) => println!("(spectrogram not drawn: {e})"),
        }
    }
}
