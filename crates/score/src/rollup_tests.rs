//! Tests of the measured reference (derive, write) and of roll-ups and top fixes.

use govscan_model::{
    BaselineRef, DomainResult, Observations, OrgKind, Organisation, Outcome, ScanResult, Status,
};
use serde_json::json;

use crate::tests::first_cut;
use crate::{Baseline, ReferenceProvenance, by_name, measure, roll_up, write_reference};

const ESTONIA_TEXT: &str = include_str!("../../../baselines/estonia.yaml");
const NETHERLANDS_TEXT: &str = include_str!("../../../baselines/netherlands.yaml");

pub(crate) fn empty_observations(domain: &str) -> Observations {
    let empty = json!({"state": "ok", "value": []});
    let value = json!({
        "domain": domain, "probed_at": "2026-11-27T00:00:00Z", "duration_ms": 0,
        "dns": {
            "a": empty, "aaaa": empty, "ns": empty, "mx": empty, "txt": empty, "dmarc": empty,
            "caa": {"state": "ok", "value": {"found_at": null, "records": [], "queried": [domain]}},
            "soa": {"state": "skipped", "why": "test"},
            "resolver": "127.0.0.1:53"
        },
        "endpoints": []
    });
    serde_json::from_value(value).unwrap_or_else(|e| panic!("observations shape changed: {e}"))
}

/// A domain where every Estonia check passes except `failing`.
fn domain(name: &str, org: &str, failing: &[&str]) -> DomainResult {
    let b = first_cut();
    let outcomes: Vec<Outcome> = b
        .rules
        .keys()
        .map(|id| {
            let status = if failing.contains(&id.as_str()) {
                Status::Fail
            } else {
                Status::Pass
            };
            Outcome::new(id, status, "test", "test", json!({}))
        })
        .collect();
    crate::scored_domain(
        name.to_owned(),
        Some(org.to_owned()),
        outcomes,
        empty_observations(name),
        &b,
    )
}

fn org(name: &str, kind: OrgKind, parent: Option<&str>) -> Organisation {
    Organisation {
        name: name.to_owned(),
        kind,
        parent: parent.map(str::to_owned),
    }
}

/// The portfolio of the roll-up example in docs/scoring.md.
fn example_scan() -> ScanResult {
    let b = first_cut();
    ScanResult {
        schema_version: govscan_model::SCHEMA_VERSION,
        govscan_version: "0.1.0".to_owned(),
        scoring_version: crate::SCORING_VERSION,
        started_at: "2026-11-27T00:00:00Z".to_owned(),
        finished_at: "2026-11-27T00:01:00Z".to_owned(),
        baseline: BaselineRef {
            id: b.id.clone(),
            version: b.version.clone(),
            sha256: b.sha256.clone(),
        },
        organisations: vec![
            org("Ministry of Examples", OrgKind::Ministry, None),
            org(
                "Examples Board",
                OrgKind::Agency,
                Some("Ministry of Examples"),
            ),
        ],
        domains: vec![
            domain(
                "ministry.example.ee",
                "Ministry of Examples",
                &["dns.caa", "dns.ipv6-web"],
            ),
            domain(
                "board.example.ee",
                "Examples Board",
                &["http.hsts", "http.x-content-type-options", "dns.ipv6-web"],
            ),
            domain(
                "services.example.ee",
                "Examples Board",
                &[
                    "http.hsts",
                    "tls.tls13-supported",
                    "mail.dmarc",
                    "dns.ipv6-web",
                ],
            ),
        ],
    }
}

