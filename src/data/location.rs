//! Where the data lives, and making sure it is there.

use std::path::{Path, PathBuf};

use crate::data::fsdd::FsddScan;
use crate::data::mnist::{Mnist, MnistSplit};
use crate::data::sources::{DownloadSources, MNIST_FILES};
use crate::error::{Error, Result};
#[cfg(feature = "download")]
use crate::shell::download::{Downloader, FsddManifest};

/// How a [`DataDir`] was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource {
    /// The `--data` flag (or an explicit path in code).
    Explicit,
    /// The `MMS_DATA` environment variable.
    Env,
    /// `./data` in the working directory.
    Local,
    /// `data/` in the checkout this crate was built from (what a notebook in `notebooks/` finds
    /// when the CLI, run from the repository root, finds `./data`).
    Checkout,
    /// The user cache folder (`~/.cache/multimodal-search` on Linux).
    Cache,
}

/// The data folder: it holds `mnist/` (IDX files, raw or `.gz`) and `fsdd/recordings/`.
///
/// Chosen by [`DataDir::resolve`]: `--data DIR`, else `MMS_DATA`, else `./data` when it exists,
/// else `data/` in this crate's checkout when it exists, else the user cache folder. A folder
/// named by `--data` or `MMS_DATA` must exist: a typo is an error, never a fresh download into
/// it. With `offline` (`--offline` or `MMS_OFFLINE=1`) nothing is ever downloaded and a missing
/// file is an error that names the folder and `MMS_DATA`.
///
/// # Example
/// ```
/// use multimodal_search::data::DataDir;
/// let typo = DataDir::new("/tmp/no-such-mms-data", false);
/// assert_eq!(typo.mnist_dir(), std::path::Path::new("/tmp/no-such-mms-data/mnist"));
/// // A folder that does not exist: an error, not a download into a new folder.
/// assert!(typo.ensure_mnist().unwrap_err().to_string().contains("does not exist"));
/// // Offline, the folder there but empty: a clear error naming MMS_DATA instead of a download.
/// let empty = std::env::temp_dir().join("mms-doc-empty-data");
/// std::fs::create_dir_all(&empty).unwrap();
/// let err = DataDir::new(&empty, true).ensure_mnist().unwrap_err().to_string();
/// assert!(err.contains("MMS_DATA"));
/// ```
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
    offline: bool,
    /// Who forbade downloads (for the hint of a missing-data error).
    offline_by: OfflineBy,
    source: DataSource,
    #[cfg_attr(not(feature = "download"), allow(dead_code))]
    sources: DownloadSources,
    #[cfg_attr(not(feature = "download"), allow(dead_code))]
    progress: bool,
}

/// What a missing-data error suggests when this build cannot download.
pub(crate) const FETCH_HINT: &str = "or fetch the datasets with `mmsearch download`";

/// Who made a [`DataDir`] offline: the hint of a missing-data error names only what the user set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OfflineBy {
    flag: bool,
    env: bool,
}

impl OfflineBy {
    fn hint(self) -> &'static str {
        match (self.flag, self.env) {
            (true, true) => "or allow downloads by unsetting MMS_OFFLINE and dropping --offline",
            (true, false) => "or allow downloads by dropping --offline",
            (false, true) => "or allow downloads by unsetting MMS_OFFLINE",
            // Offline because the caller (the doctor, a test) asked for it in code.
            (false, false) => FETCH_HINT,
        }
    }
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

impl DataDir {
    /// A data folder at `root`.
    pub fn new(root: impl Into<PathBuf>, offline: bool) -> Self {
        DataDir {
            root: root.into(),
            offline,
            offline_by: OfflineBy {
                flag: false,
                env: false,
            },
            source: DataSource::Explicit,
            sources: DownloadSources::default(),
            progress: false,
        }
    }

    /// Applies the lookup order: `flag`, `MMS_DATA`, `./data`, the checkout's `data/`, the user
    /// cache folder; offline when `offline` or `MMS_OFFLINE` is set to 1/true/yes/on.
    pub fn resolve(flag: Option<&Path>, offline: bool) -> Self {
        let offline_by = OfflineBy {
            flag: offline,
            env: std::env::var("MMS_OFFLINE").is_ok_and(|v| truthy(&v)),
        };
        // Where `cargo` built this crate from: the repository root, for the CLI and for a
        // notebook's `:dep ... path = ".."` alike (a notebook's working folder is notebooks/).
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let (root, source) = if let Some(p) = flag {
            (p.to_path_buf(), DataSource::Explicit)
        } else if let Some(p) = std::env::var_os("MMS_DATA").filter(|p| !p.is_empty()) {
            (PathBuf::from(p), DataSource::Env)
        } else if Path::new("data").is_dir() {
            (PathBuf::from("data"), DataSource::Local)
        } else if checkout.is_dir() {
            (checkout, DataSource::Checkout)
        } else {
            let cache = dirs::cache_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join("multimodal-search");
            (cache, DataSource::Cache)
        };
        DataDir {
            root,
            offline: offline_by.flag || offline_by.env,
            offline_by,
            source,
            sources: DownloadSources::default(),
            progress: true,
        }
    }

