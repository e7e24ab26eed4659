//! `govscan demo --out DIR [--db FILE]`: a full dashboard with a week of history from recorded
//! lab scans shipped in `fixtures/demo/` (embedded in the binary; no network). The recorded
//! observations are judged again with this build's checks and the built-in baseline, so the
//! demo shows exactly what this version would report.

use anyhow::{Context as _, anyhow};
use govscan_checks::{CheckSet, Context};
use govscan_model::ScanResult;
use govscan_report::{HistoryEntry, ReportInput};
use govscan_score::{Baseline, SCORING_VERSION};
use govscan_store::Store;

use super::args::DemoArgs;
use super::history_cmd::store_error;
use super::terminal::outln;
use super::{CliError, exit};

/// The recorded week, oldest first (see `fixtures/demo/README.md` for each day's change).
const DAYS: [&str; 7] = [
    include_str!("../../fixtures/demo/day-1.json"),
    include_str!("../../fixtures/demo/day-2.json"),
    include_str!("../../fixtures/demo/day-3.json"),
    include_str!("../../fixtures/demo/day-4.json"),
    include_str!("../../fixtures/demo/day-5.json"),
    include_str!("../../fixtures/demo/day-6.json"),
    include_str!("../../fixtures/demo/day-7.json"),
];

/// Runs `govscan demo`.
pub(super) fn run(args: DemoArgs) -> Result<u8, CliError> {
    let baseline = Baseline::builtin_estonia();
    let week = demo_week(&baseline).map_err(CliError::runtime)?;
    if let Some(db) = &args.db {
        let mut store = Store::open(db).map_err(store_error)?;
        for scan in &week {
            store.save_scan(scan).map_err(store_error)?;
        }
    }
    let history: Vec<HistoryEntry> = week
        .iter()
        .enumerate()
        .map(|(i, scan)| HistoryEntry::from_scan(format!("day {}", i + 1), scan))
        .collect();
    let (Some(latest), Some(previous)) = (week.last(), week.get(week.len().wrapping_sub(2))) else {
        return Err(CliError::runtime(anyhow!("the demo week is empty")));
    };
    let input = ReportInput::new(latest, &baseline, CheckSet::builtin().catalog())
        .with_history(history)
        .with_previous(previous, &baseline);
    govscan_report::write_report(&input, &args.out)
        .with_context(|| format!("writing the demo report to {}", args.out.display()))
        .map_err(CliError::runtime)?;
    if !args.quiet {
        outln!(
            "Demo dashboard (a week of lab scans) written to {}",
            args.out.join("index.html").display()
        );
        if let Some(db) = &args.db {
            outln!(
                "The week is saved in {}: try `govscan history --db {}`",
                db.display(),
                db.display()
            );
        }
    }
    Ok(exit::DONE)
}

/// The recorded week, each day judged and scored again under `baseline`.
pub(super) fn demo_week(baseline: &Baseline) -> anyhow::Result<Vec<ScanResult>> {
    DAYS.iter()
        .enumerate()
        .map(|(i, text)| {
            let scan: ScanResult =
                serde_json::from_str(text).with_context(|| format!("demo day {}", i + 1))?;
            Ok(judge(scan, baseline))
        })
        .collect()
}

/// Judges a scan's observations again, as of the scan's own start time.
fn judge(mut scan: ScanResult, baseline: &Baseline) -> ScanResult {
    let now_unix = time::OffsetDateTime::parse(
        &scan.started_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_or(0, |t| t.unix_timestamp());
    let context = Context {
        now_unix,
        params: baseline.params(),
    };
    let checks = CheckSet::builtin();
    scan.domains = std::mem::take(&mut scan.domains)
        .into_iter()
        .map(|d| {
            crate::judge_domain(
                d.domain,
                d.organisation,
                d.observations,
                &checks,
                baseline,
                &context,
            )
        })
        .collect();
    scan.baseline = baseline.reference();
    scan.scoring_version = SCORING_VERSION;
    scan
}
