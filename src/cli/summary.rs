//! The readable summary printed on stdout after a scan.

use std::path::Path;

use govscan_model::{ScanResult, Status};

fn count(result: &govscan_model::DomainResult, status: Status) -> usize {
    result
        .outcomes
        .iter()
        .filter(|o| o.status == status)
        .count()
}

/// Prints one line per domain and the portfolio mean.
pub(super) fn print(result: &ScanResult, out: Option<&Path>) {
    println!(
        "govscan {} — baseline {} {} — {} domain(s)",
        result.govscan_version,
        result.baseline.id,
        result.baseline.version,
        result.domains.len()
    );
    println!(
        "{:<40} {:>5} {:>5} {:>8} {:>4} {:>4} {:>6}",
        "domain", "score", "grade", "coverage", "fail", "warn", "unsure"
    );
    for d in &result.domains {
        let score = d
            .score
            .map_or_else(|| "-".to_owned(), |s| format!("{s:.0}"));
        println!(
            "{:<40} {:>5} {:>5} {:>7.0}% {:>4} {:>4} {:>6}",
            d.domain,
            score,
            d.grade,
            d.coverage * 100.0,
            count(d, Status::Fail),
            count(d, Status::Warn),
            count(d, Status::Inconclusive)
        );
        if let Some(cap) = &d.grade_cap {
            println!("    grade capped: {cap}");
        }
    }
    let excluded: Vec<&str> = result
        .domains
        .iter()
        .filter(|d| d.is_excluded())
        .map(|d| d.domain.as_str())
        .collect();
    if !excluded.is_empty() {
        println!(
            "not scanned, at their owners' request (--exclude): {}",
            excluded.join(", ")
        );
    }
    let scored: Vec<f64> = result.domains.iter().filter_map(|d| d.score).collect();
    if !scored.is_empty() {
        let mean = scored.iter().sum::<f64>() / scored.len() as f64;
        println!(
            "mean score over {} scored domain(s): {mean:.1}",
            scored.len()
        );
    }
    if let Some(dir) = out {
        println!(
            "wrote {} and {}",
            dir.join("results.json").display(),
            dir.join("index.html").display()
        );
    }
}
