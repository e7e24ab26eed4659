//! Scan health: whether a scan measured the domains at all, or mostly measured a problem on the
//! scanning side (offline, resolver down, no route). An unhealthy scan says so on the terminal
//! and in the report, exits 3, and is left out of the trend.
//!
//! Thresholds (documented in `docs/operations.md`):
//! - a domain *was not measured* when at least half of the checks that could apply to it
//!   (every outcome but `info` and `not_applicable`) are inconclusive with the finding
//!   [`SCANNER_FAILURE`], and at least one is;
//! - a scan is *unhealthy* when more than half of its domains were not measured.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Outcome, ScannerCause, Status};

/// The finding of an outcome that could not be judged because the scanner's own side failed.
pub const SCANNER_FAILURE: &str = "scanner_failure";

/// The finding of a mail-transport outcome that could not be judged because no mail server of
/// the scan could be reached on port 25 from the scanning host (issue 13): the scanner's
/// condition, reported once for the scan, never the domains' failure.
pub const SMTP_UNREACHABLE: &str = "smtp_unreachable_from_scanner";

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
    /// Up to [`MAX_CAUSES`] example reasons, as the checks wrote them (the most frequent
    /// cause's first).
    pub causes: Vec<String>,
    /// Domains whose mail servers could not be reached on port 25 from the scanning host
    /// ([`SMTP_UNREACHABLE`]): outbound SMTP is likely blocked here (absent in older results).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub smtp_unreachable: u64,
    /// Outcomes inconclusive for a scanner-side reason, by cause (empty in scans saved by an
    /// older govscan).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_cause: BTreeMap<ScannerCause, u64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
            smtp_unreachable: 0,
            by_cause: BTreeMap::new(),
        }
    }

    /// The health of a scan whose domains have these per-domain counts
    /// ([`domain_counts`]), from the scanner-side failure messages with how many outcomes
    /// carry each (a message may come more than once): the counts by cause, and a few distinct
    /// examples, the most frequent cause's first. Memory stays bounded however many come.
    pub fn from_messages(
        counts: impl IntoIterator<Item = (u64, u64)>,
        messages: impl IntoIterator<Item = (String, u64)>,
    ) -> Self {
        let mut by_cause: BTreeMap<ScannerCause, u64> = BTreeMap::new();
        let mut examples: Vec<(ScannerCause, String)> = Vec::new();
        for (message, count) in messages {
            let cause = ScannerCause::classify(&message);
            *by_cause.entry(cause).or_insert(0) += count;
            // A few examples per cause are enough to pick from.
            if examples.iter().filter(|(c, _)| *c == cause).count() < MAX_CAUSES
                && !examples.iter().any(|(_, m)| *m == message)
            {
                examples.push((cause, message));
            }
        }
        let main = main_cause(&by_cause);
        // Stable: the main cause's examples first, the rest in their order.
        examples.sort_by_key(|(cause, _)| Some(*cause) != main);
        let mut health =
            ScanHealth::from_counts(counts, examples.into_iter().map(|(_, m)| m).collect());
        health.by_cause = by_cause;
        health
    }

    /// The scan-wide SMTP condition in plain words, when some domain's mail servers could not
    /// be reached on port 25 from the scanning host; `None` otherwise.
    pub fn smtp_condition(&self) -> Option<String> {
        (self.smtp_unreachable > 0).then(|| {
            format!(
                "Outbound SMTP (port 25) appears blocked from the computer that ran the scan: the \
                 mail servers of {} could not be reached on port 25 while other ports \
                 worked. This is the scanner's network, not the domains: their mail transport \
                 checks (mail.starttls, mail.starttls-tls, mail.starttls-certificate, mail.dane) \
                 are inconclusive, not failed. Scan from a network that allows outbound port 25, \
                 or pass --no-smtp.",
                domains(self.smtp_unreachable)
            )
        })
    }

    /// The health of a scan held in memory.
    pub fn assess<'a>(domains: impl IntoIterator<Item = &'a [Outcome]>) -> Self {
        let mut messages: Vec<(String, u64)> = Vec::new();
        let mut counts = Vec::new();
        let mut smtp_unreachable = 0;
        for outcomes in domains {
            counts.push(domain_counts(outcomes));
            smtp_unreachable += u64::from(outcomes.iter().any(|o| o.finding == SMTP_UNREACHABLE));
            messages.extend(
                outcomes
                    .iter()
                    .filter(|o| o.status == Status::Inconclusive && o.finding == SCANNER_FAILURE)
                    .map(|o| (o.message.clone(), 1)),
            );
        }
        ScanHealth {
            smtp_unreachable,
            ..ScanHealth::from_messages(counts, messages)
        }
    }

    /// The most frequent scanner-side cause; for a scan saved by an older govscan (no counts),
    /// the cause of its first example.
    pub fn main_cause(&self) -> Option<ScannerCause> {
        main_cause(&self.by_cause).or_else(|| {
            self.causes
                .first()
                .map(|message| ScannerCause::classify(message))
        })
    }

    /// What happened, in a few words (the main cause's), without a full stop.
    pub fn headline(&self) -> &'static str {
        self.main_cause().unwrap_or(ScannerCause::Other).headline()
    }

    /// Plain sentences for a terminal or a banner: what happened (the main cause), how much
    /// of the scan it cost, and an example.
    pub fn what_happened(&self) -> String {
        let mut text = format!(
            "{}. {} of {} could not be checked because of a problem on the computer that ran \
             the scan, not on the domains",
            self.headline(),
            self.not_measured,
            domains(self.domains)
        );
        if let Some(cause) = self.causes.first() {
            text.push_str(&format!(" (for example: {cause})"));
        }
        text.push('.');
        text
    }

    /// What to try, in plain words, for the main cause.
    pub fn what_to_try(&self) -> String {
        format!(
            "{} Then scan again. This scan's scores are not a measurement of the domains and \
             are left out of the trend.",
            self.main_cause()
                .unwrap_or(ScannerCause::Other)
                .what_to_try()
        )
    }
}

