//! The sandbox's data folder: what a participant's program may read to train, without what its
//! answers are scored against. Exercises that train (a loss, an encoder, transforms, heads of the
//! participant's) run a short training run in the sandbox and answer with what their model gives
//! the validation images; the grader compares those with the labels outside. So the copy holds
//! MNIST's training images and labels as they are, its test images in the batch's secret order
//! ([`crate::exercise::training::secret_order`]) with every label 0, and FSDD's training
//! recordings as they are. No FSDD validation recording is copied (names and file contents would
//! give their digits away: the crate carries FSDD's checksum manifest); one training recording
//! stands in as digit 0, because the dataset type needs a non-empty validation set.

use std::path::Path;

use crate::data::{DataDir, MnistSplit};
use crate::error::{Error, Result};
use crate::exercise::training::secret_order;

/// What [`blind_copy`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlindCopy {
    /// FSDD training recordings copied as they are.
    pub train_recordings: usize,
    /// MNIST test images, in the secret order, whose labels were replaced by 0.
    pub blinded_images: usize,
}

/// Copies the data `source` holds into `dest` (a new folder), without the validation labels,
/// the test images in `secret_order(seed, n)`.
///
/// # Example
/// ```no_run
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::{DataDir, TutorialData};
/// use multimodal_search::shell::grade::blind_copy;
/// let made = blind_copy(&DataDir::resolve(None, true), std::path::Path::new("/tmp/blind"), 7)?;
/// let seen = TutorialData::load(&DataDir::new("/tmp/blind", true))?;
/// assert!(seen.validation_images().labels().iter().all(|&l| l == 0));
/// assert_eq!(made.blinded_images, 10_000);
/// # Ok(()) }
/// ```
pub fn blind_copy(source: &DataDir, dest: &Path, seed: u64) -> Result<BlindCopy> {
    let mnist_from = source.ensure_mnist()?;
    let mnist_to = dest.join("mnist");
    let fsdd_to = dest.join("fsdd").join("recordings");
    for d in [&mnist_to, &fsdd_to] {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
    }
    let (train_images, train_labels) = MnistSplit::Train.file_stems();
    let (test_images, test_labels) = MnistSplit::Test.file_stems();
    for stem in [train_images, train_labels] {
        let (from, name) = idx_file(&mnist_from, stem)?;
        link_or_copy(&from, &mnist_to.join(name))?;
    }
    // The test images in the secret order, raw IDX (magic 2051, count, rows, cols, pixels).
    let test = source.mnist(MnistSplit::Test)?;
    let (rows, cols) = test.dims();
    let n = test.len();
    let mut images = Vec::with_capacity(16 + n * rows * cols);
    for v in [2051, n, rows, cols] {
        images.extend_from_slice(&(v as u32).to_be_bytes());
    }
    for i in secret_order(seed, n) {
        images.extend_from_slice(test.image(i));
    }
    let to = mnist_to.join(test_images);
    std::fs::write(&to, &images).map_err(|e| Error::io(&to, e))?;
    // The test labels: an IDX label file (magic 2049, the count, one byte each) of zeros, as
    // long as the real one, so the loader's count check holds.
    let mut labels = Vec::with_capacity(8 + n);
    labels.extend_from_slice(&2049u32.to_be_bytes());
    labels.extend_from_slice(&(n as u32).to_be_bytes());
    labels.resize(8 + n, 0);
    let to = mnist_to.join(test_labels);
    std::fs::write(&to, &labels).map_err(|e| Error::io(&to, e))?;
    let scan = source.fsdd()?;
    for r in &scan.train {
        link_or_copy(&r.path, &fsdd_to.join(&r.name))?;
    }
    let Some(first) = scan.train.first() else {
        return Err(Error::Grade(format!(
            "{}: no FSDD training recording to train on",
            source.fsdd_dir().display()
        )));
    };
    std::fs::copy(&first.path, fsdd_to.join("0_standin_0.wav"))
        .map_err(|e| Error::io(&first.path, e))?;
    Ok(BlindCopy {
        train_recordings: scan.train.len(),
        blinded_images: n,
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
