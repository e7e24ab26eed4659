//! The dashboard's facts against an independent reading of `results.json` (issue 17): for many
//! generated portfolios, every number of the headline and of the paragraph is recomputed by
//! `independent` from the results document alone (and the previous scan's document), and every
//! sentence of the paragraph must state a fact that holds ("fails a required rule" ⇔ a
//! required check has status fail, "could not be scored" ⇔ no score, ...).

mod common;
mod generated;
mod independent;

use std::collections::BTreeMap;

use common::builtin_checks;
use generated::{build, domain_plan, rule_count};
use govscan_model::{ScanResult, Status};
use govscan_report::{HistoryEntry, ReportInput, dashboard_model};
use govscan_score::{Baseline, RuleLevel};
use independent::RuleData;
use proptest::prelude::*;
use serde_json::Value;

fn rules(baseline: &Baseline) -> BTreeMap<String, RuleData> {
    baseline
        .rules
        .iter()
        .map(|(id, r)| {
            (
                id.clone(),
                RuleData {
                    required: r.level == RuleLevel::Required,
                    weight: r.weight,
                },
            )
        })
        .collect()
}

/// How the previous scan relates to this one.
#[derive(Debug, Clone, Copy)]
enum Before {
    None,
    Same,
    OtherBaseline,
    OtherScoring,
}

fn before_kind() -> impl Strategy<Value = Before> {
    prop_oneof![
        1 => Just(Before::None),
        3 => Just(Before::Same),
        1 => Just(Before::OtherBaseline),
        1 => Just(Before::OtherScoring),
    ]
}

/// Every number written in a sentence, as text ("67.8", "2", "2026").
fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
            current.push(c);
        } else if !current.is_empty() {
            out.push(current.trim_end_matches('.').to_owned());
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(current.trim_end_matches('.').to_owned());
    }
    out
}

/// Every number found in a fact's values (and in the domain names it quotes).
fn fact_numbers(fact: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut walk = vec![fact];
    while let Some(v) = walk.pop() {
        match v {
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or_default();
                out.push(format!("{f:.1}"));
                out.push(format!("{}", f.abs()));
                out.push(format!("{:.1}", f.abs()));
            }
            Value::String(s) => out.extend(numbers(s)),
            Value::Array(items) => walk.extend(items),
            Value::Object(map) => {
                walk.extend(map.iter().filter(|(k, _)| *k != "text").map(|(_, v)| v))
            }
            _ => {}
        }
    }
    out
}

