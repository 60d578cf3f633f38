//! The crate's one error type.
//!
//! Every message says what was wrong and where: the file, the byte offset or the item, and what was
//! expected against what was found, so that a participant can fix the input without a debugger.

use std::path::PathBuf;

/// Everything that can go wrong in `multimodal_search`.
///
/// Variants carry the path (or URL) involved; their `Display` text is written for a person.
///
/// # Example
/// ```
/// use multimodal_search::data::parse_recording_name;
/// let err = parse_recording_name("hello.wav").unwrap_err();
/// assert!(err.to_string().contains("hello.wav"));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file had no bytes at all.
    #[error("{}: the file is empty (0 bytes)", path.display())]
    EmptyFile {
        /// The empty file.
        path: PathBuf,
    },
    /// A file named `.gz` did not start with the gzip magic bytes, or its gzip stream was corrupt.
    #[error("{}: not a valid gzip file: {reason}", path.display())]
    NotGzip {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// An IDX file (MNIST's format) did not start with the expected magic number.
    #[error(
        "{}: wrong IDX magic number at offset 0: expected {expected:#010x} ({what}), found {found:#010x}",
        path.display()
    )]
    BadMagic {
        /// The file.
        path: PathBuf,
        /// What the file should hold ("images" or "labels").
        what: &'static str,
        /// The magic number the reader expected.
        expected: u32,
        /// The magic number it found.
        found: u32,
    },
    /// An IDX file ended before the bytes its header promises.
    #[error(
        "{}: truncated IDX data: the header promises {expected} bytes from offset {offset}, but only {found} follow",
        path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Where the promised data starts.
        offset: usize,
        /// How many bytes the header promises.
        expected: usize,
        /// How many bytes are there.
        found: usize,
    },
    /// The image file and the label file of one MNIST split disagree on the item count.
    #[error("MNIST {split}: {images} images in {} but {labels} labels in {}", images_path.display(), labels_path.display())]
    CountMismatch {
        /// "train" or "test".
        split: &'static str,
        /// The image file.
        images_path: PathBuf,
        /// The label file.
        labels_path: PathBuf,
        /// Images in the image file.
        images: usize,
        /// Labels in the label file.
        labels: usize,
    },
    /// A label outside 0..=9.
    #[error("{}: label {label} at item {index} (offset {offset}) is not a digit 0-9", path.display())]
    BadLabel {
        /// The file.
        path: PathBuf,
        /// The item's index.
        index: usize,
        /// The byte offset of the label.
        offset: usize,
        /// The value found.
        label: u8,
    },
    /// An FSDD file name that is not `{digit}_{speaker}_{index}.wav`.
    #[error("{name}: not an FSDD recording name ({{digit}}_{{speaker}}_{{index}}.wav): {reason}")]
    BadRecordingName {
        /// The file name.
        name: String,
        /// Which part did not parse.
        reason: String,
    },
    /// A WAV whose format is not FSDD's mono 16-bit PCM at 8 kHz.
    #[error("{}: unsupported WAV format: expected mono 16-bit PCM at 8000 Hz, found {found}", path.display())]
    WavFormat {
        /// The file.
        path: PathBuf,
        /// The format found.
        found: String,
    },
    /// A WAV with a valid header but no samples.
    #[error("{}: the WAV holds no samples (zero-length recording)", path.display())]
    EmptyWav {
        /// The file.
        path: PathBuf,
    },
    /// A WAV that could not be parsed.
    #[error("{}: corrupt WAV: {source}", path.display())]
    Wav {
        /// The file.
        path: PathBuf,
        /// hound's error.
        source: hound::Error,
    },
    /// Some recordings could not be read (corrupt or truncated files).
    #[error(
        "{count} of {total} recordings could not be read: {errors}. Delete each file named (runs then \
         use the other recordings), or restore it: delete it, then run `mmsearch download`, which \
         fetches the missing recordings again"
    )]
    UnreadableRecordings {
        /// How many failed.
        count: usize,
        /// How many were read.
        total: usize,
        /// Each failure, naming its file.
        errors: String,
    },
    /// A data file or folder is missing and downloads are not allowed.
    #[error(
        "missing data: {what} not found in {}. Point --data or MMS_DATA at the folder that holds mnist/ and fsdd/recordings/, \
         {hint}",
        dir.display()
    )]
    MissingData {
        /// What is missing.
        what: String,
        /// Where it was looked for.
        dir: PathBuf,
        /// The other way to get it (allow downloads, or run `mmsearch download`).
        hint: &'static str,
    },
    /// The data folder named by `--data` or `MMS_DATA` does not exist (a typo, most often).
    #[error(
        "the data folder {} named by {via} does not exist: fix the path, or create the folder first \
         if the datasets should be downloaded into it",
        dir.display()
    )]
    DataDirNotFound {
        /// The folder.
        dir: PathBuf,
        /// `--data` or `MMS_DATA`.
        via: &'static str,
    },
    /// A tensor holds NaN or an infinity where finite numbers are needed.
    #[error("{what} hold {value} at row {row}, column {column}")]
    NotFinite {
        /// Which tensor.
        what: String,
        /// The first bad value.
        value: f32,
        /// Its row.
        row: usize,
        /// Its column.
        column: usize,
    },
    /// Training produced NaN or infinite values: the weights blew up.
    #[error(
        "training diverged at epoch {epoch}, step {step}: {reason}. The learning rate {learning_rate:e} \
         is most likely too high (the tutorial uses 1e-3): lower it"
    )]
    Diverged {
        /// The epoch (1-based).
        epoch: usize,
        /// The step within it (1-based).
        step: usize,
        /// What was not finite.
        reason: String,
        /// The learning rate in use.
        learning_rate: f64,
    },
    /// An HTTP download failed.
    #[error("download of {url} failed: {reason}")]
    Download {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// Downloaded bytes did not match their published checksum.
    #[error("checksum mismatch for {what}: expected {algorithm} {expected}, found {found}")]
    Checksum {
        /// The file or URL checked.
        what: String,
        /// "MD5" or "SHA-256".
        algorithm: &'static str,
        /// The published digest.
        expected: String,
        /// The digest of what arrived.
        found: String,
    },
    /// An argument out of its valid range (an empty batch, a zero size, mismatched lengths);
    /// built with [`bail!`](crate::bail) where no more specific variant fits.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A tensor of the wrong shape.
    #[error("{what}: expected shape {expected}, found {found:?}")]
    Shape {
        /// Which tensor.
        what: String,
        /// The shape it should have, as a formula (`(B, 1, H, W)`) or dims.
        expected: String,
        /// The shape it has.
        found: Vec<usize>,
    },
    /// A name that is not one of a choice's values (a model, loss, optimizer, metric).
    #[error("unknown {what} {found:?}: expected {expected}")]
    UnknownChoice {
        /// What was being chosen.
        what: &'static str,
        /// The name given.
        found: String,
        /// The names it accepts.
        expected: &'static str,
    },
    /// A file of the course kit (`exercises/info.toml`, a notebook, an exercise's source) that
    /// cannot be used as it is.
    #[error("{path}: {reason}")]
    Course {
        /// The file involved.
        path: PathBuf,
        /// What is wrong with it, and where.
        reason: String,
    },
    /// A value that crossed the grader's sandbox does not fit what it should be, or an error a
    /// participant's function returned there (its message, as recorded).
    #[error("{0}")]
    Answer(String),
    /// Grading a class cannot go on: what is missing or broken (the course, a build, a folder).
    #[error("grading: {0}")]
    Grade(String),
    /// The grader's sandbox cannot run here: what is missing and how to get it.
    #[error("{0}")]
    Sandbox(String),
    /// A training configuration a run cannot start with.
    #[error("invalid training config: {0}")]
    InvalidConfig(String),
    /// Parameters that do not fit the layers built from them: missing, mis-shaped, unexpected.
    #[error("parameters do not fit the model: {0}")]
    Parameters(String),
    /// A model asked for a modality it has no encoder for.
    #[error("the {model} model has no {modality} encoder")]
    NoEncoder {
        /// The model's name.
        model: &'static str,
        /// The modality asked for.
        modality: &'static str,
    },
    /// Turning a value into JSON (or back) failed.
    #[error("serializing {what} failed: {source}")]
    Serialization {
        /// What was being serialized.
        what: String,
        /// serde_json's error.
        source: serde_json::Error,
    },
    /// Drawing or encoding a figure failed.
    #[error("rendering {what} failed: {reason}")]
    Render {
        /// Which figure.
        what: String,
        /// The drawing or encoding library's message.
        reason: String,
    },
    /// A lock was poisoned: a thread panicked while holding it.
    #[error("{0} is unusable: a thread panicked while holding its lock")]
    Poisoned(&'static str),
    /// A checkpoint that cannot be used: missing or unreadable files, or weights whose names or
    /// shapes do not match the model its config describes.
    #[error("checkpoint {}: {reason}", path.display())]
    Checkpoint {
        /// The checkpoint folder or file.
        path: PathBuf,
        /// What was wrong, with expected and found values.
        reason: String,
    },
    /// A participant's own recording or picture in a format this crate does not read.
    #[error("{}: {format} is not supported. {advice}", path.display())]
    UnsupportedMedia {
        /// The file.
        path: PathBuf,
        /// The format recognized from the file's first bytes (or "an unrecognized format").
        format: String,
        /// What is supported, and how to convert.
        advice: String,
    },
    /// A participant's own recording or picture that could not be decoded (truncated, corrupt).
    #[error("{}: cannot read it as {what}: {reason}", path.display())]
    BadMedia {
        /// The file.
        path: PathBuf,
        /// What it was read as ("audio", "a PNG image").
        what: String,
        /// The decoder's complaint, or what was expected and found.
        reason: String,
    },
    /// A participant's own input over a size limit, refused before it fills memory.
    #[error("{}: {what} is {found}, over the limit of {limit}", path.display())]
    MediaTooLarge {
        /// The file.
        path: PathBuf,
        /// What was measured ("the recording", "the picture").
        what: String,
        /// The measured size.
        found: String,
        /// The limit.
        limit: String,
    },
    /// Nothing to search with: a silent clip, or a picture without ink.
    #[error("{}: {reason}", path.display())]
    EmptyQuery {
        /// The file.
        path: PathBuf,
        /// What was measured, against which rule.
        reason: String,
    },
    /// An error from candle (shapes, devices, dtypes).
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The value named `name` among `presets` (`(name, value)` pairs), or [`Error::UnknownChoice`]
/// listing the names: how the choices that carry settings (optimizer, progress mode) parse.
pub(crate) fn pick_preset<T: Copy>(
    presets: &[(&'static str, T)],
    name: &str,
    what: &'static str,
    expected: &'static str,
) -> Result<T> {
    presets
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .ok_or_else(|| Error::UnknownChoice {
            what,
            found: name.to_string(),
            expected,
        })
}

/// The name of `value` among `presets`, for clap's `ValueEnum::to_possible_value`.
#[cfg(feature = "cli")]
pub(crate) fn preset_name<T: PartialEq>(
    presets: &[(&'static str, T)],
    value: &T,
) -> Option<clap::builder::PossibleValue> {
    presets
        .iter()
        .find(|(_, v)| v == value)
        .map(|(n, _)| clap::builder::PossibleValue::new(*n))
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Returns early with [`Error::InvalidArgument`], formatted like `format!` (anyhow's `bail!`
/// for this crate's one error type).
///
/// # Example
/// ```
/// fn positive(x: i32) -> multimodal_search::Result<i32> {
///     if x <= 0 {
///         multimodal_search::bail!("expected a positive number, got {x}");
///     }
///     Ok(x)
/// }
/// assert!(positive(-1).unwrap_err().to_string().contains("got -1"));
/// ```
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::Error::InvalidArgument(format!($($arg)*)))
    };
}
