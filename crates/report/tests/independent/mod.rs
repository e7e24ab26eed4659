//! An independent reading of `results.json`: the documented rules of `docs/scoring.md`
//! (scoring version 2, roll-ups, like-for-like comparisons, top fixes) written again from the
//! text, over the JSON document rather than the model types, with no call into
//! `govscan_score`'s scoring. The dashboard's numbers must agree with it.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// One rule: required or not, and its weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuleData {
    pub(crate) required: bool,
    pub(crate) weight: f64,
}

/// A domain as recomputed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Domain {
    pub(crate) name: String,
    pub(crate) organisation: Option<String>,
    pub(crate) score: Option<f64>,
    pub(crate) grade: String,
    pub(crate) provisional: bool,
    pub(crate) fails_required: bool,
    pub(crate) coverage: f64,
}

/// The portfolio as recomputed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Portfolio {
    pub(crate) domains: Vec<Domain>,
    pub(crate) checked: usize,
    pub(crate) scored: usize,
    pub(crate) unscored: usize,
    pub(crate) provisional: usize,
    pub(crate) failing_required: usize,
    pub(crate) score: Option<f64>,
    pub(crate) grade: String,
}

pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

/// `a − b` of two one-decimal numbers, exactly.
pub(crate) fn minus(a: f64, b: f64) -> f64 {
    (tenths(a) - tenths(b)) as f64 / 10.0
}

fn letter(score: f64) -> &'static str {
    match score {
        s if s >= 95.0 => "A+",
        s if s >= 90.0 => "A",
        s if s >= 80.0 => "B",
        s if s >= 70.0 => "C",
        s if s >= 60.0 => "D",
        s if s >= 50.0 => "E",
        _ => "F",
    }
}

fn better_than(a: &str, b: &str) -> bool {
    const ORDER: [&str; 7] = ["A+", "A", "B", "C", "D", "E", "F"];
    let at = |g: &str| ORDER.iter().position(|x| *x == g).unwrap_or(99);
    at(a) < at(b)
}

/// The status that counts for a check: the first outcome's, `None` without one.
fn status<'a>(outcomes: &'a [Value], check: &str) -> Option<&'a str> {
    outcomes
        .iter()
        .find(|o| o["check"] == check)
        .and_then(|o| o["status"].as_str())
}

/// Scores one domain's outcomes (a JSON array) by the documented rules.
pub(crate) fn score(
    outcomes: &[Value],
    rules: &BTreeMap<String, RuleData>,
) -> (Option<f64>, String, bool, bool, f64) {
    let (mut earned, mut judged, mut scored) = (0.0, 0.0, 0.0);
    let (mut unjudged_required, mut failed_required, mut warned_required) = (false, false, false);
    for (check, rule) in rules {
        let credit = match status(outcomes, check) {
            Some("pass") => Some(1.0),
            Some("warn") => Some(0.5),
            Some("fail") => Some(0.0),
            Some("info" | "not_applicable") => continue,
            _ => None,
        };
        scored += rule.weight;
        match credit {
            Some(c) => {
                earned += c * rule.weight;
                judged += rule.weight;
            }
            None => unjudged_required |= rule.required,
        }
        if rule.required {
            failed_required |= status(outcomes, check) == Some("fail");
            warned_required |= status(outcomes, check) == Some("warn");
        }
    }
    let coverage = if scored > 0.0 { judged / scored } else { 0.0 };
    let provisional = judged > 0.0 && (unjudged_required || coverage < 0.8);
    let value = (judged > 0.0).then(|| {
        let over = if provisional { scored } else { judged };
        round1(100.0 * earned / over)
    });
    let grade = match value {
        None => "?".to_owned(),
        Some(v) => {
            let by_points = letter(v);
            if (failed_required || unjudged_required) && better_than(by_points, "C") {
                "C".to_owned()
            } else if provisional && better_than(by_points, "B") {
                "B".to_owned()
            } else if by_points == "A+" && warned_required {
                "A".to_owned()
            } else {
                by_points.to_owned()
            }
        }
    };
    (value, grade, provisional, failed_required, coverage)
}

/// The mean of some scores, rounded once.
pub(crate) fn mean(scores: impl IntoIterator<Item = f64>) -> Option<f64> {
    let all: Vec<f64> = scores.into_iter().collect();
    (!all.is_empty()).then(|| round1(all.iter().sum::<f64>() / all.len() as f64))
}

/// A group's letter: never A or A+ with a provisional or unscored domain in it.
pub(crate) fn group_grade(score: Option<f64>, provisional: usize) -> String {
    match score {
        None => "?".to_owned(),
        Some(s) if provisional > 0 && better_than(letter(s), "B") => "B".to_owned(),
        Some(s) => letter(s).to_owned(),
    }
}

