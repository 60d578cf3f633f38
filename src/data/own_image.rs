//! A participant's own drawing or photo of a digit, prepared as MNIST's digits were, so it can
//! query the search engine.
//!
//! MNIST's digits were size-normalized into a 20x20 box keeping their aspect ratio,
//! anti-aliased, and placed in 28x28 with their centre of mass at the centre, white ink on black.
//! A participant's picture is a phone photo of paper or a paint program's PNG: any size, dark ink
//! on light or the reverse, thin pens, shadows. [`prepare_digit`] makes it look like MNIST in
//! steps, each a function here:
//!
//! 1. [`load_image`]: PNG or JPEG, the EXIF orientation applied (phones store photos sideways),
//!    transparency laid on the background that contrasts with the ink; at most [`MAX_SIDE`]
//!    pixels a side, checked from the header before decoding. HEIC and the rest are named.
//! 2. [`ink_map`]: grey levels, inverted when the background is light (the median of the
//!    border decides), the paper's uneven lighting subtracted (a large-window minimum).
//! 3. [`otsu_threshold`] splits ink from paper; specks and marks touching the edge are dropped,
//!    a blank picture refused.
//! 4. [`normalize_stroke`]: the pen's width brought to MNIST's (a stroke 0.135 of the digit's
//!    longer side, measured on MNIST's test set) by dilating or eroding.
//! 5. [`place_like_mnist`]: cropped to the ink, longer side scaled to 20 px (anti-aliased),
//!    shifted so its centre of mass lands on [`MNIST_CENTER`], the mean measured on MNIST's test
//!    images (pixel `i`'s centre at coordinate `i`).
//! 6. The tutorial's normalization `(x - 0.1307) / 0.3081`.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};
use image::imageops::FilterType;
use image::{DynamicImage, ImageBuffer, ImageDecoder, ImageReader, Luma};

use crate::data::{MNIST_MEAN, MNIST_STD};
use crate::error::{Error, Result};

/// The largest picture side decoded, in pixels (a 48 MP phone photo is 8064 wide).
pub const MAX_SIDE: u32 = 8192;
/// The largest file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The working resolution: pictures are reduced to at most this many pixels a side first.
pub const WORK_SIDE: u32 = 512;
/// Mean centre of mass of MNIST's 10,000 test digits, `(row, column)`, with pixel `i`'s centre at
/// coordinate `i` (measured: 13.99, 14.01; `tests/own_queries.rs` measures it again).
pub const MNIST_CENTER: (f32, f32) = (14.0, 14.0);
/// MNIST's pen: the median stroke width of its test digits (`2 * ink area / edge pixels` at
/// threshold 128) over the longer side of the digit's box, measured on 2,000 test images.
pub const MNIST_STROKE: f32 = 0.135;
/// The side of the box the digit's longer side is scaled to, as MNIST's.
pub const DIGIT_BOX: usize = 20;

const SUPPORTED: &str = "Supported: PNG and JPEG (any size up to 8192 px a side, colour or grey, \
    with or without transparency)";

/// A picture prepared as MNIST's digits: what the image encoder sees, and the steps on the way.
///
/// # Shapes
/// [`tensor`](Self::tensor): `(1, 1, 28, 28)` f32, normalized as MNIST's.
#[derive(Debug, Clone)]
pub struct PreparedDigit {
    /// The file.
    pub path: PathBuf,
    /// The picture's size after its EXIF orientation, `(width, height)`.
    pub original_size: (u32, u32),
    /// The EXIF orientation found (1 = upright).
    pub exif_orientation: u8,
    /// Whether the picture was dark ink on a light background (and so inverted).
    pub inverted: bool,
    /// Otsu's threshold on the ink map, in `[0, 1]`.
    pub threshold: f32,
    /// The pen's width over the digit's longer side, before and after [`normalize_stroke`].
    pub stroke: (f32, f32),
    /// The digit's size `(rows, columns)` after scaling its longer side to [`DIGIT_BOX`].
    pub scaled_size: (usize, usize),
    /// The 28x28 digit, row-major, white ink (1) on black (0).
    pub pixels: Vec<f32>,
}

