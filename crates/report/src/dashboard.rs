//! The ministers' dashboard (`index.html`): headline score beside the baseline, league table of
//! organisations, family heat map, trend chart, top fixes and a summary to read aloud. Every
//! number comes from the roll-ups (rounded once there) or the trend points built from the same
//! stored scores; comparisons are like for like (`docs/scoring.md`).

pub(crate) use govscan_score::counts_text;
use govscan_score::{owners, unscored_split};

use govscan_model::{GroupScore, Rollups, Status};
use govscan_score::group_grade;
use serde::Serialize;

use crate::changes::ChangesView;
use crate::fixes::{FixView, fixes};
use crate::input::{PointChange, ReportInput};
use crate::links::Links;
use crate::moves::Trend;
use crate::orgs::league_order;
use crate::page::PageMeta;
use crate::rules::{BaselineFacts, ReferenceView, baseline_facts, reference};
use crate::sentences::sentence;
use crate::summary::{Ranked, Sentence, facts, unscored};
use crate::text::{capitalise, grade_of, percent, plural, score_text, thousands};
use crate::trend::TrendChart;

/// The whole dashboard.
#[derive(Debug, Serialize)]
pub(crate) struct DashboardView {
    pub(crate) meta: PageMeta,
    pub(crate) headline: Headline,
    /// The paragraph to read aloud: the sentences below, joined.
    pub(crate) read_aloud: String,
    /// Each sentence of the paragraph with the fact it states.
    pub(crate) read_aloud_facts: Vec<Sentence>,
    pub(crate) reference: ReferenceView,
    pub(crate) baseline_facts: BaselineFacts,
    pub(crate) league: Vec<crate::league::LeagueRow>,
    pub(crate) has_league: bool,
    pub(crate) heat_families: Vec<String>,
    pub(crate) heat_rows: Vec<crate::heat::HeatRow>,
    pub(crate) chart: TrendChart,
    pub(crate) fixes: Vec<FixView>,
    pub(crate) has_fixes: bool,
    pub(crate) changes: ChangesView,
    pub(crate) domains: Vec<DomainRow>,
    /// "Every domain", or for a portfolio larger than [`DASHBOARD_DOMAIN_ROWS`] "The 1,000
    /// weakest of 100,000 domains".
    pub(crate) domains_heading: String,
    /// Whether the domain table lists every domain.
    pub(crate) domains_listed_whole: bool,
    /// Where the domains left out of the table are, when some are; empty otherwise.
    pub(crate) domains_more: String,
    /// Set when the scan covers only part of the portfolio (`crate::partial`); left out of
    /// the view model otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) partial: Option<String>,
    /// Domains not scanned at their owners' request (`--exclude`).
    pub(crate) excluded: Vec<String>,
    pub(crate) coverage_floor: String,
}

/// The portfolio in one line.
#[derive(Debug, Serialize)]
pub(crate) struct Headline {
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    /// Scored domains whose score is provisional.
    pub(crate) provisional: u32,
    /// Whether the portfolio's grade is provisional (a domain provisional or not scored).
    pub(crate) grade_provisional: bool,
    /// What "provisional" means here, when any domain is; empty otherwise.
    pub(crate) provisional_text: String,
    pub(crate) trend: Trend,
    /// Domains checked.
    pub(crate) domains: u32,
    pub(crate) domains_scored: u32,
    pub(crate) domains_unscored: u32,
    /// "13 checked, 12 scored, 1 could not be scored".
    pub(crate) counts_text: String,
    /// Domains without a score, with why: every one, or the first [`DASHBOARD_DOMAIN_ROWS`].
    pub(crate) unscored: Vec<Unscored>,
    /// How many more could not be scored than are listed, in words; empty when all are.
    pub(crate) unscored_more: String,
    pub(crate) organisations: usize,
    pub(crate) coverage: String,
    pub(crate) gap: String,
    pub(crate) worst: String,
    pub(crate) failing_required: u32,
}

/// A domain that could not be scored, and why.
#[derive(Debug, Serialize)]
pub(crate) struct Unscored {
    pub(crate) domain: String,
    pub(crate) href: String,
    pub(crate) why: String,
}

