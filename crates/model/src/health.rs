//! Scan health: whether a scan measured the domains at all, or mostly measured a problem on the
//! scanning side (offline, resolver down, no route). An unhealthy scan says so on the terminal
//! and in the report, exits 3, and is left out of the trend.
//!
//! Thresholds (documented in `docs/operations.md`):
//! - a domain *was not measured* when at least half of the checks that could apply to it
//!   (every outcome but `info` and `not_applicable`) are inconclusive with the finding
//!   [`SCANNER_FAILURE`], and at least one is;
//! - a scan is *unhealthy* when more than half of its domains were not measured.

use serde::{Deserialize, Serialize};

use crate::{Outcome, Status};

/// The finding of an outcome that could not be judged because the scanner's own side failed.
pub const SCANNER_FAILURE: &str = "scanner_failure";

/// How many example causes a health assessment keeps.
pub const MAX_CAUSES: usize = 3;

/// The health of one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanHealth {
    /// Domains in the scan.
    pub domains: u64,
    /// Domains that were not measured because of the scanning side (see the module docs).
    pub not_measured: u64,
    /// True when more than half of the domains were not measured.
    pub unhealthy: bool,
    /// Up to [`MAX_CAUSES`] example reasons, as the checks wrote them.
    pub causes: Vec<String>,
}

/// Counts of one domain's outcomes: (inconclusive for a scanner-side reason, applicable).
pub fn domain_counts(outcomes: &[Outcome]) -> (u64, u64) {
    outcomes.iter().fold((0, 0), |(scanner, applicable), o| {
        let applies = !matches!(o.status, Status::Info | Status::NotApplicable);
        let scanner_side = o.status == Status::Inconclusive && o.finding == SCANNER_FAILURE;
        (
            scanner + u64::from(scanner_side),
            applicable + u64::from(applies),
        )
    })
}

/// True when a domain with these counts was not measured (see the module docs).
pub fn not_measured(scanner_failures: u64, applicable: u64) -> bool {
    scanner_failures > 0 && scanner_failures * 2 >= applicable
}

impl ScanHealth {
    /// The health of a scan whose domains have these per-domain counts
    /// ([`domain_counts`]), with example causes.
    pub fn from_counts(counts: impl IntoIterator<Item = (u64, u64)>, causes: Vec<String>) -> Self {
        let (domains, not_measured_count) =
            counts
                .into_iter()
                .fold((0u64, 0u64), |(domains, failed), (scanner, applicable)| {
                    (
                        domains + 1,
                        failed + u64::from(not_measured(scanner, applicable)),
                    )
                });
        ScanHealth {
            domains,
            not_measured: not_measured_count,
            unhealthy: not_measured_count * 2 > domains,
            causes: causes.into_iter().take(MAX_CAUSES).collect(),
        }
    }

    /// The health of a scan held in memory.
    pub fn assess<'a>(domains: impl IntoIterator<Item = &'a [Outcome]>) -> Self {
        let mut causes: Vec<String> = Vec::new();
        let mut counts = Vec::new();
        for outcomes in domains {
            counts.push(domain_counts(outcomes));
            for o in outcomes {
                if causes.len() < MAX_CAUSES
                    && o.status == Status::Inconclusive
                    && o.finding == SCANNER_FAILURE
                    && !causes.contains(&o.message)
                {
                    causes.push(o.message.clone());
                }
            }
        }
        ScanHealth::from_counts(counts, causes)
    }

    /// One plain sentence for a terminal or a banner: what happened.
    pub fn what_happened(&self) -> String {
        let mut text = format!(
            "{} of {} domain(s) could not be checked because of a problem on the computer that \
             ran the scan, not on the domains",
            self.not_measured, self.domains
        );
        if let Some(cause) = self.causes.first() {
            text.push_str(&format!(" (for example: {cause})"));
        }
        text.push('.');
        text
    }

    /// What to try, in plain words.
    pub fn what_to_try() -> &'static str {
        "Check that the scanning computer is online, that its DNS resolver is running and \
         answering (or pass a working one with --resolver), that it has IPv6 if the domains \
         publish IPv6 addresses, and that it has enough free file descriptors (ulimit -n) for \
         the --concurrency used; then scan again. This scan's scores are not a measurement of \
         the domains and are left out of the trend."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(status: Status, finding: &str) -> Outcome {
        Outcome::new(
            "x.y",
            status,
            finding,
            format!("{finding} here"),
            serde_json::json!({}),
        )
    }

    #[test]
    fn most_domains_not_measured_is_unhealthy() {
        let lost = [
            outcome(Status::Inconclusive, SCANNER_FAILURE),
            outcome(Status::Inconclusive, SCANNER_FAILURE),
            outcome(Status::Pass, "ok"),
            outcome(Status::NotApplicable, "na"),
        ];
        let fine = [
            outcome(Status::Pass, "ok"),
            outcome(Status::Inconclusive, SCANNER_FAILURE),
            outcome(Status::Fail, "bad"),
            outcome(Status::Fail, "bad"),
        ];
        assert_eq!(domain_counts(&lost), (2, 3));
        assert!(not_measured(2, 3));
        assert!(!not_measured(1, 4));
        assert!(
            !not_measured(0, 0),
            "a domain with nothing applicable was not lost"
        );
        let two_of_three = ScanHealth::assess([&lost[..], &lost[..], &fine[..]]);
        assert!(two_of_three.unhealthy);
        assert_eq!((two_of_three.domains, two_of_three.not_measured), (3, 2));
        assert_eq!(two_of_three.causes, vec!["scanner_failure here".to_owned()]);
        let half = ScanHealth::assess([&lost[..], &fine[..]]);
        assert!(!half.unhealthy, "exactly half is not most");
        assert!(half.what_happened().starts_with("1 of 2 domain(s)"));
    }
}
