//! MNIST: the handwritten digits of the tutorial's first modality, read from IDX files.
//!
//! Mirrors the tutorial's `torchvision.datasets.MNIST` plus its image transforms
//! (`ToTensor`, then `Normalize(0.1307, 0.3081)`).

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};

use super::bytes::read_maybe_gz;
use crate::error::{Error, Result};

/// MNIST's pixel mean after scaling to [0, 1], as the tutorial normalizes with.
pub const MNIST_MEAN: f32 = 0.1307;
/// MNIST's pixel standard deviation after scaling to [0, 1].
pub const MNIST_STD: f32 = 0.3081;

const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;

/// Which MNIST file pair to read.
///
/// # Example
/// ```
/// use multimodal_search::data::MnistSplit;
/// assert_eq!(MnistSplit::Test.file_stems().0, "t10k-images-idx3-ubyte");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MnistSplit {
    /// `train-*`: the training images (the shared copy holds the first 10,000 of 60,000).
    Train,
    /// `t10k-*`: the official 10,000-image test set, the tutorial's validation set.
    Test,
}

impl MnistSplit {
    /// The file names without `.gz`: (images, labels).
    pub fn file_stems(self) -> (&'static str, &'static str) {
        match self {
            MnistSplit::Train => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
            MnistSplit::Test => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
        }
    }

    /// "train" or "test".
    pub fn name(self) -> &'static str {
        match self {
            MnistSplit::Train => "train",
            MnistSplit::Test => "test",
        }
    }
}

/// One MNIST split in memory: raw `u8` pixels and labels, as the IDX files hold them.
///
/// # Shapes
/// - `pixels`: `len() * rows * cols` bytes, row-major, 0 = background, 255 = ink.
/// - `labels`: `len()` digits 0-9.
/// - [`Mnist::to_tensor`]: `(N, 1, 28, 28)` f32, normalized as the tutorial does.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::Mnist;
/// // Two 2x2 images, built in memory (the real loader is `Mnist::load`).
/// let mnist = Mnist::from_parts(vec![0, 255, 0, 0, 255, 255, 255, 255], vec![3, 7], 2, 2)?;
/// assert_eq!(mnist.len(), 2);
/// assert_eq!(mnist.image(1), &[255, 255, 255, 255]);
/// let x = mnist.to_tensor(&multimodal_search::candle_core::Device::Cpu)?;
/// assert_eq!(x.dims(), &[2, 1, 2, 2]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Mnist {
    pixels: Vec<u8>,
    labels: Vec<u8>,
    rows: usize,
    cols: usize,
}

impl Mnist {
    /// Reads one split from `dir`, which holds the IDX files raw or as `.gz`.
    ///
    /// The item count comes from the headers; images and labels must agree.
    pub fn load(dir: &Path, split: MnistSplit) -> Result<Self> {
        let (img_stem, lbl_stem) = split.file_stems();
        let images_path = find_idx(dir, img_stem)?;
        let labels_path = find_idx(dir, lbl_stem)?;
        let images = parse_idx_images(&read_maybe_gz(&images_path)?, &images_path)?;
        let labels = parse_idx_labels(&read_maybe_gz(&labels_path)?, &labels_path)?;
        if images.count != labels.len() {
            return Err(Error::CountMismatch {
                split: split.name(),
                images_path,
                labels_path,
                images: images.count,
                labels: labels.len(),
            });
        }
        Ok(Mnist {
            pixels: images.pixels,
            labels,
            rows: images.rows,
            cols: images.cols,
        })
    }

