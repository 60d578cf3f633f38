//! The submission copier: a participant's folder copied into a private folder the sandbox then
//! sees, taking only plain files and folders. It never follows a link: a symlink, a hard link
//! (a regular file with more than one name), a device, FIFO or socket is refused, as is a file
//! over the size limit, a folder nested too deep, a name that is not printable UTF-8, and
//! anything past the limits on files and bytes. Refusals are reported, not fatal: the grader puts
//! them in the participant's feedback and grades what was copied.
//!
//! Each file is opened without following links (`O_NOFOLLOW`) and checked again after opening
//! (same device and inode as when it was listed, still a plain file with one link), so swapping
//! a file for a link between the listing and the copy gains nothing.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What the copier takes at most from one participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyLimits {
    /// Largest single file, in bytes.
    pub max_file_bytes: u64,
    /// All files together, in bytes.
    pub max_total_bytes: u64,
    /// Number of files.
    pub max_files: usize,
    /// Folder depth below the submission's top folder (its files are at depth 0).
    pub max_depth: usize,
}

impl Default for CopyLimits {
    /// 16 MiB a file (a notebook with its outputs is well under 1 MiB), 64 MiB in all, 2,000
    /// files, 8 folders deep.
    fn default() -> Self {
        Self {
            max_file_bytes: 16 << 20,
            max_total_bytes: 64 << 20,
            max_files: 2_000,
            max_depth: 8,
        }
    }
}

/// Why one entry of a submission was not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A symbolic link (never followed, wherever it points).
    Symlink,
    /// A regular file with `links` names: a hard link may share its data with any file.
    HardLink {
        /// The file's link count.
        links: u64,
    },
    /// A device, FIFO or socket.
    Special,
    /// A file larger than the limit.
    TooLarge {
        /// Its size (or more: reading stopped at the limit).
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A folder nested deeper than the limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The file count or byte total was reached before this entry.
    OverTotal,
    /// A name that is not printable UTF-8 (control characters, invalid bytes).
    BadName,
    /// The entry changed between listing and opening (swapped for another file or a link).
    Changed,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Symlink => write!(f, "a symbolic link (links are not copied)"),
            Refusal::HardLink { links } => {
                write!(f, "a hard link ({links} names for one file; not copied)")
            }
            Refusal::Special => write!(f, "a device, FIFO or socket (not copied)"),
            Refusal::TooLarge { bytes, limit } => {
                write!(
                    f,
                    "{bytes} bytes or more, over the {limit}-byte limit for one file"
                )
            }
            Refusal::TooDeep { limit } => write!(f, "nested deeper than {limit} folders"),
            Refusal::OverTotal => write!(f, "past the submission's limit on files or bytes"),
            Refusal::BadName => write!(f, "a name that is not printable UTF-8"),
            Refusal::Changed => write!(f, "changed while it was being copied"),
        }
    }
}

/// What one copy did: the files copied (relative paths), the entries refused, the bytes copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Files copied, relative to the submission's folder, in the order copied.
    pub copied: Vec<PathBuf>,
    /// Entries not copied, relative to the submission's folder, each with its reason.
    pub refused: Vec<(PathBuf, Refusal)>,
    /// Bytes copied in all.
    pub bytes: u64,
}

/// Copies the plain files and folders under `from` into `to` (created, and it must not exist),
/// refusing links, special files and anything past `limits` (see the module's documentation).
///
/// Errors: `from` is not a real folder (a link to one is refused as well), `to` exists, or
/// writing under `to` fails. What is wrong inside `from` is in the report, not an error.
///
/// ```
/// use multimodal_search::shell::grade::{CopyLimits, Refusal, copy_submission};
/// let dir = tempfile::tempdir()?;
/// let (from, to) = (dir.path().join("alice"), dir.path().join("copy"));
/// std::fs::create_dir_all(from.join("exercises/src"))?;
/// std::fs::write(from.join("exercises/src/pca.rs"), "pub fn pca() {}")?;
/// std::os::unix::fs::symlink("/etc/passwd", from.join("exercises/src/secret.rs"))?;
/// let report = copy_submission(&from, &to, &CopyLimits::default())?;
/// assert_eq!(report.copied, vec![std::path::PathBuf::from("exercises/src/pca.rs")]);
/// assert_eq!(report.refused[0].1, Refusal::Symlink);
/// assert!(!to.join("exercises/src/secret.rs").exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn copy_submission(from: &Path, to: &Path, limits: &CopyLimits) -> Result<CopyReport> {
    let top = fs::symlink_metadata(from).map_err(|e| Error::io(from, e))?;
    if !top.file_type().is_dir() {
        return Err(Error::Course {
            path: from.to_path_buf(),
            reason: "a submission must be a folder (not a link, not a file)".into(),
        });
    }
    fs::create_dir(to).map_err(|e| Error::io(to, e))?;
    let mut report = CopyReport::default();
    copy_dir(from, to, Path::new(""), 0, limits, &mut report)?;
    Ok(report)
}

