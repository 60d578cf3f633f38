//! FSDD, the Free Spoken Digit Dataset: the tutorial's second modality, read from WAV files.
//!
//! Mirrors the tutorial's use of the FSDD helper class and its split rule: recordings whose index
//! is 0-4 are the validation set, 5-49 the training set.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// FSDD's sample rate in Hz.
pub const FSDD_SAMPLE_RATE: u32 = 8000;
/// Recordings with an index below this are the validation (official test) split.
pub const FSDD_VALIDATION_INDICES: u32 = 5;

/// Which FSDD split a recording belongs to.
///
/// # Example
/// ```
/// use multimodal_search::data::FsddSplit;
/// assert_eq!(FsddSplit::of_index(4), FsddSplit::Validation);
/// assert_eq!(FsddSplit::of_index(5), FsddSplit::Train);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FsddSplit {
    /// Index 5-49: 2,700 recordings.
    Train,
    /// Index 0-4: 300 recordings (FSDD's official test set).
    Validation,
}

impl FsddSplit {
    /// The split a recording index falls in.
    pub fn of_index(index: u32) -> Self {
        if index < FSDD_VALIDATION_INDICES {
            FsddSplit::Validation
        } else {
            FsddSplit::Train
        }
    }
}

/// One FSDD recording: where it is and what its name says.
///
/// # Example
/// ```
/// use multimodal_search::data::Recording;
/// let r = Recording::from_path("recordings/7_jackson_32.wav".as_ref()).unwrap();
/// assert_eq!((r.digit, r.speaker.as_str(), r.index), (7, "jackson", 32));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recording {
    /// The WAV file.
    pub path: PathBuf,
    /// Its file name, the recording's id (`7_jackson_32.wav`).
    pub name: String,
    /// The spoken digit, 0-9: the label.
    pub digit: u8,
    /// Who spoke it.
    pub speaker: String,
    /// The repetition number; 0-4 is validation.
    pub index: u32,
}

impl Recording {
    /// Parses the recording's file name; the file itself is not read.
    pub fn from_path(path: &Path) -> Result<Self> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let (digit, speaker, index) = parse_recording_name(&name)?;
        Ok(Recording {
            path: path.to_path_buf(),
            name,
            digit,
            speaker,
            index,
        })
    }

    /// The split this recording belongs to.
    pub fn split(&self) -> FsddSplit {
        FsddSplit::of_index(self.index)
    }

    /// Reads the samples (see [`read_wav`]).
    pub fn samples(&self) -> Result<Vec<i16>> {
        read_wav(&self.path)
    }
}

/// Parses `{digit}_{speaker}_{index}.wav` into its three parts.
///
/// # Example
/// ```
/// use multimodal_search::data::parse_recording_name;
/// assert_eq!(parse_recording_name("5_george_5.wav").unwrap(), (5, "george".to_string(), 5));
/// assert!(parse_recording_name("12_george_5.wav").is_err());
/// ```
pub fn parse_recording_name(name: &str) -> Result<(u8, String, u32)> {
    let bad = |reason: &str| Error::BadRecordingName {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    let stem = name
        .strip_suffix(".wav")
        .ok_or_else(|| bad("the extension is not .wav"))?;
    let mut parts = stem.split('_');
    let (Some(d), Some(speaker), Some(i), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("expected exactly three parts separated by '_'"));
    };
    let digit = match d.as_bytes() {
        [c @ b'0'..=b'9'] => c - b'0',
        _ => return Err(bad(&format!("the digit part {d:?} is not one digit 0-9"))),
    };
    if speaker.is_empty() || !speaker.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(bad(&format!(
            "the speaker part {speaker:?} is not a non-empty word"
        )));
    }
    let index: u32 = i
        .parse()
        .ok()
        .filter(|_| i.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| bad(&format!("the index part {i:?} is not a whole number")))?;
    Ok((digit, speaker.to_string(), index))
}

/// A file the scanner passed over, with the reason: the caller decides whether that is fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    /// The file.
    pub path: PathBuf,
    /// Why it was not taken.
    pub reason: String,
}