    /// Builds a split from raw parts (for tests and small examples).
    pub fn from_parts(pixels: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<Self> {
        if rows == 0 || cols == 0 || pixels.len() != labels.len() * rows * cols {
            crate::bail!(
                "Mnist::from_parts: {} pixels do not make {} images of {rows}x{cols}",
                pixels.len(),
                labels.len()
            );
        }
        if let Some((i, &l)) = labels.iter().enumerate().find(|(_, l)| **l > 9) {
            crate::bail!("Mnist::from_parts: label {l} at item {i} is not a digit");
        }
        Ok(Mnist {
            pixels,
            labels,
            rows,
            cols,
        })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the split holds no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image height and width in pixels (28 x 28 for MNIST).
    pub fn dims(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The raw pixels of image `i` (row-major), or an empty slice past the end.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.rows * self.cols;
        self.pixels.get(i * n..(i + 1) * n).unwrap_or(&[])
    }

    /// All labels, one per image.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// All pixels, image after image.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// How many images carry each digit 0-9.
    pub fn label_counts(&self) -> [usize; 10] {
        let mut counts = [0; 10];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }

    /// All images as one normalized tensor: `(x / 255 - 0.1307) / 0.3081`.
    ///
    /// # Shapes
    /// Returns `(N, 1, rows, cols)` f32 on `device`.
    pub fn to_tensor(&self, device: &Device) -> Result<Tensor> {
        let data: Vec<f32> = self
            .pixels
            .iter()
            .map(|&p| (p as f32 / 255.0 - MNIST_MEAN) / MNIST_STD)
            .collect();
        Ok(Tensor::from_vec(
            data,
            (self.len(), 1, self.rows, self.cols),
            device,
        )?)
    }
}

/// Finds `stem` or `stem.gz` in `dir`.
fn find_idx(dir: &Path, stem: &str) -> Result<PathBuf> {
    for name in [format!("{stem}.gz"), stem.to_string()] {
        let p = dir.join(&name);
        if p.is_file() {
            return Ok(p);
        }
    }
    Err(Error::MissingData {
        what: format!("MNIST file {stem}(.gz)"),
        dir: dir.to_path_buf(),
        hint: crate::data::location::FETCH_HINT,
    })
}

/// The decoded body of an IDX image file.
#[derive(Debug)]
pub(crate) struct IdxImages {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

fn be_u32(bytes: &[u8], offset: usize, path: &Path) -> Result<u32> {
    bytes
        .get(offset..offset + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| Error::Truncated {
            path: path.to_path_buf(),
            offset,
            expected: 4,
            found: bytes.len().saturating_sub(offset),
        })
}

fn check_magic(bytes: &[u8], path: &Path, expected: u32, what: &'static str) -> Result<()> {
    let found = be_u32(bytes, 0, path)?;
    if found != expected {
        return Err(Error::BadMagic {
            path: path.to_path_buf(),
            what,
            expected,
            found,
        });
    }
    Ok(())
}

/// Parses an IDX3 image file (magic 0x00000803) already in memory.
pub(crate) fn parse_idx_images(bytes: &[u8], path: &Path) -> Result<IdxImages> {
    check_magic(bytes, path, IMAGES_MAGIC, "images")?;
    let count = be_u32(bytes, 4, path)? as usize;
    let rows = be_u32(bytes, 8, path)? as usize;
    let cols = be_u32(bytes, 12, path)? as usize;
    let body = &bytes[16..];
    // A hostile header can promise more than usize holds: that is truncation too.
    let expected = count
        .checked_mul(rows)
        .and_then(|n| n.checked_mul(cols))
        .unwrap_or(usize::MAX);
    if body.len() < expected {
        return Err(Error::Truncated {
            path: path.to_path_buf(),
            offset: 16,
            expected,
            found: body.len(),
        });
    }
    Ok(IdxImages {
        count,
        rows,
        cols,
        pixels: body[..expected].to_vec(),
    })
}

/// Parses an IDX1 label file (magic 0x00000801) already in memory.
pub(crate) fn parse_idx_labels(bytes: &[u8], path: &Path) -> Result<Vec<u8>> {
    check_magic(bytes, path, LABELS_MAGIC, "labels")?;
    let count = be_u32(bytes, 4, path)? as usize;
    let body = &bytes[8..];
    if body.len() < count {
        return Err(Error::Truncated {
            path: path.to_path_buf(),
            offset: 8,
            expected: count,
            found: body.len(),
        });
    }
    let labels = body[..count].to_vec();
    if let Some((index, &label)) = labels.iter().enumerate().find(|(_, l)| **l > 9) {
        return Err(Error::BadLabel {
            path: path.to_path_buf(),
            index,
            offset: 8 + index,
            label,
        });
    }
    Ok(labels)
}
