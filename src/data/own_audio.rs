//! A participant's own recording, prepared as FSDD's were, so it can query the search engine.
//!
//! FSDD's recordings are 8 kHz, mono, 16-bit, with leading and trailing silence trimmed. A laptop
//! or phone records 44.1 or 48 kHz, often stereo, in a compressed container, with half a second
//! of room noise around the word. [`prepare_audio`] closes that gap in four steps, each a
//! function here:
//!
//! 1. [`decode_audio`]: any container and codec symphonia reads (WAV at any rate, bit depth and
//!    channel count; FLAC, Ogg Vorbis, MP3, AAC/M4A, ALAC, AIFF, CAF), averaged to mono `f32`.
//!    Formats it does not read (browser WebM/Opus, AMR, HEIC pictures ...) are named in the
//!    error, with how to convert them.
//! 2. [`resample`]: to 8 kHz with rubato's FFT resampler (anti-aliased, delay removed).
//! 3. [`trim_silence`]: the stated rule below, tested on a clip with known silence.
//! 4. The tutorial's spectrogram ([`Spectrogrammer`]).
//!
//! Bounded: at most [`MAX_SECONDS`] of audio are decoded (checked from the header when it says,
//! and while decoding when it does not), so an hour-long file is refused, not loaded.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};

use crate::data::{FSDD_SAMPLE_RATE, SPECTROGRAM_SIZE, Spectrogrammer};
use crate::error::{Error, Result};

/// The longest recording decoded, in seconds: a spoken digit takes one.
pub const MAX_SECONDS: f64 = 30.0;
/// The frame [`trim_silence`] measures loudness in: 10 ms at 8 kHz.
pub const TRIM_FRAME: usize = 80;
/// FSDD's own trimmer kept samples with `|x| > 150` (of 32768): a 10 ms frame quieter than this
/// RMS is silence whatever else is in the clip.
pub const FSDD_SILENCE: f32 = 150.0 / 32768.0;

/// What the formats symphonia reads here are, for error messages.
const SUPPORTED: &str = "Supported: WAV (any rate, 8/16/24/32-bit integer or 32-bit float, any \
    channels), FLAC, Ogg Vorbis, MP3, AAC/M4A (QuickTime, phone voice memos), ALAC, AIFF, CAF";
const CONVERT: &str = "Convert it with `ffmpeg -i IN -ar 8000 -ac 1 OUT.wav` or \
    `sox IN -r 8000 -c 1 OUT.wav`";

/// A decoded recording: mono samples in `[-1, 1]` at the file's own rate.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedAudio {
    /// The channels' mean, one sample per frame.
    pub samples: Vec<f32>,
    /// The file's sample rate in Hz.
    pub sample_rate: u32,
    /// How many channels the file had.
    pub channels: usize,
}

/// A recording prepared as FSDD's: what the audio encoder sees, and the steps on the way.
///
/// # Shapes
/// [`tensor`](Self::tensor): `(1, 1, 64, 64)` f32, normalized as the tutorial's spectrograms.
#[derive(Debug, Clone)]
pub struct PreparedAudio {
    /// The file.
    pub path: PathBuf,
    /// The file's own sample rate and channel count.
    pub original_rate: u32,
    /// How many channels were averaged.
    pub channels: usize,
    /// The whole clip at 8 kHz, before trimming (`[-1, 1]`).
    pub resampled: Vec<f32>,
    /// The part [`trim_silence`] kept, as sample indices into `resampled`.
    pub kept: Range<usize>,
    /// The kept part as FSDD's 16-bit samples.
    pub samples: Vec<i16>,
    /// The normalized 64x64 spectrogram, row-major, low frequencies at the bottom.
    pub spectrogram: Vec<f32>,
}

impl PreparedAudio {
    /// The spectrogram as the encoder's input.
    ///
    /// # Shapes
    /// `(1, 1, 64, 64)` f32.
    pub fn tensor(&self, device: &Device) -> Result<Tensor> {
        let n = SPECTROGRAM_SIZE;
        Ok(Tensor::from_slice(&self.spectrogram, (1, 1, n, n), device)?)
    }

    /// Seconds of audio kept after trimming.
    pub fn kept_seconds(&self) -> f64 {
        self.kept.len() as f64 / FSDD_SAMPLE_RATE as f64
    }
}

