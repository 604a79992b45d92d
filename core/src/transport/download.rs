//! A response body written to a file as it arrives (CSV exports), never held whole in memory:
//! into `<path>.partial`, renamed to `<path>` once complete, so a failed or retried attempt never
//! leaves a truncated file under the name asked for.

use std::path::Path;

use crate::models::error::Error;

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Saved {
    pub bytes: u64,
    pub lines: u64,
}

/// Writes `resp`'s body to `path`; a failure to read it is `read_error`'s (the transport's own
/// mapping of a reqwest failure).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn save(resp: &mut reqwest::Response, path: &Path, read_error: fn(reqwest::Error) -> Error) -> Result<Saved, Error> {
    use std::io::Write;

    let failed = |e: std::io::Error| Error::Usage { message: format!("cannot write {}: {e}", path.display()) };
    let partial = path.with_extension(match path.extension() {
        Some(ext) => format!("{}.partial", ext.to_string_lossy()),
        None => "partial".to_owned(),
    });
    let mut file = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(failed)?);
    let mut saved = Saved { bytes: 0, lines: 0 };
    let mut last = b'\n';
    while let Some(chunk) = resp.chunk().await.map_err(read_error)? {
        // Chunks are small (the connection's reads); writing them blocks only briefly.
        file.write_all(&chunk).map_err(failed)?;
        saved.bytes += chunk.len() as u64;
        saved.lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        last = chunk.last().copied().unwrap_or(last);
    }
    if last != b'\n' {
        saved.lines += 1;
    }
    file.into_inner().map_err(|e| failed(e.into_error()))?.sync_all().map_err(failed)?;
    std::fs::rename(&partial, path).map_err(failed)?;
    Ok(saved)
}

/// WebAssembly has no files; requests that save are refused before they are built.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn save(_: &mut reqwest::Response, path: &Path, _: fn(reqwest::Error) -> Error) -> Result<Saved, Error> {
    Err(Error::Usage { message: format!("cannot write {}: the WebAssembly build has no files", path.display()) })
}
