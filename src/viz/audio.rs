//! `AudioPlayer`: an inline `<audio controls>` player, the tutorial's `ipd.Audio`.

use std::io::Cursor;
use std::path::Path;

use crate::data::{FSDD_SAMPLE_RATE, Recording, read_wav};
use crate::error::{Error, Result};
use crate::fs::write_atomic;
use crate::viz::rich::{data_uri, escape_html, html_page, print_block};

/// A playable clip: 16-bit mono WAV bytes and a caption, shown as an HTML5 player with the WAV
/// inlined as base64 (no file server needed, so the notebook plays anywhere it is opened).
///
/// # Shapes
/// Samples: `n` i16 at `sample_rate` Hz, one channel (FSDD: 8,000 Hz, about 0.5 s).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::AudioPlayer;
/// let tone: Vec<i16> = (0..800).map(|i| ((i as f32 * 0.3).sin() * 8000.0) as i16).collect();
/// let player = AudioPlayer::from_samples(&tone, 8000, "a short tone")?;
/// assert!(player.wav_bytes().starts_with(b"RIFF"));
/// assert!(player.to_html().contains("<audio controls"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AudioPlayer {
    wav: Vec<u8>,
    caption: String,
}

impl AudioPlayer {
    /// Encodes `samples` as a mono 16-bit WAV.
    pub fn from_samples(samples: &[i16], sample_rate: u32, caption: &str) -> Result<Self> {
        if samples.is_empty() || sample_rate == 0 {
            crate::bail!(
                "audio player {caption:?}: needs samples and a sample rate, found {} samples at {sample_rate} Hz",
                samples.len()
            );
        }
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut cursor = Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
        let wav_err = |e: hound::Error| Error::Render {
            what: format!("the WAV of audio player {caption:?}"),
            reason: e.to_string(),
        };
        let mut writer = hound::WavWriter::new(&mut cursor, spec).map_err(wav_err)?;
        for &s in samples {
            writer.write_sample(s).map_err(wav_err)?;
        }
        writer.finalize().map_err(wav_err)?;
        Ok(AudioPlayer {
            wav: cursor.into_inner(),
            caption: caption.to_string(),
        })
    }

    /// A recording, read from its WAV file and captioned with its name.
    pub fn from_recording(recording: &Recording) -> Result<Self> {
        Self::from_wav_file(&recording.path, &recording.name)
    }

    /// An FSDD WAV file (8 kHz mono 16-bit, checked by [`read_wav`]), captioned with `caption`.
    pub fn from_wav_file(path: &Path, caption: &str) -> Result<Self> {
        Self::from_samples(&read_wav(path)?, FSDD_SAMPLE_RATE, caption)
    }

    /// The caption shown above the player.
    pub fn caption(&self) -> &str {
        &self.caption
    }

    /// The WAV file's bytes.
    pub fn wav_bytes(&self) -> &[u8] {
        &self.wav
    }

    /// The player as an HTML fragment: caption and `<audio controls>` with the WAV inlined.
    pub fn to_html(&self) -> String {
        format!(
            "<figure style=\"margin:4px 8px;display:inline-block\"><figcaption style=\"font:13px sans-serif\">{}</figcaption><audio controls preload=\"none\" src=\"{}\"></audio></figure>",
            escape_html(&self.caption),
            data_uri("audio/wav", &self.wav)
        )
    }

    /// Writes the clip to `path`: a `.html` path gets a page with the player, anything else the
    /// WAV file itself.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        if path.extension().is_some_and(|e| e == "html") {
            write_atomic(path, html_page(&self.caption, &self.to_html()).as_bytes())
        } else {
            write_atomic(path, &self.wav)
        }
    }

    /// Shows the player in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        print_block("text/html", &self.to_html());
    }
}
