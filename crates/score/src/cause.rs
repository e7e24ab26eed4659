//! Why a domain's score moved between two scans, read from what the checks judged (status and
//! evidence), never from raw observations; named only when it is known.

use govscan_model::{DomainResult, Status};
use serde::{Deserialize, Serialize};

use crate::diff::{CheckChange, first_by_check};

/// Why a score moved, from what the checks judged (status and evidence), never from raw
/// observations (dates, durations and record order always differ). Named only when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveCause {
    /// Same baseline, scoring and govscan version; a check's verdict changed together with the
    /// evidence it recorded: what the checks saw on the servers changed.
    Servers,
    /// Same baseline, scoring and govscan version; every status change is to or from "could
    /// not be judged" (or the check not running): what could be checked changed, which may be
    /// the network or the scanner rather than the servers.
    Reach,
    /// The baseline or scoring version changed, and no check saw anything different: no
    /// status changed, or each changed status rests on the same evidence as before.
    Baseline,
    /// The baseline or scoring version changed, and some check also saw something different.
    Both,
    /// Same baseline and scoring version, a different govscan version, and each changed status
    /// rests on the same evidence as before: govscan's checks judged it differently.
    Checks,
    /// Not known: e.g. govscan changed and the evidence changed too (either could explain it),
    /// or the same evidence was judged differently with nothing else changed (a check that
    /// depends on the date, such as certificate expiry, can do that).
    Unknown,
}

impl MoveCause {
    /// The cause in plain words, as reports and `govscan diff` print it.
    pub fn words(self) -> &'static str {
        match self {
            MoveCause::Servers => "what the checks saw on the servers changed",
            MoveCause::Reach => "some checks could (or could not) be judged this time",
            MoveCause::Baseline => "the baseline or scoring changed, not what the checks saw",
            MoveCause::Both => "the baseline changed, and so did what the checks saw",
            MoveCause::Checks => "govscan's checks judged the same evidence differently",
            MoveCause::Unknown => "not known",
        }
    }
}

/// Why one domain's score moved (see [`MoveCause`]).
pub(crate) fn cause(
    baseline_changed: bool,
    checks_changed: bool,
    before: &DomainResult,
    now: &DomainResult,
    changes: &[CheckChange],
) -> MoveCause {
    let old_by_check = first_by_check(&before.outcomes, |o| o.check.as_str());
    let new_by_check = first_by_check(&now.outcomes, |o| o.check.as_str());
    let judged = |s: Option<Status>| {
        matches!(
            s,
            Some(Status::Pass | Status::Warn | Status::Fail | Status::Info | Status::NotApplicable)
        )
    };
    // A change between two judged statuses whose evidence differs: the check saw something else.
    let saw_something_else = changes.iter().any(|c| {
        judged(c.old_status)
            && judged(c.new_status)
            && old_by_check.get(c.check.as_str()).map(|o| &o.evidence)
                != new_by_check.get(c.check.as_str()).map(|o| &o.evidence)
    });
    let reach_only = !changes.is_empty()
        && changes
            .iter()
            .all(|c| !judged(c.old_status) || !judged(c.new_status));
    let same_evidence = !changes.is_empty() && !saw_something_else && !reach_only;
    match (baseline_changed, checks_changed) {
        (true, _) if changes.is_empty() => MoveCause::Baseline,
        (true, false) if same_evidence => MoveCause::Baseline,
        (true, false) if saw_something_else => MoveCause::Both,
        (false, false) if saw_something_else => MoveCause::Servers,
        (false, false) if reach_only => MoveCause::Reach,
        (false, true) if same_evidence => MoveCause::Checks,
        _ => MoveCause::Unknown,
    }
}