    /// Uses other download sources (a mirror, or a test server).
    pub fn with_sources(mut self, sources: DownloadSources) -> Self {
        self.sources = sources;
        self
    }

    /// Shows download progress bars (on a terminal only).
    pub fn with_progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How it was chosen.
    pub fn source(&self) -> DataSource {
        self.source
    }

    /// Whether downloads are forbidden.
    pub fn offline(&self) -> bool {
        self.offline
    }

    /// `root/mnist`.
    pub fn mnist_dir(&self) -> PathBuf {
        self.root.join("mnist")
    }

    /// `root/fsdd/recordings`.
    pub fn fsdd_dir(&self) -> PathBuf {
        self.root.join("fsdd").join("recordings")
    }

    fn mnist_missing(&self) -> Vec<&'static str> {
        let dir = self.mnist_dir();
        MNIST_FILES
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| {
                !dir.join(name).is_file() && !dir.join(name.trim_end_matches(".gz")).is_file()
            })
            .collect()
    }

    fn fsdd_present(&self) -> bool {
        std::fs::read_dir(self.fsdd_dir()).is_ok_and(|mut it| {
            it.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "wav")))
        })
    }

    /// Makes sure MNIST's four files are there, downloading the missing ones unless offline
    /// (with the `download` feature; without it a missing file is an error naming
    /// `mmsearch download`).
    pub fn ensure_mnist(&self) -> Result<PathBuf> {
        let missing = self.mnist_missing();
        if !missing.is_empty() {
            let what = format!("MNIST ({})", missing.join(", "));
            self.fetch_or_fail(what, self.mnist_dir(), || {
                #[cfg(feature = "download")]
                Downloader::new(self.progress)
                    .fetch_mnist(&self.sources.mnist_base_url, &self.mnist_dir())?;
                Ok(())
            })?;
        }
        Ok(self.mnist_dir())
    }

    /// Makes sure FSDD's recordings are there, downloading them unless offline (with the
    /// `download` feature, as for [`Self::ensure_mnist`]).
    pub fn ensure_fsdd(&self) -> Result<PathBuf> {
        if !self.fsdd_present() {
            self.fetch_or_fail("FSDD recordings (*.wav)".into(), self.fsdd_dir(), || {
                #[cfg(feature = "download")]
                Downloader::new(self.progress).fetch_fsdd(
                    &self.sources.fsdd_archive_url,
                    &self.fsdd_dir(),
                    &FsddManifest::official(),
                )?;
                Ok(())
            })?;
        }
        Ok(self.fsdd_dir())
    }

    /// Fetches FSDD again when any recording of its official list is missing from the folder
    /// (a deleted broken file, an interrupted copy); the recordings there are kept. Returns how
    /// many were written. This is what `mmsearch download` runs.
    #[cfg(feature = "download")]
    pub fn restore_fsdd(&self) -> Result<usize> {
        let manifest = FsddManifest::official();
        let dir = self.fsdd_dir();
        let missing = manifest.names().filter(|n| !dir.join(n).is_file()).count();
        if missing == 0 {
            return Ok(0);
        }
        let what = format!("{missing} of FSDD's {} recordings", manifest.len());
        let mut written = 0;
        self.fetch_or_fail(what, dir.clone(), || {
            written = Downloader::new(self.progress).fetch_fsdd(
                &self.sources.fsdd_archive_url,
                &dir,
                &manifest,
            )?;
            Ok(())
        })?;
        Ok(written)
    }

    /// Runs `fetch` when downloads are allowed and built in; otherwise the error that says how
    /// to get the files.
    fn fetch_or_fail(
        &self,
        what: String,
        dir: PathBuf,
        fetch: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        let named = match self.source {
            DataSource::Explicit => Some("--data"),
            DataSource::Env => Some("MMS_DATA"),
            _ => None,
        };
        if let Some(via) = named.filter(|_| !self.root.is_dir()) {
            // A mistyped path: never create it and download into it.
            return Err(Error::DataDirNotFound {
                dir: self.root.clone(),
                via,
            });
        }
        let hint = if !cfg!(feature = "download") {
            FETCH_HINT
        } else if self.offline {
            self.offline_by.hint()
        } else {
            return fetch();
        };
        drop(fetch);
        Err(Error::MissingData { what, dir, hint })
    }

    /// Loads an MNIST split (after [`Self::ensure_mnist`]).
    pub fn mnist(&self, split: MnistSplit) -> Result<Mnist> {
        Mnist::load(&self.ensure_mnist()?, split)
    }

    /// Scans the FSDD recordings (after [`Self::ensure_fsdd`]).
    pub fn fsdd(&self) -> Result<FsddScan> {
        FsddScan::scan(&self.ensure_fsdd()?)
    }
}