/// Decodes, resamples to 8 kHz, trims and turns into the tutorial's spectrogram.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::own_audio::prepare_audio;
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/queries/special");
/// let clip = prepare_audio(&dir.join("known_silence.wav"))?;
/// assert_eq!(clip.original_rate, 8000);
/// assert!(clip.kept.start > 3900 && clip.kept_seconds() < 1.0);
/// assert!(prepare_audio(&dir.join("silent.wav")).is_err());
/// # Ok(()) }
/// ```
pub fn prepare_audio(path: &Path) -> Result<PreparedAudio> {
    let decoded = decode_audio(path)?;
    let resampled = resample(&decoded.samples, decoded.sample_rate, FSDD_SAMPLE_RATE)?;
    let kept = trim_silence(&resampled).map_err(|reason| Error::EmptyQuery {
        path: path.to_path_buf(),
        reason,
    })?;
    let samples: Vec<i16> = resampled[kept.clone()]
        .iter()
        .map(|&x| (x * 32767.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect();
    let spectrogram = Spectrogrammer::default().compute(&samples)?;
    Ok(PreparedAudio {
        path: path.to_path_buf(),
        original_rate: decoded.sample_rate,
        channels: decoded.channels,
        resampled,
        kept,
        samples,
        spectrogram,
    })
}

/// Names a file's format from its first bytes when it is one symphonia does not read here (or
/// not audio at all), with advice; `None` when it may be audio symphonia reads.
fn unsupported_format(head: &[u8]) -> Option<(&'static str, &'static str)> {
    let at = |i: usize, s: &[u8]| head.len() >= i + s.len() && &head[i..i + s.len()] == s;
    let contains = |s: &[u8]| head.windows(s.len()).any(|w| w == s);
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some((
            "WebM/Matroska audio (a browser's recording, usually Opus)",
            CONVERT,
        ));
    }
    if at(0, b"OggS") && contains(b"OpusHead") {
        return Some(("Ogg Opus (.opus, voice notes of messaging apps)", CONVERT));
    }
    if at(0, b"#!AMR") {
        return Some(("AMR (old phones' voice recordings)", CONVERT));
    }
    if at(4, b"ftyp") {
        for brand in [&b"heic"[..], b"heix", b"mif1", b"msf1", b"hevc", b"avif"] {
            if at(8, brand) {
                return Some((
                    "a HEIC/AVIF picture, not audio",
                    "Pictures are image queries (`--image`)",
                ));
            }
        }
        if at(8, b"3gp") {
            return Some(("3GPP audio (AMR in a .3gp file)", CONVERT));
        }
    }
    if at(0, b"\x89PNG") || at(0, &[0xFF, 0xD8, 0xFF]) {
        return Some((
            "a picture (PNG/JPEG), not audio",
            "Pictures are image queries (`--image`)",
        ));
    }
    None
}

fn read_head(path: &Path) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)
        .map_err(io)?
        .take(64)
        .read_to_end(&mut head)
        .map_err(io)?;
    Ok(head)
}

