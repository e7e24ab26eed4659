//! Tests of provisional scores and of like-for-like comparisons.

use govscan_model::{Outcome, Status};
use serde_json::json;

use crate::tests::{ESTONIA_CHECKS, first_cut};
use crate::{Basis, COVERAGE_FLOOR, like_for_like, score_domain, score_domain_detailed};

fn outcome(check: &str, status: Status) -> Outcome {
    Outcome::new(check, status, "test", "test outcome", json!({}))
}

/// Every first-cut check with `status`, except `changed` ones.
fn outcomes(status: Status, changed: &[(&str, Status)]) -> Vec<Outcome> {
    ESTONIA_CHECKS
        .iter()
        .map(|id| {
            let s = changed
                .iter()
                .find(|(c, _)| c == id)
                .map_or(status, |(_, s)| *s);
            outcome(id, s)
        })
        .collect()
}

/// The required rules of the first cut (weights 10, 10, 10, 10, 6 = 46 of 68).
const REQUIRED: [&str; 5] = [
    "tls.https-available",
    "cert.trusted-chain",
    "cert.hostname-match",
    "cert.not-expired",
    "http.https-redirect",
];

#[test]
fn an_unjudged_required_check_makes_the_score_provisional_and_a_floor() {
    let b = first_cut();
    // Everything passes except the required redirect, which could not be judged: over the
    // judged weight this was 62/62 = 100 A+; provisional, it counts as not met: 62/68 = 91.2,
    // and the grade is at most C (the redirect may fail, and a failed required check caps at
    // C), so judging it can only raise the grade.
    let d = score_domain_detailed(
        &outcomes(
            Status::Pass,
            &[("http.https-redirect", Status::Inconclusive)],
        ),
        &b,
    );
    assert_eq!(d.unjudged_required, vec!["http.https-redirect".to_owned()]);
    assert!(d.failed_required.is_empty());
    let s = &d.score;
    assert_eq!(s.score, Some(91.2));
    assert_eq!(s.grade, "C");
    assert_eq!(
        s.provisional.as_deref(),
        Some("1 required check could not be judged (http.https-redirect)")
    );
    assert_eq!(
        s.cap.as_deref(),
        Some(
            "a required check that could not be judged may fail, and a failed one caps the \
             grade at C: http.https-redirect"
        )
    );
    // Judged as a pass it is 100 A+; judged as a fail, 91.2 capped at C: the provisional score
    // is never above either.
    let passed = score_domain(&outcomes(Status::Pass, &[]), &b);
    let failed = score_domain(
        &outcomes(Status::Pass, &[("http.https-redirect", Status::Fail)]),
        &b,
    );
    assert_eq!((passed.score, passed.grade.as_str()), (Some(100.0), "A+"));
    assert_eq!((failed.score, failed.grade.as_str()), (Some(91.2), "C"));
}

#[test]
fn a_host_whose_required_checks_were_never_judged_does_not_outscore_a_weak_reachable_one() {
    let b = first_cut();
    // Unreachable: every web check inconclusive, DNS and mail judged and passing.
    let web: Vec<(&str, Status)> = ESTONIA_CHECKS
        .iter()
        .filter(|c| !c.starts_with("dns.") && !c.starts_with("mail."))
        .map(|c| (*c, Status::Inconclusive))
        .collect();
    let unreachable = score_domain_detailed(&outcomes(Status::Pass, &web), &b);
    // Version 1 gave 100.0 over the 9 judged points (dns.caa 1 + ipv6 2 + spf 4 + dmarc 4 =
    // 11 of 68); version 2 counts the 57 unseen points as not met: 11/68 = 16.2.
    assert_eq!(unreachable.score.score, Some(16.2));
    assert_eq!(unreachable.unjudged_required.len(), REQUIRED.len());
    assert!(unreachable.score.provisional.is_some());
    assert_eq!(unreachable.score.grade, "F");
    // A reachable site failing every web check and passing the same DNS and mail checks
    // scores exactly the same: the unseen checks earn no more than failed ones.
    let web_failed: Vec<(&str, Status)> = web.iter().map(|(c, _)| (*c, Status::Fail)).collect();
    let weak = score_domain(&outcomes(Status::Pass, &web_failed), &b);
    assert_eq!(weak.score, Some(16.2));
    assert_eq!(weak.provisional, None);
}