impl PreparedDigit {
    /// The digit as the encoder's input, normalized with MNIST's mean and standard deviation.
    ///
    /// # Shapes
    /// `(1, 1, 28, 28)` f32.
    pub fn tensor(&self, device: &Device) -> Result<Tensor> {
        let x: Vec<f32> = self
            .pixels
            .iter()
            .map(|p| (p - MNIST_MEAN) / MNIST_STD)
            .collect();
        Ok(Tensor::from_vec(x, (1, 1, 28, 28), device)?)
    }

    /// The digit as MNIST's bytes (0 black .. 255 white), for a `DigitGrid`.
    pub fn bytes(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .map(|p| (p * 255.0).round().clamp(0.0, 255.0) as u8)
            .collect()
    }

    /// The centre of mass `(row, column)` of the 28x28 digit.
    pub fn center_of_mass(&self) -> (f32, f32) {
        center_of_mass(&self.pixels, 28, 28)
    }
}

/// A grey picture: `width * height` values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Gray {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Values, row-major.
    pub data: Vec<f32>,
}

impl Gray {
    fn at(&self, x: usize, y: usize) -> f32 {
        self.data[y * self.width + x]
    }
}

/// Prepares a picture of one digit as MNIST's digits were.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::own_image::{MNIST_CENTER, prepare_digit};
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/queries");
/// let seven = prepare_digit(&dir.join("images/7_dejavu-sans_dark-on-light.png"))?;
/// assert!(seven.inverted);
/// let (row, col) = seven.center_of_mass();
/// assert!((row - MNIST_CENTER.0).abs() < 0.5 && (col - MNIST_CENTER.1).abs() < 0.5);
/// assert!(prepare_digit(&dir.join("special/blank.png")).is_err());
/// # Ok(()) }
/// ```
pub fn prepare_digit(path: &Path) -> Result<PreparedDigit> {
    let (image, exif_orientation) = load_image(path)?;
    let original_size = (image.width(), image.height());
    let (ink, inverted) = ink_map(&image);
    let blank = |reason: String| Error::EmptyQuery {
        path: path.to_path_buf(),
        reason,
    };
    let threshold = ink_threshold(&ink.data);
    let mask = ink_mask(&ink, threshold).map_err(blank)?;
    let (mask, stroke) = normalize_stroke(&mask);
    let (pixels, scaled_size) = place_like_mnist(&mask).map_err(blank)?;
    Ok(PreparedDigit {
        path: path.to_path_buf(),
        original_size,
        exif_orientation,
        inverted,
        threshold,
        stroke,
        scaled_size,
        pixels,
    })
}

/// Names a picture format this crate does not decode, from the file's first bytes.
fn unsupported_image(head: &[u8]) -> Option<(&'static str, &'static str)> {
    let at = |i: usize, s: &[u8]| head.len() >= i + s.len() && &head[i..i + s.len()] == s;
    let export = "Export it as JPEG or PNG (on a Mac: Preview, File > Export; on an iPhone: \
        Settings > Camera > Formats > Most Compatible)";
    if at(4, b"ftyp") {
        for brand in [
            &b"heic"[..],
            b"heix",
            b"hevc",
            b"heim",
            b"heis",
            b"mif1",
            b"msf1",
        ] {
            if at(8, brand) {
                return Some(("HEIC/HEIF (an iPhone photo)", export));
            }
        }
        if at(8, b"avif") {
            return Some(("AVIF", export));
        }
        return Some((
            "an MP4/M4A file, not a picture",
            "Recordings are audio queries (`--audio`)",
        ));
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return Some(("WebP", export));
    }
    if at(0, b"RIFF") || at(0, b"OggS") || at(0, b"fLaC") || at(0, b"ID3") {
        return Some((
            "audio, not a picture",
            "Recordings are audio queries (`--audio`)",
        ));
    }
    if at(0, b"GIF8") || at(0, b"BM") || at(0, b"II*\0") || at(0, b"MM\0*") {
        return Some(("GIF, BMP or TIFF", export));
    }
    None
}