/// Copies one folder's entries, in name order (so two copies of one submission agree).
fn copy_dir(
    from: &Path,
    to: &Path,
    rel: &Path,
    depth: usize,
    limits: &CopyLimits,
    report: &mut CopyReport,
) -> Result<()> {
    let mut names: Vec<_> = fs::read_dir(from)
        .map_err(|e| Error::io(from, e))?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<std::io::Result<_>>()
        .map_err(|e| Error::io(from, e))?;
    names.sort();
    for name in names {
        let (src, item) = (from.join(&name), rel.join(&name));
        let printable = name
            .to_str()
            .is_some_and(|s| !s.chars().any(char::is_control));
        if !printable {
            report.refused.push((item, Refusal::BadName));
            continue;
        }
        // lstat: the entry itself, never what a link points at.
        let Ok(meta) = fs::symlink_metadata(&src) else {
            report.refused.push((item, Refusal::Changed));
            continue;
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            report.refused.push((item, Refusal::Symlink));
        } else if kind.is_dir() {
            if depth >= limits.max_depth {
                report.refused.push((
                    item,
                    Refusal::TooDeep {
                        limit: limits.max_depth,
                    },
                ));
                continue;
            }
            let dst = to.join(&name);
            fs::create_dir(&dst).map_err(|e| Error::io(&dst, e))?;
            copy_dir(&src, &dst, &item, depth + 1, limits, report)?;
        } else if !kind.is_file() {
            report.refused.push((item, Refusal::Special));
        } else if meta.nlink() > 1 {
            report.refused.push((
                item,
                Refusal::HardLink {
                    links: meta.nlink(),
                },
            ));
        } else if meta.len() > limits.max_file_bytes {
            report.refused.push((
                item,
                Refusal::TooLarge {
                    bytes: meta.len(),
                    limit: limits.max_file_bytes,
                },
            ));
        } else if report.copied.len() >= limits.max_files
            || report.bytes + meta.len() > limits.max_total_bytes
        {
            report.refused.push((item, Refusal::OverTotal));
        } else {
            match copy_file(&src, &to.join(&name), &meta, limits)? {
                Ok(bytes) => {
                    report.bytes += bytes;
                    report.copied.push(item);
                }
                Err(refusal) => report.refused.push((item, refusal)),
            }
        }
    }
    Ok(())
}

/// Copies one plain file opened without following links, after checking that what was opened is
/// what was listed; reads at most the size limit plus one byte. The outer error is the
/// destination's; the inner one a refusal of the source.
fn copy_file(
    src: &Path,
    dst: &Path,
    listed: &fs::Metadata,
    limits: &CopyLimits,
) -> Result<std::result::Result<u64, Refusal>> {
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(src);
    let Ok(file) = opened else {
        return Ok(Err(Refusal::Changed));
    };
    let Ok(now) = file.metadata() else {
        return Ok(Err(Refusal::Changed));
    };
    if now.dev() != listed.dev()
        || now.ino() != listed.ino()
        || !now.file_type().is_file()
        || now.nlink() != 1
    {
        return Ok(Err(Refusal::Changed));
    }
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(src, e))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Ok(Err(Refusal::TooLarge {
            bytes: bytes.len() as u64,
            limit: limits.max_file_bytes,
        }));
    }
    let mut out = File::create_new(dst).map_err(|e| Error::io(dst, e))?;
    out.write_all(&bytes).map_err(|e| Error::io(dst, e))?;
    Ok(Ok(bytes.len() as u64))
}
