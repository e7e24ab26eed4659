//! The notification itself, before any payload format: which scan, compared with which, the
//! diff, and the same diff as titled sections of one-line items in report order (new failures
//! first). Every server-controlled text is passed through [`text::plain`] here, once, so no
//! renderer can forget it.

use govscan_model::{ScanHealth, Status};
use govscan_score::{CheckChange, DiffCounts, DomainPresence, MoveCause, ScanDiff};
use serde::Serialize;

use crate::text::{self, DETAIL_MAX_CHARS};

/// One side of the comparison: a saved scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanSide {
    /// Its id in the history database.
    pub id: i64,
    /// Start, RFC 3339.
    pub started_at: String,
    /// End, RFC 3339.
    pub finished_at: String,
    /// Domains in the scan.
    pub domains: u64,
    /// Mean score of its scored domains (as `govscan history` shows it).
    pub portfolio_score: Option<f64>,
}

/// Why a notification exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The diff with the previous scan is not empty.
    Changes,
    /// The diff is empty (sent only when asked to always send).
    NoChanges,
    /// There is no previous scan to compare with (sent only when asked to always send).
    FirstScan,
    /// The scan did not measure the domains (most failed for the scanner's own reasons):
    /// always sent, with what happened and what to try instead of a diff.
    Unhealthy,
}

/// Everything a payload is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Why it exists.
    pub kind: Kind,
    /// The scan being reported.
    pub scan: ScanSide,
    /// The scan it is compared with (`None`: the first scan).
    pub previous: Option<ScanSide>,
    /// The diff from `previous` to `scan`, with every message made plain text.
    pub diff: Option<ScanDiff>,
    /// Where the report of `scan` is published, when known.
    pub report_url: Option<String>,
    /// The govscan version sending it.
    pub govscan_version: String,
    /// The scan's health when it did not measure the domains ([`Kind::Unhealthy`]).
    pub health: Option<ScanHealth>,
}

/// One titled group of items (e.g. "New failures").
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Stable key, as in the generic JSON payload (`new_failures`).
    pub key: &'static str,
    /// Heading for people.
    pub title: &'static str,
    /// The items, in diff order.
    pub items: Vec<Item>,
}

/// One line of a section.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The domain.
    pub domain: String,
    /// The check, for status changes.
    pub check: Option<String>,
    /// What moved, in govscan's own words (`pass → fail`, `71.0 → 65.0 (-6.0), grade B → C`).
    pub change: String,
    /// Detail: the check's message, or the cause of a score move. Plain text; it may still
    /// hold characters that mean something in a payload's markup, so renderers escape it.
    pub detail: String,
}

impl Notification {
    /// A notification about `scan`, compared with `previous` (if any) through `diff`. Every
    /// message of the diff is made plain text here.
    pub fn new(
        scan: ScanSide,
        previous: Option<ScanSide>,
        diff: Option<ScanDiff>,
        report_url: Option<String>,
    ) -> Notification {
        let diff = diff.map(plain_diff);
        let kind = match &diff {
            None => Kind::FirstScan,
            Some(d) if d.is_empty() => Kind::NoChanges,
            Some(_) => Kind::Changes,
        };
        Notification {
            kind,
            scan,
            previous,
            diff,
            report_url,
            govscan_version: env!("CARGO_PKG_VERSION").to_owned(),
            health: None,
        }
    }

    /// A notification that `scan` did not measure the domains (`health` says why): no diff,
    /// since its changes would be the scanning machine's, not the domains'.
    pub fn unhealthy(scan: ScanSide, health: &ScanHealth, report_url: Option<String>) -> Self {
        let mut health = health.clone();
        for cause in &mut health.causes {
            *cause = text::plain(cause, DETAIL_MAX_CHARS);
        }
        Notification {
            kind: Kind::Unhealthy,
            scan,
            previous: None,
            diff: None,
            report_url,
            govscan_version: env!("CARGO_PKG_VERSION").to_owned(),
            health: Some(health),
        }
    }

    /// Whether to send it: when something changed or the scan did not measure the domains,
    /// or always when asked.
    pub fn should_send(&self, always: bool) -> bool {
        always || matches!(self.kind, Kind::Changes | Kind::Unhealthy)
    }