/// Reads a PNG or JPEG, applies its EXIF orientation and lays transparency on a background.
///
/// Returns the upright picture and the orientation found (1 when none). Refuses, naming the
/// file: other formats (HEIC named), a corrupt or truncated file, more than [`MAX_SIDE`] pixels a
/// side (read from the header, before decoding) or [`MAX_FILE_BYTES`].
///
/// # Example
/// ```
/// use multimodal_search::data::own_image::load_image;
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/queries/special");
/// let err = load_image(&dir.join("huge_20000.png")).unwrap_err().to_string();
/// assert!(err.contains("20000x20000") && err.contains("8192"), "{err}");
/// ```
pub fn load_image(path: &Path) -> Result<(DynamicImage, u8)> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(Error::MediaTooLarge {
            path: path.to_path_buf(),
            what: "the picture file".into(),
            found: format!("{} MB", len >> 20),
            limit: format!("{} MB", MAX_FILE_BYTES >> 20),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let bad = |reason: String| Error::BadMedia {
        path: path.to_path_buf(),
        what: "a picture".into(),
        reason,
    };
    if bytes.is_empty() {
        return Err(bad("the file is empty (0 bytes)".into()));
    }
    if let Some((format, advice)) = unsupported_image(&bytes[..bytes.len().min(64)]) {
        return Err(Error::UnsupportedMedia {
            path: path.to_path_buf(),
            format: format.into(),
            advice: format!("{advice}. {SUPPORTED}."),
        });
    }
    let reader = || -> Result<ImageReader<Cursor<&[u8]>>> {
        let reader = ImageReader::new(Cursor::new(&bytes[..]))
            .with_guessed_format()
            .map_err(|e| bad(e.to_string()))?;
        match reader.format() {
            Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => Ok(reader),
            _ => Err(Error::UnsupportedMedia {
                path: path.to_path_buf(),
                format: "an unrecognized format".into(),
                advice: format!("{SUPPORTED}."),
            }),
        }
    };
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| bad(e.to_string()))?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(Error::MediaTooLarge {
            path: path.to_path_buf(),
            what: "the picture".into(),
            found: format!("{w}x{h} pixels"),
            limit: format!("{MAX_SIDE} pixels a side (scale it down first)"),
        });
    }
    let mut reader = reader()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(1 << 30);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| bad(e.to_string()))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| bad(e.to_string()))?;
    image.apply_orientation(orientation);
    Ok((image, orientation.to_exif()))
}

