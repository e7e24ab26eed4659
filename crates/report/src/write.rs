//! Writes the report files into a directory, each via a temporary file and a rename, so a
//! reader never sees a half-written file; stale pages of domains and organisations that are
//! no longer in the scan are removed.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use govscan_model::ScanResult;

use crate::{ReportError, ReportInput, builtin_baseline_for, io_error, render_report};

/// Sub-directories whose `.html` files belong to the report.
const PAGE_DIRS: [&str; 2] = ["domains", "orgs"];

/// Writes the full report for a scan judged under the built-in baseline, with no history.
/// Everything is rendered before anything is written.
pub fn write_outputs(result: &ScanResult, dir: &Path) -> Result<(), ReportError> {
    let baseline = builtin_baseline_for(result)?;
    write_report(&ReportInput::new(result, &baseline), dir)
}

/// Renders and writes every report file into `dir`, creating it if needed.
pub fn write_report(input: &ReportInput<'_>, dir: &Path) -> Result<(), ReportError> {
    let files = render_report(input)?;
    fs::create_dir_all(dir).map_err(|e| io_error("create directory", dir, e))?;
    for sub in PAGE_DIRS {
        let path = dir.join(sub);
        fs::create_dir_all(&path).map_err(|e| io_error("create directory", &path, e))?;
    }
    for (name, text) in &files {
        write_atomically(&dir.join(name), text.as_bytes())?;
    }
    let current: BTreeSet<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    for sub in PAGE_DIRS {
        remove_stale(dir, sub, &current);
    }
    Ok(())
}

/// Removes `dir/sub/*.html` files that this report did not write (best effort).
pub(crate) fn remove_stale(dir: &Path, sub: &str, current: &BTreeSet<&str>) {
    let Ok(entries) = fs::read_dir(dir.join(sub)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".html") && !current.contains(format!("{sub}/{name}").as_str()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes to `.<name>.tmp-<pid>` beside `path`, syncs, then renames over `path`.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
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
