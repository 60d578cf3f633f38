//! Image and spectrogram transforms: the tutorial's `torchvision.transforms` and the augmentations
//! its first take-home exercise asks for.
//!
//! Every transform takes one item `(C, H, W)` or a batch `(B, C, H, W)` of f32 and a seeded RNG;
//! random ones draw their parameters per image, so a batch gets varied augmentations and a seed
//! fixes them all.

use std::sync::Arc;

use candle_core::{DType, Tensor};
use rand::Rng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

use crate::data::spectrogram::resize_bilinear_f32;
use crate::error::{Error, Result};

/// Something that maps an image tensor to an image tensor, like a `torchvision` transform.
///
/// # Shapes
/// Input and output: `(C, H, W)` or `(B, C, H, W)` f32. Only [`Resize`] changes `H, W`.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::transforms::{Compose, GaussianNoise, Normalize, Transform};
/// use multimodal_search::candle_core::{Device, Tensor};
/// use rand::SeedableRng;
/// let t = Compose::new(vec![Box::new(Normalize::new(0.5, 0.25)), Box::new(GaussianNoise::new(0.1))]);
/// let x = Tensor::ones((1, 28, 28), multimodal_search::candle_core::DType::F32, &Device::Cpu)?;
/// let y = t.apply(&x, &mut rand::rngs::StdRng::seed_from_u64(42))?;
/// assert_eq!(y.dims(), &[1, 28, 28]);
/// # Ok(()) }
/// ```
pub trait Transform: Send + Sync {
    /// Applies the transform; random choices come from `rng`.
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor>;
}

/// `(B, C, H, W)` of `x`, with `B = 1` for a single `(C, H, W)` item.
fn bchw(x: &Tensor) -> Result<(usize, usize, usize, usize)> {
    match *x.dims() {
        [c, h, w] => Ok((1, c, h, w)),
        [b, c, h, w] => Ok((b, c, h, w)),
        ref d => Err(Error::Shape {
            what: "a transform's input".into(),
            expected: "(C, H, W) or (B, C, H, W)".into(),
            found: d.to_vec(),
        }),
    }
}

/// Runs `f(image, c, h, w, rng)` on each image's `C*H*W` values, in batch order.
fn map_images(
    x: &Tensor,
    rng: &mut StdRng,
    mut f: impl FnMut(&mut [f32], usize, usize, usize, &mut StdRng),
) -> Result<Tensor> {
    let (b, c, h, w) = bchw(x)?;
    let mut data = x.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
    if b * c * h * w > 0 {
        for image in data.chunks_mut(c * h * w) {
            f(image, c, h, w, rng);
        }
    }
    Ok(Tensor::from_vec(data, x.shape(), x.device())?)
}

/// `(x - mean) / std`, the tutorial's `Normalize` (one channel, one mean and one std).
///
/// # Shapes
/// Any shape, f32.
///
/// # Example
/// ```
/// use multimodal_search::data::transforms::{Normalize, Transform};
/// use multimodal_search::candle_core::{Device, Tensor};
/// use rand::SeedableRng;
/// let x = Tensor::new(&[[[0.5f32]]], &Device::Cpu).unwrap();
/// let y = Normalize::new(0.25, 0.5).apply(&x, &mut rand::rngs::StdRng::seed_from_u64(0)).unwrap();
/// assert_eq!(y.flatten_all().unwrap().to_vec1::<f32>().unwrap(), vec![0.5]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Normalize {
    /// Subtracted first.
    pub mean: f32,
    /// Then divided by.
    pub std: f32,
}

impl Normalize {
    /// A normalization by `mean` and `std`.
    pub fn new(mean: f32, std: f32) -> Self {
        Normalize { mean, std }
    }
    /// MNIST's: mean 0.1307, std 0.3081.
    pub fn mnist() -> Self {
        Self::new(crate::data::MNIST_MEAN, crate::data::MNIST_STD)
    }
    /// The spectrograms': mean 0.4729, std 0.1477.
    pub fn spectrogram() -> Self {
        Self::new(crate::data::FSDD_MEAN, crate::data::FSDD_STD)
    }
}