/// The picture as ink intensity in `[0, 1]` (ink bright, paper near 0) at most [`WORK_SIDE`]
/// pixels a side, and whether it was inverted (dark ink on light paper).
///
/// Transparent pixels take the background that contrasts with the opaque ones' mean grey. The
/// border's median grey decides the polarity. Uneven lighting is removed by subtracting the
/// background: the minimum over a window of a sixth of the picture, smoothed.
///
/// # Shapes
/// The result is `height * width` row-major, at the working resolution.
pub fn ink_map(image: &DynamicImage) -> (Gray, bool) {
    let rgba = image.to_rgba32f();
    let (w, h) = rgba.dimensions();
    let lum = |p: &image::Rgba<f32>| 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    let (mut weighted, mut total) = (0.0f64, 0.0f64);
    let mut transparent = false;
    for p in rgba.pixels() {
        weighted += (lum(p) * p[3]) as f64;
        total += p[3] as f64;
        transparent |= p[3] < 0.99;
    }
    let opaque_grey = if total > 0.0 { weighted / total } else { 1.0 };
    let behind = if transparent && opaque_grey < 0.5 {
        1.0
    } else {
        0.0
    };
    let grey: Vec<f32> = rgba
        .pixels()
        .map(|p| lum(p) * p[3] + behind * (1.0 - p[3]))
        .collect();
    let mut buffer: ImageBuffer<Luma<f32>, Vec<f32>> =
        ImageBuffer::from_raw(w, h, grey).expect("w * h values, one per pixel of rgba");
    let scale = WORK_SIDE as f32 / w.max(h) as f32;
    if scale < 1.0 {
        let (nw, nh) = (
            ((w as f32 * scale).round() as u32).max(1),
            ((h as f32 * scale).round() as u32).max(1),
        );
        // Triangle widens with the shrink factor: an anti-aliased (area-like) reduction.
        buffer = image::imageops::resize(&buffer, nw, nh, FilterType::Triangle);
    }
    let (w, h) = (buffer.width() as usize, buffer.height() as usize);
    let mut g = Gray {
        width: w,
        height: h,
        data: buffer.into_raw(),
    };
    let ring = (w.min(h) / 25).max(1);
    let mut border: Vec<f32> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            if x < ring || y < ring || x >= w - ring || y >= h - ring {
                border.push(g.at(x, y));
            }
        }
    }
    border.sort_by(f32::total_cmp);
    let inverted = border[border.len() / 2] > 0.5;
    if inverted {
        g.data.iter_mut().for_each(|v| *v = 1.0 - *v);
    }
    let window = (w.max(h) / 6).max(3);
    let background = box_blur(&min_filter(&g, window), window);
    for (v, b) in g.data.iter_mut().zip(&background.data) {
        *v = (*v - b).max(0.0);
    }
    (g, inverted)
}

/// Sliding-window minimum over a `window x window` square (separable; a monotonic queue per
/// line, so the cost does not grow with the window).
fn min_filter(g: &Gray, window: usize) -> Gray {
    let r = window / 2;
    let pass = |src: &[f32], len: usize, stride: usize, count: usize, step: usize| {
        let mut out = vec![0.0; src.len()];
        let mut queue = std::collections::VecDeque::new();
        for line in 0..count {
            let at = |j: usize| src[line * step + j * stride];
            queue.clear();
            let mut next = 0;
            for i in 0..len {
                // Window [i - r, i + r]: push up to i + r, drop what fell out on the left.
                while next < len && next <= i + r {
                    while queue.back().is_some_and(|&j| at(j) >= at(next)) {
                        queue.pop_back();
                    }
                    queue.push_back(next);
                    next += 1;
                }
                while queue.front().is_some_and(|&j| j + r < i) {
                    queue.pop_front();
                }
                out[line * step + i * stride] = queue.front().map_or(0.0, |&j| at(j));
            }
        }
        out
    };
    let rows = pass(&g.data, g.width, 1, g.height, g.width);
    let data = pass(&rows, g.height, g.width, g.width, 1);
    Gray { data, ..*g }
}

/// Mean over a `window x window` square, clipped at the edges (separable).
fn box_blur(g: &Gray, window: usize) -> Gray {
    let r = window / 2;
    let pass = |src: &[f32], len: usize, stride: usize, count: usize, step: usize| {
        let mut out = vec![0.0; src.len()];
        for line in 0..count {
            let mut prefix = vec![0.0f64; len + 1];
            for i in 0..len {
                prefix[i + 1] = prefix[i] + src[line * step + i * stride] as f64;
            }
            for i in 0..len {
                let (lo, hi) = (i.saturating_sub(r), (i + r + 1).min(len));
                out[line * step + i * stride] =
                    ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32;
            }
        }
        out
    };
    let rows = pass(&g.data, g.width, 1, g.height, g.width);
    let data = pass(&rows, g.height, g.width, g.width, 1);
    Gray { data, ..*g }
}

/// The threshold between ink and paper: Otsu's, raised when needed to 6 standard deviations of
/// the paper's grain above its median (grain measured robustly, as 1.4826 times the median
/// absolute deviation), and at least 0.08. Otsu alone splits the paper's grain when the ink is
/// a small part of the picture (a small digit in a photo).
pub fn ink_threshold(values: &[f32]) -> f32 {
    let median = |v: &mut Vec<f32>| {
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    };
    if values.is_empty() {
        return 0.5;
    }
    let med = median(&mut values.to_vec());
    let mad = median(&mut values.iter().map(|v| (v - med).abs()).collect());
    otsu_threshold(values).max(med + (6.0 * 1.4826 * mad).max(0.08))
}