/// One domain in the full list. Counts are over the checks the baseline scores; checks it has
/// no rule for are counted apart, as "reported, not scored".
#[derive(Debug, Serialize)]
pub(crate) struct DomainRow {
    pub(crate) domain: String,
    pub(crate) href: String,
    pub(crate) organisation: String,
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    pub(crate) coverage: String,
    pub(crate) fail: usize,
    pub(crate) warn: usize,
    pub(crate) inconclusive: usize,
    pub(crate) not_scored: usize,
    /// Provisional, unscored or failing-required notes, in words.
    pub(crate) note: String,
}

impl DashboardView {
    /// Builds the dashboard.
    pub(crate) fn new(input: &ReportInput<'_>, links: &Links) -> DashboardView {
        let scan = input.scan.as_ref();
        let rollups = &input.rollups;
        let portfolio = &rollups.portfolio;
        let grade = group_grade(portfolio);
        let points = input.trend_points();
        let change = points
            .last()
            .map_or(PointChange::First, |p| p.change.clone());
        let unscored_list = unscored(rollups);
        let headline = Headline {
            score: score_text(portfolio.score),
            grade: grade.to_owned(),
            grade_class: grade_of(grade).1.to_owned(),
            provisional: portfolio.domains_provisional,
            grade_provisional: govscan_score::not_fully_seen(portfolio) > 0,
            provisional_text: provisional_text(portfolio),
            trend: trend_of(&change),
            domains: portfolio.domains,
            domains_scored: portfolio.domains_scored,
            domains_unscored: portfolio.domains - portfolio.domains_scored,
            counts_text: counts_text(portfolio),
            unscored_more: more_than_listed(unscored_list.len()),
            unscored: unscored_list
                .iter()
                .take(DASHBOARD_DOMAIN_ROWS)
                .map(|(domain, why)| Unscored {
                    href: links.domain(domain).unwrap_or_default().to_owned(),
                    domain: domain.clone(),
                    why: why.clone(),
                })
                .collect(),
            organisations: rollups.organisations.len(),
            coverage: percent(portfolio.coverage),
            gap: score_text(portfolio.gap),
            worst: worst_text(portfolio, 1),
            failing_required: portfolio.domains_failing_required,
        };
        let league = crate::league::league_rows(input, links);
        let (heat_families, heat_rows) = crate::heat::heat_map(rollups, links);
        let fixes = fixes(rollups, &input.checks, links);
        let changes = ChangesView::new(input, links, "", None);
        let ranked = ranked(rollups);
        let read_aloud_facts: Vec<Sentence> = facts(input, &change, &ranked, &changes)
            .into_iter()
            .map(|fact| Sentence {
                text: sentence(&fact, rollups.top_fixes.first(), &input.checks),
                fact,
            })
            .collect();
        let read_aloud = read_aloud_facts
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let baseline_name = capitalise(&scan.header.baseline.id);
        DashboardView {
            meta: PageMeta::new(
                &scan.header,
                "",
                format!(
                    "Internet security of {}: dashboard",
                    plural(headline.domains as usize, "domain", "domains")
                ),
            ),
            read_aloud,
            read_aloud_facts,
            headline,
            reference: reference(input),
            baseline_facts: baseline_facts(rollups, &baseline_name),
            has_league: !league.is_empty(),
            league,
            heat_families,
            heat_rows,
            chart: TrendChart::new(&points),
            has_fixes: !fixes.is_empty(),
            fixes,
            changes,
            domains_listed_whole: scan.len() <= DASHBOARD_DOMAIN_ROWS,
            domains_heading: domains_heading(scan.len()),
            domains_more: domains_more(scan.len()),
            domains: domain_rows(input, links),
            partial: crate::partial::partial_note(input.scope.as_ref(), scan.len()),
            excluded: scan
                .domains()
                .filter(|d| d.is_excluded())
                .map(|d| d.domain().to_owned())
                .collect(),
            coverage_floor: format!("{:.0} %", govscan_score::COVERAGE_FLOOR * 100.0),
        }
    }
}

