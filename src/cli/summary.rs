//! The readable summary printed on stdout after a scan.

use std::path::Path;

use super::terminal::{out, outln};
use govscan_model::{LightDomainRef, LightScan, Status};

fn count(result: &LightDomainRef<'_>, status: Status) -> usize {
    result.verdicts().filter(|o| o.status == status).count()
}

/// Prints one line per domain and the portfolio mean.
pub(super) fn print(result: &LightScan, out: Option<&Path>) {
    outln!(
        "govscan {} — baseline {} {} — {} {}",
        result.header.govscan_version,
        result.header.baseline.id,
        result.header.baseline.version,
        result.len(),
        if result.len() == 1 {
            "domain"
        } else {
            "domains"
        }
    );
    outln!(
        "{:<40} {:>5} {:>5} {:>8} {:>4} {:>4} {:>6}",
        "domain",
        "score",
        "grade",
        "coverage",
        "fail",
        "warn",
        "unsure"
    );
    for d in result.domains() {
        let score = d
            .score()
            .map_or_else(|| "-".to_owned(), |s| format!("{s:.0}"));
        outln!(
            "{:<40} {:>5} {:>5} {:>7.0}% {:>4} {:>4} {:>6}",
            d.domain(),
            score,
            d.grade(),
            // Rounded down, like every percentage in the reports.
            (d.coverage() * 100.0 + 1e-9).floor(),
            count(&d, Status::Fail),
            count(&d, Status::Warn),
            count(&d, Status::Inconclusive)
        );
        if let Some(why) = d.provisional() {
            outln!("    provisional: {why}");
        }
        if let Some(cap) = d.grade_cap() {
            outln!("    grade capped: {cap}");
        }
    }
    let excluded: Vec<&str> = result
        .domains()
        .filter(|d| d.is_excluded())
        .map(|d| d.domain())
        .collect();
    if !excluded.is_empty() {
        outln!(
            "not scanned, at their owners' request (--exclude): {}",
            excluded.join(", ")
        );
    }
    let scored: Vec<f64> = result.domains().filter_map(|d| d.score()).collect();
    let provisional = result
        .domains()
        .filter(|d| d.provisional().is_some())
        .count();
    let as_count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    out!(
        "{}",
        govscan_score::counts_phrase(
            as_count(result.len()),
            as_count(scored.len()),
            as_count(excluded.len())
        )
    );
    match govscan_score::mean_score(scored.iter().copied()) {
        Some(mean) => {
            outln!("; mean score {mean:.1} over the scored ({provisional} of them provisional)")
        }
        None => outln!(),
    }
    if let Some(dir) = out {
        outln!(
            "wrote {} and {}",
            dir.join("results.json").display(),
            dir.join("index.html").display()
        );
    }
}
