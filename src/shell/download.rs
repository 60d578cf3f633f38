//! Fetching the datasets when they are not on disk: MNIST's four IDX files and FSDD's recordings
//! from a pinned commit, each verified against a published checksum and written atomically.
//!
//! The tutorial downloads MNIST through `torchvision` and clones the FSDD repository; this module
//! does both without Python or git. Nothing half-written is ever left: bytes go to a temporary file
//! beside the destination and are renamed into place only once their checksum matches.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use md5::Md5;
use sha2::{Digest, Sha256};

use crate::data::MNIST_FILES;
use crate::error::{Error, Result};

/// The SHA-256 digest of every FSDD recording, by file name.
///
/// [`FsddManifest::official`] is the committed list of all 3,000 recordings.
///
/// # Example
/// ```
/// use multimodal_search::shell::download::FsddManifest;
/// assert_eq!(FsddManifest::official().len(), 3000);
/// let m = FsddManifest::parse(&format!("{}  0_a_0.wav\n", "ab".repeat(32))).unwrap();
/// assert_eq!(m.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsddManifest {
    digests: BTreeMap<String, String>,
}

impl FsddManifest {
    /// The 3,000 recordings of the pinned FSDD commit (`src/shell/fsdd_manifest.sha256`).
    pub fn official() -> Self {
        // The committed manifest is valid `sha256sum` output (checked by a unit test), so parsing
        // cannot fail.
        Self::parse(include_str!("fsdd_manifest.sha256")).expect("committed manifest parses")
    }

    /// Parses `sha256sum` output: `<64 hex digits>  <file name>` per line.
    pub fn parse(text: &str) -> Result<Self> {
        let mut digests = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (digest, name) = line.split_once("  ").ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "manifest line {}: expected '<sha256>  <name>'",
                    n + 1
                ))
            })?;
            if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                crate::bail!(
                    "manifest line {}: {digest:?} is not a SHA-256 hex digest",
                    n + 1
                );
            }
            digests.insert(name.trim().to_string(), digest.to_ascii_lowercase());
        }
        Ok(FsddManifest { digests })
    }

    /// Number of recordings listed.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// True when nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    /// The digest of `name`, if listed.
    pub fn digest(&self, name: &str) -> Option<&str> {
        self.digests.get(name).map(String::as_str)
    }

    /// The names listed, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.digests.keys().map(String::as_str)
    }
}

/// A digest that fetched bytes must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checksum {
    /// An MD5 digest in hex.
    Md5(String),
    /// A SHA-256 digest in hex.
    Sha256(String),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Fetches over HTTP(S) with checksums, atomic writes and an optional progress bar.
///
/// # Example
/// ```no_run
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::data::DownloadSources;
/// use multimodal_search::shell::download::Downloader;
/// let d = Downloader::new(true);
/// d.fetch_mnist(&DownloadSources::default().mnist_base_url, "data/mnist".as_ref())?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Downloader {
    agent: ureq::Agent,
    progress: bool,
}

