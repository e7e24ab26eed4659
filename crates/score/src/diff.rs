//! Scan-to-scan comparison (pure): what started failing, what was fixed, which domains came and
//! went, and how each score moved and why.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use crate::cause::MoveCause;

use govscan_model::{
    BaselineRef, DomainResult, DomainView, ScanHeader, ScanResult, Status, Verdict,
};

/// Scores closer than this are the same score (guards against float noise).
const SCORE_EPSILON: f64 = 1e-9;

/// Everything that changed between two scans. Fields are in report order: new failures first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanDiff {
    /// Checks failing now that were not failing before (pass, warn, inconclusive, n/a, or the
    /// check did not run), on domains present in both scans.
    pub new_failures: Vec<CheckChange>,
    /// Checks warning now that were neither warning nor failing before.
    pub new_warnings: Vec<CheckChange>,
    /// Checks that went from fail or warn to pass.
    pub fixed: Vec<CheckChange>,
    /// Checks that went from fail to warn.
    pub improved: Vec<CheckChange>,
    /// Checks that could be judged before and cannot now (or are new and cannot be judged).
    pub became_inconclusive: Vec<CheckChange>,
    /// Every other status change (e.g. inconclusive → pass, a check no longer run).
    pub other_changes: Vec<CheckChange>,
    /// Domains only in the new scan.
    pub domains_added: Vec<DomainPresence>,
    /// Domains only in the old scan.
    pub domains_removed: Vec<DomainPresence>,
    /// Domains whose score or grade moved, largest fall first.
    pub score_moves: Vec<ScoreMove>,
    /// The old scan.
    pub old: ScanIdentity,
    /// The new scan.
    pub new: ScanIdentity,
    /// True when the baseline (id, version, hash) or the scoring version differ.
    pub baseline_changed: bool,
}

/// Which scan a side of the diff is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanIdentity {
    /// Scan start, RFC 3339.
    pub started_at: String,
    /// The govscan version that ran it.
    pub govscan_version: String,
    /// The baseline that judged it.
    pub baseline: BaselineRef,
    /// The scoring algorithm version.
    pub scoring_version: u32,
}

/// One check whose status changed on one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckChange {
    /// The domain.
    pub domain: String,
    /// The check id.
    pub check: String,
    /// Status before; `None` when the check did not run in the old scan.
    pub old_status: Option<Status>,
    /// Status now; `None` when the check did not run in the new scan.
    pub new_status: Option<Status>,
    /// Finding before.
    pub old_finding: Option<String>,
    /// Finding now.
    pub new_finding: Option<String>,
    /// The newest message (the old one when the check no longer runs).
    pub message: String,
}

/// A domain present in only one of the scans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainPresence {
    /// The domain.
    pub domain: String,
    /// Owning organisation.
    pub organisation: Option<String>,
    /// Its score in the scan that has it.
    pub score: Option<f64>,
    /// Its grade in the scan that has it.
    pub grade: String,
    /// Ids of its failing checks in the scan that has it.
    pub failing_checks: Vec<String>,
}

/// How one domain's score moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreMove {
    /// The domain.
    pub domain: String,
    /// Score before.
    pub old_score: Option<f64>,
    /// Score now.
    pub new_score: Option<f64>,
    /// `new - old`, when both exist.
    pub delta: Option<f64>,
    /// Grade before.
    pub old_grade: String,
    /// Grade now.
    pub new_grade: String,
    /// Why it moved.
    pub cause: MoveCause,
    /// The status changes on this domain that explain the move.
    pub checks: Vec<CheckChange>,
}

/// How many items each part of a [`ScanDiff`] holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffCounts {
    /// [`ScanDiff::new_failures`].
    pub new_failures: usize,
    /// [`ScanDiff::new_warnings`].
    pub new_warnings: usize,
    /// [`ScanDiff::fixed`].
    pub fixed: usize,
    /// [`ScanDiff::improved`].
    pub improved: usize,
    /// [`ScanDiff::became_inconclusive`].
    pub became_inconclusive: usize,
    /// [`ScanDiff::other_changes`].
    pub other_changes: usize,
    /// [`ScanDiff::domains_added`].
    pub domains_added: usize,
    /// [`ScanDiff::domains_removed`].
    pub domains_removed: usize,
    /// [`ScanDiff::score_moves`].
    pub score_moves: usize,
}

