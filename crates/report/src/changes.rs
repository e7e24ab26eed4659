//! "What changed since the previous scan", from the store's pure diff: new failures first,
//! then fixes, then score moves with the checks that caused them and why.

use govscan_model::{CheckCatalog, Status};
use govscan_score::{CheckChange, MoveCause};
use serde::Serialize;

use crate::input::ReportInput;
use crate::links::Links;
use crate::text::{day_time, grade_of, score_text, signed, status_style};

/// Items shown per list before "and N more".
const SHOWN: usize = 50;

/// Changes, filtered to some domains (or all).
#[derive(Debug, Serialize)]
pub(crate) struct ChangesView {
    pub(crate) has_previous: bool,
    pub(crate) previous_date: String,
    /// Why the previous scan given is not compared (another baseline, scoring or govscan
    /// version); empty when it is, or when there is none.
    pub(crate) not_compared: String,
    /// Scans judged differently lie between the compared scan and this one.
    pub(crate) skipped_note: String,
    pub(crate) baseline_changed: bool,
    pub(crate) new_failure_count: usize,
    pub(crate) fixed_count: usize,
    pub(crate) new_failures: Vec<ChangeRow>,
    pub(crate) fixed: Vec<ChangeRow>,
    pub(crate) other: Vec<ChangeRow>,
    pub(crate) moves: Vec<MoveRow>,
    pub(crate) added: Vec<String>,
    pub(crate) removed: Vec<String>,
    pub(crate) nothing_changed: bool,
    pub(crate) more: String,
}

/// One status change.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChangeRow {
    pub(crate) domain: String,
    pub(crate) href: String,
    pub(crate) check: String,
    pub(crate) title: String,
    pub(crate) before: String,
    pub(crate) before_class: String,
    pub(crate) now: String,
    pub(crate) now_class: String,
    pub(crate) message: String,
}

/// One domain's score move.
#[derive(Debug, Serialize)]
pub(crate) struct MoveRow {
    pub(crate) domain: String,
    pub(crate) href: String,
    pub(crate) before: String,
    pub(crate) now: String,
    pub(crate) delta: String,
    pub(crate) grades: String,
    pub(crate) grade_class: String,
    pub(crate) cause: String,
    pub(crate) because: String,
}

