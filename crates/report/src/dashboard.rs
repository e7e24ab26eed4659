//! The ministers' dashboard (`index.html`): headline score beside the baseline, league table of
//! organisations, family heat map, trend chart, top fixes and a summary to read aloud.

use govscan_model::{Family, Rollups, Status};
use serde::Serialize;

use crate::changes::ChangesView;
use crate::input::ReportInput;
use crate::links::Links;
use crate::orgs::{kind_word, league_order};
use crate::page::PageMeta;
use crate::text::{Trend, capitalise, grade_of, group_letter, percent, score_text, trend};
use crate::trend::TrendChart;

/// Fixes shown on the dashboard.
const TOP_FIXES: usize = 5;

/// The whole dashboard.
#[derive(Debug, Serialize)]
pub(crate) struct DashboardView {
    pub(crate) meta: PageMeta,
    pub(crate) headline: Headline,
    pub(crate) read_aloud: String,
    pub(crate) reference: ReferenceView,
    pub(crate) league: Vec<LeagueRow>,
    pub(crate) has_league: bool,
    pub(crate) heat_families: Vec<String>,
    pub(crate) heat_rows: Vec<HeatRow>,
    pub(crate) chart: TrendChart,
    pub(crate) fixes: Vec<FixView>,
    pub(crate) has_fixes: bool,
    pub(crate) changes: ChangesView,
    pub(crate) domains: Vec<DomainRow>,
    /// Domains not scanned at their owners' request (`--exclude`).
    pub(crate) excluded: Vec<String>,
}

/// The portfolio in one line.
#[derive(Debug, Serialize)]
pub(crate) struct Headline {
    pub(crate) score: String,
    pub(crate) grade: String,
    pub(crate) grade_class: String,
    pub(crate) trend: Trend,
    pub(crate) domains: u32,
    pub(crate) domains_scored: u32,
    pub(crate) organisations: usize,
    pub(crate) coverage: String,
    pub(crate) gap: String,
    pub(crate) worst: String,
    pub(crate) failing_required: usize,
}

/// Our pass shares beside the baseline's measured reference.
#[derive(Debug, Serialize)]
pub(crate) struct ReferenceView {
    pub(crate) baseline: String,
    pub(crate) has_reference: bool,
    pub(crate) rows: Vec<ReferenceRow>,
}

/// One check: ours and the reference's share.
#[derive(Debug, Serialize)]
pub(crate) struct ReferenceRow {
    pub(crate) check: String,
    pub(crate) title: String,
    pub(crate) level: String,
    pub(crate) ours: String,
    pub(crate) ours_counts: String,
    pub(crate) reference: String,
    pub(crate) behind: bool,
}

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
    pub(crate) trend: Trend,
    pub(crate) coverage: String,
    pub(crate) domains: u32,
    pub(crate) worst: String,
}

/// One organisation's row of the heat map.
#[derive(Debug, Serialize)]
pub(crate) struct HeatRow {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) indent_class: String,
    pub(crate) cells: Vec<HeatCell>,
}

/// One cell: the share of judged checks that passed, as text and a colour band.
#[derive(Debug, Serialize)]
pub(crate) struct HeatCell {
    pub(crate) text: String,
    pub(crate) detail: String,
    pub(crate) class: &'static str,
}

/// A fix in plain words.
#[derive(Debug, Serialize)]
pub(crate) struct FixView {
    pub(crate) rank: usize,
    pub(crate) check: String,
    pub(crate) title: String,
    pub(crate) gain: String,
    pub(crate) after: String,
    pub(crate) how: String,
    pub(crate) domain_count: usize,
    /// The domains that gain most, at most [`FIX_DOMAINS_SHOWN`].
    pub(crate) domains: Vec<LinkView>,
    /// How many more domains the fix applies to than are listed (the domain table and the
    /// detail pages have them all).
    pub(crate) more_domains: usize,
}

/// Domains named under one fix on the dashboard; a minister reads a short list, and a
/// 10,000-domain portfolio would otherwise put every domain on the page five times.
const FIX_DOMAINS_SHOWN: usize = 12;

