//! From a spoken digit's samples to the 64x64 spectrogram image the audio encoder sees.
//!
//! Mirrors the tutorial's `wav_to_spectrogram` (matplotlib's `specgram` drawn with `gray_r` into a
//! 64x64 PNG) followed by its audio transforms (`ToTensor`, `Normalize(0.4729, 0.1477)`), computed
//! directly: no figure, no PNG round trip.
//!
//! The steps, each a function here:
//! 1. [`Spectrogrammer::psd`]: the power spectral density exactly as `matplotlib.mlab.specgram`
//!    computes it (NFFT 256, overlap 16, symmetric Hann window, no detrend, one-sided, interior bins
//!    doubled, divided by `Fs * sum(window^2)`), one column per 240-sample hop.
//! 2. [`Psd::to_db`]: `10 * log10(Pxx)`.
//! 3. [`Spectrogrammer::image`]: scaled to [0, 1] over the spectrogram's own min..max, drawn
//!    with low frequencies at the bottom row, resampled to 64x64 and inverted (`gray_r`: louder is
//!    darker, so a loud bin is near 0 and silence is 1).
//! 4. [`Spectrogrammer::normalize`]: `(x - 0.4729) / 0.1477`.
//!
//! Edge cases, defined here and tested: a bin with `Pxx = 0` has `-inf` dB and is drawn as the
//! quietest finite bin; a recording whose dB values are all equal (silence included) is a white
//! image (all 1.0), as matplotlib draws a constant image; fewer than 256 samples are zero-padded to
//! one frame, as `mlab` does.

use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

use crate::error::Result;

/// Mean of the tutorial's spectrogram pixels, used by its `Normalize`.
pub const FSDD_MEAN: f32 = 0.4729;
/// Standard deviation of the tutorial's spectrogram pixels.
pub const FSDD_STD: f32 = 0.1477;
/// Side of the square spectrogram image, in pixels.
pub const SPECTROGRAM_SIZE: usize = 64;

/// How the dB image is resampled to 64x64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Resampling {
    /// Plain bilinear interpolation (pixel centres aligned, `align_corners = false`).
    Bilinear,
    /// matplotlib's default `antialiased` drawing: a Hann (`hanning`) kernel of radius 1, widened
    /// by the shrink factor along an axis that is downsampled. This is the default because it is
    /// what the tutorial's PNGs were drawn with.
    Hanning,
}

/// The spectrogram's parameters; `Default` is the tutorial's.
///
/// # Example
/// ```
/// use multimodal_search::data::SpectrogramConfig;
/// let cfg = SpectrogramConfig::default();
/// assert_eq!((cfg.nfft, cfg.noverlap, cfg.size), (256, 16, 64));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpectrogramConfig {
    /// FFT length and window length (256).
    pub nfft: usize,
    /// Samples shared by consecutive windows (16, so the hop is 240).
    pub noverlap: usize,
    /// Sample rate in Hz (8000), used in the PSD's scaling.
    pub sample_rate: f64,
    /// Output image side (64).
    pub size: usize,
    /// Normalization mean (0.4729).
    pub mean: f32,
    /// Normalization standard deviation (0.1477).
    pub std: f32,
    /// The image resampling kernel.
    pub resampling: Resampling,
}

impl Default for SpectrogramConfig {
    fn default() -> Self {
        SpectrogramConfig {
            nfft: 256,
            noverlap: 16,
            sample_rate: 8000.0,
            size: SPECTROGRAM_SIZE,
            mean: FSDD_MEAN,
            std: FSDD_STD,
            resampling: Resampling::Hanning,
        }
    }
}

/// A power spectral density: `n_freqs` rows (0 Hz first) by `n_frames` columns, row-major, f64.
///
/// # Shapes
/// `data.len() == n_freqs * n_frames`; with the defaults `n_freqs = 129` and
/// `n_frames = (max(n, 256) - 256) / 240 + 1` for `n` samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Psd {
    /// Frequency bins, `nfft / 2 + 1`.
    pub n_freqs: usize,
    /// Time frames.
    pub n_frames: usize,
    /// `data[f * n_frames + t]`: power at frequency bin `f`, frame `t`.
    pub data: Vec<f64>,
}

