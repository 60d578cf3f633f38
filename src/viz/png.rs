//! `PngImage`: one finished raster figure (digit grids, spectrograms), shown inline by evcxr or
//! saved to a file.

use std::path::Path;

use image::{ImageEncoder, codecs::png::PngEncoder};

use crate::error::{Error, Result};
use crate::fs::write_atomic;
use crate::viz::rich::{base64_encode, data_uri, print_block};

/// An encoded PNG with its size.
///
/// # Shapes
/// Not a tensor type: `width x height` RGB pixels, 8 bits per channel, PNG-encoded.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::PngImage;
/// let png = PngImage::from_rgb(2, 1, vec![255, 0, 0, 0, 0, 255])?;
/// assert_eq!((png.width(), png.height()), (2, 1));
/// assert!(png.as_bytes().starts_with(b"\x89PNG"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PngImage {
    bytes: Vec<u8>,
    width: u32,
    height: u32,
}

impl PngImage {
    /// Encodes `width * height * 3` RGB bytes (row-major, top row first).
    pub fn from_rgb(width: u32, height: u32, rgb: Vec<u8>) -> Result<Self> {
        let expected = width as usize * height as usize * 3;
        if rgb.len() != expected || width == 0 || height == 0 {
            crate::bail!(
                "PNG of {width}x{height}: expected {expected} RGB bytes (non-empty), found {}",
                rgb.len()
            );
        }
        let mut bytes = Vec::new();
        PngEncoder::new(&mut bytes)
            .write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
            .map_err(|e| Error::Render {
                what: format!("a {width}x{height} PNG"),
                reason: e.to_string(),
            })?;
        Ok(PngImage {
            bytes,
            width,
            height,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The PNG file's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// An `<img>` element with the PNG inlined, for HTML figures.
    pub fn to_html_img(&self, alt: &str) -> String {
        format!(
            "<img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\">",
            data_uri("image/png", &self.bytes),
            self.width,
            self.height,
            crate::viz::escape_html(alt)
        )
    }

    /// Writes the PNG to `path` (temp file + rename).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_atomic(path.as_ref(), &self.bytes)
    }

    /// Shows the image in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        print_block("image/png", &base64_encode(&self.bytes));
    }
}

/// An RGB canvas to paint figures on before encoding.
pub(crate) struct Canvas {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Canvas {
    /// A canvas filled with `background`.
    pub fn new(width: u32, height: u32, background: [u8; 3]) -> Self {
        let rgb = background
            .iter()
            .copied()
            .cycle()
            .take(width as usize * height as usize * 3)
            .collect();
        Canvas { width, height, rgb }
    }

    /// Paints one pixel (outside the canvas: ignored).
    pub fn put(&mut self, x: u32, y: u32, color: [u8; 3]) {
        if x < self.width && y < self.height {
            let i = (y as usize * self.width as usize + x as usize) * 3;
            self.rgb[i..i + 3].copy_from_slice(&color);
        }
    }

    /// Paints a `w x h` rectangle.
    pub fn fill_rect(&mut self, x: u32, y: u32, w: u32, h: u32, color: [u8; 3]) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.put(xx, yy, color);
            }
        }
    }

    /// Encodes the canvas.
    pub fn into_png(self) -> Result<PngImage> {
        PngImage::from_rgb(self.width, self.height, self.rgb)
    }
}
