//! The league table of the dashboard: organisations in league order (a ministry with its
//! agencies below it), each with its group score, provisional grade, like-for-like move since
//! the previous comparable scan, domain counts and weakest domain.

use std::collections::BTreeSet;

use govscan_model::{Organisation, OrganisationScore};
use govscan_score::{Comparison, group_grade, like_for_like};
use serde::Serialize;

use crate::dashboard::{indent_class, worst_text};
use crate::input::ReportInput;
use crate::links::Links;
use crate::moves::Trend;
use crate::orgs::{kind_word, league_order};
use crate::text::{grade_of, percent, score_text};

/// One organisation in the league table.
#[derive(Debug, Serialize)]
pub(crate) struct LeagueRow {
    pub(crate) rank: String,
    pub(crate) depth: usize,
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) indent_class: String,
    pub(crate) kind: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    pub(crate) provisional: bool,
    pub(crate) trend: Trend,
    pub(crate) coverage: String,
    pub(crate) domains: u32,
    /// "3 (2 scored)" or "3".
    pub(crate) domains_text: String,
    pub(crate) worst: String,
}

/// The rows of the league table.
pub(crate) fn league_rows(input: &ReportInput<'_>, links: &Links) -> Vec<LeagueRow> {
    let rollups = &input.rollups;
    let mut rank = 0;
    league_order(rollups)
        .into_iter()
        .map(|entry| {
            let org = entry.score;
            let group = &org.with_children;
            let letter = group_grade(group);
            let rank_text = if entry.depth == 0 {
                rank += 1;
                rank.to_string()
            } else {
                String::new()
            };
            LeagueRow {
                rank: rank_text,
                depth: entry.depth,
                name: org.name.clone(),
                href: links.org(&org.name).unwrap_or_default().to_owned(),
                indent_class: indent_class(entry.depth).to_owned(),
                kind: kind_word(org.kind).to_owned(),
                score: score_text(group.score),
                grade: letter.to_owned(),
                grade_class: grade_of(letter).1.to_owned(),
                provisional: govscan_score::not_fully_seen(group) > 0,
                trend: org_trend(input, org),
                coverage: percent(group.coverage),
                domains: group.domains,
                domains_text: if group.domains_scored == group.domains {
                    group.domains.to_string()
                } else {
                    format!("{} ({} scored)", group.domains, group.domains_scored)
                },
                worst: worst_text(group, 1),
            }
        })
        .collect()
}

/// An organisation's move: its subtree's domains now against the same organisations' domains
/// in the previous comparable scan, over the domains scored in both.
fn org_trend(input: &ReportInput<'_>, org: &OrganisationScore) -> Trend {
    let Some(previous) = &input.previous else {
        return Trend::first_scan();
    };
    if let Some(reason) = input.previous_incomparable() {
        return Trend::not_compared(&reason);
    }
    let subtree: BTreeSet<&str> = subtree(&input.scan.header.organisations, &org.name);
    let in_subtree = |organisation: &Option<String>| {
        organisation.as_deref().is_some_and(|o| subtree.contains(o))
    };
    let before: Vec<(&str, Option<f64>)> = previous
        .domains
        .iter()
        .filter(|d| in_subtree(&d.organisation))
        .map(|d| (d.domain.as_str(), d.score))
        .collect();
    if before.is_empty() {
        return Trend::new_since_previous();
    }
    let now = input
        .rollups
        .domains
        .iter()
        .filter(|d| in_subtree(&d.organisation))
        .map(|d| (d.domain.as_str(), d.score));
    let comparison: Comparison = like_for_like(before, now);
    Trend::of(&comparison)
}

/// An organisation and every organisation below it (bounded: each name is visited once).
pub(crate) fn subtree<'a>(orgs: &'a [Organisation], root: &'a str) -> BTreeSet<&'a str> {
    let mut found: BTreeSet<&str> = BTreeSet::from([root]);
    let mut frontier = vec![root];
    while let Some(current) = frontier.pop() {
        for child in orgs.iter().filter(|o| o.parent.as_deref() == Some(current)) {
            if found.insert(&child.name) {
                frontier.push(&child.name);
            }
        }
    }
    found
}
