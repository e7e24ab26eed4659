//! Roll-ups: domain scores to organisations, parents (a ministry and its agencies) and the
//! portfolio; the comparison with the baseline's reference; and (in `fixes`) the fixes that
//! would raise the portfolio score most, computed by re-scoring. Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use govscan_model::{
    CheckComparison, CheckShare, DomainGap, DomainView, GroupScore, Organisation,
    OrganisationScore, Rollups, ScanView, Status,
};

use crate::baseline::{Baseline, Origin, RuleLevel, Strength};
use crate::mean::{FamilyMeans, mean, mean_score};
use crate::scoring::{Tallied, difference, letter};

/// The rule, stored with the roll-ups and explained in `docs/scoring.md`.
pub const ROLLUP_RULE: &str = "group score = mean of its domains' scores, rounded once to one \
decimal (each scored domain weighs the same, provisional ones with their provisional score; \
domains with no score are left out of the mean but counted in coverage as 0); an \
organisation's with_children group adds every organisation below it; the worst domain is the \
lowest score, ties broken by name; gap = 100 - score; top fixes re-score each domain with the \
check passing, gain = rounded score after - rounded score before";

/// One domain as the roll-ups read it: how it reads (whole or light), its entry in the
/// roll-ups (score recomputed from its outcomes) and whether it was excluded.
pub(crate) struct Scored<'a, D> {
    pub(crate) view: &'a D,
    pub(crate) gap: &'a DomainGap,
    /// Not scanned at its owner's request (`--exclude`): unscored, and said so apart.
    pub(crate) excluded: bool,
}

impl<'a, D> Scored<'a, D> {
    pub(crate) fn score(&self) -> Option<f64> {
        self.gap.score
    }

    fn organisation(&self) -> Option<&'a str> {
        self.gap.organisation.as_deref()
    }
}

/// Computes every roll-up of a scan, whole or light, under a baseline (domain scores are
/// recomputed from the stored outcomes, so the roll-ups always match the baseline given).
pub fn roll_up(scan: &(impl ScanView + ?Sized), baseline: &Baseline) -> Rollups {
    let views: Vec<_> = scan.domain_views().collect();
    let mut families = FamilyMeans::default();
    let domains: Vec<DomainGap> = views
        .iter()
        .map(|d| {
            let tallied = Tallied::of(d.verdicts(), baseline);
            families.add(&tallied.families());
            domain_gap(d, &tallied, baseline)
        })
        .collect();
    let scored: Vec<Scored<'_, _>> = views
        .iter()
        .zip(&domains)
        .map(|(view, gap)| Scored {
            view,
            gap,
            excluded: view.is_excluded(),
        })
        .collect();
    let all: Vec<&Scored<'_, _>> = scored.iter().collect();
    let portfolio = group(&all);
    let organisations = scan
        .organisations()
        .iter()
        .map(|org| organisation_score(org, scan.organisations(), &scored, baseline))
        .collect();
    let checks = checks(&scored, baseline);
    let top_fixes = crate::fixes::top_fixes(&scored, baseline);
    drop(scored);
    Rollups {
        rule: ROLLUP_RULE.to_owned(),
        families: families.comparisons(),
        checks,
        top_fixes,
        portfolio,
        organisations,
        domains,
    }
}

/// A domain's entry in the roll-ups, from its tally under the baseline.
fn domain_gap(d: &impl DomainView, tallied: &Tallied<'_>, baseline: &Baseline) -> DomainGap {
    let score = tallied.score_value();
    let owned = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
    DomainGap {
        domain: d.domain().to_owned(),
        organisation: d.organisation().map(str::to_owned),
        score,
        gap: score.map(|v| difference(100.0, v)),
        coverage: tallied.coverage(),
        grade: tallied.grade().0,
        provisional: tallied.provisional(),
        failed_required: owned(&tallied.failed_required),
        unjudged_required: owned(&tallied.unjudged_required),
        not_scored: score.is_none().then(|| not_scored_reason(d, baseline)),
    }
}