/// The roll-up and top-fix example printed in docs/scoring.md.
#[test]
fn rollup_example_from_the_docs() {
    let b = first_cut();
    let scan = example_scan();
    let scores: Vec<Option<f64>> = scan.domains.iter().map(|d| d.score).collect();
    assert_eq!(scores, vec![Some(95.6), Some(85.3), Some(77.9)]);

    let r = roll_up(&scan, &b);
    let orgs = by_name(&r);
    let ministry = orgs["Ministry of Examples"];
    assert_eq!(ministry.own.score, Some(95.6));
    assert_eq!(ministry.with_children.score, Some(86.3));
    assert_eq!(ministry.with_children.gap, Some(13.7));
    assert_eq!(
        ministry.with_children.worst_domain.as_deref(),
        Some("services.example.ee")
    );
    assert_eq!(ministry.with_children.worst_score, Some(77.9));
    assert_eq!(
        (
            ministry.with_children.domains,
            ministry.with_children.domains_scored
        ),
        (3, 3)
    );
    let board = orgs["Examples Board"];
    assert_eq!(board.own.score, Some(81.6));
    assert_eq!(board.with_children, board.own, "the board has no children");
    assert_eq!(r.portfolio.score, Some(86.3));
    assert_eq!(r.portfolio.coverage, 1.0);

    // HSTS passes on 0 of the board's 2 domains; the ministry subtree 1 of 3.
    let hsts = |checks: &[govscan_model::CheckShare]| {
        checks
            .iter()
            .find(|c| c.check == "http.hsts")
            .map(|c| (c.pass, c.judged))
            .expect("hsts")
    };
    assert_eq!(hsts(&board.checks), (0, 2));
    assert_eq!(hsts(&ministry.checks), (1, 3));

    // Top fixes, re-scored exactly: HSTS on the board's two domains first.
    let top: Vec<(&str, f64)> = r
        .top_fixes
        .iter()
        .map(|f| (f.check.as_str(), f.gain))
        .collect();
    assert_eq!(top[0], ("http.hsts", 5.9));
    assert_eq!(r.top_fixes[0].portfolio_after, Some(92.2));
    let fixed: Vec<(&str, Option<f64>)> = r.top_fixes[0]
        .domains
        .iter()
        .map(|d| (r.domains[d.index].domain.as_str(), d.after))
        .collect();
    assert_eq!(
        fixed,
        vec![
            ("services.example.ee", Some(86.8)),
            ("board.example.ee", Some(94.1))
        ]
    );
    assert_eq!(top[1], ("dns.ipv6-web", 2.9));
    assert!(r.top_fixes.iter().all(|f| f.gain > 0.0));
    assert!(
        !top.iter().any(|(c, _)| *c == "cert.trusted-chain"),
        "nothing to fix there"
    );
    let mut sorted = top.clone();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    assert_eq!(top, sorted, "best gain first");

    // No reference yet: shares are ours only.
    let ipv6 = r
        .checks
        .iter()
        .find(|c| c.check == "dns.ipv6-web")
        .expect("ipv6");
    assert_eq!(
        (ipv6.pass, ipv6.fail, ipv6.share, ipv6.reference_share),
        (0, 3, Some(0.0), None)
    );
}

#[test]
fn top_fix_gain_equals_a_real_rescore() {
    let b = first_cut();
    let scan = example_scan();
    let r = roll_up(&scan, &b);
    for fix in &r.top_fixes {
        let mut fixed = scan.clone();
        for d in &mut fixed.domains {
            for o in &mut d.outcomes {
                if o.check == fix.check && matches!(o.status, Status::Warn | Status::Fail) {
                    o.status = Status::Pass;
                }
            }
        }
        let after = roll_up(&fixed, &b).portfolio.score;
        assert_eq!(after, fix.portfolio_after, "{}", fix.check);
    }
}