#[test]
fn coverage_below_the_floor_is_provisional_even_with_every_required_check_judged() {
    let b = first_cut();
    // Required checks (46 of 68) pass; everything else unjudged: coverage 46/68 = 0.68.
    let others: Vec<(&str, Status)> = ESTONIA_CHECKS
        .iter()
        .filter(|c| !REQUIRED.contains(c))
        .map(|c| (*c, Status::Inconclusive))
        .collect();
    let s = score_domain(&outcomes(Status::Pass, &others), &b);
    assert!(s.coverage < COVERAGE_FLOOR);
    assert_eq!(s.score, Some(67.6), "46/68 = 67.6, not 46/46 = 100");
    assert_eq!(s.grade, "D");
    // A provisional score counts everything not judged as not met, so below the floor it is
    // below 80 as well: such a grade is C or lower by its points alone.
    assert!(s.score.is_some_and(|v| v < COVERAGE_FLOOR * 100.0));
    assert_eq!(
        s.provisional.as_deref(),
        Some("coverage 67 % is below the 80 % floor")
    );
    // At or above the floor with every required check judged: a firm score over the judged.
    let dmarc = score_domain(
        &outcomes(Status::Pass, &[("mail.dmarc", Status::Inconclusive)]),
        &b,
    );
    assert!(dmarc.coverage >= COVERAGE_FLOOR);
    assert_eq!((dmarc.score, dmarc.provisional), (Some(100.0), None));
}

#[test]
fn nothing_judged_is_not_scored_and_not_provisional() {
    let b = first_cut();
    let s = score_domain(&outcomes(Status::Inconclusive, &[]), &b);
    assert_eq!(
        (s.score, s.grade.as_str(), s.provisional),
        (None, "?", None)
    );
}

#[test]
fn like_for_like_compares_only_the_domains_both_scans_scored() {
    let before = [
        ("a", Some(50.0)),
        ("b", Some(70.0)),
        ("gone", Some(10.0)),
        ("c", None),
    ];
    let now = [
        ("a", Some(52.0)),
        ("b", Some(70.3)),
        ("new", Some(5.0)),
        ("c", Some(80.0)),
    ];
    let c = like_for_like(before, now);
    assert_eq!((c.shared, c.added, c.removed, c.scored_once), (2, 1, 1, 1));
    assert_eq!(
        (c.before, c.now, c.delta),
        (Some(60.0), Some(61.2), Some(1.2))
    );
    assert!(!c.same_domains());
    // The printed numbers add up: before + delta = now, exactly.
    let same = like_for_like([("a", Some(71.74))], [("a", Some(76.15))]);
    assert_eq!(
        (same.before, same.now, same.delta),
        (Some(71.7), Some(76.2), Some(4.5))
    );
    assert!(same.same_domains());
}

#[test]
fn scans_compare_only_under_the_same_baseline_scoring_and_checks() {
    let basis = Basis {
        baseline_id: "estonia".to_owned(),
        baseline_version: "2026.1".to_owned(),
        baseline_sha256: "aa".to_owned(),
        scoring_version: 2,
        govscan_version: "0.1.0".to_owned(),
    };
    assert_eq!(basis.incomparable_with(&basis.clone()), None);
    let other_baseline = Basis {
        baseline_id: "netherlands".to_owned(),
        baseline_sha256: "bb".to_owned(),
        ..basis.clone()
    };
    assert_eq!(
        basis.incomparable_with(&other_baseline).as_deref(),
        Some("the baseline changed (netherlands 2026.1 then, estonia 2026.1 now)")
    );
    assert!(!basis.same_scale(&other_baseline));
    let old_scoring = Basis {
        scoring_version: 1,
        ..basis.clone()
    };
    assert_eq!(
        basis.incomparable_with(&old_scoring).as_deref(),
        Some("the scoring rules changed (scoring version 1 then, 2 now)")
    );
    let old_checks = Basis {
        govscan_version: "0.0.9".to_owned(),
        ..basis.clone()
    };
    assert!(
        basis.same_scale(&old_checks),
        "the trend line is not broken"
    );
    assert!(
        basis
            .incomparable_with(&old_checks)
            .is_some_and(|r| r.contains("govscan 0.0.9 then, 0.1.0 now"))
    );
}

fn judged_status() -> impl proptest::strategy::Strategy<Value = Status> {
    use proptest::prelude::*;
    prop_oneof![Just(Status::Pass), Just(Status::Warn), Just(Status::Fail)]
}