impl Psd {
    /// `10 * log10(Pxx)` element-wise; a zero power gives `-inf`.
    pub fn to_db(&self) -> Vec<f64> {
        self.data.iter().map(|&p| 10.0 * p.log10()).collect()
    }
}

/// Computes spectrograms with a planned FFT and a precomputed window; cheap to share across threads.
///
/// # Shapes
/// [`Spectrogrammer::compute`] takes `n >= 1` samples (`i16`) and returns `size * size` f32
/// (64 x 64 = 4096), row-major, normalized.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::Spectrogrammer;
/// let spec = Spectrogrammer::default();
/// let tone: Vec<i16> = (0..4000).map(|i| ((i as f32 * 0.3).sin() * 8000.0) as i16).collect();
/// let pixels = spec.compute(&tone)?;
/// assert_eq!(pixels.len(), 64 * 64);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Spectrogrammer {
    config: SpectrogramConfig,
    window: Vec<f64>,
    window_power: f64,
    fft: Arc<dyn Fft<f64>>,
    row_taps: Vec<Taps>,
}

impl std::fmt::Debug for Spectrogrammer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spectrogrammer")
            .field("config", &self.config)
            .finish()
    }
}

impl Default for Spectrogrammer {
    fn default() -> Self {
        // The default configuration is valid (nfft 256 > noverlap 16, size 64), so `new` cannot fail.
        Self::new(SpectrogramConfig::default()).expect("the default spectrogram config is valid")
    }
}

/// `np.hanning(n)`: the symmetric Hann window, `0.5 - 0.5 cos(2 pi k / (n - 1))`.
pub fn hanning(n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![1.0];
    }
    (0..n)
        .map(|k| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * k as f64 / (n - 1) as f64).cos())
        .collect()
}

