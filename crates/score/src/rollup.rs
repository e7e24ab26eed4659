//! Roll-ups: domain scores to organisations, parents (a ministry and its agencies) and the
//! portfolio; the comparison with the baseline's reference; and the fixes that would raise
//! the portfolio score most, computed exactly by re-scoring. Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use govscan_model::{
    CheckComparison, CheckShare, DomainFix, DomainGap, Family, FamilyComparison, GroupScore,
    Organisation, OrganisationScore, Outcome, Rollups, ScanResult, Score, Status, TopFix,
};

use crate::baseline::{Baseline, RuleLevel};
use crate::scoring::score_domain;

/// The rule, stored with the roll-ups and explained in `docs/scoring.md`.
pub const ROLLUP_RULE: &str = "group score = mean of its domains' scores (each scored domain \
weighs the same; domains with no score are left out of the mean but counted in coverage as 0); \
an organisation's with_children group adds every organisation below it; the worst domain is \
shown beside the mean; gap = 100 - score; top fixes re-score each domain with the check passing";

/// One domain's score under the baseline, recomputed from its outcomes.
struct Scored<'a> {
    domain: &'a str,
    organisation: Option<&'a str>,
    outcomes: &'a [Outcome],
    score: Score,
}

/// Computes every roll-up of a scan under a baseline (domain scores are recomputed from the
/// stored outcomes, so the roll-ups always match the baseline given).
pub fn roll_up(scan: &ScanResult, baseline: &Baseline) -> Rollups {
    let scored: Vec<Scored<'_>> = scan
        .domains
        .iter()
        .map(|d| Scored {
            domain: &d.domain,
            organisation: d.organisation.as_deref(),
            outcomes: &d.outcomes,
            score: score_domain(&d.outcomes, baseline),
        })
        .collect();
    let all: Vec<&Scored<'_>> = scored.iter().collect();
    let portfolio = group(&all);
    let organisations = scan
        .organisations
        .iter()
        .map(|org| organisation_score(org, &scan.organisations, &scored, baseline))
        .collect();
    let domains = scored
        .iter()
        .map(|s| DomainGap {
            domain: s.domain.to_owned(),
            organisation: s.organisation.map(str::to_owned),
            score: s.score.score,
            gap: s.score.score.map(|v| round1(100.0 - v)),
            coverage: s.score.coverage,
        })
        .collect();
    Rollups {
        rule: ROLLUP_RULE.to_owned(),
        families: families(&scored),
        checks: checks(&scored, baseline),
        top_fixes: top_fixes(&scored, baseline),
        portfolio,
        organisations,
        domains,
    }
}

/// Mean, worst and coverage over some domains.
fn group(domains: &[&Scored<'_>]) -> GroupScore {
    let scores: Vec<(usize, f64)> = domains
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.score.score.map(|s| (i, s)))
        .collect();
    let average = mean(scores.iter().map(|(_, s)| *s));
    let worst = scores
        .iter()
        .fold(None::<(usize, f64)>, |worst, &(i, s)| match worst {
            Some((_, w)) if w <= s => worst,
            _ => Some((i, s)),
        });
    GroupScore {
        score: average.map(round1),
        gap: average.map(|m| round1(100.0 - round1(m))),
        worst_domain: worst.map(|(i, _)| domains[i].domain.to_owned()),
        worst_score: worst.map(|(_, s)| s),
        coverage: mean(domains.iter().map(|d| d.score.coverage)).unwrap_or(0.0),
        domains: count(domains.len()),
        domains_scored: count(scores.len()),
    }
}