/// Otsu's threshold: the grey level in `[0, 1]` that maximizes the between-class variance of a
/// 256-bin histogram.
///
/// # Example
/// ```
/// use multimodal_search::data::own_image::otsu_threshold;
/// let t = otsu_threshold(&[0.1, 0.12, 0.08, 0.9, 0.85, 0.1]);
/// assert!(t > 0.12 && t < 0.85);
/// ```
pub fn otsu_threshold(values: &[f32]) -> f32 {
    let mut hist = [0u64; 256];
    for &v in values {
        hist[(v.clamp(0.0, 1.0) * 255.0).round() as usize] += 1;
    }
    let total = values.len() as f64;
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut below, mut below_sum, mut best, mut best_t) = (0.0f64, 0.0f64, -1.0f64, 0usize);
    for (t, &c) in hist.iter().enumerate() {
        below += c as f64;
        below_sum += t as f64 * c as f64;
        let above = total - below;
        if below == 0.0 || above == 0.0 {
            continue;
        }
        let (m0, m1) = (below_sum / below, (sum - below_sum) / above);
        let between = below * above * (m0 - m1) * (m0 - m1);
        if between > best {
            (best, best_t) = (between, t);
        }
    }
    (best_t as f32 + 0.5) / 255.0
}

/// The smallest piece of ink counted as a mark, in pixels at the working resolution.
const MIN_PIECE: usize = 16;
/// The least difference between the ink's and the paper's mean levels, in `[0, 1]`.
pub const MIN_CONTRAST: f64 = 0.08;

/// A binary picture: `true` is ink.
#[derive(Debug, Clone, PartialEq)]
pub struct Mask {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Ink, row-major.
    pub ink: Vec<bool>,
}