/// Decodes any audio file symphonia reads into mono `f32` samples at the file's own rate.
///
/// Refuses, naming the file: a format it does not read (naming the format), a corrupt or
/// truncated stream (a WAV holding fewer samples than its header promises), a file without
/// audio, and more than [`MAX_SECONDS`] of audio.
///
/// # Example
/// ```
/// use multimodal_search::data::own_audio::decode_audio;
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/queries/special");
/// let tone = decode_audio(&dir.join("tone_44k_1s.wav")).unwrap();
/// assert_eq!((tone.sample_rate, tone.samples.len()), (44100, 44100));
/// let err = decode_audio(&dir.join("voice.webm")).unwrap_err().to_string();
/// assert!(err.contains("WebM"), "{err}");
/// ```
pub fn decode_audio(path: &Path) -> Result<DecodedAudio> {
    use symphonia::core::codecs::audio::AudioDecoderOptions;
    use symphonia::core::errors::Error as SymError;
    use symphonia::core::formats::probe::Hint;
    use symphonia::core::formats::{FormatOptions, TrackType};
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;

    let head = read_head(path)?;
    let bad = |reason: String| Error::BadMedia {
        path: path.to_path_buf(),
        what: "audio".into(),
        reason,
    };
    if head.is_empty() {
        return Err(bad("the file is empty (0 bytes)".into()));
    }
    if let Some((format, advice)) = unsupported_format(&head) {
        return Err(Error::UnsupportedMedia {
            path: path.to_path_buf(),
            format: format.into(),
            advice: format!("{advice}. {SUPPORTED}."),
        });
    }
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::Unsupported(_) => Error::UnsupportedMedia {
                path: path.to_path_buf(),
                format: "an unrecognized format".into(),
                advice: format!("{SUPPORTED}. {CONVERT}."),
            },
            other => bad(other.to_string()),
        })?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or_else(|| bad("the file holds no audio track".into()))?;
    let track_id = track.id;
    let declared_frames = track.num_frames;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| bad("the audio track has no codec parameters".into()))?
        .clone();
    let rate = params
        .sample_rate
        .ok_or_else(|| bad("the audio track states no sample rate".into()))?;
    if !(1000..=768_000).contains(&rate) {
        return Err(bad(format!(
            "sample rate {rate} Hz, expected 1000 to 768000 Hz"
        )));
    }
    let max_frames = (MAX_SECONDS * rate as f64) as u64;
    let too_long = |frames: u64| Error::MediaTooLarge {
        path: path.to_path_buf(),
        what: "the recording".into(),
        found: format!("{:.1} s", frames as f64 / rate as f64),
        limit: format!("{MAX_SECONDS} s (trim it to the spoken digit)"),
    };
    if let Some(n) = declared_frames
        && n > max_frames
    {
        return Err(too_long(n));
    }
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| Error::UnsupportedMedia {
            path: path.to_path_buf(),
            format: format!("its codec ({e})"),
            advice: format!("{SUPPORTED}. {CONVERT}."),
        })?;

    let mut samples: Vec<f32> = Vec::new();
    let mut planes: Vec<Vec<f32>> = Vec::new();
    let mut channels = 0usize;
    loop {
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // A stream that ends mid-packet: judged below against the declared length.
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(bad(e.to_string())),
        };
        if packet.track_id != track_id {
            continue;
        }
        let decoded = decoder.decode(&packet).map_err(|e| bad(e.to_string()))?;
        decoded.copy_to_vecs_planar::<f32>(&mut planes);
        channels = planes.len();
        let frames = planes.first().map_or(0, Vec::len);
        if samples.len() as u64 + frames as u64 > max_frames {
            return Err(too_long(samples.len() as u64 + frames as u64));
        }
        for i in 0..frames {
            let sum: f32 = planes.iter().map(|p| p[i]).sum();
            samples.push(sum / channels as f32);
        }
    }
    if samples.is_empty() {
        return Err(bad("it holds no audio (0 samples)".into()));
    }
    // Decoders may pad the last packet; a stream well short of its header was cut off.
    if let Some(n) = declared_frames
        && (samples.len() as u64) < n.saturating_sub(rate as u64 / 10)
    {
        return Err(bad(format!(
            "truncated: the header promises {n} samples, the file holds {}",
            samples.len()
        )));
    }
    Ok(DecodedAudio {
        samples,
        sample_rate: rate,
        channels,
    })
}

/// Resamples mono audio from `from` Hz to `to` Hz with rubato's FFT resampler; the output has
/// `ceil(len * to / from)` samples and no delay. The same rate returns the input.
///
/// # Example
/// ```
/// use multimodal_search::data::own_audio::resample;
/// let second: Vec<f32> = (0..44100).map(|i| (i as f32 * 0.06).sin()).collect();
/// assert_eq!(resample(&second, 44100, 8000).unwrap().len(), 8000);
/// ```
pub fn resample(samples: &[f32], from: u32, to: u32) -> Result<Vec<f32>> {
    use rubato::audioadapter_buffers::owned::InterleavedOwned;
    use rubato::{Fft, FixedSync, Resampler};

    if from == to || samples.is_empty() {
        return Ok(samples.to_vec());
    }
    let fail =
        |what: String| Error::InvalidArgument(format!("resampling {from} -> {to} Hz: {what}"));
    let mut resampler = Fft::<f32>::new(from as usize, to as usize, 1024, 1, FixedSync::Input)
        .map_err(|e| fail(e.to_string()))?;
    let input = InterleavedOwned::new_from(samples.to_vec(), 1, samples.len())
        .map_err(|e| fail(e.to_string()))?;
    let needed = resampler.process_all_needed_output_len(samples.len());
    let mut output = InterleavedOwned::new(0.0f32, 1, needed);
    let (_, produced) = resampler
        .process_all_into_buffer(&input, &mut output, samples.len(), None)
        .map_err(|e| fail(e.to_string()))?;
    let mut out = output.take_data();
    out.truncate(produced);
    Ok(out)
}

