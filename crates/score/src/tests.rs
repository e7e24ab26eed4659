//! Tests of baseline loading, validation and scoring.

use govscan_model::{
    CheckCatalog, CheckMeta, Family, Level, Outcome, ParamDecl, ParamKind, ParamValue, Status,
};
use proptest::prelude::*;
use serde_json::json;

use crate::{
    Baseline, BaselineError, RuleLevel, SCORING_VERSION, score_domain, score_domain_detailed,
};

/// The 12 check ids of the first cut of the Estonia baseline.
pub(crate) const ESTONIA_CHECKS: [&str; 12] = [
    "cert.hostname-match",
    "cert.not-expired",
    "cert.trusted-chain",
    "dns.caa",
    "dns.ipv6-web",
    "http.hsts",
    "http.https-redirect",
    "http.x-content-type-options",
    "mail.dmarc",
    "mail.spf",
    "tls.https-available",
    "tls.tls13-supported",
];

/// The built-in Estonia baseline cut down to its first 12 rules (weights summing to 68): the
/// worked examples in docs/scoring.md use these, so they stay valid as rules are added.
/// A catalogue of checks with these ids, each declaring the parameters the built-in Estonia
/// baseline gives it (any integer or boolean): these tests are about check ids; parameters are
/// validated against the real checks' declarations in the root crate's tests (the score crate
/// does not depend on the checks).
pub(crate) fn catalog(ids: &[&str]) -> CheckCatalog {
    let baseline = Baseline::builtin_estonia();
    CheckCatalog::new(ids.iter().map(|id| {
        let id: &'static str = Box::leak(id.to_string().into_boxed_str());
        let family = id
            .split_once('.')
            .and_then(|(prefix, _)| Family::from_prefix(prefix))
            .unwrap_or(Family::Http);
        let given = baseline
            .rules
            .get(id)
            .and_then(|r| r.params.as_ref())
            .and_then(serde_json::Value::as_object);
        let params: Vec<ParamDecl> = given
            .into_iter()
            .flatten()
            .map(|(name, value)| ParamDecl {
                name: Box::leak(name.clone().into_boxed_str()),
                kind: if value.is_boolean() {
                    ParamKind::Bool
                } else {
                    ParamKind::Integer {
                        min: i64::MIN,
                        max: i64::MAX,
                    }
                },
                default: ParamValue::Bool(false),
                doc: "",
            })
            .collect();
        let meta: &'static CheckMeta = Box::leak(Box::new(CheckMeta {
            id,
            family,
            title: id,
            level: Level::Must,
            rationale: "",
            remediation: "",
            references: &[],
            needs: &[],
            findings: &[],
            params: Box::leak(params.into_boxed_slice()),
        }));
        meta
    }))
}

pub(crate) fn first_cut() -> Baseline {
    let mut b = Baseline::builtin_estonia();
    b.rules
        .retain(|id, _| ESTONIA_CHECKS.contains(&id.as_str()));
    assert_eq!(
        b.rules.len(),
        ESTONIA_CHECKS.len(),
        "first-cut rules still present"
    );
    b
}

/// A small valid baseline; `{extra_top}` and `{extra_rule}` are spliced in by tests.
fn small(extra_top: &str, extra_rule: &str, weight: &str, level: &str) -> String {
    format!(
        "id: small\n\
         version: \"1\"\n\
         scoring_version: 1\n\
         {extra_top}\
         rules:\n\
         \x20 http.hsts:\n\
         \x20   level: {level}\n\
         \x20   weight: {weight}\n\
         {extra_rule}\
         \x20   source:\n\
         \x20     issuer: RIA\n\
         \x20     title: Guide\n\
         \x20     url: https://example.test/guide\n\
         \x20     section: HSTS\n\
         \x20     strength: should\n\
         \x20     read_on: \"2026-11-27\"\n\
         \x20   origin: estonia\n"
    )
}

fn outcome(check: &str, status: Status) -> Outcome {
    Outcome::new(check, status, "test", "test outcome", json!({}))
}

