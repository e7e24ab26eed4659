//! Tests of the light view: what it keeps of a whole scan, and that it interns.

use serde_json::json;

use crate::view::{DomainView, ScanView};
use crate::{
    BaselineRef, DomainResult, LightScan, Observations, OrgKind, Organisation, Outcome,
    PackedOutcome, SCHEMA_VERSION, ScanResult, Status,
};

fn observations(domain: &str) -> Observations {
    let skipped = json!({"state": "skipped", "why": "test"});
    serde_json::from_value(json!({
        "domain": domain, "probed_at": "2026-12-01T00:00:00Z", "duration_ms": 0,
        "dns": {
            "a": skipped, "aaaa": skipped, "ns": skipped, "mx": skipped, "txt": skipped,
            "caa": skipped, "dmarc": skipped, "soa": skipped, "resolver": ""
        },
        "endpoints": []
    }))
    .expect("observations")
}

/// Domain `i` of a scan: every check of `checks`, the status cycling with `i`.
fn domain(i: usize, checks: &[&str]) -> DomainResult {
    let name = format!("d{i}.example");
    let statuses = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Inconclusive,
        Status::NotApplicable,
        Status::Info,
    ];
    let outcomes = checks
        .iter()
        .enumerate()
        .map(|(c, check)| {
            let status = statuses[(i + c) % statuses.len()];
            Outcome::new(
                check,
                status,
                &format!("finding_{}", status.as_str()),
                format!("{check} on {name}: {}", status.as_str()),
                json!({"domain": name}),
            )
        })
        .collect();
    DomainResult {
        organisation: (!i.is_multiple_of(3)).then(|| format!("Org {}", i % 2)),
        score: (!i.is_multiple_of(4)).then_some(i as f64 / 10.0),
        grade: ["A", "B", "?"][i % 3].to_owned(),
        grade_cap: i
            .is_multiple_of(5)
            .then(|| "required check failed: tls.a".to_owned()),
        coverage: 1.0 / (i + 1) as f64,
        families: Vec::new(),
        provisional: i
            .is_multiple_of(7)
            .then(|| "coverage 50 % is below the 80 % floor".to_owned()),
        outcomes,
        observations: observations(&name),
        domain: name,
    }
}

fn scan(domains: usize) -> ScanResult {
    let checks = ["tls.a", "tls.b", "dns.c", "mail.d", "http.e"];
    ScanResult {
        schema_version: SCHEMA_VERSION,
        govscan_version: "0.1.0".to_owned(),
        scoring_version: 2,
        started_at: "2026-12-01T00:00:00Z".to_owned(),
        finished_at: "2026-12-01T01:00:00Z".to_owned(),
        baseline: BaselineRef {
            id: "estonia".to_owned(),
            version: "2026.1".to_owned(),
            sha256: "0".repeat(64),
        },
        organisations: vec![Organisation {
            name: "Org 0".to_owned(),
            kind: OrgKind::Ministry,
            parent: None,
        }],
        domains: (0..domains).map(|i| domain(i, &checks)).collect(),
    }
}

#[test]
fn an_outcome_takes_four_bytes() {
    assert_eq!(std::mem::size_of::<PackedOutcome>(), 4);
}

#[test]
fn every_figure_and_verdict_is_kept_and_messages_only_when_inconclusive() {
    let whole = scan(30);
    let light = LightScan::from(&whole);
    assert_eq!(light.header.started_at, whole.started_at);
    assert_eq!(light.organisations(), whole.organisations.as_slice());
    assert_eq!(light.len(), whole.domains.len());
    for (l, d) in light.domains().zip(&whole.domains) {
        assert_eq!(
            (
                l.domain(),
                l.organisation(),
                l.score(),
                l.grade(),
                l.coverage()
            ),
            (
                d.domain.as_str(),
                d.organisation.as_deref(),
                d.score,
                d.grade.as_str(),
                d.coverage
            )
        );
        assert_eq!(l.grade_cap(), d.grade_cap.as_deref());
        assert_eq!(l.provisional(), d.provisional.as_deref());
        assert_eq!(l.outcome_count(), d.outcomes.len());
        for (v, o) in l.verdicts().zip(&d.outcomes) {
            assert_eq!(
                (v.check, v.status, v.finding),
                (o.check.as_str(), o.status, o.finding.as_str())
            );
            let kept = if o.status == Status::Inconclusive {
                o.message.as_str()
            } else {
                ""
            };
            assert_eq!(v.message.text(), kept, "{} on {}", o.check, d.domain);
        }
        // The trait reads the same as the light domain and as the whole one.
        assert_eq!(DomainView::domain(&l), d.domain);
        assert_eq!(DomainView::grade(&l), DomainView::grade(d));
        assert!(
            DomainView::verdicts(&l)
                .zip(DomainView::verdicts(d))
                .all(|(a, b)| (a.check, a.status, a.finding) == (b.check, b.status, b.finding))
        );
    }
}

#[test]
fn strings_and_verdicts_are_interned_once_per_scan() {
    let small = LightScan::from(&scan(30));
    let large = LightScan::from(&scan(3_000));
    // Check ids, findings, grades, organisations, caps, provisional reasons and messages do not
    // grow with the domains: the messages name their domain, and are kept as the text around
    // the name.
    assert_eq!(small.distinct_names(), large.distinct_names());
    assert!(large.distinct_names() < 40, "{}", large.distinct_names());
    // 5 checks × 5 statuses other than inconclusive, and one inconclusive message per check.
    assert_eq!(large.distinct_verdicts(), 5 * 5 + 5);
}

#[test]
fn a_message_that_does_not_name_its_domain_is_kept_whole() {
    let mut whole = scan(2);
    for d in &mut whole.domains {
        for o in &mut d.outcomes {
            o.message = format!("{}: nothing listens on 127.0.0.1:9", o.check);
        }
    }
    let light = LightScan::from(&whole);
    for (l, d) in light.domains().zip(&whole.domains) {
        for (v, o) in l.verdicts().zip(&d.outcomes) {
            if o.status == Status::Inconclusive {
                assert_eq!(v.message.text(), o.message);
            }
        }
    }
}

#[test]
fn an_excluded_domain_is_one_whose_every_outcome_says_excluded() {
    let mut whole = scan(2);
    for o in &mut whole.domains[0].outcomes {
        o.finding = "excluded".to_owned();
    }
    let light = LightScan::from(&whole);
    let excluded: Vec<bool> = light.domains().map(|d| d.is_excluded()).collect();
    assert_eq!(excluded, [true, false]);
    assert!(whole.domains[0].is_excluded());
    whole.domains[0].outcomes.clear();
    assert!(!LightScan::from(&whole).domains().any(|d| d.is_excluded()));
}