impl ScanDiff {
    /// Item counts per part.
    pub fn counts(&self) -> DiffCounts {
        DiffCounts {
            new_failures: self.new_failures.len(),
            new_warnings: self.new_warnings.len(),
            fixed: self.fixed.len(),
            improved: self.improved.len(),
            became_inconclusive: self.became_inconclusive.len(),
            other_changes: self.other_changes.len(),
            domains_added: self.domains_added.len(),
            domains_removed: self.domains_removed.len(),
            score_moves: self.score_moves.len(),
        }
    }

    /// True when nothing changed: no status change, no domain added or removed, no score move.
    /// (A changed baseline that moved nothing still counts as empty.)
    pub fn is_empty(&self) -> bool {
        self.counts() == DiffCounts::default()
    }
}

/// Compares two scans. Domains are visited in the new scan's order, checks in outcome order.
pub fn diff_scans(old: &ScanResult, new: &ScanResult) -> ScanDiff {
    let old_domains: BTreeMap<&str, &DomainResult> =
        old.domains.iter().map(|d| (d.domain.as_str(), d)).collect();
    let new_names: BTreeSet<&str> = new.domains.iter().map(|d| d.domain.as_str()).collect();
    let mut builder = DiffBuilder::new(&ScanHeader::from(old), &ScanHeader::from(new));
    for now in &new.domains {
        builder.domain(old_domains.get(now.domain.as_str()).copied(), now);
    }
    for gone in &old.domains {
        if !new_names.contains(gone.domain.as_str()) {
            builder.removed(gone);
        }
    }
    builder.finish()
}

/// Builds a [`ScanDiff`] one domain at a time, so two large scans can be compared without
/// holding either in memory: feed every domain of the new scan in order with its old result (if
/// any) to [`DiffBuilder::domain`] (or a domain only in the new scan, possibly light, to
/// [`DiffBuilder::added`]), then every domain only in the old scan to [`DiffBuilder::removed`].
/// The result equals [`diff_scans`] on the whole scans.
#[derive(Debug, Clone)]
pub struct DiffBuilder {
    diff: ScanDiff,
}

impl DiffBuilder {
    /// Starts a diff from the headers (baseline, versions, start) of the two scans.
    pub fn new(old: &ScanHeader, new: &ScanHeader) -> DiffBuilder {
        DiffBuilder {
            diff: ScanDiff {
                new_failures: Vec::new(),
                new_warnings: Vec::new(),
                fixed: Vec::new(),
                improved: Vec::new(),
                became_inconclusive: Vec::new(),
                other_changes: Vec::new(),
                domains_added: Vec::new(),
                domains_removed: Vec::new(),
                score_moves: Vec::new(),
                old: identity(old),
                new: identity(new),
                baseline_changed: old.baseline != new.baseline
                    || old.scoring_version != new.scoring_version,
            },
        }
    }

    /// Whether the old and new results of a domain differ in anything the diff reports
    /// (a status, the score or the grade). When they do not, [`DiffBuilder::domain`] adds
    /// nothing, so light views (no observations or evidence) can decide whether the whole
    /// results need loading.
    pub fn would_change(before: &impl DomainView, now: &impl DomainView) -> bool {
        score_moved(before, now) || !status_changes(before, now).is_empty()
    }

    /// Adds one domain of the new scan with its result in the old scan (`None`: it is new).
    pub fn domain(&mut self, before: Option<&DomainResult>, now: &DomainResult) {
        let Some(before) = before else {
            self.added(now);
            return;
        };
        let diff = &mut self.diff;
        let changes = status_changes(before, now);
        if score_moved(before, now) {
            let cause = crate::cause::cause(
                diff.baseline_changed,
                diff.old.govscan_version != diff.new.govscan_version,
                before,
                now,
                &changes,
            );
            diff.score_moves.push(ScoreMove {
                domain: now.domain.clone(),
                old_score: before.score,
                new_score: now.score,
                delta: before.score.zip(now.score).map(|(a, b)| b - a),
                old_grade: before.grade.clone(),
                new_grade: now.grade.clone(),
                cause,
                checks: changes.clone(),
            });
        }
        for change in changes {
            bucket(diff, change);
        }
    }

