//! Exercise `time_mask` (notebook 01, further): a spectrogram augmentation, SpecAugment's time
//! masking (torchaudio's `TimeMasking`), with the band given rather than drawn.
//!
//! `time_mask(spec, start, width, value)` sets the columns `start .. start + width` (time is the
//! last axis) of a `(C, F, T)` spectrogram to `value`, clipped at the end, and leaves the rest.

use candle_core::{Device, Tensor};

use crate::error::Result;
use crate::exercise::{Checklist, Verdict};

/// A `(1, f, t)` test spectrogram whose every value differs from the mask value 0.
pub fn spectrogram(f: usize, t: usize) -> Result<Tensor> {
    let v: Vec<f32> = (0..f * t).map(|i| 1.0 + (i % 97) as f32 / 10.0).collect();
    Ok(Tensor::from_vec(v, (1, f, t), &Device::Cpu)?)
}

/// Checks `mask` on a `(1, f, t)` spectrogram with the band `start, width`.
pub fn band_verdict(
    mask: &impl Fn(&Tensor, usize, usize, f32) -> Result<Tensor>,
    (f, t): (usize, usize),
    start: usize,
    width: usize,
) -> Result<Verdict> {
    let x = spectrogram(f, t)?;
    let y = mask(&x, start, width, -3.5)?;
    if y.dims() != x.dims() {
        return Ok(Verdict::that(
            false,
            format!("shape {:?}", y.dims()),
            format!("shape {:?}", x.dims()),
        ));
    }
    let (xs, ys) = (
        x.flatten_all()?.to_vec1::<f32>()?,
        y.flatten_all()?.to_vec1::<f32>()?,
    );
    let end = (start + width).min(t);
    for i in 0..f * t {
        let col = i % t;
        let want = if col >= start && col < end {
            -3.5
        } else {
            xs[i]
        };
        if ys[i] != want {
            return Ok(Verdict::that(
                false,
                format!("row {} column {col}: {}", i / t, ys[i]),
                format!("{want} (the band is columns {start}..{end})"),
            ));
        }
    }
    Ok(Verdict::that(
        true,
        "the band and nothing else",
        format!("columns {start}..{end} masked"),
    ))
}

/// The visible checks: a band in the middle of a 64 x 64 spectrogram, a band at the start, a band
/// running past the end (clipped), and a band of width 0.
///
/// # Shapes
/// `mask(spec, start, width, value)`: `(C, F, T)` -> `(C, F, T)`.
///
/// # Example
/// ```
/// use multimodal_search::exercise::time_mask;
/// let nothing = |x: &multimodal_search::candle_core::Tensor, _: usize, _: usize, _: f32| Ok(x.clone());
/// assert!(!time_mask::check(nothing).passed());
/// ```
pub fn check(mask: impl Fn(&Tensor, usize, usize, f32) -> Result<Tensor>) -> Checklist {
    let mut c = Checklist::new("time_mask");
    c.check("columns 20..28 of a 64 x 64 spectrogram", 1.0, || {
        band_verdict(&mask, (64, 64), 20, 8)
    });
    c.check("columns 0..5 (a band at the start)", 1.0, || {
        band_verdict(&mask, (64, 64), 0, 5)
    });
    c.check(
        "columns 60..64 of a band 10 wide from 60 (clipped)",
        1.0,
        || band_verdict(&mask, (64, 64), 60, 10),
    );
    c.check("width 0 changes nothing", 1.0, || {
        band_verdict(&mask, (64, 64), 30, 0)
    });
    c
}
