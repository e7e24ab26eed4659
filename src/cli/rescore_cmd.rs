//! `govscan rescore`: judge a stored scan's observations again under a baseline and score
//! them, offline. Nothing here opens a socket: the observations are read from results.json,
//! the checks are pure, and "now" is the scan's start time, so certificate expiry is judged
//! as it was when the scan ran.

use std::path::Path;

use anyhow::Context as _;
use govscan_checks::{CheckSet, Context};
use govscan_model::{CheckCatalog, LightScan, Rollups, ScanResult};
use govscan_score::{Baseline, SCORING_VERSION, roll_up};

use super::args::{Format, RescoreArgs};
use super::terminal::{errln, outln};
use super::{CliError, exit, summary};

/// Runs the rescore command and returns its exit code.
pub(super) fn run(args: RescoreArgs) -> Result<u8, CliError> {
    let checks = super::checks_cmd::load_check_set(&args.checks_dirs)?;
    let before = read_scan(&args.scan)?;
    let baseline = load_baseline(args.baseline.as_deref(), &checks.catalog())?;
    let after = rejudge_with(&before, &baseline, &checks)?;
    if let Some(out) = &args.out {
        // The report computes its roll-ups under the baseline the scan was judged under.
        let input = govscan_report::ReportInput::new(&after, &baseline, checks.catalog());
        govscan_report::write_report(&input, out)
            .with_context(|| format!("writing the report to {}", out.display()))
            .map_err(CliError::runtime)?;
    }
    match args.format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&after).map_err(CliError::runtime)?;
            super::terminal::print_json(&json);
        }
        Format::Text => {
            print_changes(&before, &after);
            print_rollups(&roll_up(&after, &baseline));
            if args.out.is_some() {
                summary::print(&LightScan::from(&after), args.out.as_deref());
            }
        }
    }
    Ok(exit::DONE)
}

/// Reads a results.json; any problem is an input error (exit 2).
pub(super) fn read_scan(path: &Path) -> Result<ScanResult, CliError> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read scan {}", path.display()))
        .map_err(CliError::usage)?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a govscan results.json", path.display()))
        .map_err(CliError::usage)
}

/// Loads a baseline (default: the built-in Estonia one) and checks it against the registry.
/// Checks that run but have no rule are named on stderr: they are reported, not scored.
/// `known` is every check: built-in and declarative, with the parameters each declares.
fn load_baseline(path: Option<&Path>, known: &CheckCatalog) -> Result<Baseline, CliError> {
    let baseline = match path {
        Some(path) => super::data_dirs::load_baseline(path)?,
        None => Baseline::builtin_estonia(),
    };
    baseline.validate_against(known).map_err(CliError::usage)?;
    let ids: Vec<&str> = known.iter().map(|m| m.id).collect();
    let unruled = baseline.unruled_checks(&ids);
    if !unruled.is_empty() {
        errln!(
            "govscan: note: baseline {} has no rule for {}; these run and are reported but not scored",
            baseline.id,
            unruled.join(", ")
        );
    }
    Ok(baseline)
}

/// Every built-in check, with what each declares.
pub(super) fn builtin_catalog() -> CheckCatalog {
    govscan_checks::CheckSet::builtin().catalog()
}

/// The scan's start as Unix seconds: the "now" checks are judged at.
fn judged_at(scan: &ScanResult) -> Result<i64, CliError> {
    time::OffsetDateTime::parse(
        &scan.started_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map(time::OffsetDateTime::unix_timestamp)
    .with_context(|| {
        format!(
            "the scan's started_at {:?} is not RFC 3339",
            scan.started_at
        )
    })
    .map_err(CliError::usage)
}

/// Judges every domain's stored observations under the baseline's parameters and scores
/// them; keeps the scan's times, organisations and observations.
pub(super) fn rejudge(scan: &ScanResult, baseline: &Baseline) -> Result<ScanResult, CliError> {
    rejudge_with(scan, baseline, &CheckSet::builtin())
}

/// Like [`rejudge`], with the given checks (built-in and declarative). A declarative path
/// check whose path was not fetched by the stored scan is inconclusive, never a pass.
fn rejudge_with(
    scan: &ScanResult,
    baseline: &Baseline,
    checks: &CheckSet,
) -> Result<ScanResult, CliError> {
    let context = Context {
        now_unix: judged_at(scan)?,
        params: baseline.params(),
    };
    let domains = scan
        .domains
        .iter()
        .map(|d| {
            crate::judge_domain(
                d.domain.clone(),
                d.organisation.clone(),
                d.observations.clone(),
                checks,
                baseline,
                &context,
            )
        })
        .collect();
    Ok(ScanResult {
        govscan_version: env!("CARGO_PKG_VERSION").to_owned(),
        scoring_version: SCORING_VERSION,
        baseline: baseline.reference(),
        domains,
        ..scan.clone()
    })
}

fn show(score: Option<f64>) -> String {
    score.map_or_else(|| "-".to_owned(), |s| format!("{s:.1}"))
}

/// One line per domain: score and grade before and after.
fn print_changes(before: &ScanResult, after: &ScanResult) {
    outln!(
        "rescored {} domain(s): baseline {} {} -> {} {} (scoring version {} -> {})",
        after.domains.len(),
        before.baseline.id,
        before.baseline.version,
        after.baseline.id,
        after.baseline.version,
        before.scoring_version,
        after.scoring_version
    );
    outln!(
        "{:<40} {:>7} {:>5}   {:>7} {:>5}",
        "domain",
        "before",
        "grade",
        "after",
        "grade"
    );
    for (old, new) in before.domains.iter().zip(&after.domains) {
        outln!(
            "{:<40} {:>7} {:>5}   {:>7} {:>5}",
            new.domain,
            show(old.score),
            old.grade,
            show(new.score),
            new.grade
        );
    }
}

/// The portfolio roll-up and the five fixes that gain most.
fn print_rollups(rollups: &Rollups) {
    let p = &rollups.portfolio;
    outln!(
        "portfolio: {} grade {} (gap {}), worst {} {}, coverage {:.0}%; {}, {} provisional, {} \
         failing a required rule",
        show(p.score),
        govscan_score::group_grade(p),
        show(p.gap),
        p.worst_domain.as_deref().unwrap_or("-"),
        show(p.worst_score),
        (p.coverage * 100.0 + 1e-9).floor(),
        govscan_score::counts_text(p),
        p.domains_provisional,
        p.domains_failing_required
    );
    for fix in rollups.top_fixes.iter().take(5) {
        let domains: Vec<&str> = fix
            .domains
            .iter()
            .filter_map(|d| rollups.fix_domain(d))
            .map(|d| d.domain.as_str())
            .collect();
        let bound = match fix.bound {
            govscan_model::GainBound::Exact => "",
            govscan_model::GainBound::AtLeast => "at least ",
            govscan_model::GainBound::Uncertain => "about ",
        };
        outln!(
            "fix {} on {} domain(s): {bound}+{:.1} points ({})",
            fix.check,
            domains.len(),
            fix.gain,
            domains.join(", ")
        );
    }
}