    /// Adds a domain that is only in the new scan.
    pub fn added(&mut self, now: &impl DomainView) {
        self.diff.domains_added.push(presence(now));
    }

    /// Adds a domain that is only in the old scan.
    pub fn removed(&mut self, gone: &impl DomainView) {
        self.diff.domains_removed.push(presence(gone));
    }

    /// The finished diff, score moves largest fall first.
    pub fn finish(mut self) -> ScanDiff {
        // Largest fall first; moves without a delta (score appeared or vanished) last.
        self.diff
            .score_moves
            .sort_by(|a, b| match (a.delta, b.delta) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        self.diff
    }
}

fn identity(scan: &ScanHeader) -> ScanIdentity {
    ScanIdentity {
        started_at: scan.started_at.clone(),
        govscan_version: scan.govscan_version.clone(),
        baseline: scan.baseline.clone(),
        scoring_version: scan.scoring_version,
    }
}

fn presence(domain: &impl DomainView) -> DomainPresence {
    DomainPresence {
        domain: domain.domain().to_owned(),
        organisation: domain.organisation().map(str::to_owned),
        score: domain.score(),
        grade: domain.grade().to_owned(),
        failing_checks: domain
            .verdicts()
            .filter(|o| o.status == Status::Fail)
            .map(|o| o.check.to_owned())
            .collect(),
    }
}

/// Every check whose status differs between the two results of one domain: checks in the new
/// result's order, then checks that no longer run. A repeated check id counts once (first).
fn status_changes(before: &impl DomainView, now: &impl DomainView) -> Vec<CheckChange> {
    let old_by_check = first_by_check(before.verdicts(), |v| v.check);
    let new_by_check = first_by_check(now.verdicts(), |v| v.check);
    let mut seen = BTreeSet::new();
    let mut changes = Vec::new();
    for verdict in now.verdicts() {
        if !seen.insert(verdict.check) {
            continue;
        }
        let old = old_by_check.get(verdict.check).copied();
        if old.map(|o| o.status) != Some(verdict.status) {
            changes.push(change(now.domain(), verdict.check, old, Some(verdict)));
        }
    }
    for verdict in before.verdicts() {
        if !new_by_check.contains_key(verdict.check) && seen.insert(verdict.check) {
            changes.push(change(now.domain(), verdict.check, Some(verdict), None));
        }
    }
    changes
}

/// The first of `items` for each check id (named by `check`).
pub(crate) fn first_by_check<'a, T>(
    items: impl IntoIterator<Item = T>,
    check: impl Fn(&T) -> &'a str,
) -> BTreeMap<&'a str, T> {
    let mut map = BTreeMap::new();
    for item in items {
        map.entry(check(&item)).or_insert(item);
    }
    map
}

fn change(domain: &str, check: &str, old: Option<Verdict>, new: Option<Verdict>) -> CheckChange {
    CheckChange {
        domain: domain.to_owned(),
        check: check.to_owned(),
        old_status: old.map(|o| o.status),
        new_status: new.map(|o| o.status),
        old_finding: old.map(|o| o.finding.to_owned()),
        new_finding: new.map(|o| o.finding.to_owned()),
        message: new
            .or(old)
            .map(|o| o.message.text().into_owned())
            .unwrap_or_default(),
    }
}

/// Files a status change under its heading.
fn bucket(diff: &mut ScanDiff, change: CheckChange) {
    use Status::{Fail, Inconclusive, Pass, Warn};
    let list = match (change.old_status, change.new_status) {
        (_, Some(Fail)) => &mut diff.new_failures,
        (Some(Fail), Some(Warn)) => &mut diff.improved,
        (_, Some(Warn)) => &mut diff.new_warnings,
        (Some(Fail | Warn), Some(Pass)) => &mut diff.fixed,
        (_, Some(Inconclusive)) => &mut diff.became_inconclusive,
        _ => &mut diff.other_changes,
    };
    list.push(change);
}

fn score_moved(before: &impl DomainView, now: &impl DomainView) -> bool {
    let score_differs = match (before.score(), now.score()) {
        (Some(a), Some(b)) => (a - b).abs() > SCORE_EPSILON,
        (None, None) => false,
        _ => true,
    };
    score_differs || before.grade() != now.grade()
}
