//! The sandbox's data folder: what a participant's program may read to train, without what its
//! answers are scored against. Exercises that train (a loss, an encoder, transforms, heads of the
//! participant's) run a short training run in the sandbox and answer with the classes their model
//! gives the validation images; the grader compares those with the labels outside. So the copy
//! holds MNIST's training images and labels, its test images with every label 0, and FSDD's
//! training recordings as they are, its validation recordings renamed to digit 0 (speaker
//! `v<k>`, the repetition kept, so they stay the validation split).

use std::path::Path;

use crate::data::{DataDir, MnistSplit};
use crate::error::{Error, Result};

/// What [`blind_copy`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlindCopy {
    /// FSDD training recordings copied as they are.
    pub train_recordings: usize,
    /// FSDD validation recordings copied under a name without their digit.
    pub validation_recordings: usize,
    /// MNIST test images whose labels were replaced by 0.
    pub blinded_images: usize,
}

/// Copies the data `source` holds into `dest` (a new folder), without the validation labels.
///
/// # Example
/// ```no_run
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::{DataDir, TutorialData};
/// use multimodal_search::shell::grade::blind_copy;
/// let made = blind_copy(&DataDir::resolve(None, true), std::path::Path::new("/tmp/blind"))?;
/// let seen = TutorialData::load(&DataDir::new("/tmp/blind", true))?;
/// assert!(seen.validation_images().labels().iter().all(|&l| l == 0));
/// assert_eq!(made.blinded_images, 10_000);
/// # Ok(()) }
/// ```
pub fn blind_copy(source: &DataDir, dest: &Path) -> Result<BlindCopy> {
    let mnist_from = source.ensure_mnist()?;
    let mnist_to = dest.join("mnist");
    let fsdd_to = dest.join("fsdd").join("recordings");
    for d in [&mnist_to, &fsdd_to] {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
    }
    let (train_images, train_labels) = MnistSplit::Train.file_stems();
    let (test_images, test_labels) = MnistSplit::Test.file_stems();
    for stem in [train_images, train_labels, test_images] {
        let (from, name) = idx_file(&mnist_from, stem)?;
        link_or_copy(&from, &mnist_to.join(name))?;
    }
    // The test labels: an IDX label file (magic 2049, the count, one byte each) of zeros, as
    // long as the real one, so the loader's count check holds.
    let blinded_images = source.mnist(MnistSplit::Test)?.len();
    let mut labels = Vec::with_capacity(8 + blinded_images);
    labels.extend_from_slice(&2049u32.to_be_bytes());
    labels.extend_from_slice(&(blinded_images as u32).to_be_bytes());
    labels.resize(8 + blinded_images, 0);
    let to = mnist_to.join(test_labels);
    std::fs::write(&to, &labels).map_err(|e| Error::io(&to, e))?;
    let scan = source.fsdd()?;
    for r in &scan.train {
        link_or_copy(&r.path, &fsdd_to.join(&r.name))?;
    }
    for (k, r) in scan.validation.iter().enumerate() {
        let name = format!("0_v{k}_{}.wav", r.index);
        link_or_copy(&r.path, &fsdd_to.join(name))?;
    }
    Ok(BlindCopy {
        train_recordings: scan.train.len(),
        validation_recordings: scan.validation.len(),
        blinded_images,
    })
}

/// The IDX file of `stem` in `dir`, raw or gzipped, and its file name.
fn idx_file(dir: &Path, stem: &str) -> Result<(std::path::PathBuf, String)> {
    for name in [format!("{stem}.gz"), stem.to_string()] {
        let p = dir.join(&name);
        if p.is_file() {
            return Ok((p, name));
        }
    }
    Err(Error::Grade(format!(
        "{}: no {stem} (raw or .gz) to copy into the sandbox's data",
        dir.display()
    )))
}

/// A hard link where `from` and `to` share a file system (no bytes copied), else a copy.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).map_err(|e| Error::io(from, e))?;
    Ok(())
}
