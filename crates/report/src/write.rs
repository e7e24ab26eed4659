//! Writes `results.json` and `index.html` into a directory, each via a temporary file and a
//! rename, so a reader never sees a half-written file.

use std::fs;
use std::io::Write;
use std::path::Path;

use govscan_model::ScanResult;

use crate::{ReportError, io_error, render_index};

/// Writes `dir/results.json` (pretty JSON) and `dir/index.html`, creating `dir` if needed.
/// Both documents are produced before anything is written.
pub fn write_outputs(result: &ScanResult, dir: &Path) -> Result<(), ReportError> {
    let mut json = serde_json::to_string_pretty(result)?;
    json.push('\n');
    let html = render_index(result)?;
    fs::create_dir_all(dir).map_err(|e| io_error("create directory", dir, e))?;
    write_atomically(&dir.join("results.json"), json.as_bytes())?;
    write_atomically(&dir.join("index.html"), html.as_bytes())?;
    Ok(())
}

/// Writes to `.<name>.tmp-<pid>` beside `path`, syncs, then renames over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let written = fs::File::create(&temp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .map_err(|e| io_error("write", &temp, e));
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error("rename a temporary file to", path, e)
    })
}
