//! Writes the report files of a scan held in memory into a directory (see `outdir.rs` for how:
//! atomic files, no writing through links, only govscan's own stale pages removed).

use std::collections::BTreeSet;
use std::path::Path;

use govscan_model::{CheckCatalog, ScanResult};

use crate::outdir::OutputDir;
use crate::{ReportError, ReportInput, builtin_baseline_for, render_report};

/// Writes the full report for a scan judged under the built-in baseline, with no history, its
/// checks described by `checks`. Everything is rendered before anything is written.
pub fn write_outputs(
    result: &ScanResult,
    checks: &CheckCatalog,
    dir: &Path,
) -> Result<(), ReportError> {
    let baseline = builtin_baseline_for(&result.baseline)?;
    write_report(&ReportInput::new(result, &baseline, checks.clone()), dir)
}

/// Renders and writes every report file into `dir`, creating it if needed.
pub fn write_report(input: &ReportInput<'_>, dir: &Path) -> Result<(), ReportError> {
    let files = render_report(input)?;
    let out = OutputDir::prepare(dir, files.iter().map(|(name, _)| name.clone()))?;
    for (name, text) in &files {
        out.write(name, text.as_bytes())?;
    }
    let written: BTreeSet<String> = files.into_iter().map(|(name, _)| name).collect();
    out.finish(&written)
}