#[test]
fn domains_without_score_lower_coverage_not_the_mean() {
    let b = first_cut();
    let mut scan = example_scan();
    for o in &mut scan.domains[0].outcomes {
        o.status = Status::Inconclusive;
    }
    let r = roll_up(&scan, &b);
    assert_eq!(r.portfolio.domains_scored, 2);
    assert_eq!(r.portfolio.score, Some(81.6));
    assert!((r.portfolio.coverage - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(by_name(&r)["Ministry of Examples"].own.score, None);
}

fn provenance() -> ReferenceProvenance {
    ReferenceProvenance {
        measured_on: "2026-11-27".to_owned(),
        targets: "targets/estonia.yaml".to_owned(),
        targets_sha256: "ab".repeat(32),
        govscan_version: "0.1.0".to_owned(),
    }
}

#[test]
fn measure_counts_and_write_keeps_everything_else() {
    let b = first_cut();
    let mut scan = example_scan();
    scan.domains[0].outcomes[0].status = Status::Inconclusive; // cert.hostname-match
    scan.domains[1].outcomes.retain(|o| o.check != "dns.caa"); // absent → inconclusive
    scan.domains[2].outcomes.iter_mut().for_each(|o| {
        if o.check == "dns.caa" {
            o.status = Status::NotApplicable;
        }
    });
    let reference = measure(&scan, &b, provenance());
    let ipv6 = &reference.per_check["dns.ipv6-web"];
    assert_eq!(
        (ipv6.n, ipv6.pass, ipv6.fail, ipv6.share),
        (3, 0, 3, Some(0.0))
    );
    let host = &reference.per_check["cert.hostname-match"];
    assert_eq!(
        (host.n, host.pass, host.inconclusive, host.share),
        (3, 2, 1, Some(1.0))
    );
    let caa = &reference.per_check["dns.caa"];
    assert_eq!(
        (caa.n, caa.fail, caa.inconclusive, caa.share),
        (2, 1, 1, Some(0.0))
    );
    assert_eq!(reference.domains, Some(3));
    assert_eq!(reference.scoring_version, Some(crate::SCORING_VERSION));

    let written = write_reference("estonia.yaml", ESTONIA_TEXT, &reference).expect("written");
    let reloaded = Baseline::from_yaml("estonia.yaml", &written).expect("valid");
    assert_eq!(reloaded.reference, reference);
    assert_eq!(reloaded.rules, Baseline::builtin_estonia().rules);
    // Byte for byte: everything before `reference:` and everything from `context:` on.
    let head = |t: &str| t[..t.find("\nreference:").expect("block")].to_owned();
    let tail = |t: &str| t[t.find("\n# Third-party").expect("context")..].to_owned();
    assert_eq!(head(&written), head(ESTONIA_TEXT));
    assert_eq!(tail(&written), tail(ESTONIA_TEXT));
    // Writing again replaces, never appends.
    let again = write_reference("estonia.yaml", &written, &reference).expect("written");
    assert_eq!(again, written);
    // The roll-up now shows the reference share beside ours.
    let r = roll_up(&example_scan(), &reloaded);
    let c = r.checks.iter().find(|c| c.check == "dns.caa").expect("caa");
    assert_eq!((c.reference_share, c.reference_n), (Some(0.0), Some(2)));
}

#[test]
fn write_appends_a_missing_block_and_rejects_bad_text() {
    let b = first_cut();
    let without: String = {
        let start = ESTONIA_TEXT.find("\nreference:").expect("block") + 1;
        let end = ESTONIA_TEXT.find("\n# Third-party").expect("context") + 1;
        format!("{}{}", &ESTONIA_TEXT[..start], &ESTONIA_TEXT[end..])
    };
    let reference = measure(&example_scan(), &b, provenance());
    let written = write_reference("e.yaml", &without, &reference).expect("appended");
    assert!(written.starts_with(&without));
    assert_eq!(
        Baseline::from_yaml("e.yaml", &written)
            .expect("valid")
            .reference,
        reference
    );
    let err = write_reference("e.yaml", "id: [", &reference).expect_err("bad yaml");
    assert!(err.to_string().starts_with("e.yaml"), "{err}");
}

#[test]
fn reference_counts_must_add_up() {
    let bad = ESTONIA_TEXT.replace(
        "  per_check: {}\n",
        "  per_check:\n    dns.caa: { n: 3, pass: 1, warn: 0, fail: 0, inconclusive: 0, share: 1.0 }\n",
    );
    let err = Baseline::from_yaml("e.yaml", &bad).expect_err("counts do not add up");
    let line = bad
        .lines()
        .position(|l| l.contains("dns.caa: { n: 3"))
        .map(|i| i as u64 + 1);
    assert_eq!(err.location().and_then(|l| l.line), line, "{err}");
    let bad_day = ESTONIA_TEXT.replace("measured_on: null", "measured_on: \"yesterday\"");
    assert!(Baseline::from_yaml("e.yaml", &bad_day).is_err());
}

#[test]
fn netherlands_baseline_is_general_and_differs_where_its_sources_do() {
    let nl = Baseline::from_yaml("baselines/netherlands.yaml", NETHERLANDS_TEXT).expect("valid");
    let ee = first_cut();
    assert_eq!(nl.id, "netherlands");
    for id in nl.rules.keys() {
        assert!(
            Baseline::builtin_estonia().rules.contains_key(id),
            "{id} is ruled in Estonia too"
        );
    }
    for id in ee.rules.keys() {
        assert!(
            nl.rules.contains_key(id),
            "the first-cut check {id} is judged by internet.nl too"
        );
    }
    use crate::{Origin, RuleLevel};
    assert!(
        nl.rules.values().all(|r| r.origin == Origin::External),
        "no Estonian source"
    );
    // internet.nl requires HSTS and IPv6 for web; the Estonia baseline does not.
    assert_eq!(nl.rules["http.hsts"].level, RuleLevel::Required);
    assert_eq!(nl.rules["dns.ipv6-web"].level, RuleLevel::Required);
    assert_eq!(ee.rules["dns.ipv6-web"].level, RuleLevel::Optional);
    // Same outcomes, different score.
    let scan = example_scan();
    assert_ne!(
        roll_up(&scan, &nl).portfolio.score,
        roll_up(&scan, &ee).portfolio.score
    );
}
