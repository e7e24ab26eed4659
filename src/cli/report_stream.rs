//! The report and `--format json` of a scan read back from the history database one domain at a
//! time (with a light view of the whole scan for roll-ups), so a large scan is never held whole.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use govscan_model::{CheckCatalog, LightScan};
use govscan_report::{DomainLoader, LoadError, ReportInput};
use govscan_score::Baseline;
use govscan_score::{ScanDiff, ScanSide};
use govscan_store::{ScanId, Store, StoreError};

use super::CliError;
use super::history_cmd::{add_trend, store_error};

/// Reads whole domains of one scan; each rayon worker opens its own connection.
struct StoreLoader {
    store: Store,
    id: ScanId,
}

impl DomainLoader for StoreLoader {
    fn load(&mut self, domain: &str) -> Result<govscan_model::DomainResult, LoadError> {
        Ok(self.store.load_domain(self.id, domain)?)
    }
}

fn open_loader(path: &Path, id: ScanId) -> Result<StoreLoader, StoreError> {
    Store::open(path).map(|store| StoreLoader { store, id })
}

/// Writes the report of complete scan `id` (light form `light`) into `out`, its checks described
/// by `checks`; with `history`, the trend over every saved scan and the changes since the scan
/// before it.
pub(super) fn write_report(
    store: &Store,
    id: ScanId,
    light: &LightScan,
    baseline: &Baseline,
    checks: &CheckCatalog,
    out: &Path,
    history: bool,
) -> Result<(), CliError> {
    let scope = store.scan_scope(id).map_err(store_error)?;
    let health = store.scan_health(id).map_err(store_error)?;
    let mut input = ReportInput::from_light(light, baseline, checks.clone())
        .with_scope(scope)
        .with_health(health);
    let previous = match history {
        // Like with like: the latest earlier scan judged by the same baseline, scoring and
        // govscan version that measured the domains (unhealthy scans and scans judged
        // differently in between are not compared).
        true => store.previous_comparable_scan_id(id).map_err(store_error)?,
        false => None,
    };
    if history {
        let scans = store.list_scans().map_err(store_error)?;
        add_trend(&mut input, store, &scans).map_err(store_error)?;
    }
    if let Some(prev) = previous {
        // The input keeps the previous scan's header, rescored domains and the diff; its light
        // view is dropped at the end of this block.
        let previous_light = store.load_scan_light(prev).map_err(store_error)?;
        let diff = diff_from_store(store, prev, &previous_light, id, light).map_err(store_error)?;
        let previous_baseline =
            super::report_cmd::baseline_for(&previous_light.header.baseline, Some(baseline))
                .unwrap_or_else(|_| baseline.clone());
        let header = previous_light.header.clone();
        input = input.with_previous_diff(&previous_light, header, &previous_baseline, diff);
    }
    let path: PathBuf = store.path().to_path_buf();
    govscan_report::write_report_streamed(&input, || Ok(open_loader(&path, id)?), out)
        .with_context(|| format!("writing the report to {}", out.display()))
        .map_err(CliError::runtime)
}

/// Prints the whole results.json document of scan `id` on stdout, one domain at a time.
pub(super) fn print_json(store: &Store, id: ScanId, light: &LightScan) -> Result<(), CliError> {
    let mut loader = open_loader(store.path(), id).map_err(CliError::runtime)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(super::terminal::JsonTerminalWriter::new(stdout.lock()));
    govscan_report::write_results_json(light, &mut loader, &mut out)
        .context("printing results")
        .map_err(CliError::runtime)?;
    std::io::Write::flush(&mut out)
        .context("printing results")
        .map_err(CliError::runtime)
}

/// The diff from scan `old` to scan `new` (light views `old`, `new`): whole results are
/// loaded only for domains whose light views show a change.
pub(super) fn diff_from_store(
    store: &Store,
    old_id: ScanId,
    old: &LightScan,
    new_id: ScanId,
    new: &LightScan,
) -> Result<ScanDiff, StoreError> {
    govscan_score::diff_light(old, new, |side, domain| {
        let id = match side {
            ScanSide::Old => old_id,
            ScanSide::New => new_id,
        };
        store.load_domain(id, domain)
    })
}
