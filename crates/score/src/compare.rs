//! Comparing two scans like with like: only scans judged by the same baseline, scoring version
//! and govscan version (the checks), and only over the domains both scans scored. Pure.

use std::collections::BTreeMap;

use govscan_model::{BaselineRef, ScanHeader, ScanResult};
use serde::{Deserialize, Serialize};

use crate::mean::mean_score;
use crate::scoring::difference;

/// What judged a scan: the things that must be equal for two scores to be compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// Baseline id, e.g. `estonia`.
    pub baseline_id: String,
    /// Baseline version, e.g. `2026.1`.
    pub baseline_version: String,
    /// SHA-256 of the baseline file.
    pub baseline_sha256: String,
    /// The scoring algorithm version.
    pub scoring_version: u32,
    /// The govscan version, which versions the checks.
    pub govscan_version: String,
}

impl Basis {
    /// The basis of a scan.
    pub fn of(scan: &ScanResult) -> Basis {
        Basis::judged_by(&scan.baseline, scan.scoring_version, &scan.govscan_version)
    }

    /// The basis of a scan, from its header (e.g. a light scan's).
    pub fn of_header(header: &ScanHeader) -> Basis {
        Basis::judged_by(
            &header.baseline,
            header.scoring_version,
            &header.govscan_version,
        )
    }

    fn judged_by(baseline: &BaselineRef, scoring_version: u32, govscan_version: &str) -> Basis {
        Basis {
            baseline_id: baseline.id.clone(),
            baseline_version: baseline.version.clone(),
            baseline_sha256: baseline.sha256.clone(),
            scoring_version,
            govscan_version: govscan_version.to_owned(),
        }
    }

    /// Why a score under `self` cannot be compared with one under `other`, in words that
    /// finish "not compared: …"; `None` when they can. The baseline and scoring version also
    /// break the trend line ([`Basis::same_scale`]).
    pub fn incomparable_with(&self, other: &Basis) -> Option<String> {
        if !self.same_scale(other) {
            return Some(self.scale_change(other));
        }
        (self.govscan_version != other.govscan_version).then(|| {
            format!(
                "the checks changed (govscan {} then, {} now), so a different verdict may come \
                 from govscan rather than the servers",
                other.govscan_version, self.govscan_version
            )
        })
    }

    /// Whether scores under the two are on the same scale: same baseline (by hash) and scoring
    /// version. The trend line is broken where this changes.
    pub fn same_scale(&self, other: &Basis) -> bool {
        self.baseline_sha256 == other.baseline_sha256
            && self.scoring_version == other.scoring_version
    }

    fn scale_change(&self, other: &Basis) -> String {
        if self.baseline_sha256 != other.baseline_sha256 {
            let name = |b: &Basis| format!("{} {}", b.baseline_id, b.baseline_version);
            if name(self) == name(other) {
                format!(
                    "the baseline file changed (same name, {}, different contents)",
                    name(self)
                )
            } else {
                format!(
                    "the baseline changed ({} then, {} now)",
                    name(other),
                    name(self)
                )
            }
        } else {
            format!(
                "the scoring rules changed (scoring version {} then, {} now)",
                other.scoring_version, self.scoring_version
            )
        }
    }
}

/// Two scans' scores over the domains both scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Domains in both scans with a score in both.
    pub shared: u32,
    /// Domains only in the newer scan.
    pub added: u32,
    /// Domains only in the older scan.
    pub removed: u32,
    /// Domains in both scans but scored in only one of them.
    pub scored_once: u32,
    /// Mean score of the shared domains in the older scan (rounded once).
    pub before: Option<f64>,
    /// Mean score of the shared domains in the newer scan (rounded once).
    pub now: Option<f64>,
    /// `now − before`, the difference of the two rounded means.
    pub delta: Option<f64>,
}

impl Comparison {
    /// True when both scans had exactly the same domains, scored in both: the shared means are
    /// then the two scans' own scores.
    pub fn same_domains(&self) -> bool {
        self.added == 0 && self.removed == 0 && self.scored_once == 0
    }
}

/// Compares domain scores (name, score) of an older and a newer scan. A name repeated within a
/// scan counts once (its first score).
pub fn like_for_like<'a>(
    older: impl IntoIterator<Item = (&'a str, Option<f64>)>,
    newer: impl IntoIterator<Item = (&'a str, Option<f64>)>,
) -> Comparison {
    let mut old: BTreeMap<&str, Option<f64>> = BTreeMap::new();
    for (name, score) in older {
        old.entry(name).or_insert(score);
    }
    let mut new: BTreeMap<&str, Option<f64>> = BTreeMap::new();
    for (name, score) in newer {
        new.entry(name).or_insert(score);
    }
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    let (mut added, mut scored_once) = (0u32, 0u32);
    for (name, now) in &new {
        match (old.get(name), now) {
            (None, _) => added += 1,
            (Some(Some(before)), Some(now)) => pairs.push((*before, *now)),
            (Some(Some(_)), None) | (Some(None), Some(_)) => scored_once += 1,
            (Some(None), None) => {}
        }
    }
    let removed = old.keys().filter(|name| !new.contains_key(*name)).count();
    let before = mean_score(pairs.iter().map(|(b, _)| *b));
    let now = mean_score(pairs.iter().map(|(_, n)| *n));
    Comparison {
        shared: u32::try_from(pairs.len()).unwrap_or(u32::MAX),
        added,
        removed: u32::try_from(removed).unwrap_or(u32::MAX),
        scored_once,
        before,
        now,
        delta: before.zip(now).map(|(b, n)| difference(n, b)),
    }
}

/// [`like_for_like`] over two whole scans' stored domain scores.
pub fn compare_scans(older: &ScanResult, newer: &ScanResult) -> Comparison {
    like_for_like(
        older.domains.iter().map(|d| (d.domain.as_str(), d.score)),
        newer.domains.iter().map(|d| (d.domain.as_str(), d.score)),
    )
}
