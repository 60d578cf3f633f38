//! Files written whole or not at all: checkpoints, figures and reports go through a temporary
//! file in the same folder and a rename, so an interrupted run never leaves half a file.

use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename (the folder
/// is created when missing).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("sub/report.md");
/// multimodal_search::fs::write_atomic(&path, b"# Report")?;
/// assert_eq!(std::fs::read(&path).unwrap(), b"# Report");
/// # Ok(()) }
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    persist_readable(tmp, path)
}

/// Renames a finished temporary file onto `path`, readable by everyone as a normal file would be
/// (temporary files are created owner-only).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use std::io::Write;
/// let dir = tempfile::tempdir().unwrap();
/// let mut tmp = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
/// tmp.write_all(b"weights").unwrap();
/// multimodal_search::fs::persist_readable(tmp, &dir.path().join("model.bin"))?;
/// assert!(dir.path().join("model.bin").is_file());
/// # Ok(()) }
/// ```
pub fn persist_readable(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // By path, not through the handle: a writer handed `tmp.path()` (candle's safetensors
        // save) may have replaced the file there, leaving the handle on the old one.
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
