//! `govscan report --db FILE --out DIR [--scan ID]`: renders the dashboard, the detail pages
//! and the exports of a saved scan (the latest by default), with the trend over every saved
//! scan and the changes since the scan before it. `scan --out --db` uses the same path.

use std::path::Path;

use anyhow::{Context as _, anyhow};
use govscan_model::ScanResult;
use govscan_report::ReportInput;
use govscan_score::Baseline;
use govscan_store::{ScanId, Store};

use super::args::ReportArgs;
use super::history_cmd::{open_existing, store_error, trend_entries};
use super::{CliError, exit};

/// Runs `govscan report`.
pub(super) fn run(args: ReportArgs) -> Result<u8, CliError> {
    let store = open_existing(&args.db)?;
    let id = match args.scan {
        Some(id) => ScanId(id),
        None => store
            .latest_scan_id()
            .map_err(store_error)?
            .ok_or_else(|| CliError::usage(anyhow!("{}: no scans saved yet", args.db.display())))?,
    };
    let result = store.load_scan(id).map_err(store_error)?;
    let given = match &args.baseline {
        Some(path) => Some(Baseline::load(path).map_err(|e| CliError::usage(anyhow!("{e}")))?),
        None => None,
    };
    let baseline = baseline_for(&result, given.as_ref())?;
    write_with_history(&store, id, &result, &baseline, &args.out)?;
    if !args.quiet {
        println!(
            "Report for scan #{} written to {}",
            id.0,
            args.out.join("index.html").display()
        );
    }
    Ok(exit::DONE)
}

/// The baseline a scan was judged under: the built-in Estonia baseline or `given`, whichever
/// has the scan's hash. Roll-ups need the exact rules, so anything else is an input error.
pub(super) fn baseline_for(
    result: &ScanResult,
    given: Option<&Baseline>,
) -> Result<Baseline, CliError> {
    if let Some(baseline) = given.filter(|b| b.sha256 == result.baseline.sha256) {
        return Ok(baseline.clone());
    }
    govscan_report::builtin_baseline_for(result).map_err(|_| {
        CliError::usage(anyhow!(
            "the scan was judged under baseline {} {} (SHA-256 {}); pass that file with --baseline",
            result.baseline.id,
            result.baseline.version,
            result.baseline.sha256
        ))
    })
}

/// Writes the report of scan `id` with the trend over all saved scans and the changes since
/// the scan before it (re-scored under `baseline` when it was judged under another one).
pub(super) fn write_with_history(
    store: &Store,
    id: ScanId,
    result: &ScanResult,
    baseline: &Baseline,
    out: &Path,
) -> Result<(), CliError> {
    let scans = store.list_scans().map_err(store_error)?;
    let previous = match store.previous_scan_id(id).map_err(store_error)? {
        Some(prev) => Some(store.load_scan(prev).map_err(store_error)?),
        None => None,
    };
    let mut input = ReportInput::new(result, baseline).with_history(trend_entries(&scans));
    let previous_baseline;
    if let Some(prev) = &previous {
        previous_baseline = baseline_for(prev, Some(baseline)).unwrap_or_else(|_| baseline.clone());
        input = input.with_previous(prev, &previous_baseline);
    }
    govscan_report::write_report(&input, out)
        .with_context(|| format!("writing the report to {}", out.display()))
        .map_err(CliError::runtime)
}