fn line_of(err: &BaselineError) -> Option<u64> {
    err.location().and_then(|l| l.line)
}

#[test]
fn builtin_estonia_loads_with_the_agreed_rules() {
    let b = Baseline::builtin_estonia();
    assert_eq!(b.id, "estonia");
    assert_eq!(b.version, "2026.1");
    assert!(crate::BASELINE_SCORING_VERSIONS.contains(&b.scoring_version));
    assert_eq!(SCORING_VERSION, 2);
    for id in ESTONIA_CHECKS {
        assert!(b.rules.contains_key(id), "{id} has a rule");
    }
    assert!(b.reference.measured_on.is_none());
    assert!(b.reference.per_check.is_empty());
    assert_eq!(b.params()["http.hsts"]["min_max_age"], json!(31536000));
    // TLS 1.3 is recommended, not required (RIA keeps TLS 1.2 for ID-card auth).
    assert_eq!(b.rules["tls.tls13-supported"].level, RuleLevel::Recommended);
    let ids: Vec<&str> = b.rules.keys().map(String::as_str).collect();
    b.validate_against(&catalog(&ids))
        .expect("all rules name known checks");
    assert!(
        b.validate_against(&catalog(&ESTONIA_CHECKS)).is_err(),
        "more rules than the first cut"
    );
}

