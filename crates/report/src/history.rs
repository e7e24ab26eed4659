//! Past scans for the trend: each is compared like for like with the latest earlier scan judged
//! the same way as it is added, so a report keeps every past scan's figures but the domain
//! scores of only the latest scan of each basis (60 past scans of 100,000 domains would
//! otherwise be held at once).

use govscan_model::ScanResult;
use govscan_score::{Basis, like_for_like, mean_score};

use crate::input::PointChange;

/// One past scan, for the trend chart: what judged it and every domain's stored score.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// A short label, e.g. the store's scan id (`#12`).
    pub label: String,
    /// Scan start, RFC 3339.
    pub started_at: String,
    /// The baseline, scoring version and govscan version that judged it.
    pub basis: Basis,
    /// Every domain with its stored score, in target order.
    pub domain_scores: Vec<(String, Option<f64>)>,
    /// How many of its domains had a provisional score.
    pub provisional: u32,
    /// True when most domains of the scan could not be measured because of the scanning side
    /// (see `govscan_model::health`): the trend leaves its score out, marks the scan, and
    /// compares no scan with it.
    pub unhealthy: bool,
}

impl HistoryEntry {
    /// A point from a whole scan.
    pub fn from_scan(label: impl Into<String>, scan: &ScanResult) -> HistoryEntry {
        HistoryEntry {
            label: label.into(),
            started_at: scan.started_at.clone(),
            basis: Basis::of(scan),
            domain_scores: scan
                .domains
                .iter()
                .map(|d| (d.domain.clone(), d.score))
                .collect(),
            provisional: count(
                scan.domains
                    .iter()
                    .filter(|d| d.provisional.is_some())
                    .count(),
            ),
            unhealthy: false,
        }
    }

    /// A point from stored rows (domain, score, provisional), e.g. `Store::domain_scores`.
    pub fn from_rows(
        label: impl Into<String>,
        started_at: impl Into<String>,
        basis: Basis,
        rows: Vec<(String, Option<f64>, bool)>,
    ) -> HistoryEntry {
        HistoryEntry {
            label: label.into(),
            started_at: started_at.into(),
            basis,
            provisional: count(rows.iter().filter(|(_, _, p)| *p).count()),
            domain_scores: rows.into_iter().map(|(d, s, _)| (d, s)).collect(),
            unhealthy: false,
        }
    }

    /// Marks the scan as unhealthy (it measured the scanning host, not the domains).
    pub fn with_unhealthy(mut self, unhealthy: bool) -> HistoryEntry {
        self.unhealthy = unhealthy;
        self
    }

    /// The portfolio score: the mean of the scored domains, rounded once (the roll-up rule).
    pub fn portfolio_score(&self) -> Option<f64> {
        mean_score(self.domain_scores.iter().filter_map(|(_, s)| *s))
    }

    /// Domains with a score.
    pub fn domains_scored(&self) -> usize {
        self.domain_scores
            .iter()
            .filter(|(_, s)| s.is_some())
            .count()
    }

    fn scores(&self) -> impl Iterator<Item = (&str, Option<f64>)> {
        self.domain_scores.iter().map(|(d, s)| (d.as_str(), *s))
    }
}

/// A scan of the trend without its domain scores: its figures, and (for a scan before the one
/// reported) how it compares with the latest earlier scan judged the same way.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrendEntry {
    pub(crate) label: String,
    pub(crate) started_at: String,
    pub(crate) basis: Basis,
    /// How many domains it has, and how many of them have a score.
    pub(crate) domains: usize,
    pub(crate) domains_scored: usize,
    pub(crate) portfolio_score: Option<f64>,
    pub(crate) provisional: u32,
    pub(crate) unhealthy: bool,
    /// Against the latest earlier scan judged the same way; `None` for a scan not before the
    /// one reported (kept for its label only).
    pub(crate) change: Option<PointChange>,
}

/// The latest healthy scan of one basis so far, with its domain scores.
#[derive(Debug, Clone)]
struct Latest {
    /// Its index among the scans before the one reported.
    index: usize,
    label: String,
    started_at: String,
    basis: Basis,
    domain_scores: Vec<(String, Option<f64>)>,
}

/// The past scans of a report, in the order given (oldest first).
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    /// Every scan given, before the one reported or not.
    entries: Vec<TrendEntry>,
    /// How many of them start before the scan reported.
    earlier: usize,
    /// The basis of the last of those.
    last_earlier: Option<Basis>,
    /// The latest healthy scan of each basis among those.
    latest: Vec<Latest>,
}

impl History {
    /// Every scan given, in order.
    pub(crate) fn entries(&self) -> &[TrendEntry] {
        &self.entries
    }

    /// The scans that start before `now` (the scan reported), in order.
    pub(crate) fn before<'h>(&'h self, now: &'h str) -> impl Iterator<Item = &'h TrendEntry> {
        self.entries
            .iter()
            .filter(move |h| h.started_at.as_str() < now)
    }

    /// Adds the next scan; `now` is the start of the scan reported. A scan before it is
    /// compared with the latest earlier one judged the same way.
    pub(crate) fn add(&mut self, entry: HistoryEntry, now: &str) {
        let mut trend = TrendEntry {
            label: entry.label.clone(),
            started_at: entry.started_at.clone(),
            basis: entry.basis.clone(),
            domains: entry.domain_scores.len(),
            domains_scored: entry.domains_scored(),
            portfolio_score: entry.portfolio_score(),
            provisional: entry.provisional,
            unhealthy: entry.unhealthy,
            change: None,
        };
        if entry.started_at.as_str() < now {
            trend.change = Some(self.change_of(&entry.basis, entry.scores()));
            self.last_earlier = Some(entry.basis.clone());
            if !entry.unhealthy {
                let latest = Latest {
                    index: self.earlier,
                    label: entry.label,
                    started_at: entry.started_at,
                    basis: entry.basis,
                    domain_scores: entry.domain_scores,
                };
                match self.comparable(&latest.basis) {
                    Some(slot) => *slot = latest,
                    None => self.latest.push(latest),
                }
            }
            self.earlier += 1;
        }
        self.entries.push(trend);
    }

    /// A scan after every scan before the one reported (so far), judged under `basis`, with
    /// these domain scores, against the latest of them judged the same way.
    pub(crate) fn change_of<'a>(
        &'a self,
        basis: &Basis,
        scores: impl Iterator<Item = (&'a str, Option<f64>)>,
    ) -> PointChange {
        let Some(just_before) = &self.last_earlier else {
            return PointChange::First;
        };
        match self
            .latest
            .iter()
            .find(|l| basis.incomparable_with(&l.basis).is_none())
        {
            Some(against) => PointChange::Compared {
                against: against.label.clone(),
                against_started_at: against.started_at.clone(),
                adjacent: against.index + 1 == self.earlier,
                comparison: like_for_like(
                    against.domain_scores.iter().map(|(d, s)| (d.as_str(), *s)),
                    scores,
                ),
            },
            None => PointChange::NotCompared {
                reason: basis.incomparable_with(just_before).unwrap_or_default(),
            },
        }
    }

    fn comparable(&mut self, basis: &Basis) -> Option<&mut Latest> {
        self.latest
            .iter_mut()
            .find(|l| basis.incomparable_with(&l.basis).is_none())
    }
}

pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