/// The letter of a group (organisation, portfolio): the points' letter, never A or A+ while a
/// domain of the group is provisional or could not be scored (`docs/scoring.md`).
pub fn group_grade(group: &GroupScore) -> &'static str {
    grade_for(group.score, not_fully_seen(group))
}

/// Domains of a group that were not fully seen: provisional, or not scored at all. While any
/// is, the group's grade is provisional.
pub fn not_fully_seen(group: &GroupScore) -> u32 {
    group.domains_provisional + group.domains.saturating_sub(group.domains_scored)
}

/// The letter of a group score with `not_fully_seen` domains provisional or unscored in it
/// (see [`group_grade`]); `?` without a score.
pub fn grade_for(score: Option<f64>, not_fully_seen: u32) -> &'static str {
    match score {
        None => "?",
        Some(score) => {
            let by_points = letter(score);
            if not_fully_seen > 0 && matches!(by_points, "A+" | "A") {
                "B"
            } else {
                by_points
            }
        }
    }
}

/// Why a domain has no score, in a few words taken from its outcomes: the reason most of its
/// ruled checks give for not being judged (the first in baseline order on a tie).
fn not_scored_reason(d: &impl DomainView, baseline: &Baseline) -> String {
    let mut reasons: Vec<(String, usize)> = Vec::new();
    let mut scored_rules = 0;
    for check in baseline.rules.keys() {
        let Some(outcome) = d.verdicts().find(|o| o.check == check) else {
            continue;
        };
        if outcome.status != Status::Inconclusive {
            continue;
        }
        scored_rules += 1;
        let reason = if outcome.finding == "domain_does_not_exist" {
            "NXDOMAIN: the name does not exist".to_owned()
        } else {
            let message = outcome.message.text();
            message
                .strip_prefix("Could not be judged: ")
                .unwrap_or(&message)
                .to_owned()
        };
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((reason, 1)),
        }
    }
    let most = reasons
        .iter()
        .fold(None::<&(String, usize)>, |best, r| match best {
            Some(b) if b.1 >= r.1 => best,
            _ => Some(r),
        });
    match most {
        Some((reason, _)) => reason.clone(),
        None if scored_rules == 0 && d.verdicts().any(|o| baseline.rules.contains_key(o.check)) => {
            "no rule of the baseline applies to it".to_owned()
        }
        None => "no check of the baseline ran on it".to_owned(),
    }
}