/// The cause with the most outcomes (the first in [`ScannerCause`] order on a tie).
fn main_cause(by_cause: &BTreeMap<ScannerCause, u64>) -> Option<ScannerCause> {
    by_cause
        .iter()
        .filter(|(_, n)| **n > 0)
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(cause, _)| *cause)
}

/// "1 domain", "3 domains": counts in banners are read by ministers, not parsed.
pub fn domains(n: u64) -> String {
    if n == 1 {
        "1 domain".to_owned()
    } else {
        format!("{n} domains")
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
        assert!(
            half.what_happened()
                .contains(". 1 of 2 domains could not be checked")
        );
        assert_eq!(half.by_cause.get(&ScannerCause::Other), Some(&3));
        assert_eq!(half.main_cause(), Some(ScannerCause::Other));
    }

    #[test]
    fn the_most_frequent_cause_leads_the_words_and_its_example_comes_first() {
        let resolver = "A query for a.test failed: request timed out: the resolver is not \
                        reachable from this host: nothing listens on 127.0.0.1:9 (TCP connect \
                        refused)";
        let ipv6 = "TCP connect to [2001:db8::1]:443 failed on the scanner's side, not the \
                    target's: this host has no route to 2001:db8::1 (IPv6): unreachable";
        let health = ScanHealth::from_messages(
            [(3, 4), (4, 4)],
            [(ipv6.to_owned(), 2), (resolver.to_owned(), 5)],
        );
        assert!(health.unhealthy);
        assert_eq!(health.main_cause(), Some(ScannerCause::ResolverDown));
        assert_eq!(health.causes[0], resolver, "the main cause's example first");
        let happened = health.what_happened();
        assert!(
            happened.starts_with("No DNS answers from the resolver: this machine may be offline"),
            "{happened}"
        );
        assert!(happened.contains("2 of 2 domains"), "{happened}");
        assert!(health.what_to_try().contains("--resolver"));
        // Stored by an older govscan: no counts, the first example decides.
        let old: ScanHealth = serde_json::from_value(serde_json::json!({
            "domains": 2, "not_measured": 2, "unhealthy": true, "causes": [ipv6]
        }))
        .expect("old health");
        assert_eq!(old.main_cause(), Some(ScannerCause::NoIpv6));
        let round_trip: ScanHealth =
            serde_json::from_str(&serde_json::to_string(&health).expect("json")).expect("back");
        assert_eq!(round_trip, health);
    }
}