    /// For an unhealthy scan: what happened and what to try, in govscan's words only (the
    /// example cause is left out; the generic payload carries it as data).
    pub fn health_lines(&self) -> Option<(String, String)> {
        let health = self.health.as_ref()?;
        Some((
            format!(
                "What happened: {}. {} of {} could not be checked because of a problem on \
                 the computer that ran the scan, not on the domains.",
                health.headline(),
                health.not_measured,
                govscan_model::health::domains(health.domains)
            ),
            format!("What to try: {}", health.what_to_try()),
        ))
    }

    /// Item counts of the diff (all zero for a first scan).
    pub fn counts(&self) -> DiffCounts {
        self.diff.as_ref().map(ScanDiff::counts).unwrap_or_default()
    }

    /// New portfolio score minus the previous one, both rounded to one decimal as they are
    /// shown (so "62.3 -> 61.5" moves by -0.8, never -0.7), when both exist.
    pub fn portfolio_delta(&self) -> Option<f64> {
        let round1 = |v: f64| (v * 10.0).round() / 10.0;
        let old = round1(self.previous.as_ref()?.portfolio_score?);
        Some(round1(round1(self.scan.portfolio_score?) - old))
    }

    /// The headline, in govscan's words only (ASCII, no server text): the scan, what changed
    /// and the portfolio score.
    pub fn title(&self) -> String {
        if let Some(health) = &self.health {
            return format!(
                "govscan scan #{} did not measure the domains: {}",
                self.scan.id,
                health.headline()
            );
        }
        let what = match self.kind {
            Kind::FirstScan => "first scan saved, no earlier scan to compare with".to_owned(),
            Kind::Unhealthy => "did not measure the domains".to_owned(),
            Kind::NoChanges => match &self.previous {
                Some(p) => format!("nothing changed since scan #{}", p.id),
                None => "nothing changed".to_owned(),
            },
            Kind::Changes => self.change_summary(),
        };
        format!(
            "govscan scan #{}: {what}; {}",
            self.scan.id,
            self.portfolio_phrase()
        )
    }

    /// A short subject line: the scan and the counts that changed (no scores).
    pub fn subject(&self) -> String {
        match self.kind {
            Kind::Changes => format!(
                "[govscan] scan #{}: {}",
                self.scan.id,
                self.change_summary()
            ),
            Kind::NoChanges => format!("[govscan] scan #{}: nothing changed", self.scan.id),
            Kind::FirstScan => format!("[govscan] scan #{}: first scan", self.scan.id),
            Kind::Unhealthy => format!(
                "[govscan] scan #{}: did not measure the domains (problem on the scanning \
                 machine)",
                self.scan.id
            ),
        }
    }