fn check_dashboard(now: &ScanResult, previous: Option<&ScanResult>, baseline: &Baseline) {
    let rules = rules(baseline);
    let mut input = ReportInput::new(now, baseline, builtin_checks());
    let mut history = Vec::new();
    if let Some(p) = previous {
        history.push(HistoryEntry::from_scan("#1", p));
        input = input.with_previous(p, baseline);
    }
    history.push(HistoryEntry::from_scan("#2", now));
    let model = dashboard_model(&input.with_history(history)).expect("model");

    // results.json, read back as a document.
    let results: Value =
        serde_json::from_str(&serde_json::to_string(now).expect("json")).expect("parse");
    let expected = independent::portfolio(&results, &rules);
    for (d, e) in now.domains.iter().zip(&expected.domains) {
        assert_eq!(
            (d.score, &d.grade, d.provisional.is_some()),
            (e.score, &e.grade, e.provisional),
            "{}",
            d.domain
        );
    }
    let headline = &model["headline"];
    let score_text =
        |s: Option<f64>| s.map_or_else(|| "no score".to_owned(), |s| format!("{s:.1}"));
    assert_eq!(headline["domains"], expected.checked);
    assert_eq!(headline["domains_scored"], expected.scored);
    assert_eq!(headline["domains_unscored"], expected.unscored);
    assert_eq!(headline["provisional"], expected.provisional);
    assert_eq!(headline["failing_required"], expected.failing_required);
    assert_eq!(headline["score"], score_text(expected.score));
    assert_eq!(headline["grade"], expected.grade.as_str());
    let mut counts = format!("{} checked, {} scored", expected.checked, expected.scored);
    if expected.unscored > 0 {
        counts.push_str(&format!(", {} could not be scored", expected.unscored));
    }
    assert_eq!(headline["counts_text"], counts);
    let unscored: Vec<&str> = expected
        .domains
        .iter()
        .filter(|d| d.score.is_none())
        .map(|d| d.name.as_str())
        .collect();
    let listed: Vec<&str> = headline["unscored"]
        .as_array()
        .expect("list")
        .iter()
        .map(|u| u["domain"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(listed, unscored);

    // The paragraph is its sentences, each stating a fact that holds, with only its numbers.
    let facts = model["read_aloud_facts"].as_array().expect("facts");
    let joined: Vec<&str> = facts
        .iter()
        .map(|f| f["text"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(model["read_aloud"], joined.join(" "));
    let comparable =
        previous.filter(|p| p.baseline == now.baseline && p.scoring_version == now.scoring_version);
    let mut kinds = Vec::new();
    for fact in facts {
        let kind = fact["fact"].as_str().unwrap_or_default();
        kinds.push(kind.to_owned());
        let text = fact["text"].as_str().unwrap_or_default();
        let allowed = fact_numbers(fact);
        for n in numbers(text) {
            assert!(
                allowed.contains(&n) || n == "100",
                "{kind}: {n} in {text:?} is not a fact: {allowed:?}"
            );
        }
        match kind {
            "checked" => {
                assert_eq!(fact["domains"], expected.checked);
                assert_eq!(fact["organisations"], now.organisations.len());
            }
            "scored" => {
                assert_eq!(fact["scored"], expected.scored);
                assert_eq!(fact["unscored"], expected.unscored);
                let says_unscored = text.contains("could not") || text.starts_with("None of them");
                assert_eq!(says_unscored, expected.unscored > 0, "{text}");
            }
            "score" => {
                assert_eq!(fact["score"].as_f64(), expected.score);
                assert_eq!(fact["grade"], expected.grade.as_str());
                assert_eq!(fact["provisional"], expected.provisional);
                assert_eq!(fact["unscored"], expected.unscored);
                assert_eq!(
                    text.contains("provisional"),
                    expected.provisional + expected.unscored > 0
                );
            }
            "first_scan" => assert!(previous.is_none()),
            "not_compared" => assert!(previous.is_some() && comparable.is_none()),
            "change" | "no_shared_scores" => {
                let before = comparable.expect("compared only with a comparable scan");
                let before_json: Value = serde_json::to_value(before).expect("json");
                let (shared, added, removed, once, b, n, delta) =
                    independent::compare(&independent::portfolio(&before_json, &rules), &expected);
                if kind == "change" {
                    assert_eq!(
                        (
                            fact["shared"].as_u64(),
                            fact["added"].as_u64(),
                            fact["removed"].as_u64(),
                            fact["scored_once"].as_u64()
                        ),
                        (
                            Some(shared.into()),
                            Some(added.into()),
                            Some(removed.into()),
                            Some(once.into())
                        )
                    );
                    assert_eq!(
                        (
                            fact["before"].as_f64(),
                            fact["now"].as_f64(),
                            fact["delta"].as_f64()
                        ),
                        (b, n, delta)
                    );
                    // The headline's move and the trend table's last change are this fact.
                    let rows = model["chart"]["rows"].as_array().expect("rows");
                    let last = rows.last().expect("this scan");
                    let signed = |d: f64| {
                        if d > 0.0 {
                            format!("+{d:.1}")
                        } else if d < 0.0 {
                            format!("−{:.1}", -d)
                        } else {
                            "±0.0".to_owned()
                        }
                    };
                    assert_eq!(last["change"], signed(delta.expect("delta")));
                    assert_eq!(headline["trend"]["short"], signed(delta.expect("delta")));
                    assert_eq!(last["score"], headline["score"]);
                    assert_eq!(last["grade"], headline["grade"]);
                } else {
                    assert_eq!(shared, 0);
                }
            }
            "changes" => assert!(comparable.is_some()),
            "failing_required" => {
                assert_eq!(fact["domains"], expected.failing_required);
                assert_eq!(
                    text.starts_with("No domain fails"),
                    expected.failing_required == 0
                );
            }
            "top_fix" => {
                let (check, gain) = independent::best_fix(&results, &rules).expect("a fix exists");
                assert_eq!(fact["check"], check.as_str());
                assert_eq!(fact["gain"].as_f64(), Some(gain));
            }
            "strongest_weakest" | "all_organisations_equal" => {
                let means = independent::organisation_means(&results, &expected);
                let top: Vec<f64> = means
                    .iter()
                    .filter(|(_, s, top)| *top && s.is_some())
                    .filter_map(|(_, s, _)| *s)
                    .collect();
                let pool: Vec<f64> = if top.len() > 1 {
                    top
                } else {
                    means.iter().filter_map(|(_, s, _)| *s).collect()
                };
                let best = pool.iter().copied().fold(f64::MIN, f64::max);
                let worst = pool.iter().copied().fold(f64::MAX, f64::min);
                if kind == "all_organisations_equal" {
                    assert_eq!(best, worst);
                } else {
                    assert_eq!(
                        (
                            fact["strongest_score"].as_f64(),
                            fact["weakest_score"].as_f64()
                        ),
                        (Some(best), Some(worst))
                    );
                }
            }
            other => panic!("a sentence without a checked fact: {other}"),
        }
    }
    assert_eq!(
        kinds.iter().any(|k| k == "top_fix"),
        independent::best_fix(&results, &rules).is_some()
    );
    // What changed is said when a comparable scan exists and something could be scored.
    assert_eq!(
        kinds.iter().any(|k| k == "changes"),
        comparable.is_some() && expected.score.is_some()
    );
    // Every group grade follows the provisional rule, and no count includes unruled checks.
    for row in model["league"].as_array().expect("league") {
        if row["provisional"] == true {
            assert!(row["grade"] != "A" && row["grade"] != "A+", "{row}");
        }
    }
    for (row, d) in model["domains"]
        .as_array()
        .expect("rows")
        .iter()
        .zip(&now.domains)
    {
        let unruled = d
            .outcomes
            .iter()
            .filter(|o| !rules.contains_key(&o.check))
            .count();
        assert_eq!(row["not_scored"], unruled);
        let fails = rules
            .keys()
            .filter(|c| {
                d.outcomes
                    .iter()
                    .find(|o| &o.check == *c)
                    .is_some_and(|o| o.status == Status::Fail)
            })
            .count();
        assert_eq!(row["fail"], fails, "{}", d.domain);
    }
    // Numbers on one page agree: score + gain = after, for every fix.
    for fix in model["fixes"].as_array().expect("fixes") {
        let gain: f64 = fix["gain"]
            .as_str()
            .and_then(|g| g.parse().ok())
            .expect("gain");
        let after = fix["after"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("at least ")
            .trim_start_matches("about ");
        let after: f64 = after.parse().expect("after");
        assert_eq!(
            independent::minus(after, expected.score.unwrap_or(0.0)),
            gain,
            "{fix}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn every_headline_and_paragraph_number_is_recomputed_from_results_json(
        now_plans in proptest::collection::vec(domain_plan(rule_count()), 0..9),
        before_plans in proptest::collection::vec(domain_plan(rule_count()), 0..9),
        keep in 0usize..9,
        before in before_kind(),
        starve in any::<bool>(),
    ) {
        let baseline = Baseline::builtin_estonia();
        prop_assume!(baseline.rules.len() == rule_count());
        let now = build("d", "2026-11-28T08:00:00Z", &now_plans, &baseline, starve);
        let previous = match before {
            Before::None => None,
            kind => {
                // Share the first `keep` domains' names, so the portfolio grows or shrinks.
                let mut old = build("d", "2026-11-27T08:00:00Z", &before_plans, &baseline, false);
                for (i, d) in old.domains.iter_mut().enumerate() {
                    if i >= keep {
                        d.domain = format!("old{i}.example");
                    }
                }
                match kind {
                    Before::OtherBaseline => old.baseline.sha256 = "0".repeat(64),
                    Before::OtherScoring => old.scoring_version = 1,
                    _ => {}
                }
                Some(old)
            }
        };
        check_dashboard(&now, previous.as_ref(), &baseline);
    }
}