impl Transform for Normalize {
    fn apply(&self, x: &Tensor, _rng: &mut StdRng) -> Result<Tensor> {
        if self.std.is_nan() || self.std <= 0.0 {
            crate::bail!("Normalize needs std > 0, got {}", self.std);
        }
        let s = 1.0 / self.std as f64;
        Ok(x.affine(s, -self.mean as f64 * s)?)
    }
}

/// Bilinear resize to `height x width` (pixel centres aligned, as `torchvision`'s `Resize`
/// without antialiasing).
///
/// # Shapes
/// `(C, H, W)` -> `(C, height, width)`, or the batched form.
///
/// # Example
/// ```
/// use multimodal_search::data::transforms::{Resize, Transform};
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use rand::SeedableRng;
/// let x = Tensor::zeros((1, 28, 28), DType::F32, &Device::Cpu).unwrap();
/// let y = Resize::new(64, 64).apply(&x, &mut rand::rngs::StdRng::seed_from_u64(0)).unwrap();
/// assert_eq!(y.dims(), &[1, 64, 64]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resize {
    /// Output height.
    pub height: usize,
    /// Output width.
    pub width: usize,
}

impl Resize {
    /// A resize to `height x width`.
    pub fn new(height: usize, width: usize) -> Self {
        Resize { height, width }
    }
}

impl Transform for Resize {
    fn apply(&self, x: &Tensor, _rng: &mut StdRng) -> Result<Tensor> {
        let (b, c, h, w) = bchw(x)?;
        if self.height == 0 || self.width == 0 || h == 0 || w == 0 {
            crate::bail!(
                "Resize from {h}x{w} to {}x{}: sizes must be positive",
                self.height,
                self.width
            );
        }
        if (h, w) == (self.height, self.width) {
            return Ok(x.clone());
        }
        let data = x.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
        let mut out = Vec::with_capacity(b * c * self.height * self.width);
        for plane in data.chunks(h * w) {
            out.extend(resize_bilinear_f32(plane, h, w, self.height, self.width));
        }
        let shape: Vec<usize> = if x.rank() == 3 {
            vec![c, self.height, self.width]
        } else {
            vec![b, c, self.height, self.width]
        };
        Ok(Tensor::from_vec(out, shape, x.device())?)
    }
}

/// Several transforms in a row, like `torchvision.transforms.Compose`.
///
/// # Shapes
/// As its parts.
///
/// # Example
/// ```
/// use multimodal_search::data::transforms::{Compose, Normalize, Resize};
/// let t = Compose::new(vec![Box::new(Resize::new(64, 64)), Box::new(Normalize::spectrogram())]);
/// assert_eq!(t.len(), 2);
/// ```
#[derive(Default)]
pub struct Compose {
    steps: Vec<Box<dyn Transform>>,
}

impl Compose {
    /// The steps, applied first to last.
    pub fn new(steps: Vec<Box<dyn Transform>>) -> Self {
        Compose { steps }
    }
    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }
    /// True when there is no step (the identity).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

impl Transform for Compose {
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor> {
        let mut y = x.clone();
        for t in &self.steps {
            y = t.apply(&y, rng)?;
        }
        Ok(y)
    }
}

/// Bilinear sample of plane `p` (`h x w`) at (`y`, `x`); outside the plane gives `fill`.
fn sample_bilinear(p: &[f32], h: usize, w: usize, y: f32, x: f32, fill: f32) -> f32 {
    let (y0, x0) = (y.floor(), x.floor());
    let (fy, fx) = (y - y0, x - x0);
    let at = |yy: f32, xx: f32| -> f32 {
        if yy < 0.0 || xx < 0.0 || yy >= h as f32 || xx >= w as f32 {
            fill
        } else {
            p[yy as usize * w + xx as usize]
        }
    };
    let top = at(y0, x0) * (1.0 - fx) + at(y0, x0 + 1.0) * fx;
    let bottom = at(y0 + 1.0, x0) * (1.0 - fx) + at(y0 + 1.0, x0 + 1.0) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// Rotates each image about its centre by an angle drawn from `[-degrees, degrees]` (bilinear),
/// filling uncovered pixels with `fill`, like `torchvision`'s `RandomRotation`.
///
/// # Shapes
/// Keeps the shape.
///
/// # Example
/// ```
/// let t = multimodal_search::data::transforms::RandomRotation::new(15.0, 0.0);
/// assert_eq!(t.degrees, 15.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RandomRotation {
    /// Largest rotation either way, in degrees.
    pub degrees: f32,
    /// Value for pixels rotated in from outside (the normalized background).
    pub fill: f32,
}

