//! Property: any baseline that validates yields finite scores, coverages, family scores and
//! roll-ups for any outcomes; and `from_yaml` refuses the weights that would not (1e308, tiny,
//! infinite, not a number), naming the line.

use govscan_model::{BaselineRef, Outcome, Rollups, ScanResult, Score, Status};
use proptest::prelude::*;
use serde_json::json;

use crate::rollup_tests::empty_observations;
use crate::{Baseline, MAX_WEIGHT, MIN_WEIGHT, roll_up, score_domain};

const FAMILIES: [&str; 5] = ["tls", "cert", "dns", "mail", "http"];

/// A weight as YAML text: anything from the extremes of f64 to the bounds and between.
fn weight_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|w| format!("{w:e}")),
        prop::sample::select(vec![
            "1e308",
            "1.7976931348623157e308",
            "-1e308",
            ".inf",
            "-.inf",
            ".nan",
            "1e-308",
            "5e-324",
            "0",
            "0.001",
            "0.000999",
            "1000",
            "1000.000001",
            "0.1",
        ])
        .prop_map(str::to_owned),
        (MIN_WEIGHT..=MAX_WEIGHT).prop_map(|w| format!("{w}")),
    ]
}

/// A weight within the bounds, the bounds themselves included.
fn valid_weight() -> impl Strategy<Value = String> {
    prop_oneof![
        (MIN_WEIGHT..=MAX_WEIGHT).prop_map(|w| format!("{w}")),
        prop::sample::select(vec!["0.001", "1000", "0.1", "1"]).prop_map(str::to_owned),
    ]
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(vec![
        Status::Pass,
        Status::Warn,
        Status::Fail,
        Status::Inconclusive,
        Status::Info,
        Status::NotApplicable,
    ])
}

/// A baseline with one rule per weight, over ids spread across the families.
fn baseline_text(weights: &[String], levels: &[u8]) -> String {
    let mut text = String::from("id: prop\nversion: \"1\"\nscoring_version: 1\nrules:\n");
    for (i, (weight, level)) in weights.iter().zip(levels).enumerate() {
        let level = ["required", "recommended", "optional"][usize::from(*level % 3)];
        text.push_str(&format!(
            "  {}.check-{i}:\n    level: {level}\n    weight: {weight}\n    source:\n      \
             issuer: I\n      title: T\n      url: https://example.test/\n      section: S\n      \
             strength: should\n      read_on: \"2026-11-27\"\n    origin: external\n",
            FAMILIES[i % FAMILIES.len()]
        ));
    }
    text
}

fn assert_finite_score(score: &Score) -> Result<(), TestCaseError> {
    if let Some(s) = score.score {
        prop_assert!(s.is_finite() && (0.0..=100.0).contains(&s), "score {s}");
    }
    prop_assert!(score.coverage.is_finite() && (0.0..=1.0).contains(&score.coverage));
    for family in &score.families {
        if let Some(s) = family.score {
            prop_assert!(s.is_finite() && (0.0..=100.0).contains(&s), "family {s}");
        }
        prop_assert!(family.coverage.is_finite());
    }
    Ok(())
}

fn assert_finite_rollups(rollups: &Rollups) -> Result<(), TestCaseError> {
    let groups = std::iter::once(&rollups.portfolio).chain(
        rollups
            .organisations
            .iter()
            .flat_map(|o| [&o.own, &o.with_children]),
    );
    for group in groups {
        for value in [group.score, group.gap, group.worst_score]
            .into_iter()
            .flatten()
        {
            prop_assert!(value.is_finite(), "group {value}");
        }
        prop_assert!(group.coverage.is_finite());
    }
    for family in &rollups.families {
        for value in [family.score, family.gap].into_iter().flatten() {
            prop_assert!(value.is_finite());
        }
    }
    for fix in &rollups.top_fixes {
        prop_assert!(fix.gain.is_finite());
        prop_assert!(fix.portfolio_after.is_none_or(f64::is_finite));
    }
    for domain in &rollups.domains {
        prop_assert!(domain.score.is_none_or(f64::is_finite));
        prop_assert!(domain.gap.is_none_or(f64::is_finite));
    }
    Ok(())
}