/// The ink above `threshold`, as a mask cropped to it, without specks (pieces under 5% of the
/// largest) and, when anything else is left, without pieces touching the picture's edge.
///
/// Refuses (with the measurement) a picture whose ink does not stand out: the two classes'
/// means differ by under [`MIN_CONTRAST`], or no piece of ink is 16 pixels large.
pub fn ink_mask(ink: &Gray, threshold: f32) -> std::result::Result<Mask, String> {
    let (mut n0, mut s0, mut q0, mut n1, mut s1) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for &v in &ink.data {
        let v = v as f64;
        if v > threshold as f64 {
            (n1, s1) = (n1 + 1.0, s1 + v);
        } else {
            (n0, s0, q0) = (n0 + 1.0, s0 + v, q0 + v * v);
        }
    }
    if n1 == 0.0 || n0 == 0.0 {
        return Err("no ink found: the picture is one flat colour".into());
    }
    let (m0, m1) = (s0 / n0, s1 / n1);
    let sd0 = (q0 / n0 - m0 * m0).max(0.0).sqrt();
    if m1 - m0 < MIN_CONTRAST {
        return Err(format!(
            "no ink found: the darkest marks differ from the paper by {:.0}% of full contrast \
             (at least {:.0}% is needed; the paper's grain is {:.1}%)",
            100.0 * (m1 - m0),
            100.0 * MIN_CONTRAST,
            100.0 * sd0
        ));
    }
    let (w, h) = (ink.width, ink.height);
    let on: Vec<bool> = ink.data.iter().map(|&v| v > threshold).collect();
    // Connected pieces (8-neighbours): (pixels, touches the edge).
    let mut label = vec![usize::MAX; w * h];
    let mut pieces: Vec<(Vec<usize>, bool)> = Vec::new();
    for start in 0..w * h {
        if !on[start] || label[start] != usize::MAX {
            continue;
        }
        let id = pieces.len();
        let (mut pixels, mut edge, mut stack) = (Vec::new(), false, vec![start]);
        label[start] = id;
        while let Some(i) = stack.pop() {
            pixels.push(i);
            let (x, y) = (i % w, i / w);
            edge |= x == 0 || y == 0 || x == w - 1 || y == h - 1;
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if on[j] && label[j] == usize::MAX {
                        label[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        pieces.push((pixels, edge));
    }
    let inner_largest = pieces.iter().filter(|p| !p.1).map(|p| p.0.len()).max();
    let (largest, drop_edge) = match inner_largest {
        Some(n) if n >= MIN_PIECE => (n, true),
        _ => (pieces.iter().map(|p| p.0.len()).max().unwrap_or(0), false),
    };
    if largest < MIN_PIECE {
        return Err(format!(
            "no ink found: the largest mark is {largest} pixels at {WORK_SIDE} px a side, under \
             {MIN_PIECE}"
        ));
    }
    let keep: Vec<&Vec<usize>> = pieces
        .iter()
        .filter(|(px, edge)| px.len() * 20 >= largest && !(drop_edge && *edge))
        .map(|(px, _)| px)
        .collect();
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for &i in keep.iter().flat_map(|p| p.iter()) {
        let (x, y) = (i % w, i / w);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        return Err("no ink found".into());
    }
    let (cw, ch) = (x1 - x0 + 1, y1 - y0 + 1);
    let mut mask = Mask {
        width: cw,
        height: ch,
        ink: vec![false; cw * ch],
    };
    for &i in keep.iter().flat_map(|p| p.iter()) {
        mask.ink[(i / w - y0) * cw + (i % w - x0)] = true;
    }
    Ok(mask)
}

/// The pen's width over the mask's longer side: `2 * ink pixels / edge pixels` (an edge pixel
/// has a 4-neighbour that is paper), divided by the longer side.
pub fn stroke_ratio(mask: &Mask) -> f32 {
    let (w, h) = (mask.width, mask.height);
    let (mut area, mut edge) = (0usize, 0usize);
    for y in 0..h {
        for x in 0..w {
            if !mask.ink[y * w + x] {
                continue;
            }
            area += 1;
            let paper = |dx: i64, dy: i64| {
                let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                nx < 0
                    || ny < 0
                    || nx >= w as i64
                    || ny >= h as i64
                    || !mask.ink[ny as usize * w + nx as usize]
            };
            if paper(1, 0) || paper(-1, 0) || paper(0, 1) || paper(0, -1) {
                edge += 1;
            }
        }
    }
    if edge == 0 {
        return 0.0;
    }
    2.0 * area as f32 / edge as f32 / w.max(h) as f32
}

/// Brings the pen's width to MNIST's ([`MNIST_STROKE`] of the longer side): the mask is scaled
/// to a longer side of 100 px, then dilated (thin pens) or eroded (markers) with a disc, and
/// cropped again. Widths within 0.7 to 1.5 times MNIST's are left alone. Returns the new mask and
/// the ratio before and after.
pub fn normalize_stroke(mask: &Mask) -> (Mask, (f32, f32)) {
    const SIDE: usize = 100;
    let scale = SIDE as f32 / mask.width.max(mask.height) as f32;
    let (w, h) = (
        ((mask.width as f32 * scale).round() as usize).max(1),
        ((mask.height as f32 * scale).round() as usize).max(1),
    );
    let src: ImageBuffer<Luma<f32>, Vec<f32>> = ImageBuffer::from_raw(
        mask.width as u32,
        mask.height as u32,
        mask.ink
            .iter()
            .map(|&b| if b { 1.0 } else { 0.0 })
            .collect(),
    )
    .expect("one value per mask pixel");
    let filter = if scale < 1.0 {
        FilterType::Triangle
    } else {
        FilterType::Nearest
    };
    let scaled = image::imageops::resize(&src, w as u32, h as u32, filter);
    // A margin for dilation.
    let pad = SIDE / 5;
    let (pw, ph) = (w + 2 * pad, h + 2 * pad);
    let mut m = Mask {
        width: pw,
        height: ph,
        ink: vec![false; pw * ph],
    };
    for (x, y, p) in scaled.enumerate_pixels() {
        m.ink[(y as usize + pad) * pw + x as usize + pad] = p[0] >= 0.5;
    }
    let before = stroke_ratio(&crop(&m));
    let target = MNIST_STROKE * SIDE as f32;
    let width = before * SIDE as f32;
    let adjusted = if width < 0.7 * target {
        morph(&m, ((target - width) / 2.0).round().max(1.0) as i64, true)
    } else if width > 1.5 * target {
        let eroded = morph(&m, ((width - target) / 2.0).round().max(1.0) as i64, false);
        let kept = eroded.ink.iter().filter(|&&b| b).count();
        // Erosion that would break the digit apart is not worth it.
        if kept * 3 >= m.ink.iter().filter(|&&b| b).count() {
            eroded
        } else {
            m
        }
    } else {
        m
    };
    let out = crop(&adjusted);
    let after = stroke_ratio(&out);
    (out, (before, after))
}

fn crop(m: &Mask) -> Mask {
    let (w, h) = (m.width, m.height);
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for (i, _) in m.ink.iter().enumerate().filter(|(_, b)| **b) {
        let (x, y) = (i % w, i / w);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        return m.clone();
    }
    let (cw, ch) = (x1 - x0 + 1, y1 - y0 + 1);
    let mut ink = vec![false; cw * ch];
    for y in 0..ch {
        for x in 0..cw {
            ink[y * cw + x] = m.ink[(y + y0) * w + x + x0];
        }
    }
    Mask {
        width: cw,
        height: ch,
        ink,
    }
}

/// Dilation (`grow`) or erosion by a disc of radius `r`.
fn morph(m: &Mask, r: i64, grow: bool) -> Mask {
    let (w, h) = (m.width as i64, m.height as i64);
    let disc: Vec<(i64, i64)> = (-r..=r)
        .flat_map(|dy| (-r..=r).map(move |dx| (dx, dy)))
        .filter(|(dx, dy)| dx * dx + dy * dy <= r * r)
        .collect();
    let mut ink = vec![false; m.ink.len()];
    for y in 0..h {
        for x in 0..w {
            let hit = |&(dx, dy): &(i64, i64)| {
                let (nx, ny) = (x + dx, y + dy);
                nx >= 0 && ny >= 0 && nx < w && ny < h && m.ink[(ny * w + nx) as usize]
            };
            ink[(y * w + x) as usize] = if grow {
                disc.iter().any(hit)
            } else {
                disc.iter().all(hit)
            };
        }
    }
    Mask { ink, ..m.clone() }
}

/// The centre of mass `(row, column)` of a row-major picture, pixel `i`'s centre at `i`.
pub fn center_of_mass(pixels: &[f32], width: usize, height: usize) -> (f32, f32) {
    let (mut m, mut r, mut c) = (0.0f64, 0.0f64, 0.0f64);
    for y in 0..height {
        for x in 0..width {
            let v = pixels[y * width + x] as f64;
            (m, r, c) = (m + v, r + v * y as f64, c + v * x as f64);
        }
    }
    if m == 0.0 {
        return (f32::NAN, f32::NAN);
    }
    ((r / m) as f32, (c / m) as f32)
}

/// MNIST's layout: the mask's longer side scaled to [`DIGIT_BOX`] px keeping the aspect ratio
/// (anti-aliased grey levels), then shifted by a fraction of a pixel (bilinear, which keeps the
/// mass and moves the centre exactly) so its centre of mass is [`MNIST_CENTER`] in 28x28.
///
/// # Shapes
/// Returns 784 values, row-major 28x28, in `[0, 1]`, and the scaled digit's `(rows, columns)`.
pub fn place_like_mnist(mask: &Mask) -> std::result::Result<(Vec<f32>, (usize, usize)), String> {
    let long = mask.width.max(mask.height) as f32;
    let (w, h) = (
        ((mask.width as f32 * DIGIT_BOX as f32 / long).round() as usize).max(1),
        ((mask.height as f32 * DIGIT_BOX as f32 / long).round() as usize).max(1),
    );
    let src: ImageBuffer<Luma<f32>, Vec<f32>> = ImageBuffer::from_raw(
        mask.width as u32,
        mask.height as u32,
        mask.ink
            .iter()
            .map(|&b| if b { 1.0 } else { 0.0 })
            .collect(),
    )
    .expect("one value per mask pixel");
    let small = image::imageops::resize(&src, w as u32, h as u32, FilterType::Triangle);
    let small: Vec<f32> = small.into_raw().iter().map(|v| v.clamp(0.0, 1.0)).collect();
    let (cy, cx) = center_of_mass(&small, w, h);
    if cy.is_nan() {
        return Err("no ink left after scaling to 20 px".into());
    }
    let (oy, ox) = (MNIST_CENTER.0 - cy, MNIST_CENTER.1 - cx);
    let mut out = vec![0.0f32; 28 * 28];
    for y in 0..28 {
        for x in 0..28 {
            // Gather from the source at (y - oy, x - ox), bilinear, zero outside.
            let (sy, sx) = (y as f32 - oy, x as f32 - ox);
            let (y0, x0) = (sy.floor(), sx.floor());
            let (fy, fx) = (sy - y0, sx - x0);
            let get = |yy: f32, xx: f32| {
                if yy < 0.0 || xx < 0.0 || yy >= h as f32 || xx >= w as f32 {
                    0.0
                } else {
                    small[yy as usize * w + xx as usize]
                }
            };
            out[y * 28 + x] = get(y0, x0) * (1.0 - fy) * (1.0 - fx)
                + get(y0, x0 + 1.0) * (1.0 - fy) * fx
                + get(y0 + 1.0, x0) * fy * (1.0 - fx)
                + get(y0 + 1.0, x0 + 1.0) * fy * fx;
        }
    }
    Ok((out, (h, w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_centred_square_keeps_its_mass_and_lands_on_the_centre() {
        let mask = Mask {
            width: 7,
            height: 13,
            ink: vec![true; 91],
        };
        let (out, size) = place_like_mnist(&mask).unwrap();
        assert_eq!(size, (20, 11));
        let (r, c) = center_of_mass(&out, 28, 28);
        assert!(
            (r - 14.0).abs() < 1e-3 && (c - 14.0).abs() < 1e-3,
            "{r} {c}"
        );
        // 20 rows of ink, spread over 21 by the sub-pixel shift; the mass is kept.
        let rows = (0..28)
            .filter(|y| out[y * 28..y * 28 + 28].iter().any(|&v| v > 1e-3))
            .count();
        assert!((20..=21).contains(&rows), "{rows}");
        let mass: f32 = out.iter().sum();
        assert!((mass - 20.0 * 11.0).abs() < 0.5, "{mass}");
    }

    #[test]
    fn otsu_splits_two_levels() {
        let mut v = vec![0.2f32; 100];
        v.extend(vec![0.7f32; 30]);
        let t = otsu_threshold(&v);
        assert!(t > 0.2 && t < 0.7, "{t}");
    }

    #[test]
    fn thin_strokes_are_thickened_towards_mnist() {
        // A one-pixel ring 60 px wide: far thinner than MNIST's pen.
        let (w, h) = (60, 80);
        let mut ink = vec![false; w * h];
        for y in 0..h {
            for x in 0..w {
                ink[y * w + x] = x == 0 || y == 0 || x == w - 1 || y == h - 1;
            }
        }
        let (out, (before, after)) = normalize_stroke(&Mask {
            width: w,
            height: h,
            ink,
        });
        assert!(before < 0.05, "{before}");
        assert!((after - MNIST_STROKE).abs() < 0.04, "{after}");
        assert!(out.width <= 100 + 2 * 20);
    }
}