impl RandomRotation {
    /// Rotation by up to `degrees`, background `fill`.
    pub fn new(degrees: f32, fill: f32) -> Self {
        RandomRotation { degrees, fill }
    }
}

impl Transform for RandomRotation {
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor> {
        let d = self.degrees.abs();
        map_images(x, rng, |img, c, h, w, rng| {
            let angle = if d > 0.0 {
                rng.random_range(-d..=d)
            } else {
                0.0
            }
            .to_radians();
            let (s, co) = angle.sin_cos();
            let (cy, cx) = ((h as f32 - 1.0) / 2.0, (w as f32 - 1.0) / 2.0);
            for plane in img.chunks_mut(h * w).take(c) {
                let src = plane.to_vec();
                for yy in 0..h {
                    for xx in 0..w {
                        let (dy, dx) = (yy as f32 - cy, xx as f32 - cx);
                        // Inverse map: where in the source does this output pixel come from?
                        let sx = co * dx + s * dy + cx;
                        let sy = -s * dx + co * dy + cy;
                        plane[yy * w + xx] = sample_bilinear(&src, h, w, sy, sx, self.fill);
                    }
                }
            }
        })
    }
}

/// Shifts each image by a whole number of pixels drawn from `[-max_dx*W, max_dx*W]` and
/// `[-max_dy*H, max_dy*H]`, filling with `fill` (the translate part of `RandomAffine`).
///
/// # Shapes
/// Keeps the shape.
///
/// # Example
/// ```
/// let t = multimodal_search::data::transforms::RandomTranslation::new(0.1, 0.1, 0.0);
/// assert_eq!(t.max_dx, 0.1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RandomTranslation {
    /// Largest horizontal shift as a fraction of the width.
    pub max_dx: f32,
    /// Largest vertical shift as a fraction of the height.
    pub max_dy: f32,
    /// Value for pixels shifted in.
    pub fill: f32,
}

impl RandomTranslation {
    /// Shifts of up to `max_dx` / `max_dy` of the width / height.
    pub fn new(max_dx: f32, max_dy: f32, fill: f32) -> Self {
        RandomTranslation {
            max_dx,
            max_dy,
            fill,
        }
    }
}

fn draw_shift(rng: &mut StdRng, max: f32, size: usize) -> isize {
    let m = (max.abs() * size as f32).round() as isize;
    if m == 0 {
        0
    } else {
        rng.random_range(-(m as i64)..=m as i64) as isize
    }
}

impl Transform for RandomTranslation {
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor> {
        map_images(x, rng, |img, c, h, w, rng| {
            let tx = draw_shift(rng, self.max_dx, w);
            let ty = draw_shift(rng, self.max_dy, h);
            for plane in img.chunks_mut(h * w).take(c) {
                let src = plane.to_vec();
                for yy in 0..h as isize {
                    for xx in 0..w as isize {
                        let (sy, sx) = (yy - ty, xx - tx);
                        let inside = sy >= 0 && sx >= 0 && sy < h as isize && sx < w as isize;
                        plane[yy as usize * w + xx as usize] = if inside {
                            src[sy as usize * w + sx as usize]
                        } else {
                            self.fill
                        };
                    }
                }
            }
        })
    }
}

/// Adds independent Gaussian noise of standard deviation `std` to every value.
///
/// # Shapes
/// Keeps the shape.
///
/// # Example
/// ```
/// let t = multimodal_search::data::transforms::GaussianNoise::new(0.1);
/// assert_eq!(t.std, 0.1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GaussianNoise {
    /// Standard deviation of the noise.
    pub std: f32,
}

impl GaussianNoise {
    /// Noise of standard deviation `std`.
    pub fn new(std: f32) -> Self {
        GaussianNoise { std }
    }
}