/// A link with its text.
#[derive(Debug, Serialize)]
pub(crate) struct LinkView {
    pub(crate) text: String,
    pub(crate) href: String,
}

/// One domain in the full list.
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
}

impl DashboardView {
    /// Builds the dashboard.
    pub(crate) fn new(input: &ReportInput<'_>, links: &Links) -> DashboardView {
        let result = input.result;
        let rollups = &input.rollups;
        let previous = input.previous.as_ref().map(|p| &p.rollups);
        let portfolio = &rollups.portfolio;
        let letter = group_letter(portfolio.score);
        let failing_required = result
            .domains
            .iter()
            .filter(|d| {
                d.grade_cap
                    .as_deref()
                    .is_some_and(|c| c.starts_with("required check failed"))
            })
            .count();
        let headline = Headline {
            score: score_text(portfolio.score),
            grade: letter.to_owned(),
            grade_class: grade_of(letter).1.to_owned(),
            trend: trend(portfolio.score, previous.and_then(|p| p.portfolio.score)),
            domains: portfolio.domains,
            domains_scored: portfolio.domains_scored,
            organisations: rollups.organisations.len(),
            coverage: percent(portfolio.coverage),
            gap: score_text(portfolio.gap),
            worst: match (&portfolio.worst_domain, portfolio.worst_score) {
                (Some(d), Some(s)) => format!("{d} ({s:.1})"),
                _ => "—".to_owned(),
            },
            failing_required,
        };
        let league = league_rows(rollups, previous, links);
        let (heat_families, heat_rows) = heat_map(rollups, links);
        let fixes = fixes(rollups, links);
        let changes = ChangesView::new(input, links, "", None);
        let domains = domain_rows(input, links);
        DashboardView {
            meta: PageMeta::new(
                result,
                "",
                format!(
                    "Internet security of {} domains: dashboard",
                    headline.domains
                ),
            ),
            read_aloud: read_aloud(input, &headline, &league, &fixes, &changes),
            headline,
            reference: reference(input),
            has_league: !league.is_empty(),
            league,
            heat_families,
            heat_rows,
            chart: TrendChart::new(&input.trend_points()),
            has_fixes: !fixes.is_empty(),
            fixes,
            changes,
            domains,
            excluded: result
                .domains
                .iter()
                .filter(|d| d.is_excluded())
                .map(|d| d.domain.clone())
                .collect(),
        }
    }
}