fn organisation_score(
    org: &Organisation,
    all_orgs: &[Organisation],
    scored: &[Scored<'_>],
    baseline: &Baseline,
) -> OrganisationScore {
    let subtree = descendants_and_self(&org.name, all_orgs);
    let own: Vec<&Scored<'_>> = scored
        .iter()
        .filter(|s| s.organisation == Some(org.name.as_str()))
        .collect();
    let with_children: Vec<&Scored<'_>> = scored
        .iter()
        .filter(|s| s.organisation.is_some_and(|o| subtree.contains(o)))
        .collect();
    let checks = baseline
        .rules
        .keys()
        .map(|check| {
            let (pass, judged) =
                with_children.iter().fold((0u32, 0u32), |(p, j), s| {
                    match status_of(s.outcomes, check) {
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

fn families(scored: &[Scored<'_>]) -> Vec<FamilyComparison> {
    Family::ALL
        .into_iter()
        .filter_map(|family| {
            let subs: Vec<_> = scored
                .iter()
                .filter_map(|s| s.score.families.iter().find(|f| f.family == family))
                .collect();
            if subs.is_empty() {
                return None;
            }
            let score = mean(subs.iter().filter_map(|f| f.score));
            Some(FamilyComparison {
                family,
                score: score.map(round1),
                gap: score.map(|m| round1(100.0 - round1(m))),
                coverage: mean(subs.iter().map(|f| f.coverage)).unwrap_or(0.0),
                domains_scored: count(subs.iter().filter(|f| f.score.is_some()).count()),
            })
        })
        .collect()
}

fn checks(scored: &[Scored<'_>], baseline: &Baseline) -> Vec<CheckComparison> {
    baseline
        .rules
        .iter()
        .map(|(check, rule)| {
            let mut c = CheckComparison {
                check: check.clone(),
                level: level_name(rule.level).to_owned(),
                weight: rule.weight,
                pass: 0,
                warn: 0,
                fail: 0,
                inconclusive: 0,
                share: None,
                reference_share: None,
                reference_n: None,
            };
            for s in scored {
                match status_of(s.outcomes, check) {
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

/// For each ruled check: make it pass on every domain where it warns or fails, re-score those
/// domains, and measure the portfolio mean again.
fn top_fixes(scored: &[Scored<'_>], baseline: &Baseline) -> Vec<TopFix> {
    let current: Vec<Option<f64>> = scored.iter().map(|s| s.score.score).collect();
    let before_mean = mean(current.iter().flatten().copied());
    let mut fixes: Vec<TopFix> = Vec::new();
    for check in baseline.rules.keys() {
        let mut after_scores = current.clone();
        let mut domains: Vec<DomainFix> = Vec::new();
        for (i, s) in scored.iter().enumerate() {
            if !matches!(status_of(s.outcomes, check), Status::Warn | Status::Fail) {
                continue;
            }
            let fixed = with_pass(s.outcomes, check);
            let after = score_domain(&fixed, baseline).score;
            after_scores[i] = after;
            domains.push(DomainFix {
                domain: s.domain.to_owned(),
                before: s.score.score,
                after,
            });
        }
        if domains.is_empty() {
            continue;
        }
        let after_mean = mean(after_scores.iter().flatten().copied());
        let gain = match (before_mean, after_mean) {
            (Some(b), Some(a)) => round1(a - b),
            (None, Some(a)) => round1(a),
            _ => 0.0,
        };
        if gain <= 0.0 {
            continue;
        }
        domains.sort_by(|a, b| {
            let gain_of = |d: &DomainFix| d.after.unwrap_or(0.0) - d.before.unwrap_or(0.0);
            gain_of(b).total_cmp(&gain_of(a))
        });
        fixes.push(TopFix {
            check: check.clone(),
            gain,
            portfolio_after: after_mean.map(round1),
            domains,
        });
    }
    fixes.sort_by(|a, b| {
        b.gain
            .total_cmp(&a.gain)
            .then_with(|| a.check.cmp(&b.check))
    });
    fixes
}

/// The outcomes with `check` replaced by a pass.
fn with_pass(outcomes: &[Outcome], check: &str) -> Vec<Outcome> {
    outcomes
        .iter()
        .map(|o| {
            if o.check == check {
                Outcome::new(
                    check,
                    Status::Pass,
                    "what_if_fixed",
                    "assumed fixed",
                    serde_json::Value::Null,
                )
            } else {
                o.clone()
            }
        })
        .collect()
}

/// The status that counts for a check (the first outcome), inconclusive when absent.
fn status_of(outcomes: &[Outcome], check: &str) -> Status {
    outcomes
        .iter()
        .find(|o| o.check == check)
        .map_or(Status::Inconclusive, |o| o.status)
}

fn level_name(level: RuleLevel) -> &'static str {
    match level {
        RuleLevel::Required => "required",
        RuleLevel::Recommended => "recommended",
        RuleLevel::Optional => "optional",
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Per-organisation map used by tests and callers that want lookup by name.
pub fn by_name(rollups: &Rollups) -> BTreeMap<&str, &OrganisationScore> {
    rollups
        .organisations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect()
}