impl Transform for GaussianNoise {
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor> {
        let normal = Normal::new(0.0f32, self.std.abs())
            .map_err(|e| Error::InvalidArgument(format!("GaussianNoise std {}: {e}", self.std)))?;
        map_images(x, rng, |img, _, _, _, rng| {
            for v in img {
                *v += normal.sample(rng);
            }
        })
    }
}

/// With probability `p`, overwrites one random rectangle of each image with `value`
/// (`torchvision`'s `RandomErasing`: area fraction from `scale`, aspect ratio from `ratio`, drawn
/// log-uniformly, up to 10 tries to fit).
///
/// # Shapes
/// Keeps the shape.
///
/// # Example
/// ```
/// let t = multimodal_search::data::transforms::RandomErasing::default();
/// assert_eq!((t.p, t.scale, t.ratio), (0.5, (0.02, 0.33), (0.3, 3.3)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RandomErasing {
    /// Probability that an image is erased at all.
    pub p: f32,
    /// Range of the erased area as a fraction of the image.
    pub scale: (f32, f32),
    /// Range of the rectangle's aspect ratio (height / width).
    pub ratio: (f32, f32),
    /// The value written.
    pub value: f32,
}

impl Default for RandomErasing {
    fn default() -> Self {
        RandomErasing {
            p: 0.5,
            scale: (0.02, 0.33),
            ratio: (0.3, 3.3),
            value: 0.0,
        }
    }
}

impl Transform for RandomErasing {
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor> {
        let valid = self.scale.0 > 0.0
            && self.scale.0 <= self.scale.1
            && self.ratio.0 > 0.0
            && self.ratio.0 <= self.ratio.1;
        if !valid {
            crate::bail!(
                "RandomErasing needs 0 < scale.0 <= scale.1 and 0 < ratio.0 <= ratio.1, got {:?} and {:?}",
                self.scale,
                self.ratio
            );
        }
        map_images(x, rng, |img, c, h, w, rng| {
            if rng.random::<f32>() >= self.p {
                return;
            }
            let area = (h * w) as f32;
            let (lr0, lr1) = (self.ratio.0.ln(), self.ratio.1.ln());
            for _ in 0..10 {
                let target = area * rng.random_range(self.scale.0..=self.scale.1);
                let aspect = rng.random_range(lr0..=lr1).exp();
                let eh = (target * aspect).sqrt().round() as usize;
                let ew = (target / aspect).sqrt().round() as usize;
                if eh == 0 || ew == 0 || eh >= h || ew >= w {
                    continue;
                }
                let top = rng.random_range(0..=h - eh);
                let left = rng.random_range(0..=w - ew);
                for plane in img.chunks_mut(h * w).take(c) {
                    for row in plane.chunks_mut(w).skip(top).take(eh) {
                        row[left..left + ew].fill(self.value);
                    }
                }
                return;
            }
        })
    }
}

/// Which axis a spectrogram mask runs along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    /// Columns: time.
    Time,
    /// Rows: frequency.
    Frequency,
}

/// A band of rows or columns to overwrite.
struct Band {
    axis: Axis,
    start: usize,
    len: usize,
    value: f32,
}

fn mask_band(img: &mut [f32], c: usize, h: usize, w: usize, band: Band) {
    let Band {
        axis,
        start,
        len,
        value,
    } = band;
    for plane in img.chunks_mut(h * w).take(c) {
        for (r, row) in plane.chunks_mut(w).enumerate() {
            match axis {
                Axis::Time => row[start..start + len].fill(value),
                Axis::Frequency if (start..start + len).contains(&r) => row.fill(value),
                Axis::Frequency => {}
            }
        }
    }
}

fn draw_band(rng: &mut StdRng, max_width: usize, size: usize) -> (usize, usize) {
    let len = rng.random_range(0..=max_width.min(size));
    let start = rng.random_range(0..=size - len);
    (start, len)
}

/// Sets a band of up to `max_width` consecutive time columns to `value` (SpecAugment's time
/// masking, like `torchaudio.transforms.TimeMasking`).
///
/// # Shapes
/// Keeps the shape; time is the last axis (`W`).
///
/// # Example
/// ```
/// let t = multimodal_search::data::transforms::TimeMasking::new(8, 0.0);
/// assert_eq!(t.max_width, 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimeMasking {
    /// Widest band, in columns.
    pub max_width: usize,
    /// The value written (0 is the mean of a normalized spectrogram).
    pub value: f32,
}