#[test]
fn sha256_is_the_hash_of_the_file_bytes() {
    let text = small("", "", "2", "required");
    let b = Baseline::from_yaml("small.yaml", &text).expect("valid");
    // The hash is over the exact bytes given (not a re-serialisation).
    let file_hash = {
        use sha2::{Digest, Sha256};
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    assert_eq!(b.sha256, file_hash);
    assert_eq!(b.sha256.len(), 64);
    let other = Baseline::from_yaml("small.yaml", &format!("{text}\n")).expect("valid");
    assert_ne!(b.sha256, other.sha256, "any byte change changes the hash");
    assert_eq!(b.reference().sha256, b.sha256);
}

#[test]
fn unknown_top_level_key_names_file_and_line() {
    let err = Baseline::from_yaml("x.yaml", &small("colour: blue\n", "", "2", "required"))
        .expect_err("must be rejected");
    assert!(matches!(err, BaselineError::Parse { .. }), "{err}");
    assert_eq!(line_of(&err), Some(4), "{err}");
    let text = err.to_string();
    assert!(text.starts_with("x.yaml:4"), "{text}");
    assert!(text.contains("colour"), "{text}");
}

#[test]
fn unknown_rule_key_names_the_line() {
    let err = Baseline::from_yaml("x.yaml", &small("", "    wieght: 3\n", "2", "required"))
        .expect_err("must be rejected");
    assert_eq!(line_of(&err), Some(8), "{err}");
    assert!(err.to_string().contains("wieght"), "{err}");
}

#[test]
fn bad_level_value_names_the_line() {
    let err = Baseline::from_yaml("x.yaml", &small("", "", "2", "mandatory"))
        .expect_err("must be rejected");
    assert_eq!(line_of(&err), Some(6), "{err}");
    assert!(err.to_string().contains("mandatory"), "{err}");
}

#[test]
fn zero_or_negative_weight_is_rejected_at_its_line() {
    for weight in ["0", "-1", ".nan"] {
        let err = Baseline::from_yaml("x.yaml", &small("", "", weight, "required"))
            .expect_err("must be rejected");
        assert!(
            matches!(err, BaselineError::Invalid { .. }),
            "{weight}: {err}"
        );
        assert_eq!(line_of(&err), Some(7), "{weight}: {err}");
        assert!(
            err.to_string().starts_with("x.yaml:7: http.hsts: weight"),
            "{err}"
        );
    }
}

#[test]
fn missing_source_is_an_error() {
    let text = "id: s\nversion: \"1\"\nscoring_version: 1\nrules:\n  http.hsts:\n    level: required\n    weight: 1\n    origin: estonia\n";
    let err = Baseline::from_yaml("x.yaml", text).expect_err("must be rejected");
    assert!(err.to_string().contains("source"), "{err}");
    assert!(err.to_string().starts_with("x.yaml:"), "{err}");
    assert!(line_of(&err).is_some(), "{err}");
}

#[test]
fn duplicate_rule_is_an_error() {
    let text = small("", "", "2", "required");
    let rule = &text[text.find("  http.hsts:").expect("rule")..];
    let err =
        Baseline::from_yaml("x.yaml", &format!("{text}{rule}")).expect_err("must be rejected");
    assert!(
        err.to_string().to_lowercase().contains("duplicate"),
        "{err}"
    );
}

#[test]
fn semantic_errors_name_the_line() {
    let bad_id = small("", "", "2", "required").replace("http.hsts:", "web.hsts:");
    let err = Baseline::from_yaml("x.yaml", &bad_id).expect_err("must be rejected");
    assert_eq!(line_of(&err), Some(5), "{err}");

    let bad_url = small("", "", "2", "required").replace("https://example", "http://example");
    let err = Baseline::from_yaml("x.yaml", &bad_url).expect_err("must be rejected");
    assert_eq!(line_of(&err), Some(11), "{err}");

    let bad_params = small("", "    params: 5\n", "2", "required");
    let err = Baseline::from_yaml("x.yaml", &bad_params).expect_err("must be rejected");
    assert_eq!(line_of(&err), Some(8), "{err}");

    let bad_date = small("", "", "2", "required").replace("2026-11-27", "27.11.2026");
    let err = Baseline::from_yaml("x.yaml", &bad_date).expect_err("must be rejected");
    assert_eq!(line_of(&err), Some(14), "{err}");

    let bad_version =
        small("", "", "2", "required").replace("scoring_version: 1", "scoring_version: 9");
    let err = Baseline::from_yaml("x.yaml", &bad_version).expect_err("must be rejected");
    assert_eq!(line_of(&err), Some(3), "{err}");
}

#[test]
fn rule_lines_are_found_inside_rules_even_after_other_mentions() {
    let reference = "reference:\n  per_check:\n    dns.caa: { n: 1, pass: 1, fail: 0, inconclusive: 0, share: 1.0 }\n";
    let text = small(reference, "", "0", "required");
    let err = Baseline::from_yaml("x.yaml", &text).expect_err("must be rejected");
    assert_eq!(
        line_of(&err),
        Some(10),
        "weight line of the rule, not the reference: {err}"
    );
    let text = small(reference, "", "2", "required");
    let err = Baseline::from_yaml("x.yaml", &text).expect_err("must be rejected");
    assert_eq!(
        line_of(&err),
        Some(6),
        "the per_check entry without a rule: {err}"
    );
    assert!(err.to_string().contains("dns.caa"), "{err}");
}

#[test]
fn load_reads_a_file_and_names_it() {
    let dir = std::env::temp_dir().join(format!("govscan-score-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("b.yaml");
    std::fs::write(&path, small("", "", "0", "required")).expect("write");
    let err = Baseline::load(&path).expect_err("must be rejected");
    assert!(
        err.to_string()
            .starts_with(&format!("{}:7", path.display())),
        "{err}"
    );
    let missing = Baseline::load(&dir.join("nope.yaml")).expect_err("must be rejected");
    assert!(matches!(missing, BaselineError::Read { .. }));
    assert!(missing.to_string().contains("nope.yaml"), "{missing}");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn validate_against_rejects_unknown_ids_and_lists_unruled() {
    let b = first_cut();
    let known: Vec<&str> = ESTONIA_CHECKS
        .iter()
        .copied()
        .filter(|id| *id != "dns.caa")
        .collect();
    let err = b
        .validate_against(&catalog(&known))
        .expect_err("must be rejected");
    let text = err.to_string();
    assert!(text.contains("dns.caa"), "{text}");
    let caa_line = include_str!("../../../baselines/estonia.yaml")
        .lines()
        .position(|l| l.trim_start().starts_with("dns.caa:"))
        .map(|i| i as u64 + 1);
    assert_eq!(line_of(&err), caa_line, "{text}");

    let mut more = ESTONIA_CHECKS.to_vec();
    more.push("tls.legacy-disabled");
    b.validate_against(&catalog(&more))
        .expect("extra known checks are fine");
    assert_eq!(
        b.unruled_checks(&more),
        vec!["tls.legacy-disabled".to_owned()]
    );
}

/// The worked example in docs/scoring.md.
#[test]
fn worked_example_from_the_docs() {
    let b = first_cut();
    let outcomes = vec![
        outcome("tls.https-available", Status::Pass),
        outcome("tls.tls13-supported", Status::Fail),
        outcome("cert.trusted-chain", Status::Pass),
        outcome("cert.hostname-match", Status::Pass),
        outcome("cert.not-expired", Status::Warn),
        outcome("http.https-redirect", Status::Pass),
        outcome("http.hsts", Status::Warn),
        outcome("http.x-content-type-options", Status::Fail),
        outcome("dns.caa", Status::Fail),
        outcome("mail.spf", Status::Pass),
        outcome("mail.dmarc", Status::Inconclusive),
        outcome("dns.ipv6-web", Status::Fail),
        outcome("http.security-txt", Status::Info),
    ];
    let detailed = score_domain_detailed(&outcomes, &b);
    let s = &detailed.score;
    assert_eq!(s.score, Some(75.0));
    assert_eq!(s.grade, "C");
    assert_eq!(s.cap, None);
    assert!((s.coverage - 64.0 / 68.0).abs() < 1e-9, "{}", s.coverage);
    assert_eq!(detailed.unruled, vec!["http.security-txt".to_owned()]);
    assert!(detailed.missing.is_empty());
    let fam = |f: Family| {
        s.families
            .iter()
            .find(|x| x.family == f)
            .expect("family")
            .clone()
    };
    assert_eq!(fam(Family::Tls).score, Some(76.9));
    assert_eq!(fam(Family::Cert).score, Some(83.3));
    assert_eq!(fam(Family::Http).score, Some(64.3));
    assert_eq!(fam(Family::Dns).score, Some(0.0));
    assert_eq!(fam(Family::Mail).score, Some(100.0));
    assert_eq!(fam(Family::Mail).coverage, 0.5);
    assert_eq!(
        (
            fam(Family::Mail).checks_judged,
            fam(Family::Mail).checks_total
        ),
        (1, 2)
    );
    let order: Vec<Family> = s.families.iter().map(|f| f.family).collect();
    assert_eq!(
        order,
        vec![
            Family::Tls,
            Family::Cert,
            Family::Dns,
            Family::Mail,
            Family::Http
        ]
    );

    // Second example: all pass but the required redirect fails: 62/68 = 91.2 → A, capped at C.
    let capped: Vec<Outcome> = ESTONIA_CHECKS
        .iter()
        .map(|id| {
            outcome(
                id,
                if *id == "http.https-redirect" {
                    Status::Fail
                } else {
                    Status::Pass
                },
            )
        })
        .collect();
    let s = score_domain(&capped, &b);
    assert_eq!(s.score, Some(91.2));
    assert_eq!(s.grade, "C");
    assert_eq!(
        s.cap.as_deref(),
        Some("required check failed: http.https-redirect")
    );
    assert_eq!(s.coverage, 1.0);
}

#[test]
fn grades_follow_the_thresholds() {
    let b = first_cut();
    let all_pass: Vec<Outcome> = ESTONIA_CHECKS
        .iter()
        .map(|id| outcome(id, Status::Pass))
        .collect();
    let s = score_domain(&all_pass, &b);
    assert_eq!(
        (s.score, s.grade.as_str(), s.cap.as_deref()),
        (Some(100.0), "A+", None)
    );

    // A warn on a required check keeps A+ away even at ≥ 95 points (65/68 = 95.6).
    let mut warned = all_pass.clone();
    warned[1] = outcome("cert.not-expired", Status::Warn);
    let s = score_domain(&warned, &b);
    assert_eq!(s.score, Some(92.6));
    assert_eq!(s.grade, "A");
    // A warn on a recommended check does not: tls.tls13 warn → 66.5/68 = 97.8.
    let mut warned = all_pass.clone();
    warned[11] = outcome("tls.tls13-supported", Status::Warn);
    assert_eq!(score_domain(&warned, &b).grade, "A+");

    // Nothing judged: no score, grade "?".
    let none: Vec<Outcome> = ESTONIA_CHECKS
        .iter()
        .map(|id| outcome(id, Status::Inconclusive))
        .collect();
    let s = score_domain(&none, &b);
    assert_eq!((s.score, s.grade.as_str(), s.coverage), (None, "?", 0.0));

    // All fail: 0, F; the cap does not raise a grade.
    let fail: Vec<Outcome> = ESTONIA_CHECKS
        .iter()
        .map(|id| outcome(id, Status::Fail))
        .collect();
    let s = score_domain(&fail, &b);
    assert_eq!(
        (s.score, s.grade.as_str(), s.cap.as_deref()),
        (Some(0.0), "F", None)
    );
}

#[test]
fn not_applicable_and_info_are_not_scored_but_missing_reduces_coverage() {
    let b = first_cut();
    let mut outcomes: Vec<Outcome> = ESTONIA_CHECKS
        .iter()
        .map(|id| outcome(id, Status::Pass))
        .collect();
    outcomes[3] = outcome("dns.caa", Status::NotApplicable);
    outcomes[4] = outcome("dns.ipv6-web", Status::Info);
    let s = score_domain(&outcomes, &b);
    assert_eq!((s.score, s.coverage), (Some(100.0), 1.0));
    assert!(
        s.families.iter().all(|f| f.family != Family::Dns),
        "dns has nothing scored"
    );

    // Only one outcome given: the other rules count as not judged, so the score is provisional
    // and counts them as not met (6/68), never 100 on 9 % coverage (scoring version 1 did).
    let only = vec![outcome("http.hsts", Status::Pass)];
    let d = score_domain_detailed(&only, &b);
    assert_eq!(d.score.score, Some(8.8));
    assert!(d.score.provisional.is_some());
    assert!((d.score.coverage - 6.0 / 68.0).abs() < 1e-9);
    assert_eq!(d.missing.len(), 11);
}

fn status_strategy() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Pass),
        Just(Status::Fail),
        Just(Status::Warn),
        Just(Status::Info),
        Just(Status::NotApplicable),
        Just(Status::Inconclusive),
    ]
}

proptest! {
    #[test]
    fn scores_stay_in_range_and_a_pass_never_lowers_them(
        statuses in proptest::collection::vec(proptest::option::of(status_strategy()), 12),
        flip in 0usize..12,
    ) {
        let b = first_cut();
        let outcomes: Vec<Outcome> = ESTONIA_CHECKS
            .iter()
            .zip(&statuses)
            .filter_map(|(id, s)| s.map(|s| outcome(id, s)))
            .collect();
        let before = score_domain(&outcomes, &b);
        if let Some(score) = before.score {
            prop_assert!((0.0..=100.0).contains(&score));
        }
        prop_assert!((0.0..=1.0).contains(&before.coverage));
        for f in &before.families {
            if let Some(score) = f.score {
                prop_assert!((0.0..=100.0).contains(&score));
            }
        }

        // Turn one check into a pass (from absent, inconclusive, fail, warn, ...).
        let target = ESTONIA_CHECKS[flip];
        let mut improved: Vec<Outcome> = outcomes.iter().filter(|o| o.check != target).cloned().collect();
        improved.push(outcome(target, Status::Pass));
        let after = score_domain(&improved, &b);
        let before_points = before.score.unwrap_or(0.0);
        let after_points = after.score.expect("a pass gives a score");
        // Turning a not-scored (n/a, info) check into a pass can only add credit 1 × weight.
        prop_assert!(after_points >= before_points || before.score.is_none(),
            "{before_points} -> {after_points}");
    }
}