fn any_status() -> impl proptest::strategy::Strategy<Value = Status> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Status::Pass),
        Just(Status::Warn),
        Just(Status::Fail),
        Just(Status::Inconclusive),
        Just(Status::NotApplicable),
    ]
}

proptest::proptest! {
    /// A provisional score and grade are floors: judging the checks that were not judged,
    /// whatever they turn out to be, never gives a lower score or grade; and a provisional
    /// grade is never A or A+.
    #[test]
    fn a_provisional_score_is_a_floor(
        statuses in proptest::collection::vec(any_status(), 12),
        verdicts in proptest::collection::vec(judged_status(), 12),
    ) {
        let b = first_cut();
        let before: Vec<Outcome> = ESTONIA_CHECKS
            .iter()
            .zip(&statuses)
            .map(|(id, s)| outcome(id, *s))
            .collect();
        let s = score_domain(&before, &b);
        if s.provisional.is_some() {
            proptest::prop_assert!(!matches!(s.grade.as_str(), "A" | "A+"), "{:?}", s);
            let seen: Vec<Outcome> = before
                .iter()
                .zip(&verdicts)
                .map(|(o, v)| {
                    if o.status == Status::Inconclusive { outcome(&o.check, *v) } else { o.clone() }
                })
                .collect();
            let after = score_domain(&seen, &b);
            proptest::prop_assert!(after.score >= s.score, "{:?} -> {:?}", s.score, after.score);
            let rank = |g: &str| ["A+", "A", "B", "C", "D", "E", "F"].iter().position(|x| *x == g);
            proptest::prop_assert!(rank(&after.grade) <= rank(&s.grade), "{} -> {}", s.grade, after.grade);
        }
    }
}

/// `docs/scoring.md` prints the numbers these functions compute (whitespace aside).
#[test]
fn the_numbers_on_this_page_are_the_tests_numbers() {
    let page = include_str!("../../../docs/scoring.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let b = first_cut();
    let says = |text: String| assert!(page.contains(&text), "docs/scoring.md should say {text:?}");

    let redirect = score_domain(
        &outcomes(
            Status::Pass,
            &[("http.https-redirect", Status::Inconclusive)],
        ),
        &b,
    );
    says(format!(
        "62 ÷ 68 = {:.1}, grade {}",
        redirect.score.unwrap_or_default(),
        redirect.grade
    ));
    let web: Vec<(&str, Status)> = ESTONIA_CHECKS
        .iter()
        .filter(|c| !c.starts_with("dns.") && !c.starts_with("mail."))
        .map(|c| (*c, Status::Inconclusive))
        .collect();
    let unreachable = score_domain(&outcomes(Status::Pass, &web), &b);
    says(format!(
        "11 ÷ 68 = {:.1}, grade {}",
        unreachable.score.unwrap_or_default(),
        unreachable.grade
    ));
    let others: Vec<(&str, Status)> = ESTONIA_CHECKS
        .iter()
        .filter(|c| !REQUIRED.contains(c))
        .map(|c| (*c, Status::Inconclusive))
        .collect();
    let starved = score_domain(&outcomes(Status::Pass, &others), &b);
    says(format!(
        "coverage 46 ÷ 68 = {:.2}, below the floor: {:.1}, grade {}",
        starved.coverage,
        starved.score.unwrap_or_default(),
        starved.grade
    ));
    let c = like_for_like(
        [
            ("a", Some(50.0)),
            ("b", Some(70.0)),
            ("gone", Some(10.0)),
            ("c", None),
        ],
        [
            ("a", Some(52.0)),
            ("b", Some(70.3)),
            ("new", Some(5.0)),
            ("c", Some(80.0)),
        ],
    );
    says(format!(
        "{:.1} → {:.1}, +{:.1}",
        c.before.unwrap_or_default(),
        c.now.unwrap_or_default(),
        c.delta.unwrap_or_default()
    ));
    says(format!(
        "{} added, {} removed, {} scored in only one scan",
        c.added, c.removed, c.scored_once
    ));
    let rounding = like_for_like([("a", Some(71.74))], [("a", Some(76.15))]);
    says(format!(
        "\"{:.1} → {:.1}\" gains {:.1}",
        rounding.before.unwrap_or_default(),
        rounding.now.unwrap_or_default(),
        rounding.delta.unwrap_or_default()
    ));
    says(format!("floor of {:.0} %", COVERAGE_FLOOR * 100.0));
}
