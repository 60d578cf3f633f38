//! Reading whole files, gzip or raw, with errors that name the file.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The two bytes every gzip stream starts with.
pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads `path` whole and gunzips it when it is gzip (by its magic bytes, not its name).
///
/// A file named `*.gz` that is not gzip, a corrupt gzip stream and an empty file are errors.
pub(crate) fn read_maybe_gz(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if raw.is_empty() {
        return Err(Error::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    let named_gz = path.extension().is_some_and(|e| e == "gz");
    if raw.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| Error::NotGzip {
                path: path.to_path_buf(),
                reason: format!("corrupt gzip stream: {e}"),
            })?;
        if out.is_empty() {
            return Err(Error::EmptyFile {
                path: path.to_path_buf(),
            });
        }
        Ok(out)
    } else if named_gz {
        Err(Error::NotGzip {
            path: path.to_path_buf(),
            reason: format!(
                "expected magic bytes 1f 8b at offset 0, found {:02x} {:02x}",
                raw[0],
                raw.get(1).copied().unwrap_or(0)
            ),
        })
    } else {
        Ok(raw)
    }
}