/// Mean, worst and coverage over some domains.
fn group<D>(domains: &[&Scored<'_, D>]) -> GroupScore {
    let scores: Vec<(&str, f64)> = domains
        .iter()
        .filter_map(|d| d.score().map(|s| (d.gap.domain.as_str(), s)))
        .collect();
    let score = mean_score(scores.iter().map(|(_, s)| *s));
    // Lowest score; on a tie the first by name, and the tie is counted.
    let worst = scores
        .iter()
        .copied()
        .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let worst_ties = worst.map_or(0, |(_, w)| {
        scores
            .iter()
            .filter(|(_, s)| difference(*s, w) == 0.0)
            .count()
            - 1
    });
    GroupScore {
        score,
        gap: score.map(|m| difference(100.0, m)),
        worst_domain: worst.map(|(d, _)| d.to_owned()),
        worst_score: worst.map(|(_, s)| s),
        worst_ties: count(worst_ties),
        coverage: mean(domains.iter().map(|d| d.gap.coverage)).unwrap_or(0.0),
        domains: count(domains.len()),
        domains_scored: count(scores.len()),
        domains_provisional: count(
            domains
                .iter()
                .filter(|d| d.gap.provisional.is_some())
                .count(),
        ),
        domains_failing_required: count(
            domains
                .iter()
                .filter(|d| !d.gap.failed_required.is_empty())
                .count(),
        ),
        domains_excluded: count(domains.iter().filter(|d| d.excluded).count()),
    }
}

fn organisation_score<D: DomainView>(
    org: &Organisation,
    all_orgs: &[Organisation],
    scored: &[Scored<'_, D>],
    baseline: &Baseline,
) -> OrganisationScore {
    let subtree = descendants_and_self(&org.name, all_orgs);
    let own: Vec<&Scored<'_, D>> = scored
        .iter()
        .filter(|s| s.organisation() == Some(org.name.as_str()))
        .collect();
    let with_children: Vec<&Scored<'_, D>> = scored
        .iter()
        .filter(|s| s.organisation().is_some_and(|o| subtree.contains(o)))
        .collect();
    let checks = baseline
        .rules
        .keys()
        .map(|check| {
            let (pass, judged) =
                with_children.iter().fold((0u32, 0u32), |(p, j), s| {
                    match status_of(s.view, check) {
                        Status::Pass => (p + 1, j + 1),
                        Status::Warn | Status::Fail => (p, j + 1),
                        _ => (p, j),
                    }
                });
            CheckShare {
                check: check.clone(),
                pass,
                judged,
                share: (judged > 0).then(|| f64::from(pass) / f64::from(judged)),
            }
        })
        .collect();
    OrganisationScore {
        name: org.name.clone(),
        kind: org.kind,
        parent: org.parent.clone(),
        own: group(&own),
        with_children: group(&with_children),
        checks,
    }
}

/// The organisation and every organisation below it (bounded: each name is visited once).
fn descendants_and_self<'a>(name: &'a str, orgs: &'a [Organisation]) -> BTreeSet<&'a str> {
    let mut found: BTreeSet<&str> = BTreeSet::from([name]);
    let mut frontier = vec![name];
    while let Some(current) = frontier.pop() {
        for child in orgs.iter().filter(|o| o.parent.as_deref() == Some(current)) {
            if found.insert(&child.name) {
                frontier.push(&child.name);
            }
        }
    }
    found
}

fn checks<D: DomainView>(scored: &[Scored<'_, D>], baseline: &Baseline) -> Vec<CheckComparison> {
    baseline
        .rules
        .iter()
        .map(|(check, rule)| {
            let mut c = CheckComparison {
                check: check.clone(),
                level: level_name(rule.level).to_owned(),
                weight: rule.weight,
                strength: strength_name(rule.source.strength).to_owned(),
                origin: origin_name(rule.origin).to_owned(),
                pass: 0,
                warn: 0,
                fail: 0,
                inconclusive: 0,
                share: None,
                reference_share: None,
                reference_n: None,
            };
            for s in scored {
                match status_of(s.view, check) {
                    Status::Pass => c.pass += 1,
                    Status::Warn => c.warn += 1,
                    Status::Fail => c.fail += 1,
                    Status::Inconclusive => c.inconclusive += 1,
                    Status::Info | Status::NotApplicable => {}
                }
            }
            let judged = c.pass + c.warn + c.fail;
            c.share = (judged > 0).then(|| f64::from(c.pass) / f64::from(judged));
            if let Some(rate) = baseline.reference.per_check.get(check) {
                c.reference_share = rate.share;
                c.reference_n = Some(rate.n);
            }
            c
        })
        .collect()
}

/// The status that counts for a check (the first outcome), inconclusive when absent.
pub(crate) fn status_of(d: &impl DomainView, check: &str) -> Status {
    d.verdicts()
        .find(|o| o.check == check)
        .map_or(Status::Inconclusive, |o| o.status)
}

/// The word for a rule level, as stored in roll-ups.
pub fn level_name(level: RuleLevel) -> &'static str {
    match level {
        RuleLevel::Required => "required",
        RuleLevel::Recommended => "recommended",
        RuleLevel::Optional => "optional",
    }
}

fn strength_name(strength: Strength) -> &'static str {
    match strength {
        Strength::Must => "must",
        Strength::Should => "should",
        Strength::May => "may",
    }
}

fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Estonia => "estonia",
        Origin::External => "external",
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Per-organisation map used by tests and callers that want lookup by name.
pub fn by_name(rollups: &Rollups) -> BTreeMap<&str, &OrganisationScore> {
    rollups
        .organisations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect()
}