impl TimeMasking {
    /// Bands of up to `max_width` columns.
    pub fn new(max_width: usize, value: f32) -> Self {
        TimeMasking { max_width, value }
    }
}

impl Transform for TimeMasking {
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor> {
        map_images(x, rng, |img, c, h, w, rng| {
            let (start, len) = draw_band(rng, self.max_width, w);
            mask_band(
                img,
                c,
                h,
                w,
                Band {
                    axis: Axis::Time,
                    start,
                    len,
                    value: self.value,
                },
            );
        })
    }
}

/// Sets a band of up to `max_width` consecutive frequency rows to `value` (SpecAugment's
/// frequency masking, like `torchaudio.transforms.FrequencyMasking`).
///
/// # Shapes
/// Keeps the shape; frequency is the row axis (`H`).
///
/// # Example
/// ```
/// let t = multimodal_search::data::transforms::FrequencyMasking::new(8, 0.0);
/// assert_eq!(t.max_width, 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FrequencyMasking {
    /// Widest band, in rows.
    pub max_width: usize,
    /// The value written.
    pub value: f32,
}

impl FrequencyMasking {
    /// Bands of up to `max_width` rows.
    pub fn new(max_width: usize, value: f32) -> Self {
        FrequencyMasking { max_width, value }
    }
}

impl Transform for FrequencyMasking {
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor> {
        map_images(x, rng, |img, c, h, w, rng| {
            let (start, len) = draw_band(rng, self.max_width, h);
            mask_band(
                img,
                c,
                h,
                w,
                Band {
                    axis: Axis::Frequency,
                    start,
                    len,
                    value: self.value,
                },
            );
        })
    }
}

/// Rolls each spectrogram along time by a whole number of columns drawn from
/// `[-max_shift, max_shift]`; columns leaving one edge come back at the other (`torch.roll`).
///
/// # Shapes
/// Keeps the shape.
///
/// # Example
/// ```
/// let t = multimodal_search::data::transforms::TimeShift::new(6);
/// assert_eq!(t.max_shift, 6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimeShift {
    /// Largest shift either way, in columns.
    pub max_shift: usize,
}

impl TimeShift {
    /// Shifts of up to `max_shift` columns.
    pub fn new(max_shift: usize) -> Self {
        TimeShift { max_shift }
    }
}

impl Transform for TimeShift {
    fn apply(&self, x: &Tensor, rng: &mut StdRng) -> Result<Tensor> {
        map_images(x, rng, |img, c, h, w, rng| {
            let m = self.max_shift.min(w) as isize;
            let k = if m == 0 {
                0
            } else {
                rng.random_range(-(m as i64)..=m as i64) as isize
            };
            let k = k.rem_euclid(w as isize) as usize;
            for plane in img.chunks_mut(h * w).take(c) {
                for row in plane.chunks_mut(w) {
                    row.rotate_right(k);
                }
            }
        })
    }
}

/// The transforms exercise's augmentations, `(image, audio)`: digits turn by up to 10 degrees
/// and shift by up to 10 %, spectrograms lose a band of up to 8 time columns and 8 frequency
/// rows.
///
/// # Shapes
/// Each maps one item `(1, H, W)` f32 to the same shape.
///
/// # Example
/// ```
/// let (image, audio) = multimodal_search::data::tutorial_augmentations();
/// # let _ = (image, audio);
/// ```
pub fn tutorial_augmentations() -> (Arc<dyn Transform>, Arc<dyn Transform>) {
    // The normalized background of an MNIST image: (0 - mean) / std.
    let background = -crate::data::MNIST_MEAN / crate::data::MNIST_STD;
    let image = Compose::new(vec![
        Box::new(RandomRotation::new(10.0, background)),
        Box::new(RandomTranslation::new(0.1, 0.1, background)),
    ]);
    let audio = Compose::new(vec![
        Box::new(TimeMasking::new(8, 0.0)),
        Box::new(FrequencyMasking::new(8, 0.0)),
    ]);
    (Arc::new(image), Arc::new(audio))
}
