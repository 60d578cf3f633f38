//! `DigitGrid`: handwritten digits in a labelled grid, the tutorial's `draw_mnist_subplots`
//! (MNIST samples, and the images a spoken query finds).

use std::path::Path;

use candle_core::{DType, Tensor};

use crate::data::{MNIST_MEAN, MNIST_STD, Mnist};
use crate::error::Result;
use crate::viz::font::{GLYPH_H, draw_number, number_width};
use crate::viz::png::{Canvas, PngImage};

/// Each image pixel becomes a `SCALE x SCALE` square.
const SCALE: u32 = 3;
/// Space around and between tiles.
const PAD: u32 = 6;
/// Font pixel size of the labels.
const LABEL_SCALE: u32 = 2;
/// Height of the label strip above each tile.
const LABEL_H: u32 = GLYPH_H * LABEL_SCALE + 6;

/// A grid of grayscale digits, each with its label drawn above it, rendered as a PNG (white
/// strokes on black, as matplotlib's `gray` colormap shows MNIST).
///
/// # Shapes
/// Each tile is `height x width` u8 pixels (28 x 28 for MNIST); the PNG is
/// [`DigitGrid::pixel_size`]: `6 + c * (3w + 6)` wide and `6 + r * (3h + 26)` high for `c`
/// columns and `r` rows.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::DigitGrid;
/// let mut grid = DigitGrid::new(4);
/// for digit in 0..5 {
///     grid.push(&[digit as u8 * 50; 28 * 28], 28, 28, Some(digit))?;
/// }
/// let png = grid.render()?;
/// assert_eq!((png.width(), png.height()), grid.pixel_size());
/// assert_eq!(grid.pixel_size(), (6 + 4 * 90, 6 + 2 * 110));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct DigitGrid {
    columns: usize,
    dims: Option<(usize, usize)>,
    tiles: Vec<(Vec<u8>, Option<u32>)>,
}

impl DigitGrid {
    /// An empty grid with up to `columns` tiles per row (at least 1).
    pub fn new(columns: usize) -> Self {
        DigitGrid {
            columns: columns.max(1),
            dims: None,
            tiles: Vec::new(),
        }
    }

    /// Adds one `height x width` image (0 black .. 255 white) and its label.
    pub fn push(
        &mut self,
        pixels: &[u8],
        height: usize,
        width: usize,
        label: Option<u32>,
    ) -> Result<()> {
        if pixels.len() != height * width || pixels.is_empty() {
            crate::bail!(
                "digit grid tile {}: expected {height}x{width} = {} pixels, found {}",
                self.tiles.len(),
                height * width,
                pixels.len()
            );
        }
        match self.dims {
            Some(d) if d != (height, width) => {
                crate::bail!(
                    "digit grid tile {}: every tile must be {}x{}, found {height}x{width}",
                    self.tiles.len(),
                    d.0,
                    d.1
                );
            }
            _ => self.dims = Some((height, width)),
        }
        self.tiles.push((pixels.to_vec(), label));
        Ok(())
    }

    /// The MNIST images at `indices`, labelled with their digits.
    pub fn from_mnist(mnist: &Mnist, indices: &[usize], columns: usize) -> Result<Self> {
        let (h, w) = mnist.dims();
        let mut grid = DigitGrid::new(columns);
        for &i in indices {
            if i >= mnist.len() {
                crate::bail!(
                    "digit grid: MNIST index {i} out of range (the set has {} images)",
                    mnist.len()
                );
            }
            grid.push(mnist.image(i), h, w, Some(mnist.labels()[i] as u32))?;
        }
        Ok(grid)
    }

    /// Images as the models see them (normalized with the MNIST mean and std), turned back into
    /// pixels.
    ///
    /// # Shapes
    /// `images`: `(n, 1, h, w)`, `(n, h, w)` or one `(1, h, w)` f32; `labels`: `n` digits (or empty
    /// for no labels).
    pub fn from_normalized(images: &Tensor, labels: &[u32], columns: usize) -> Result<Self> {
        let images = match images.dims() {
            [n, 1, h, w] => images.reshape((*n, *h, *w))?,
            [_, _, _] => images.clone(),
            other => {
                crate::bail!(
                    "digit grid: expected images of shape (n, 1, h, w) or (n, h, w), found {other:?}"
                );
            }
        };
        let (n, h, w) = images.dims3()?;
        if !labels.is_empty() && labels.len() != n {
            crate::bail!("digit grid: {n} images but {} labels", labels.len());
        }
        let values = images
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        let mut grid = DigitGrid::new(columns);
        for (i, chunk) in values.chunks(h * w).enumerate() {
            let pixels: Vec<u8> = chunk
                .iter()
                .map(|v| ((v * MNIST_STD + MNIST_MEAN).clamp(0.0, 1.0) * 255.0).round() as u8)
                .collect();
            grid.push(&pixels, h, w, labels.get(i).copied())?;
        }
        Ok(grid)
    }

    /// Number of tiles.
    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    /// True when the grid has no tiles.
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }

    /// `(width, height)` of the rendered PNG.
    pub fn pixel_size(&self) -> (u32, u32) {
        let (h, w) = self.dims.unwrap_or((28, 28));
        let n = self.tiles.len().max(1);
        let cols = self.columns.min(n) as u32;
        let rows = n.div_ceil(self.columns) as u32;
        (
            PAD + cols * (w as u32 * SCALE + PAD),
            PAD + rows * (LABEL_H + h as u32 * SCALE + PAD),
        )
    }

    /// Draws the grid.
    pub fn render(&self) -> Result<PngImage> {
        let Some((h, w)) = self.dims else {
            crate::bail!("digit grid: no images to draw");
        };
        let (width, height) = self.pixel_size();
        let mut canvas = Canvas::new(width, height, [255, 255, 255]);
        let (tile_w, tile_h) = (w as u32 * SCALE, h as u32 * SCALE);
        for (i, (pixels, label)) in self.tiles.iter().enumerate() {
            let (col, row) = ((i % self.columns) as u32, (i / self.columns) as u32);
            let x0 = PAD + col * (tile_w + PAD);
            let y0 = PAD + row * (LABEL_H + tile_h + PAD);
            if let Some(label) = label {
                let lx = x0 + tile_w.saturating_sub(number_width(*label, LABEL_SCALE)) / 2;
                draw_number(&mut canvas, lx, y0 + 2, *label, LABEL_SCALE, [0, 0, 0]);
            }
            for (p, &v) in pixels.iter().enumerate() {
                let (py, px) = ((p / w) as u32, (p % w) as u32);
                canvas.fill_rect(
                    x0 + px * SCALE,
                    y0 + LABEL_H + py * SCALE,
                    SCALE,
                    SCALE,
                    [v, v, v],
                );
            }
        }
        canvas.into_png()
    }

    /// Renders and writes the PNG to `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.render()?.save(path)
    }

    /// Shows the grid in a Jupyter notebook running the evcxr kernel (an error shows as text).
    pub fn evcxr_display(&self) {
        match self.render() {
            Ok(png) => png.evcxr_display(),
            Err(e) => println!("(digit grid not drawn: {e})"),
        }
    }
}