/// The part of an 8 kHz clip that is not silence, by this rule:
///
/// - loudness is the RMS of 10 ms frames ([`TRIM_FRAME`] samples);
/// - the background is the 10th percentile of the frames' loudness;
/// - a frame is sound when it is louder than all of: FSDD's silence level ([`FSDD_SILENCE`],
///   its trimmer's 150 of 32768), 4 times the background (12 dB above room noise), and 1/30 of
///   the loudest frame (30 dB below the word's peak);
/// - the kept part runs from the first sound frame to the last, one frame wider on each side.
///
/// Returns the kept sample range, or why nothing was kept (an all-silent clip, or one where
/// nothing stands out of the noise).
///
/// # Example
/// ```
/// use multimodal_search::data::own_audio::trim_silence;
/// let mut clip = vec![0.0f32; 8000];
/// for (i, x) in clip[3000..5000].iter_mut().enumerate() { *x = 0.5 * (i as f32 * 0.3).sin(); }
/// assert_eq!(trim_silence(&clip).unwrap(), 2880..5120);
/// assert!(trim_silence(&vec![0.0; 8000]).is_err());
/// ```
pub fn trim_silence(samples: &[f32]) -> std::result::Result<Range<usize>, String> {
    let rms: Vec<f32> = samples
        .chunks(TRIM_FRAME)
        .map(|f| (f.iter().map(|x| x * x).sum::<f32>() / f.len() as f32).sqrt())
        .collect();
    if rms.is_empty() {
        return Err("the recording holds no samples".into());
    }
    let peak = rms.iter().copied().fold(0.0f32, f32::max);
    if peak <= FSDD_SILENCE {
        return Err(format!(
            "the recording is silent: its loudest 10 ms is {:.1} dBFS, at or below FSDD's silence \
             level of {:.1} dBFS (150 of 32768)",
            db(peak),
            db(FSDD_SILENCE)
        ));
    }
    let mut sorted = rms.clone();
    sorted.sort_by(f32::total_cmp);
    let background = sorted[sorted.len() / 10];
    let threshold = FSDD_SILENCE.max(4.0 * background).max(peak / 30.0);
    let first = rms.iter().position(|&r| r > threshold);
    let last = rms.iter().rposition(|&r| r > threshold);
    let (Some(first), Some(last)) = (first, last) else {
        return Err(format!(
            "nothing stands out of the background noise: the loudest 10 ms is {:.1} dBFS, the \
             background {:.1} dBFS; speak closer to the microphone",
            db(peak),
            db(background)
        ));
    };
    let start = first.saturating_sub(1) * TRIM_FRAME;
    let end = ((last + 2) * TRIM_FRAME).min(samples.len());
    Ok(start..end)
}

fn db(x: f32) -> f32 {
    20.0 * x.max(1e-10).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_we_do_not_read_are_named() {
        assert!(
            unsupported_format(&[0x1A, 0x45, 0xDF, 0xA3, 0, 0])
                .unwrap()
                .0
                .contains("WebM")
        );
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic");
        assert!(unsupported_format(&heic).unwrap().0.contains("HEIC"));
        let mut m4a = vec![0, 0, 0, 24];
        m4a.extend_from_slice(b"ftypM4A ");
        assert_eq!(unsupported_format(&m4a), None);
        assert_eq!(unsupported_format(b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn noise_alone_is_refused_and_noise_around_a_tone_is_trimmed() {
        let mut rng = 12345u32;
        let mut noise = || {
            rng = rng.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((rng >> 16) as f32 / 32768.0 - 1.0) * 0.01
        };
        let only_noise: Vec<f32> = (0..8000).map(|_| noise()).collect();
        assert!(
            trim_silence(&only_noise)
                .unwrap_err()
                .contains("background")
        );
        let clip: Vec<f32> = (0..8000)
            .map(|i| {
                noise()
                    + if (4000..6000).contains(&i) {
                        0.3 * (i as f32 * 0.2).sin()
                    } else {
                        0.0
                    }
            })
            .collect();
        let kept = trim_silence(&clip).unwrap();
        assert!(
            (3900..=4000).contains(&kept.start) && (6000..=6100).contains(&kept.end),
            "{kept:?}"
        );
    }
}