impl Spectrogrammer {
    /// Plans the FFT for `config`; `nfft` must exceed `noverlap` and `size` must be positive.
    pub fn new(config: SpectrogramConfig) -> Result<Self> {
        if config.nfft < 2 || config.noverlap >= config.nfft || config.size == 0 {
            crate::bail!(
                "spectrogram config needs nfft >= 2, noverlap < nfft and size > 0; got nfft {}, noverlap {}, size {}",
                config.nfft,
                config.noverlap,
                config.size
            );
        }
        if config.std.is_nan()
            || config.std <= 0.0
            || config.sample_rate.is_nan()
            || config.sample_rate <= 0.0
        {
            crate::bail!(
                "spectrogram config needs std > 0 and sample_rate > 0; got std {}, sample_rate {}",
                config.std,
                config.sample_rate
            );
        }
        let window = hanning(config.nfft);
        let window_power = window.iter().map(|w| w * w).sum();
        let fft = FftPlanner::new().plan_fft_forward(config.nfft);
        let row_taps = taps_1d(config.nfft / 2 + 1, config.size, config.resampling);
        Ok(Spectrogrammer {
            config,
            window,
            window_power,
            fft,
            row_taps,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &SpectrogramConfig {
        &self.config
    }

    /// The PSD as `matplotlib.mlab.specgram(samples, NFFT, Fs, noverlap)` returns it.
    pub fn psd(&self, samples: &[i16]) -> Psd {
        let nfft = self.config.nfft;
        let hop = nfft - self.config.noverlap;
        let n = samples.len().max(nfft); // mlab zero-pads a short signal to one window
        let n_frames = (n - nfft) / hop + 1;
        let n_freqs = nfft / 2 + 1;
        let mut data = vec![0.0; n_freqs * n_frames];
        let mut buf = vec![Complex::new(0.0, 0.0); nfft];
        let mut scratch = vec![Complex::new(0.0, 0.0); self.fft.get_inplace_scratch_len()];
        // One-sided: every bin but DC (and Nyquist when nfft is even) is doubled.
        let last_single = if nfft.is_multiple_of(2) {
            n_freqs - 1
        } else {
            n_freqs
        };
        let scale = 1.0 / (self.config.sample_rate * self.window_power);
        for t in 0..n_frames {
            let start = t * hop;
            for (k, slot) in buf.iter_mut().enumerate() {
                let x = samples.get(start + k).copied().unwrap_or(0) as f64;
                *slot = Complex::new(x * self.window[k], 0.0);
            }
            self.fft.process_with_scratch(&mut buf, &mut scratch);
            for f in 0..n_freqs {
                let mut p = buf[f].norm_sqr() * scale;
                if f > 0 && f < last_single {
                    p *= 2.0;
                }
                data[f * n_frames + t] = p;
            }
        }
        Psd {
            n_freqs,
            n_frames,
            data,
        }
    }

    /// The drawn spectrogram in [0, 1] (`gray_r`: 0 is the loudest bin), row 0 the highest frequency.
    ///
    /// # Shapes
    /// Returns `size * size` f32, row-major.
    pub fn image(&self, psd: &Psd) -> Vec<f32> {
        let (h, w) = (psd.n_freqs, psd.n_frames);
        let size = self.config.size;
        // dB up to the factor 10 / ln(10), which cancels in the min..max scaling. f32 is plenty for
        // an image and its `ln` is cheaper; a power below f32's range is clamped to its smallest
        // normal value (it is the quietest bin then anyway).
        let level: Vec<f32> = psd
            .data
            .iter()
            .map(|&p| {
                if p > 0.0 {
                    (p as f32).max(f32::MIN_POSITIVE).ln()
                } else {
                    f32::NEG_INFINITY
                }
            })
            .collect();
        let (lo, hi) = level
            .iter()
            .filter(|v| v.is_finite())
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
            // Silence, or one constant level: matplotlib draws the lowest colour, white in gray_r.
            return vec![1.0; size * size];
        }
        let inv_range = 1.0 / (hi - lo);
        // Frequency pass first (it shrinks 129 rows to 64), writing rows top = highest frequency.
        let row_taps = self.cached_row_taps(h);
        let mut tmp = vec![0.0f32; size * w];
        for (o, taps) in row_taps.iter().enumerate() {
            let dst = &mut tmp[o * w..(o + 1) * w];
            for (i, &wgt) in taps.weights.iter().enumerate() {
                // Output row `o` counts from the top; source row `r` from the top is bin h-1-r.
                let bin = h - 1 - (taps.first + i);
                let src = &level[bin * w..(bin + 1) * w];
                for (d, &v) in dst.iter_mut().zip(src) {
                    let v = if v.is_finite() { v } else { lo };
                    *d += wgt * (v - lo) * inv_range;
                }
            }
        }
        // Time pass: w columns to `size`.
        let col_taps = taps_1d(w, size, self.config.resampling);
        let mut out = vec![0.0f32; size * size];
        for (row, src) in out.chunks_mut(size).zip(tmp.chunks(w)) {
            for (d, taps) in row.iter_mut().zip(&col_taps) {
                let v: f32 = taps
                    .weights
                    .iter()
                    .zip(&src[taps.first..])
                    .map(|(wgt, s)| wgt * s)
                    .sum();
                *d = 1.0 - v.clamp(0.0, 1.0);
            }
        }
        out
    }

    /// The frequency-axis taps for `n_freqs` rows: precomputed for the configured FFT size.
    fn cached_row_taps(&self, n_freqs: usize) -> std::borrow::Cow<'_, [Taps]> {
        if n_freqs == self.config.nfft / 2 + 1 {
            std::borrow::Cow::Borrowed(&self.row_taps)
        } else {
            std::borrow::Cow::Owned(taps_1d(n_freqs, self.config.size, self.config.resampling))
        }
    }

    /// `(x - mean) / std` in place, the tutorial's `Normalize`.
    pub fn normalize(&self, image: &mut [f32]) {
        let (m, s) = (self.config.mean, self.config.std);
        for v in image {
            *v = (*v - m) / s;
        }
    }

    /// Samples to the normalized image the audio encoder takes: [`Self::psd`], [`Self::image`],
    /// [`Self::normalize`].
    ///
    /// An empty signal is an error; anything else gives finite values.
    pub fn compute(&self, samples: &[i16]) -> Result<Vec<f32>> {
        if samples.is_empty() {
            crate::bail!("spectrogram of an empty signal (0 samples)");
        }
        let mut image = self.image(&self.psd(samples));
        self.normalize(&mut image);
        Ok(image)
    }
}

/// One output sample's taps: the first source index and the weights that follow it.
#[derive(Clone)]
struct Taps {
    first: usize,
    weights: Vec<f32>,
}

/// The taps of a 1-D resampling from `n_in` to `n_out` samples, pixel centres aligned.
fn taps_1d(n_in: usize, n_out: usize, kind: Resampling) -> Vec<Taps> {
    let ratio = n_in as f64 / n_out as f64;
    // Hanning widens its kernel when it shrinks, as Agg's resampling filter does; bilinear never does.
    let stretch = match kind {
        Resampling::Bilinear => 1.0,
        Resampling::Hanning => ratio.max(1.0),
    };
    let kernel = |x: f64| -> f64 {
        let x = (x / stretch).abs();
        if x >= 1.0 {
            return 0.0;
        }
        match kind {
            Resampling::Bilinear => 1.0 - x,
            Resampling::Hanning => 0.5 + 0.5 * (std::f64::consts::PI * x).cos(),
        }
    };
    (0..n_out)
        .map(|o| {
            let centre = (o as f64 + 0.5) * ratio - 0.5;
            let lo = (centre - stretch).floor().max(0.0) as usize;
            let hi = ((centre + stretch).ceil() as usize).min(n_in - 1);
            let weights: Vec<f64> = (lo..=hi).map(|k| kernel(centre - k as f64)).collect();
            let total: f64 = weights.iter().sum();
            if total > 0.0 {
                let weights = weights.iter().map(|w| (w / total) as f32).collect();
                Taps { first: lo, weights }
            } else {
                // Past the edge: take the nearest source sample.
                let k = centre.round().clamp(0.0, (n_in - 1) as f64) as usize;
                Taps {
                    first: k,
                    weights: vec![1.0],
                }
            }
        })
        .collect()
}

/// Separable 2-D resampling of a row-major `h x w` image to `out_h x out_w`.
fn resample_2d(
    src: &[f32],
    h: usize,
    w: usize,
    out_h: usize,
    out_w: usize,
    kind: Resampling,
) -> Vec<f32> {
    let col_taps = taps_1d(w, out_w, kind);
    let row_taps = taps_1d(h, out_h, kind);
    // Horizontal pass: h x out_w.
    let mut tmp = vec![0.0; h * out_w];
    for r in 0..h {
        let row = &src[r * w..(r + 1) * w];
        for (o, t) in col_taps.iter().enumerate() {
            tmp[r * out_w + o] = t
                .weights
                .iter()
                .enumerate()
                .map(|(i, wgt)| wgt * row[t.first + i])
                .sum();
        }
    }
    // Vertical pass: out_h x out_w.
    let mut out = vec![0.0; out_h * out_w];
    for (o, t) in row_taps.iter().enumerate() {
        let dst = &mut out[o * out_w..(o + 1) * out_w];
        for (i, wgt) in t.weights.iter().enumerate() {
            let srow = &tmp[(t.first + i) * out_w..(t.first + i + 1) * out_w];
            for (d, s) in dst.iter_mut().zip(srow) {
                *d += wgt * s;
            }
        }
    }
    out
}

/// Bilinear resize of a row-major f32 plane (used by the `Resize` transform).
pub(crate) fn resize_bilinear_f32(
    src: &[f32],
    h: usize,
    w: usize,
    out_h: usize,
    out_w: usize,
) -> Vec<f32> {
    resample_2d(src, h, w, out_h, out_w, Resampling::Bilinear)
}
