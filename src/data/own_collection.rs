//! A participant's own collection of recordings and drawings: a folder, prepared for search or
//! for training.
//!
//! Files are found by extension (recursively; hidden files skipped), prepared as FSDD's and
//! MNIST's ([`prepare_audio`], [`prepare_digit`]), and labelled by a leading digit in the name
//! (`7_anna_kitchen.m4a`, `3-photo.jpg`) when there is one. A file that cannot be prepared is
//! listed with the reason, not fatal: one bad phone recording does not stop the index.

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};
use rayon::prelude::*;

use crate::data::LabeledSet;
use crate::data::own_audio::{PreparedAudio, prepare_audio};
use crate::data::own_image::{PreparedDigit, prepare_digit};
use crate::error::{Error, Result};

/// Extensions read as recordings (some only to name them as unsupported).
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "flac", "ogg", "oga", "mp3", "m4a", "aac", "mp4", "aif", "aiff", "caf", "webm",
    "opus", "amr", "3gp",
];
/// Extensions read as pictures (some only to name them as unsupported).
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "heic", "heif", "webp", "gif", "bmp", "tif", "tiff",
];

/// This crate's example queries, `fixtures/queries` (recordings, pictures and bad files; see its
/// README): what notebook 07 and the tests search with.
///
/// # Example
/// ```
/// let dir = multimodal_search::data::own_collection::example_queries_dir();
/// assert!(dir.join("manifest.tsv").is_file());
/// ```
pub fn example_queries_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/queries")
}

/// The label of a file whose name does not start with a digit, in an own collection's index.
pub const UNLABELED: u32 = 10;

/// Items ready to embed: `(items (N, 1, H, W), labels, ids)`.
pub type Indexable = (Tensor, Vec<u32>, Vec<String>);