/// The result of scanning a `recordings/` folder: both splits, sorted by file name, and what was skipped.
///
/// # Example
/// ```no_run
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::FsddScan;
/// let scan = FsddScan::scan("data/fsdd/recordings".as_ref())?;
/// println!("{} train, {} validation, {} skipped", scan.train.len(), scan.validation.len(), scan.skipped.len());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct FsddScan {
    /// Index 5-49, sorted by file name.
    pub train: Vec<Recording>,
    /// Index 0-4, sorted by file name.
    pub validation: Vec<Recording>,
    /// Entries that are not FSDD recordings (bad names, non-WAV files, folders).
    pub skipped: Vec<SkippedFile>,
}

impl FsddScan {
    /// Lists `dir` and sorts every `{digit}_{speaker}_{index}.wav` into its split.
    ///
    /// Files are not opened here; a missing or empty folder is an error.
    pub fn scan(dir: &Path) -> Result<Self> {
        let entries = std::fs::read_dir(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::MissingData {
                what: "the FSDD recordings folder".into(),
                dir: dir.to_path_buf(),
                hint: crate::data::location::FETCH_HINT,
            },
            _ => Error::io(dir, e),
        })?;
        let mut scan = FsddScan::default();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let path = entry.path();
            if !path.is_file() {
                scan.skipped.push(SkippedFile {
                    path,
                    reason: "not a regular file".into(),
                });
                continue;
            }
            match Recording::from_path(&path) {
                Ok(r) => match r.split() {
                    FsddSplit::Train => scan.train.push(r),
                    FsddSplit::Validation => scan.validation.push(r),
                },
                Err(e) => scan.skipped.push(SkippedFile {
                    path,
                    reason: e.to_string(),
                }),
            }
        }
        if scan.train.is_empty() && scan.validation.is_empty() {
            return Err(Error::MissingData {
                what: "FSDD recordings ({digit}_{speaker}_{index}.wav)".into(),
                dir: dir.to_path_buf(),
                hint: crate::data::location::FETCH_HINT,
            });
        }
        scan.train.sort_by(|a, b| a.name.cmp(&b.name));
        scan.validation.sort_by(|a, b| a.name.cmp(&b.name));
        scan.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(scan)
    }

    /// The recordings of one split.
    pub fn split(&self, split: FsddSplit) -> &[Recording] {
        match split {
            FsddSplit::Train => &self.train,
            FsddSplit::Validation => &self.validation,
        }
    }
}

/// Reads an FSDD WAV: mono, 16-bit integer PCM, 8 kHz; anything else is an error naming the file.
///
/// # Shapes
/// Returns the `n` samples as `i16`, `n >= 1`.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let path = std::env::temp_dir().join("mms_doc_read_wav.wav");
/// let spec = hound::WavSpec { channels: 1, sample_rate: 8000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
/// let mut w = hound::WavWriter::create(&path, spec)?;
/// for s in [0i16, 100, -100] { w.write_sample(s)?; }
/// w.finalize()?;
/// assert_eq!(multimodal_search::data::read_wav(&path)?, vec![0, 100, -100]);
/// # Ok(()) }
/// ```
pub fn read_wav(path: &Path) -> Result<Vec<i16>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode_wav(&bytes, path)
}

/// Decodes an FSDD WAV already in memory; `path` is only used in error messages.
///
/// hound parses and validates the header; the samples are then taken straight from the data
/// chunk as little-endian `i16`, which is about 10x faster than hound's per-sample iterator.
pub(crate) fn decode_wav(bytes: &[u8], path: &Path) -> Result<Vec<i16>> {
    let wav_err = |source| Error::Wav {
        path: path.to_path_buf(),
        source,
    };
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(wav_err)?;
    let spec = reader.spec();
    if spec.channels != 1
        || spec.bits_per_sample != 16
        || spec.sample_format != hound::SampleFormat::Int
        || spec.sample_rate != FSDD_SAMPLE_RATE
    {
        return Err(Error::WavFormat {
            path: path.to_path_buf(),
            found: format!(
                "{} channel(s), {}-bit {:?}, {} Hz",
                spec.channels, spec.bits_per_sample, spec.sample_format, spec.sample_rate
            ),
        });
    }
    let n = reader.len() as usize;
    // After the header, the cursor stands at the first byte of the data chunk.
    let start = reader.into_inner().position() as usize;
    let data = bytes.get(start..start + 2 * n).ok_or_else(|| {
        wav_err(hound::Error::FormatError(
            "the data chunk is shorter than its header says",
        ))
    })?;
    if n == 0 {
        return Err(Error::EmptyWav {
            path: path.to_path_buf(),
        });
    }
    Ok(data
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect())
}