    /// "3 new failures, 1 fixed, 2 score moves": the non-zero counts in report order.
    fn change_summary(&self) -> String {
        let n = self.counts();
        let parts: Vec<String> = [
            (n.new_failures, "new failure", "new failures"),
            (n.new_warnings, "new warning", "new warnings"),
            (n.fixed, "fixed", "fixed"),
            (n.improved, "improved", "improved"),
            (
                n.became_inconclusive,
                "became inconclusive",
                "became inconclusive",
            ),
            (n.domains_added, "domain added", "domains added"),
            (n.domains_removed, "domain removed", "domains removed"),
            (n.score_moves, "score move", "score moves"),
            (n.other_changes, "other change", "other changes"),
        ]
        .iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, one, many)| format!("{count} {}", if *count == 1 { one } else { many }))
        .collect();
        if parts.is_empty() {
            "nothing changed".to_owned()
        } else {
            parts.join(", ")
        }
    }

    /// "portfolio score 71.2 -> 69.8 (-1.4)" or "portfolio score 71.2".
    fn portfolio_phrase(&self) -> String {
        let now = text::score(self.scan.portfolio_score);
        match (self.previous.as_ref(), self.portfolio_delta()) {
            (Some(p), Some(delta)) if delta.abs() >= 0.05 => format!(
                "portfolio score {} -> {now} ({delta:+.1})",
                text::score(p.portfolio_score)
            ),
            _ => format!("portfolio score {now}"),
        }
    }

    /// The diff as sections in report order; empty sections are left out. "Other changes"
    /// (e.g. inconclusive → pass) are counted in the title, not listed.
    pub fn sections(&self) -> Vec<Section> {
        let Some(diff) = &self.diff else {
            return Vec::new();
        };
        let changes = |key, title, list: &[CheckChange]| Section {
            key,
            title,
            items: list.iter().map(change_item).collect(),
        };
        let presence = |key, title, list: &[DomainPresence]| Section {
            key,
            title,
            items: list
                .iter()
                .map(|d| Item {
                    domain: d.domain.clone(),
                    check: None,
                    change: format!("score {}, grade {}", text::score(d.score), d.grade),
                    detail: if d.failing_checks.is_empty() {
                        "failing: none".to_owned()
                    } else {
                        format!("failing: {}", d.failing_checks.join(", "))
                    },
                })
                .collect(),
        };
        let moves = Section {
            key: "score_moves",
            title: "Score moves, largest fall first",
            items: diff
                .score_moves
                .iter()
                .map(|m| Item {
                    domain: m.domain.clone(),
                    check: None,
                    change: format!(
                        "{} → {}{}, grade {} → {}",
                        text::score(m.old_score),
                        text::score(m.new_score),
                        m.delta.map_or_else(String::new, |d| format!(" ({d:+.1})")),
                        m.old_grade,
                        m.new_grade
                    ),
                    detail: move_detail(m.cause, &m.checks),
                })
                .collect(),
        };
        [
            changes("new_failures", "New failures", &diff.new_failures),
            changes("new_warnings", "New warnings", &diff.new_warnings),
            changes("fixed", "Fixed", &diff.fixed),
            changes("improved", "Improved (fail → warning)", &diff.improved),
            changes(
                "became_inconclusive",
                "Became inconclusive (could not be judged)",
                &diff.became_inconclusive,
            ),
            presence("domains_added", "Domains added", &diff.domains_added),
            presence("domains_removed", "Domains removed", &diff.domains_removed),
            moves,
        ]
        .into_iter()
        .filter(|s| !s.items.is_empty())
        .collect()
    }
}

fn status_word(status: Option<Status>) -> &'static str {
    status.map_or("did not run", Status::as_str)
}

fn change_item(c: &CheckChange) -> Item {
    Item {
        domain: c.domain.clone(),
        check: Some(c.check.clone()),
        change: format!(
            "{} → {}",
            status_word(c.old_status),
            status_word(c.new_status)
        ),
        detail: c.message.clone(),
    }
}

fn move_detail(cause: MoveCause, checks: &[CheckChange]) -> String {
    // The same plain words as the report and `govscan diff` (one place says what a cause is).
    let cause = cause.words();
    if checks.is_empty() {
        return format!("cause: {cause}");
    }
    let names: Vec<&str> = checks.iter().take(8).map(|c| c.check.as_str()).collect();
    let more = checks.len().saturating_sub(names.len());
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("cause: {cause}; checks: {}{tail}", names.join(", "))
}

/// Longest domain name or check id kept (a DNS name has at most 253 characters).
const NAME_MAX_CHARS: usize = 253;

/// The diff with every text made one capped line of plain text: messages come from scanned
/// servers; domains, check ids and grades come from the target list, declarative check files
/// and the baseline, and are made plain too so that no renderer has to trust them.
fn plain_diff(mut diff: ScanDiff) -> ScanDiff {
    let name = |s: &str| text::plain(s, NAME_MAX_CHARS);
    let fix = |list: &mut Vec<CheckChange>| {
        for c in list {
            c.domain = name(&c.domain);
            c.check = name(&c.check);
            c.message = text::plain(&c.message, DETAIL_MAX_CHARS);
        }
    };
    let fix_presence = |list: &mut Vec<DomainPresence>| {
        for d in list {
            d.domain = name(&d.domain);
            d.grade = name(&d.grade);
            d.organisation = d.organisation.as_deref().map(name);
            for check in &mut d.failing_checks {
                *check = name(check);
            }
        }
    };
    fix_presence(&mut diff.domains_added);
    fix_presence(&mut diff.domains_removed);
    fix(&mut diff.new_failures);
    fix(&mut diff.new_warnings);
    fix(&mut diff.fixed);
    fix(&mut diff.improved);
    fix(&mut diff.became_inconclusive);
    fix(&mut diff.other_changes);
    for m in &mut diff.score_moves {
        m.domain = name(&m.domain);
        m.old_grade = name(&m.old_grade);
        m.new_grade = name(&m.new_grade);
        fix(&mut m.checks);
    }
    diff
}