/// What a provisional group score means, or empty.
pub(crate) fn provisional_text(group: &GroupScore) -> String {
    let (not_scorable, excluded) = unscored_split(group);
    if group.domains_provisional == 0 && not_scorable + excluded == 0 {
        return String::new();
    }
    let mut text = String::from("Provisional: ");
    if group.domains_provisional > 0 {
        text.push_str(&format!(
            "{} of the {} scored could not be fully checked (a required rule could not be \
             checked, or less than {:.0} % of the baseline's weight could); what could not be \
             checked counts as not met, so those scores and grades can only rise once it is \
             checked, and their grades are never A or A+, and at most C while a required rule \
             is unchecked. ",
            group.domains_provisional,
            group.domains_scored,
            govscan_score::COVERAGE_FLOOR * 100.0
        ));
    }
    if not_scorable > 0 {
        text.push_str(&format!(
            "{} could not be scored at all and {} left out of the score. ",
            plural(not_scorable as usize, "domain", "domains"),
            if not_scorable == 1 { "is" } else { "are" }
        ));
    }
    if excluded > 0 {
        text.push_str(&format!(
            "{} not scanned at {} request (nothing of {} was judged) and {} left out of \
             the score. ",
            plural(excluded as usize, "domain was", "domains were"),
            owners(excluded),
            if excluded == 1 { "it" } else { "them" },
            if excluded == 1 { "is" } else { "are" }
        ));
    }
    text.push_str("The group's grade is therefore never A or A+.");
    text
}

/// The weakest domain, with the tie rule applied ("first by name") and said.
pub(crate) fn worst_text(group: &GroupScore, at_least: u32) -> String {
    match (&group.worst_domain, group.worst_score) {
        (Some(d), Some(s)) if group.domains_scored > at_least => {
            if group.worst_ties > 0 {
                format!("{d} ({s:.1}; {} more at the same score)", group.worst_ties)
            } else {
                format!("{d} ({s:.1})")
            }
        }
        _ => "—".to_owned(),
    }
}

/// The headline's move.
fn trend_of(change: &PointChange) -> Trend {
    match change {
        PointChange::First => Trend::first_scan(),
        PointChange::NotCompared { reason } => Trend::not_compared(reason),
        PointChange::Compared { comparison, .. } => Trend::of(comparison),
    }
}

/// The organisations compared in the paragraph: the top-level organisations (ministries with
/// their agencies) when there are several, otherwise every organisation; only scored ones.
fn ranked(rollups: &Rollups) -> Vec<Ranked<'_>> {
    let order = league_order(rollups);
    let scored = |e: &&crate::orgs::OrgEntry<'_>| e.score.with_children.score.is_some();
    let top: Vec<_> = order
        .iter()
        .filter(|e| e.depth == 0)
        .filter(scored)
        .collect();
    let chosen: Vec<_> = if top.len() > 1 {
        top
    } else {
        order.iter().filter(scored).collect()
    };
    chosen
        .into_iter()
        .filter_map(|e| {
            Some(Ranked {
                name: &e.score.name,
                score: e.score.with_children.score?,
            })
        })
        .collect()
}

/// CSS class for nesting depth (fixed list).
pub(crate) fn indent_class(depth: usize) -> &'static str {
    match depth {
        0 => "depth-0",
        1 => "depth-1",
        _ => "depth-2",
    }
}

/// Most domains the dashboard names in its domain table and in its list of domains that could
/// not be scored. A larger portfolio (a national CERT's, of 100,000 domains) lists its weakest
/// that many: a page of every domain would be tens of MB that no reader scrolls, and building
/// it held every row in memory at once. Every domain keeps its page, its row on its
/// organisation's page, and its lines in results.json and findings.csv.
pub(crate) const DASHBOARD_DOMAIN_ROWS: usize = 1_000;

/// The domain table's heading for a portfolio of `domains`.
fn domains_heading(domains: usize) -> String {
    if domains <= DASHBOARD_DOMAIN_ROWS {
        "Every domain".to_owned()
    } else {
        format!(
            "The {} weakest of {} domains",
            thousands(DASHBOARD_DOMAIN_ROWS),
            thousands(domains)
        )
    }
}

/// Where the rest are, for a portfolio larger than the table.
fn domains_more(domains: usize) -> String {
    if domains <= DASHBOARD_DOMAIN_ROWS {
        return String::new();
    }
    format!(
        "Weakest first: failing a required rule, then not scored, then by score. The other {} \
         domains are not listed here: each organisation's page (league table above) lists its \
         own domains, and results.json and findings.csv list every domain.",
        thousands(domains - DASHBOARD_DOMAIN_ROWS)
    )
}

