//! `govscan report --db FILE --out DIR [--scan ID]`: renders the dashboard, the detail pages
//! and the exports of a saved scan (the latest by default), with the trend over every saved
//! scan and the changes since the scan before it. `scan --out --db` uses the same path.

use anyhow::anyhow;
use govscan_model::BaselineRef;
use govscan_score::Baseline;
use govscan_store::ScanId;

use super::args::ReportArgs;
use super::history_cmd::{open_existing, store_error};
use super::terminal::outln;
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
    // The light scan (scores and statuses, no observations) is all the dashboard needs; the
    // domain pages and exports load one domain at a time, so memory stays bounded.
    let result = store.load_scan_light(id).map_err(store_error)?;
    let given = match &args.baseline {
        Some(path) => Some(super::data_dirs::load_baseline(path)?),
        None => None,
    };
    let baseline = baseline_for(&result.header.baseline, given.as_ref())?;
    // The checks are described as the scan loaded them: built-ins, `./checks` and every
    // `--checks-dir`, so a declarative check's findings keep their title and remedy.
    let checks = super::checks_cmd::load_check_set(&args.checks_dirs)?;
    super::report_stream::write_report(
        &store,
        id,
        &result,
        &baseline,
        &checks.catalog(),
        &args.out,
        true,
    )?;
    if !args.quiet {
        outln!(
            "Report for scan #{} written to {}",
            id.0,
            args.out.join("index.html").display()
        );
    }
    Ok(exit::DONE)
}

/// The baseline a scan was judged under (`judged_by`): the built-in Estonia baseline or
/// `given`, whichever has the scan's hash. Roll-ups need the exact rules, so anything else is an
/// input error.
pub(super) fn baseline_for(
    judged_by: &BaselineRef,
    given: Option<&Baseline>,
) -> Result<Baseline, CliError> {
    if let Some(baseline) = given.filter(|b| b.sha256 == judged_by.sha256) {
        return Ok(baseline.clone());
    }
    govscan_report::builtin_baseline_for(judged_by).map_err(|_| {
        CliError::usage(anyhow!(
            "the scan was judged under baseline {} {} (SHA-256 {}); pass that file with --baseline",
            judged_by.id,
            judged_by.version,
            judged_by.sha256
        ))
    })
}