impl ChangesView {
    /// Changes since the previous scan; `prefix` is prepended to links (`../` on sub-pages);
    /// `only` limits them to these domains.
    pub(crate) fn new(
        input: &ReportInput<'_>,
        links: &Links,
        prefix: &str,
        only: Option<&[&str]>,
    ) -> ChangesView {
        let Some(previous) = input.comparable_previous() else {
            let mut view = ChangesView::none();
            view.not_compared = input.not_compared_reason().unwrap_or_default();
            return view;
        };
        let skipped = input
            .history
            .entries()
            .iter()
            .filter(|h| {
                h.started_at.as_str() > previous.header.started_at.as_str()
                    && h.started_at.as_str() < input.scan.header.started_at.as_str()
            })
            .count();
        let diff = &previous.diff;
        let keep = |domain: &str| only.is_none_or(|list| list.contains(&domain));
        let rows = |list: &[CheckChange]| -> Vec<ChangeRow> {
            list.iter()
                .filter(|c| keep(&c.domain))
                .map(|c| change_row(c, &input.checks, links, prefix))
                .collect()
        };
        let new_failures: Vec<ChangeRow> =
            [rows(&diff.new_failures), rows(&diff.new_warnings)].concat();
        let fixed: Vec<ChangeRow> = [rows(&diff.fixed), rows(&diff.improved)].concat();
        let other: Vec<ChangeRow> =
            [rows(&diff.became_inconclusive), rows(&diff.other_changes)].concat();
        let moves: Vec<MoveRow> = diff
            .score_moves
            .iter()
            .filter(|m| keep(&m.domain))
            .map(|m| {
                let (_, grade_class) = grade_of(&m.new_grade);
                MoveRow {
                    domain: m.domain.clone(),
                    href: href(links.domain(&m.domain), prefix),
                    before: score_text(m.old_score),
                    now: score_text(m.new_score),
                    delta: m.delta.map_or_else(|| "–".to_owned(), signed),
                    grades: if m.old_grade == m.new_grade {
                        m.new_grade.clone()
                    } else {
                        format!("{} → {}", m.old_grade, m.new_grade)
                    },
                    grade_class: grade_class.to_owned(),
                    cause: cause_words(m.cause).to_owned(),
                    because: if m.checks.is_empty() {
                        "no check changed status".to_owned()
                    } else {
                        m.checks
                            .iter()
                            .map(|c| format!("{} {}", c.check, arrow(c.old_status, c.new_status)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                }
            })
            .collect();
        let added: Vec<String> = diff
            .domains_added
            .iter()
            .filter(|d| keep(&d.domain))
            .map(|d| d.domain.clone())
            .collect();
        let removed: Vec<String> = diff
            .domains_removed
            .iter()
            .filter(|d| keep(&d.domain))
            .map(|d| d.domain.clone())
            .collect();
        let total = new_failures.len() + fixed.len() + other.len();
        let mut view = ChangesView {
            has_previous: true,
            previous_date: day_time(&previous.header.started_at),
            not_compared: String::new(),
            skipped_note: if skipped > 0 {
                format!(
                    "{} in between {} judged under another baseline, scoring version or \
                     govscan version, so {} not compared.",
                    crate::text::plural(skipped, "scan", "scans"),
                    if skipped == 1 { "was" } else { "were" },
                    if skipped == 1 { "it is" } else { "they are" }
                )
            } else {
                String::new()
            },
            baseline_changed: diff.baseline_changed,
            new_failure_count: new_failures.len(),
            fixed_count: fixed.len(),
            nothing_changed: total == 0
                && moves.is_empty()
                && added.is_empty()
                && removed.is_empty(),
            new_failures,
            fixed,
            other,
            moves,
            added,
            removed,
            more: String::new(),
        };
        let hidden = truncate(&mut view.new_failures)
            + truncate(&mut view.fixed)
            + truncate(&mut view.other)
            + truncate(&mut view.moves);
        if hidden > 0 {
            view.more =
                format!("{hidden} more changes are in the domain pages and `govscan diff`.");
        }
        view
    }

    fn none() -> ChangesView {
        ChangesView {
            has_previous: false,
            previous_date: String::new(),
            not_compared: String::new(),
            skipped_note: String::new(),
            baseline_changed: false,
            new_failure_count: 0,
            fixed_count: 0,
            new_failures: Vec::new(),
            fixed: Vec::new(),
            other: Vec::new(),
            moves: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            nothing_changed: false,
            more: String::new(),
        }
    }
}

fn truncate<T>(list: &mut Vec<T>) -> usize {
    let hidden = list.len().saturating_sub(SHOWN);
    list.truncate(SHOWN);
    hidden
}

fn change_row(c: &CheckChange, checks: &CheckCatalog, links: &Links, prefix: &str) -> ChangeRow {
    let style = |s: Option<Status>| {
        s.map_or(("did not run", "status-na"), |s| {
            let (word, _, class) = status_style(s);
            (word, class)
        })
    };
    let (before, before_class) = style(c.old_status);
    let (now, now_class) = style(c.new_status);
    ChangeRow {
        domain: c.domain.clone(),
        href: href(links.domain(&c.domain), prefix),
        check: c.check.clone(),
        title: checks
            .find(&c.check)
            .map_or_else(String::new, |m| m.title.to_owned()),
        before: before.to_owned(),
        before_class: before_class.to_owned(),
        now: now.to_owned(),
        now_class: now_class.to_owned(),
        message: c.message.clone(),
    }
}

fn href(path: Option<&str>, prefix: &str) -> String {
    path.map_or_else(String::new, |p| format!("{prefix}{p}"))
}

fn arrow(old: Option<Status>, new: Option<Status>) -> String {
    let word = |s: Option<Status>| s.map_or("did not run", |s| status_style(s).0);
    format!("{} → {}", word(old), word(new))
}

/// Why a score moved, in plain words; named only when it is known.
pub(crate) fn cause_words(cause: MoveCause) -> &'static str {
    cause.words()
}