proptest! {
    #[test]
    fn a_baseline_that_validates_gives_finite_scores_for_any_outcomes(
        good in prop::collection::vec(valid_weight(), 1..24),
        bad in prop::collection::vec((any::<prop::sample::Index>(), weight_text()), 0..4),
        levels in prop::collection::vec(any::<u8>(), 24),
        domains in prop::collection::vec(
            prop::collection::vec(prop::option::of(status()), 24), 1..4),
    ) {
        // A quarter of the cases: weights within the bounds; the others: up to three weights
        // of any value (two of 1e308 overflowed the sums before the bound).
        let mut weights = good;
        for (index, weight) in bad {
            let at = index.index(weights.len());
            weights[at] = weight;
        }
        let text = baseline_text(&weights, &levels);
        let Ok(baseline) = Baseline::from_yaml("prop.yaml", &text) else {
            // Refused: then every weight of it was checked, and at least one was out of bounds.
            let refused = weights.iter().any(|w| {
                !w.parse::<f64>().is_ok_and(|w| (MIN_WEIGHT..=MAX_WEIGHT).contains(&w))
            });
            prop_assert!(refused, "a baseline with weights {weights:?} was refused");
            return Ok(());
        };
        for rule in baseline.rules.values() {
            prop_assert!((MIN_WEIGHT..=MAX_WEIGHT).contains(&rule.weight));
        }
        let ids: Vec<String> = baseline.rules.keys().cloned().collect();
        let mut results = Vec::new();
        for (n, statuses) in domains.iter().enumerate() {
            let mut outcomes: Vec<Outcome> = ids
                .iter()
                .zip(statuses)
                .filter_map(|(id, s)| s.map(|s| Outcome::new(id, s, "t", "t", json!({}))))
                .collect();
            outcomes.push(Outcome::new("http.unruled", Status::Fail, "t", "t", json!({})));
            assert_finite_score(&score_domain(&outcomes, &baseline))?;
            results.push(crate::scored_domain(
                format!("d{n}.test"),
                None,
                outcomes,
                empty_observations(&format!("d{n}.test")),
                &baseline,
            ));
        }
        let scan = ScanResult {
            schema_version: govscan_model::SCHEMA_VERSION,
            govscan_version: "0".to_owned(),
            scoring_version: crate::SCORING_VERSION,
            started_at: "2026-11-27T00:00:00Z".to_owned(),
            finished_at: "2026-11-27T00:00:00Z".to_owned(),
            baseline: BaselineRef { id: "prop".into(), version: "1".into(), sha256: "0".into() },
            organisations: Vec::new(),
            domains: results,
        };
        assert_finite_rollups(&roll_up(&scan, &baseline))?;
    }
}

#[test]
fn weights_that_would_overflow_the_sums_are_refused_at_their_line() {
    for weight in [
        "1e308", ".inf", ".nan", "1e-308", "5e-324", "0.0009", "1000.5",
    ] {
        let text = baseline_text(&[String::from("1"), weight.to_owned()], &[0, 1]);
        let err = Baseline::from_yaml("b.yaml", &text).expect_err(weight);
        let message = err.to_string();
        assert!(
            message.starts_with("b.yaml:18: cert.check-1: weight")
                && message.contains("0.001 to 1000"),
            "{weight}: {message}"
        );
    }
    // The bounds themselves are accepted.
    let text = baseline_text(&["0.001".to_owned(), "1000".to_owned()], &[0, 1]);
    Baseline::from_yaml("b.yaml", &text).expect("bounds accepted");
}

/// Before the bound, 1e308 on two rules made Σ weight infinite and the score NaN. A `Baseline`
/// changed in code (past validation) is still scored finitely: its weights are clamped.
#[test]
fn a_baseline_changed_past_validation_still_scores_finitely() {
    let text = baseline_text(
        &["1".to_owned(), "1".to_owned(), "1".to_owned()],
        &[0, 1, 2],
    );
    let mut baseline = Baseline::from_yaml("b.yaml", &text).expect("valid");
    for (rule, weight) in baseline
        .rules
        .values_mut()
        .zip([1e308, f64::NAN, f64::INFINITY])
    {
        rule.weight = weight;
    }
    let outcomes: Vec<Outcome> = baseline
        .rules
        .keys()
        .zip([Status::Pass, Status::Fail, Status::Warn])
        .map(|(id, s)| Outcome::new(id, s, "t", "t", json!({})))
        .collect();
    let score = score_domain(&outcomes, &baseline);
    let points = score.score.expect("judged");
    assert!(
        points.is_finite() && (0.0..=100.0).contains(&points),
        "{points}"
    );
    assert!(score.coverage.is_finite());
}