impl Downloader {
    /// A downloader; `progress` shows a bar on a terminal (never in a pipe or a notebook).
    pub fn new(progress: bool) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_global(Some(Duration::from_secs(1800)))
            .build()
            .into();
        Downloader { agent, progress }
    }

    fn bar(&self, len: Option<u64>, what: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = match len {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::no_length(),
        };
        if let Ok(style) = ProgressStyle::with_template(
            "{msg:30} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        bar
    }

    /// Opens `url` and returns its body reader and announced length.
    fn open(&self, url: &str) -> Result<(Box<dyn Read + Send>, Option<u64>)> {
        let fail = |reason: String| Error::Download {
            url: url.to_string(),
            reason,
        };
        let resp = self.agent.get(url).call().map_err(|e| match e {
            ureq::Error::StatusCode(code) => fail(format!("the server answered HTTP {code}")),
            e => fail(format!(
                "{e}; check the network connection, or download the datasets on another machine \
                 and point MMS_DATA at the folder holding mnist/ and fsdd/recordings/"
            )),
        })?;
        let len = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        Ok((Box::new(resp.into_body().into_reader()), len))
    }

    /// Downloads `url` to `dest`, checking `checksum`; `dest` appears only when everything matched.
    pub fn fetch_to_file(&self, url: &str, dest: &Path, checksum: &Checksum) -> Result<()> {
        let dir = dest.parent().unwrap_or(Path::new("."));
        // Reach the server first: a failed download leaves no empty folder behind.
        let (mut body, len) = self.open(url)?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let name = dest
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("download");
        let bar = self.bar(len, name);
        let mut tmp = tempfile::Builder::new()
            .prefix(".partial-")
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        let (mut md5, mut sha) = (Md5::new(), Sha256::new());
        let mut buf = vec![0u8; 1 << 16];
        let mut got: u64 = 0;
        loop {
            let n = body.read(&mut buf).map_err(|e| Error::Download {
                url: url.to_string(),
                reason: format!("connection broke after {got} bytes: {e}"),
            })?;
            if n == 0 {
                break;
            }
            md5.update(&buf[..n]);
            sha.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .map_err(|e| Error::io(tmp.path(), e))?;
            got += n as u64;
            bar.set_position(got);
        }
        bar.finish_and_clear();
        if let Some(len) = len
            && got != len
        {
            return Err(Error::Download {
                url: url.to_string(),
                reason: format!("truncated: expected {len} bytes, received {got}"),
            });
        }
        let (algorithm, expected, found) = match checksum {
            Checksum::Md5(e) => ("MD5", e, hex(&md5.finalize())),
            Checksum::Sha256(e) => ("SHA-256", e, hex(&sha.finalize())),
        };
        if !found.eq_ignore_ascii_case(expected) {
            return Err(Error::Checksum {
                what: url.to_string(),
                algorithm,
                expected: expected.clone(),
                found,
            });
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(tmp.path(), e))?;
        tmp.persist(dest).map_err(|e| Error::io(dest, e.error))?;
        Ok(())
    }

    /// Fetches whichever of MNIST's four `.gz` files `dir` lacks (raw or gzip), checking MD5s.
    /// Returns the files fetched.
    pub fn fetch_mnist(&self, base_url: &str, dir: &Path) -> Result<Vec<PathBuf>> {
        let mut fetched = Vec::new();
        for (name, md5) in MNIST_FILES {
            let dest = dir.join(name);
            let raw = dir.join(name.trim_end_matches(".gz"));
            if dest.is_file() || raw.is_file() {
                continue;
            }
            let url = format!("{base_url}{name}");
            self.fetch_to_file(&url, &dest, &Checksum::Md5(md5.to_string()))?;
            fetched.push(dest);
        }
        Ok(fetched)
    }

    /// Fetches the FSDD archive and writes every recording `manifest` lists into `recordings`,
    /// each checked against its SHA-256. Files already there are kept. Returns how many were written.
    ///
    /// The archive is unpacked into a temporary folder beside `recordings` first; a wrong digest,
    /// a recording missing from the archive, or a broken stream leaves `recordings` untouched.
    pub fn fetch_fsdd(
        &self,
        archive_url: &str,
        recordings: &Path,
        manifest: &FsddManifest,
    ) -> Result<usize> {
        let parent = recordings.parent().unwrap_or(Path::new("."));
        // Reach the server first: a failed download leaves no empty folder behind.
        let (body, len) = self.open(archive_url)?;
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let staging = tempfile::Builder::new()
            .prefix(".recordings-partial-")
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        let bar = self.bar(len, "FSDD recordings");
        let reader = bar.wrap_read(body);
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader));
        let broken = |e: std::io::Error| Error::Download {
            url: archive_url.to_string(),
            reason: format!("not a readable .tar.gz: {e}"),
        };
        let mut found = BTreeMap::new();
        for entry in archive.entries().map_err(broken)? {
            let mut entry = entry.map_err(broken)?;
            let path = entry.path().map_err(broken)?.into_owned();
            let in_recordings = path
                .parent()
                .and_then(|p| p.file_name())
                .is_some_and(|n| n == "recordings");
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            let Some(expected) = manifest.digest(&name).filter(|_| in_recordings) else {
                continue;
            };
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(broken)?;
            let digest = hex(&Sha256::digest(&bytes));
            if digest != expected {
                return Err(Error::Checksum {
                    what: format!("{name} in {archive_url}"),
                    algorithm: "SHA-256",
                    expected: expected.to_string(),
                    found: digest,
                });
            }
            let out = staging.path().join(&name);
            std::fs::write(&out, &bytes).map_err(|e| Error::io(&out, e))?;
            found.insert(name, out);
        }
        bar.finish_and_clear();
        if let Some(missing) = manifest.names().find(|n| !found.contains_key(*n)) {
            return Err(Error::Download {
                url: archive_url.to_string(),
                reason: format!(
                    "the archive lacks {missing} ({} of {} recordings found)",
                    found.len(),
                    manifest.len()
                ),
            });
        }
        std::fs::create_dir_all(recordings).map_err(|e| Error::io(recordings, e))?;
        let mut written = 0;
        for (name, staged) in found {
            let dest = recordings.join(&name);
            if dest.is_file() {
                continue;
            }
            std::fs::rename(&staged, &dest).map_err(|e| Error::io(&dest, e))?;
            written += 1;
        }
        Ok(written)
    }
}