/// "and 1,234 more" when more than [`DASHBOARD_DOMAIN_ROWS`] are in a list; empty otherwise.
fn more_than_listed(listed: usize) -> String {
    if listed <= DASHBOARD_DOMAIN_ROWS {
        String::new()
    } else {
        format!(
            "and {} more (results.json and findings.csv list every domain)",
            thousands(listed - DASHBOARD_DOMAIN_ROWS)
        )
    }
}

/// The domains the table lists, as indexes into the scan's domains: every domain in target
/// order, or for a larger portfolio the [`DASHBOARD_DOMAIN_ROWS`] weakest, weakest first
/// (failing a required rule, then not scored, then lowest score; ties in target order), with
/// excluded domains left to their own note.
fn listed_domains(input: &ReportInput<'_>) -> Vec<usize> {
    let scan = input.scan.as_ref();
    if scan.len() <= DASHBOARD_DOMAIN_ROWS {
        return (0..scan.len()).collect();
    }
    let gaps = &input.rollups.domains;
    let mut listed: Vec<usize> = scan
        .domains()
        .take(gaps.len())
        .enumerate()
        .filter(|(_, d)| !d.is_excluded())
        .map(|(i, _)| i)
        .collect();
    listed.sort_by(|&a, &b| {
        let (ga, gb) = (&gaps[a], &gaps[b]);
        ga.failed_required
            .is_empty()
            .cmp(&gb.failed_required.is_empty())
            .then(ga.score.is_some().cmp(&gb.score.is_some()))
            .then(ga.score.unwrap_or(0.0).total_cmp(&gb.score.unwrap_or(0.0)))
            .then(a.cmp(&b))
    });
    listed.truncate(DASHBOARD_DOMAIN_ROWS);
    listed
}

fn domain_rows(input: &ReportInput<'_>, links: &Links) -> Vec<DomainRow> {
    let ruled = input.ruled_checks();
    listed_domains(input)
        .into_iter()
        .filter_map(|i| Some((input.scan.domain(i)?, input.rollups.domains.get(i)?)))
        .map(|(d, gap)| {
            let (grade, grade_class) = grade_of(&gap.grade);
            // The status that counts for each rule: its check's first outcome, none if absent.
            let statuses: Vec<Option<Status>> = ruled
                .iter()
                .map(|check| d.verdicts().find(|o| o.check == *check).map(|o| o.status))
                .collect();
            let count = |s: Status| statuses.iter().filter(|x| **x == Some(s)).count();
            let not_judged = statuses
                .iter()
                .filter(|x| matches!(x, None | Some(Status::Inconclusive)))
                .count();
            DomainRow {
                domain: d.domain().to_owned(),
                href: links.domain(d.domain()).unwrap_or_default().to_owned(),
                organisation: d.organisation().unwrap_or("—").to_owned(),
                score: score_text(gap.score),
                grade: grade.to_owned(),
                grade_class: grade_class.to_owned(),
                coverage: percent(gap.coverage),
                fail: count(Status::Fail),
                warn: count(Status::Warn),
                inconclusive: not_judged,
                not_scored: d.verdicts().filter(|o| !ruled.contains(o.check)).count(),
                note: domain_note(gap, d.is_excluded()),
            }
        })
        .collect()
}

/// Why a domain's score needs a word: not scanned (on the exclude list), not scored,
/// provisional, failing a required rule.
pub(crate) fn domain_note(gap: &govscan_model::DomainGap, excluded: bool) -> String {
    let mut notes = Vec::new();
    match &gap.not_scored {
        Some(why) if excluded => notes.push(format!("not scanned at its owner's request: {why}")),
        Some(why) => notes.push(format!("could not be scored: {why}")),
        None => {}
    }
    if let Some(why) = &gap.provisional {
        notes.push(format!("provisional: {why}"));
    }
    if !gap.failed_required.is_empty() {
        notes.push(format!(
            "fails a required rule: {}",
            gap.failed_required.join(", ")
        ));
    }
    notes.join("; ")
}