/// The whole portfolio of a `results.json` document.
pub(crate) fn portfolio(results: &Value, rules: &BTreeMap<String, RuleData>) -> Portfolio {
    let domains: Vec<Domain> = results["domains"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let outcomes = d["outcomes"].as_array().cloned().unwrap_or_default();
            let (score, grade, provisional, fails_required, coverage) = score(&outcomes, rules);
            Domain {
                name: d["domain"].as_str().unwrap_or_default().to_owned(),
                organisation: d["organisation"].as_str().map(str::to_owned),
                score,
                grade,
                provisional,
                fails_required,
                coverage,
            }
        })
        .collect();
    let scored = domains.iter().filter(|d| d.score.is_some()).count();
    let provisional = domains.iter().filter(|d| d.provisional).count();
    let score = mean(domains.iter().filter_map(|d| d.score));
    Portfolio {
        checked: domains.len(),
        scored,
        unscored: domains.len() - scored,
        provisional,
        failing_required: domains.iter().filter(|d| d.fails_required).count(),
        // A group with a provisional or an unscored domain is never A or A+.
        grade: group_grade(score, provisional + (domains.len() - scored)),
        score,
        domains,
    }
}

/// The like-for-like comparison: (shared, added, removed, scored once, before, now, delta).
pub(crate) fn compare(
    before: &Portfolio,
    now: &Portfolio,
) -> (u32, u32, u32, u32, Option<f64>, Option<f64>, Option<f64>) {
    let old: BTreeMap<&str, Option<f64>> = before
        .domains
        .iter()
        .map(|d| (d.name.as_str(), d.score))
        .collect();
    let new: BTreeMap<&str, Option<f64>> = now
        .domains
        .iter()
        .map(|d| (d.name.as_str(), d.score))
        .collect();
    let mut pairs = Vec::new();
    let (mut added, mut once) = (0, 0);
    for (name, score) in &new {
        match (old.get(name), score) {
            (None, _) => added += 1,
            (Some(Some(b)), Some(n)) => pairs.push((*b, *n)),
            (Some(None), None) => {}
            _ => once += 1,
        }
    }
    let removed = old.keys().filter(|k| !new.contains_key(*k)).count() as u32;
    let b = mean(pairs.iter().map(|p| p.0));
    let n = mean(pairs.iter().map(|p| p.1));
    (
        pairs.len() as u32,
        added,
        removed,
        once,
        b,
        n,
        b.zip(n).map(|(b, n)| minus(n, b)),
    )
}

/// The best single fix: (check, gain), the largest gain, ties to the first check by name.
pub(crate) fn best_fix(
    results: &Value,
    rules: &BTreeMap<String, RuleData>,
) -> Option<(String, f64)> {
    let before = portfolio(results, rules).score;
    let mut best: Option<(String, f64)> = None;
    for check in rules.keys() {
        let mut fixed = results.clone();
        let mut touched = false;
        for d in fixed["domains"].as_array_mut().into_iter().flatten() {
            for o in d["outcomes"].as_array_mut().into_iter().flatten() {
                if o["check"] == check.as_str()
                    && matches!(o["status"].as_str(), Some("warn" | "fail"))
                {
                    o["status"] = Value::from("pass");
                    touched = true;
                    break;
                }
            }
        }
        if !touched {
            continue;
        }
        let after = portfolio(&fixed, rules).score;
        let gain = match (before, after) {
            (Some(b), Some(a)) => minus(a, b),
            (None, Some(a)) => a,
            _ => 0.0,
        };
        if gain > 0.0 && best.as_ref().is_none_or(|(_, g)| gain > *g) {
            best = Some((check.clone(), gain));
        }
    }
    best
}

/// Each organisation's subtree mean, for the paragraph's strongest and weakest.
pub(crate) fn organisation_means(
    results: &Value,
    p: &Portfolio,
) -> Vec<(String, Option<f64>, bool)> {
    let orgs: Vec<(String, Option<String>)> = results["organisations"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap_or_default().to_owned(),
                o["parent"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let names: BTreeSet<&str> = orgs.iter().map(|(n, _)| n.as_str()).collect();
    orgs.iter()
        .map(|(name, parent)| {
            let mut subtree: BTreeSet<&str> = BTreeSet::from([name.as_str()]);
            loop {
                let before = subtree.len();
                for (child, parent) in &orgs {
                    if parent.as_deref().is_some_and(|p| subtree.contains(p)) {
                        subtree.insert(child);
                    }
                }
                if subtree.len() == before {
                    break;
                }
            }
            let score = mean(
                p.domains
                    .iter()
                    .filter(|d| {
                        d.organisation
                            .as_deref()
                            .is_some_and(|o| subtree.contains(o))
                    })
                    .filter_map(|d| d.score),
            );
            let top = parent
                .as_deref()
                .is_none_or(|p| !names.contains(p) || p == name);
            (name.clone(), score, top)
        })
        .collect()
}
