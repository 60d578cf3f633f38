//! Exercise `draw_digit` (notebook 01): turn an image as the model sees it back into pixels, to
//! draw it (the tutorial plots one MNIST sample with matplotlib).
//!
//! The model sees `(x / 255 - 0.1307) / 0.3081`; the participant writes `to_pixels(image)`, the
//! bytes `round(255 * clamp(v * 0.3081 + 0.1307, 0, 1))`, row by row, top row first.

use candle_core::{Device, Tensor};

use crate::data::{MNIST_MEAN, MNIST_STD};
use crate::error::Result;
use crate::exercise::{Checklist, Verdict};

/// A `(1, h, w)` test image as the model sees it, from the bytes `pixel(r, c)`.
pub fn normalized(h: usize, w: usize, pixel: impl Fn(usize, usize) -> u8) -> Result<Tensor> {
    let v: Vec<f32> = (0..h * w)
        .map(|i| (pixel(i / w, i % w) as f32 / 255.0 - MNIST_MEAN) / MNIST_STD)
        .collect();
    Ok(Tensor::from_vec(v, (1, h, w), &Device::Cpu)?)
}

/// Checks `to_pixels` gives back the bytes `pixel(r, c)` of a `(1, h, w)` image.
pub fn round_trip(
    to_pixels: &impl Fn(&Tensor) -> Result<Vec<u8>>,
    h: usize,
    w: usize,
    pixel: impl Fn(usize, usize) -> u8,
) -> Result<Verdict> {
    let found = to_pixels(&normalized(h, w, &pixel)?)?;
    let want: Vec<u8> = (0..h * w).map(|i| pixel(i / w, i % w)).collect();
    if found.len() != want.len() {
        return Ok(Verdict::that(
            false,
            format!("{} bytes", found.len()),
            format!("{} bytes ({h} rows of {w})", want.len()),
        ));
    }
    let bad = found.iter().zip(&want).position(|(a, b)| a != b);
    Ok(match bad {
        None => Verdict::that(true, "every byte", "every byte back"),
        Some(i) => Verdict::that(
            false,
            format!("row {} column {}: {}", i / w, i % w, found[i]),
            format!("{} there", want[i]),
        ),
    })
}

/// A digit-like test pattern: a bright diagonal stroke on black, with a grey corner (so a
/// transposed or mirrored image differs).
pub fn stroke(r: usize, c: usize) -> u8 {
    if r.abs_diff(c / 2 + 6) <= 1 {
        255
    } else if r < 4 && c < 8 {
        (40 * r + 5 * c) as u8
    } else {
        0
    }
}

/// The visible checks: a stroke pattern, every grey level, and values outside the pixel range.
///
/// # Shapes
/// `to_pixels`: `(1, h, w)` f32, normalized -> `h * w` bytes, top row first.
///
/// # Example
/// ```
/// use multimodal_search::exercise::draw_digit;
/// // Forgets to undo the normalization.
/// let raw = |t: &multimodal_search::candle_core::Tensor| -> multimodal_search::Result<Vec<u8>> {
///     Ok(t.flatten_all()?.to_vec1::<f32>()?.iter().map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8).collect())
/// };
/// assert!(!draw_digit::check(raw).passed());
/// ```
pub fn check(to_pixels: impl Fn(&Tensor) -> Result<Vec<u8>>) -> Checklist {
    let mut c = Checklist::new("draw_digit");
    c.check("a 28 x 28 stroke comes back byte for byte", 1.0, || {
        round_trip(&to_pixels, 28, 28, stroke)
    });
    c.check("every grey level 0..=255 comes back", 1.0, || {
        round_trip(&to_pixels, 16, 16, |r, c| (r * 16 + c) as u8)
    });
    c.check("values outside the range become 0 and 255", 1.0, || {
        let t = Tensor::new(&[[[-5.0f32, 9.0, 0.0]]], &Device::Cpu)?;
        let want = vec![0u8, 255, (MNIST_MEAN * 255.0).round() as u8];
        Ok(Verdict::equal(&to_pixels(&t)?, &want))
    });
    c
}
