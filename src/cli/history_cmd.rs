//! `govscan history`: the scans in the history database with their dates and portfolio score;
//! also the database helpers the other history commands share (open an existing database,
//! map store errors to exit codes, build the report's trend from the scan list).

use std::path::Path;

use anyhow::anyhow;
use govscan_store::{ScanSummary, Store, StoreError};

use super::args::{Format, HistoryArgs};
use super::terminal::out;
use super::{CliError, Hinted, exit};

/// Runs `govscan history`.
pub(super) fn run(args: HistoryArgs) -> Result<u8, CliError> {
    let store = open_existing(&args.db)?;
    let scans = store.list_scans().map_err(store_error)?;
    match args.format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&scans).map_err(CliError::runtime)?;
            super::terminal::print_json(&json);
        }
        Format::Text => out!("{}", history_table(&scans, &args.db)),
    }
    Ok(exit::DONE)
}

/// The scan list as a text table, oldest first.
fn history_table(scans: &[ScanSummary], db: &Path) -> String {
    if scans.is_empty() {
        return format!("{}: no scans saved yet\n", db.display());
    }
    let mut out = format!(
        "{:>5}  {:<20}  {:>7}  {:>15}  {:<18}  {}\n",
        "SCAN", "STARTED (UTC)", "DOMAINS", "PORTFOLIO SCORE", "BASELINE", "GOVSCAN"
    );
    for s in scans {
        out.push_str(&format!(
            "{:>5}  {:<20}  {:>7}  {:>15}  {:<18}  {}\n",
            format!("#{}", s.id.0),
            short_time(&s.started_at),
            s.domain_count,
            match (s.unhealthy(), s.mean_score) {
                (true, _) => "not measured".to_owned(),
                (false, Some(m)) => format!("{m:.1}"),
                (false, None) => "no score".to_owned(),
            },
            format!("{} {}", s.baseline_id, s.baseline_version),
            s.govscan_version
        ));
    }
    if scans.iter().any(ScanSummary::unhealthy) {
        out.push_str(
            "\"not measured\": most domains of that scan could not be checked because of the \
             scanning computer (offline, resolver down, no route); it is left out of the trend.\n",
        );
    }
    out.push_str(&format!(
        "{} scan{} in {}. Compare two with `govscan diff OLD NEW --db {}`.\n",
        scans.len(),
        if scans.len() == 1 { "" } else { "s" },
        db.display(),
        db.display()
    ));
    out
}

/// `2026-11-27T08:26:59.76Z` → `2026-11-27 08:26:59`; other text unchanged.
pub(super) fn short_time(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..19)) {
        (Some(date), Some(time)) if timestamp.as_bytes().get(10) == Some(&b'T') => {
            format!("{date} {time}")
        }
        _ => timestamp.to_owned(),
    }
}

/// Opens a history database that must already exist (reading commands never create one).
pub(super) fn open_existing(path: &Path) -> Result<Store, CliError> {
    if !path.is_file() {
        return Err(CliError::usage(anyhow!(
            "{}: no history database here; save scans with `govscan scan --db {}` first",
            path.display(),
            path.display()
        )));
    }
    Store::open(path).map_err(store_error)
}

/// Exit code for a store error: a file that is not (or not yet) a govscan database is an
/// input error (2); a lock held too long or an SQLite failure is a runtime failure (3).
pub(super) fn store_error(error: StoreError) -> CliError {
    match error {
        StoreError::NotADatabase { .. }
        | StoreError::ForeignDatabase { .. }
        | StoreError::TooNew { .. }
        | StoreError::ScanNotFound { .. } => CliError::usage(error),
        StoreError::Locked { .. } => CliError::runtime(Hinted {
            error,
            hint: "another govscan is probably writing a scan; try again when it has finished",
        }),
        StoreError::ScanInProgress { .. } => CliError::runtime(Hinted {
            error,
            hint: "scans on one database never run side by side: run this one later, or \
                   let it wait with `--wait-lock DURATION`, e.g. `--wait-lock 2h`",
        }),
        other => CliError::runtime(other),
    }
}

/// Adds the report's trend points to `input`: the latest [`govscan_report::TREND_POINTS`]
/// scans of the list, each with its domains' stored scores (the report computes every score
/// and comparison from them with the roll-up rule, so the trend and the headline agree), read
/// one scan at a time.
pub(super) fn add_trend(
    input: &mut govscan_report::ReportInput<'_>,
    store: &Store,
    scans: &[ScanSummary],
) -> Result<(), StoreError> {
    let recent = &scans[scans.len().saturating_sub(govscan_report::TREND_POINTS)..];
    for s in recent {
        let basis = govscan_score::Basis {
            baseline_id: s.baseline_id.clone(),
            baseline_version: s.baseline_version.clone(),
            baseline_sha256: s.baseline_sha256.clone(),
            scoring_version: s.scoring_version,
            govscan_version: s.govscan_version.clone(),
        };
        input.add_history(
            govscan_report::HistoryEntry::from_rows(
                format!("#{}", s.id.0),
                s.started_at.clone(),
                basis,
                store.domain_scores(s.id)?,
            )
            .with_unhealthy(s.unhealthy()),
        );
    }
    Ok(())
}