/// The prepared files of a folder, and those that could not be prepared.
#[derive(Debug, Default)]
pub struct OwnCollection {
    /// Recordings, with the digit their name starts with.
    pub audio: Vec<(Option<u8>, PreparedAudio)>,
    /// Pictures, with the digit their name starts with.
    pub images: Vec<(Option<u8>, PreparedDigit)>,
    /// Files found but refused, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

/// The digit a file name starts with, when a separator (`_`, `-`, `.`, space) follows it.
///
/// # Example
/// ```
/// use multimodal_search::data::own_collection::label_of;
/// assert_eq!(label_of("7_anna.m4a".as_ref()), Some(7));
/// assert_eq!(label_of("3-photo.jpg".as_ref()), Some(3));
/// assert_eq!(label_of("12_x.wav".as_ref()), None);
/// assert_eq!(label_of("kitchen.wav".as_ref()), None);
/// ```
pub fn label_of(path: &Path) -> Option<u8> {
    let name = path.file_name()?.to_str()?.as_bytes();
    match name {
        [d @ b'0'..=b'9', b'_' | b'-' | b'.' | b' ', ..] => Some(d - b'0'),
        _ => None,
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<std::io::Result<_>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        let kind = e.file_type().map_err(io)?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if kind.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

impl OwnCollection {
    /// Finds and prepares every recording and picture under `dir`, in name order.
    ///
    /// # Example
    /// ```
    /// # fn main() -> multimodal_search::Result<()> {
    /// use multimodal_search::data::own_collection::OwnCollection;
    /// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/queries/special");
    /// let c = OwnCollection::scan(&dir)?;
    /// // known_silence.wav; a steady tone has no silence to stand out of, and is refused
    /// assert_eq!(c.audio.len(), 1);
    /// assert!(c.skipped.iter().any(|(p, why)| p.ends_with("voice.webm") && why.contains("WebM")));
    /// # Ok(()) }
    /// ```
    pub fn scan(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::InvalidArgument(format!(
                "{}: not a folder (expected a folder of recordings and pictures)",
                dir.display()
            )));
        }
        let mut files = Vec::new();
        walk(dir, &mut files)?;
        enum Prepared {
            Audio(PreparedAudio),
            Image(PreparedDigit),
            Skipped(String),
            Other,
        }
        let prepared: Vec<(PathBuf, Prepared)> = files
            .into_par_iter()
            .map(|path| {
                let ext = extension(&path);
                let p = if AUDIO_EXTENSIONS.contains(&ext.as_str()) {
                    prepare_audio(&path)
                        .map_or_else(|e| Prepared::Skipped(e.to_string()), Prepared::Audio)
                } else if IMAGE_EXTENSIONS.contains(&ext.as_str()) {
                    prepare_digit(&path)
                        .map_or_else(|e| Prepared::Skipped(e.to_string()), Prepared::Image)
                } else {
                    Prepared::Other
                };
                (path, p)
            })
            .collect();
        let mut c = OwnCollection::default();
        for (path, p) in prepared {
            let label = label_of(&path);
            match p {
                Prepared::Audio(a) => c.audio.push((label, a)),
                Prepared::Image(i) => c.images.push((label, i)),
                Prepared::Skipped(why) => c.skipped.push((path, why)),
                Prepared::Other => {}
            }
        }
        Ok(c)
    }

    /// The labelled recordings as spectrograms, for training or a labelled index (unlabelled
    /// ones are left out). Ids are the file paths.
    ///
    /// # Shapes
    /// items `(N, 1, 64, 64)` f32, normalized.
    pub fn audio_set(&self, device: &Device) -> Result<Option<LabeledSet>> {
        let labelled = self.audio.iter().filter(|(l, _)| l.is_some());
        labeled_set(stack(
            labelled.map(|(l, a)| (*l, a.path.as_path(), a.tensor(device))),
        )?)
    }

    /// The labelled pictures as MNIST-like digits, for training or a labelled index.
    ///
    /// # Shapes
    /// items `(N, 1, 28, 28)` f32, normalized.
    pub fn image_set(&self, device: &Device) -> Result<Option<LabeledSet>> {
        let labelled = self.images.iter().filter(|(l, _)| l.is_some());
        labeled_set(stack(
            labelled.map(|(l, i)| (*l, i.path.as_path(), i.tensor(device))),
        )?)
    }

    /// Every recording (labelled or not, [`UNLABELED`] when not) as spectrograms, with the file
    /// paths as ids: what `mmsearch index` embeds. `None` when there is none.
    ///
    /// # Shapes
    /// `(N, 1, 64, 64)` f32, normalized.
    pub fn all_audio(&self, device: &Device) -> Result<Option<Indexable>> {
        stack(
            self.audio
                .iter()
                .map(|(l, a)| (*l, a.path.as_path(), a.tensor(device))),
        )
    }

    /// Every picture (labelled or not) as MNIST-like digits, with the file paths as ids.
    ///
    /// # Shapes
    /// `(N, 1, 28, 28)` f32, normalized.
    pub fn all_images(&self, device: &Device) -> Result<Option<Indexable>> {
        stack(
            self.images
                .iter()
                .map(|(l, i)| (*l, i.path.as_path(), i.tensor(device))),
        )
    }
}

/// Stacks prepared items into `(items, labels, ids)`: [`UNLABELED`] for a missing label, the
/// path as id; `None` when there is no item.
fn stack<'a>(
    items: impl Iterator<Item = (Option<u8>, &'a Path, Result<Tensor>)>,
) -> Result<Option<Indexable>> {
    let (mut xs, mut labels, mut ids) = (Vec::new(), Vec::new(), Vec::new());
    for (label, path, x) in items {
        xs.push(x?);
        labels.push(label.map_or(UNLABELED, u32::from));
        ids.push(path.display().to_string());
    }
    if xs.is_empty() {
        return Ok(None);
    }
    Ok(Some((Tensor::cat(&xs, 0)?, labels, ids)))
}

fn labeled_set(stacked: Option<Indexable>) -> Result<Option<LabeledSet>> {
    stacked
        .map(|(items, labels, ids)| LabeledSet::new(items, labels, ids))
        .transpose()
}