fn league_rows(rollups: &Rollups, previous: Option<&Rollups>, links: &Links) -> Vec<LeagueRow> {
    let mut rank = 0;
    league_order(rollups)
        .into_iter()
        .map(|entry| {
            let org = entry.score;
            let group = &org.with_children;
            let before = previous.and_then(|p| {
                p.organisations
                    .iter()
                    .find(|o| o.name == org.name)
                    .map(|o| o.with_children.score)
            });
            let letter = group_letter(group.score);
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
                trend: match before {
                    Some(b) => trend(group.score, b),
                    None if previous.is_some() => trend(group.score, None),
                    None => trend(None, None),
                },
                coverage: percent(group.coverage),
                domains: group.domains,
                worst: match (&group.worst_domain, group.worst_score) {
                    (Some(d), Some(s)) if group.domains_scored > 1 => format!("{d} ({s:.1})"),
                    _ => "—".to_owned(),
                },
            }
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

fn heat_map(rollups: &Rollups, links: &Links) -> (Vec<String>, Vec<HeatRow>) {
    let families = Family::ALL.iter().map(|f| f.label().to_owned()).collect();
    let mut rows = vec![HeatRow {
        name: "Whole portfolio".to_owned(),
        href: String::new(),
        indent_class: "depth-0 portfolio-row".to_owned(),
        cells: Family::ALL
            .iter()
            .map(|family| {
                let (pass, judged) = rollups
                    .checks
                    .iter()
                    .filter(|c| family_of(&c.check) == Some(*family))
                    .fold((0, 0), |(p, j), c| {
                        (p + c.pass, j + c.pass + c.warn + c.fail)
                    });
                heat_cell(pass, judged)
            })
            .collect(),
    }];
    for entry in league_order(rollups) {
        let org = entry.score;
        rows.push(HeatRow {
            name: org.name.clone(),
            href: links.org(&org.name).unwrap_or_default().to_owned(),
            indent_class: indent_class(entry.depth).to_owned(),
            cells: Family::ALL
                .iter()
                .map(|family| {
                    let (pass, judged) = org
                        .checks
                        .iter()
                        .filter(|c| family_of(&c.check) == Some(*family))
                        .fold((0, 0), |(p, j), c| (p + c.pass, j + c.judged));
                    heat_cell(pass, judged)
                })
                .collect(),
        });
    }
    (families, rows)
}

/// The family of a check id, from its prefix.
pub(crate) fn family_of(check: &str) -> Option<Family> {
    check.split('.').next().and_then(Family::from_prefix)
}

fn heat_cell(pass: u32, judged: u32) -> HeatCell {
    if judged == 0 {
        return HeatCell {
            text: "–".to_owned(),
            detail: "nothing could be judged".to_owned(),
            class: "heat-none",
        };
    }
    let share = f64::from(pass) / f64::from(judged);
    let class = match share {
        s if s >= 0.9 => "heat-4",
        s if s >= 0.75 => "heat-3",
        s if s >= 0.5 => "heat-2",
        s if s >= 0.25 => "heat-1",
        _ => "heat-0",
    };
    HeatCell {
        text: percent(share),
        detail: format!("{pass} of {judged} judged checks passed"),
        class,
    }
}

fn fixes(rollups: &Rollups, links: &Links) -> Vec<FixView> {
    rollups
        .top_fixes
        .iter()
        .take(TOP_FIXES)
        .enumerate()
        .map(|(i, fix)| {
            let meta = govscan_checks::find(&fix.check).map(|c| c.meta());
            FixView {
                rank: i + 1,
                check: fix.check.clone(),
                title: meta.map_or_else(|| fix.check.clone(), |m| m.title.to_owned()),
                gain: format!("{:.1}", fix.gain),
                after: score_text(fix.portfolio_after),
                how: meta
                    .map(|m| first_sentence(m.remediation))
                    .unwrap_or_default(),
                domain_count: fix.domains.len(),
                more_domains: fix.domains.len().saturating_sub(FIX_DOMAINS_SHOWN),
                domains: fix
                    .domains
                    .iter()
                    .take(FIX_DOMAINS_SHOWN)
                    .map(|d| LinkView {
                        text: d.domain.clone(),
                        href: links.domain(&d.domain).unwrap_or_default().to_owned(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The first sentence of a text (up to the first ". " that does not end an abbreviation such
/// as "e.g."), without code marks.
pub(crate) fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut end = line.len();
    for (i, _) in line.match_indices(". ") {
        let before = &line[..i];
        if !(before.ends_with("e.g") || before.ends_with("i.e") || before.ends_with("etc")) {
            end = i + 1;
            break;
        }
    }
    let sentence = line[..end].replace('`', "");
    match sentence.strip_suffix(':') {
        Some(stem) => format!("{stem}."),
        None => sentence,
    }
}

fn reference(input: &ReportInput<'_>) -> ReferenceView {
    let rows: Vec<ReferenceRow> = input
        .rollups
        .checks
        .iter()
        .map(|c| {
            let judged = c.pass + c.warn + c.fail;
            ReferenceRow {
                check: c.check.clone(),
                title: govscan_checks::find(&c.check)
                    .map_or_else(|| c.check.clone(), |m| m.meta().title.to_owned()),
                level: c.level.clone(),
                ours: c.share.map_or_else(|| "not judged".to_owned(), percent),
                ours_counts: format!("{} of {judged}", c.pass),
                reference: match (c.reference_share, c.reference_n) {
                    (Some(s), Some(n)) => format!("{} of {n} domains", percent(s)),
                    (Some(s), None) => percent(s),
                    _ => "not measured yet".to_owned(),
                },
                behind: matches!((c.share, c.reference_share), (Some(o), Some(r)) if o < r),
            }
        })
        .collect();
    ReferenceView {
        baseline: format!(
            "{} {}",
            capitalise(&input.result.baseline.id),
            input.result.baseline.version
        ),
        has_reference: input
            .rollups
            .checks
            .iter()
            .any(|c| c.reference_share.is_some()),
        rows,
    }
}

fn domain_rows(input: &ReportInput<'_>, links: &Links) -> Vec<DomainRow> {
    input
        .result
        .domains
        .iter()
        .map(|d| {
            let (grade, grade_class) = grade_of(&d.grade);
            let count = |s: Status| d.outcomes.iter().filter(|o| o.status == s).count();
            DomainRow {
                domain: d.domain.clone(),
                href: links.domain(&d.domain).unwrap_or_default().to_owned(),
                organisation: d.organisation.clone().unwrap_or_else(|| "—".to_owned()),
                score: score_text(d.score),
                grade: grade.to_owned(),
                grade_class: grade_class.to_owned(),
                coverage: percent(d.coverage),
                fail: count(Status::Fail),
                warn: count(Status::Warn),
                inconclusive: count(Status::Inconclusive),
            }
        })
        .collect()
}

/// The paragraph a minister can read aloud: what was checked, the score and its move, the best
/// and weakest organisation, what is broken, and the single most useful fix.
fn read_aloud(
    input: &ReportInput<'_>,
    headline: &Headline,
    league: &[LeagueRow],
    fixes: &[FixView],
    changes: &ChangesView,
) -> String {
    let result = input.result;
    let mut text = format!(
        "On {} govscan checked {} internet domains of {} organisations against the {} \
         security baseline (version {}).",
        crate::text::day(&result.started_at),
        headline.domains,
        headline.organisations,
        capitalise(&result.baseline.id),
        result.baseline.version
    );
    if headline.domains_scored == 0 {
        text.push_str(" None of them could be scored.");
        return text;
    }
    text.push_str(&format!(
        " Together they score {} out of 100, grade {}",
        headline.score, headline.grade
    ));
    if headline.trend.short != "–" && headline.trend.short != "new" {
        text.push_str(&format!(", {}", headline.trend.text));
    }
    text.push('.');
    // Compare like with like: the top-level organisations (ministries with their agencies)
    // when there are several, otherwise every organisation.
    let top: Vec<&LeagueRow> = league
        .iter()
        .filter(|r| r.depth == 0 && r.score != "no score")
        .collect();
    let scored: Vec<&LeagueRow> = if top.len() > 1 {
        top
    } else {
        league.iter().filter(|r| r.score != "no score").collect()
    };
    if let (Some(best), Some(worst)) = (
        scored.first(),
        scored.iter().min_by(|a, b| {
            let a: f64 = a.score.parse().unwrap_or(0.0);
            let b: f64 = b.score.parse().unwrap_or(0.0);
            a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal)
        }),
    ) && scored.len() > 1
    {
        text.push_str(&format!(
            " The strongest is {} ({}); the weakest is {} ({}).",
            best.name, best.score, worst.name, worst.score
        ));
    }
    match headline.failing_required {
        0 => text.push_str(" No domain fails a required check."),
        1 => text.push_str(" One domain fails a required check and is capped at grade C."),
        n => text.push_str(&format!(
            " {n} domains fail a required check and are capped at grade C."
        )),
    }
    if changes.has_previous {
        text.push_str(&format!(
            " Since the previous scan {} new problem{} appeared and {} {} fixed.",
            changes.new_failure_count,
            if changes.new_failure_count == 1 {
                ""
            } else {
                "s"
            },
            changes.fixed_count,
            if changes.fixed_count == 1 {
                "was"
            } else {
                "were"
            },
        ));
    }
    if let Some(fix) = fixes.first() {
        text.push_str(&format!(
            " The most useful single fix is to make sure that {} on {} domain{}: it is worth {} points.",
            lower_first(&fix.title),
            fix.domain_count,
            if fix.domain_count == 1 { "" } else { "s" },
            fix.gain
        ));
    }
    text
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}
