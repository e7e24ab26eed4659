//! Baselines from the command line: every registry check has a rule (both ways), validation
//! names file and line, and derive → rescore round-trips on a scan built from check fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use govscan_model::{BaselineRef, DomainResult, Observations, ScanResult};
use govscan_score::Baseline;
use serde_json::{Value, json};

fn govscan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run govscan")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn registry_ids() -> Vec<&'static str> {
    govscan_checks::ALL.iter().map(|c| c.meta().id).collect()
}

#[test]
fn every_registry_check_has_a_rule_and_every_rule_a_check() {
    let ids = registry_ids();
    // Estonia: both ways. The Netherlands: every rule names a registry check; checks that
    // internet.nl has no subtest for are left unruled (reported, not scored).
    for (file, every_check_ruled) in [
        ("baselines/estonia.yaml", true),
        ("baselines/netherlands.yaml", false),
    ] {
        let b = Baseline::load(&root().join(file)).expect("valid baseline");
        if every_check_ruled {
            for id in &ids {
                let rule = b.rules.get(*id);
                assert!(rule.is_some(), "{file}: check {id} has no rule");
                let source = &rule.expect("rule").source;
                assert!(
                    source.url.starts_with("https://") && !source.issuer.is_empty(),
                    "{file}: {id}"
                );
            }
        }
        for id in b.rules.keys() {
            assert!(
                ids.contains(&id.as_str()),
                "{file}: rule {id} names no registry check"
            );
        }
        b.validate_against(&govscan_checks::CheckSet::builtin().catalog())
            .expect("validates against the registry");
    }
    assert_eq!(
        Baseline::builtin_estonia().rules.len(),
        registry_ids().len()
    );
}

#[test]
fn validate_names_file_and_line_and_exits_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let good = govscan(&root(), &["baseline", "validate"]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good.stderr));
    assert!(text(&good.stdout).contains("netherlands"));

    let bad_text = std::fs::read_to_string(root().join("baselines/estonia.yaml"))
        .expect("read")
        .replace("min_max_age: 31536000", "min_max_age: -5");
    let line = bad_text
        .lines()
        .position(|l| l.contains("min_max_age: -5"))
        .expect("line")
        + 1;
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, &bad_text).expect("write");
    let out = govscan(dir.path(), &["baseline", "validate", "bad.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with(&format!("bad.yaml:{line}:")),
        "{}",
        text(&out.stderr)
    );

    let unknown = bad_text
        .replace("min_max_age: -5", "min_max_age: 5")
        .replace("  dns.caa:", "  dns.no-such-check:");
    std::fs::write(&bad, &unknown).expect("write");
    let out = govscan(dir.path(), &["baseline", "validate", "bad.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("dns.no-such-check"),
        "{}",
        text(&out.stderr)
    );

    // Weights of 1e308 validated once and made every score NaN: now refused at their line.
    let huge = std::fs::read_to_string(root().join("baselines/estonia.yaml"))
        .expect("read")
        .replace("weight: 10", "weight: 1e308");
    std::fs::write(&bad, &huge).expect("write");
    let out = govscan(dir.path(), &["baseline", "validate", "bad.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let line: usize = stderr
        .strip_prefix("bad.yaml:")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no file:line in {stderr}"));
    assert_eq!(
        huge.lines().nth(line - 1).map(str::trim),
        Some("weight: 1e308")
    );
    assert!(
        stderr.contains("weight 1e308 must be a number from 0.001 to 1000"),
        "{stderr}"
    );

    let show = govscan(&root(), &["baseline", "show", "estonia"]);
    assert_eq!(show.status.code(), Some(0));
    let shown = text(&show.stdout);
    assert!(
        shown.contains("https://open-eid.github.io/nginx") && shown.contains("Third-party context"),
        "{shown}"
    );
    assert_eq!(
        govscan(&root(), &["baseline", "show", "nope"])
            .status
            .code(),
        Some(2)
    );
}

/// Observations with every DNS probe answered empty and no endpoints (as the checks' fixtures).
fn base_observations() -> Value {
    let empty = json!({"state": "ok", "value": []});
    json!({
        "domain": "example.test", "probed_at": "2026-11-27T00:00:00Z", "duration_ms": 0,
        "dns": {
            "a": empty, "aaaa": empty, "ns": empty, "mx": empty, "txt": empty, "dmarc": empty,
            "caa": {"state": "ok", "value": {"found_at": null, "records": [], "queried": ["example.test"]}},
            "soa": {"state": "ok", "value": {"zone": "example.test", "mname": "ns1.example.test", "rname": "hostmaster.example.test", "serial": 1}},
            "resolver": "127.0.0.1:53"
        },
        "endpoints": []
    })
}

fn merge_patch(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(map), Some(patch_map)) => {
            for (key, value) in patch_map {
                if value.is_null() {
                    map.remove(key);
                } else {
                    merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (None, Some(_)) => {
            *target = json!({});
            merge_patch(target, patch);
        }
        _ => *target = patch.clone(),
    }
}

/// A stored scan: one domain per pass_/fail_ fixture of every registry check (first of each),
/// stored with no outcomes (as if written by an older govscan) so everything is judged again.
fn fixture_scan() -> ScanResult {
    let mut domains = Vec::new();
    for id in registry_ids() {
        let (family, slug) = id.split_once('.').expect("family");
        // `fixtures/checks/<id>/`, else the older `<family>/<slug_with_underscores>/`.
        let mut dir = root().join("fixtures/checks").join(id);
        if !dir.is_dir() {
            dir = root()
                .join("fixtures/checks")
                .join(family)
                .join(slug.replace('-', "_"));
        }
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("fixture dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for prefix in ["pass_", "fail_"] {
            let Some(name) = names.iter().find(|n| n.starts_with(prefix)) else {
                continue;
            };
            let fixture: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect("read"))
                    .expect("json");
            let mut obs = base_observations();
            merge_patch(&mut obs, &fixture["observations"]);
            let observations: Observations = serde_json::from_value(obs).expect("observations");
            let domain = format!("{}-{}.lab.test", slug, domains.len());
            domains.push(DomainResult {
                domain,
                organisation: Some("Lab".to_owned()),
                score: None,
                grade: "?".to_owned(),
                grade_cap: None,
                coverage: 0.0,
                families: Vec::new(),
                provisional: None,
                outcomes: Vec::new(),
                observations,
            });
        }
    }
    ScanResult {
        schema_version: govscan_model::SCHEMA_VERSION,
        govscan_version: "0.0.1".to_owned(),
        scoring_version: govscan_score::SCORING_VERSION,
        started_at: "2026-11-27T00:00:00Z".to_owned(),
        finished_at: "2026-11-27T00:05:00Z".to_owned(),
        baseline: BaselineRef {
            id: "estonia".into(),
            version: "old".into(),
            sha256: "0".repeat(64),
        },
        organisations: vec![govscan_model::Organisation {
            name: "Lab".to_owned(),
            kind: govscan_model::OrgKind::Agency,
            parent: None,
        }],
        domains,
    }
}

fn targets_yaml(scan: &ScanResult) -> String {
    let mut out = String::from("organisations:\n  - name: Lab\n    kind: agency\n    domains:\n");
    for d in &scan.domains {
        out.push_str(&format!("      - name: {}\n", d.domain));
    }
    out
}

#[test]
fn derive_then_rescore_round_trips() {
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path();
    std::fs::create_dir_all(work.join("baselines")).expect("mkdir");
    std::fs::create_dir_all(work.join("targets")).expect("mkdir");
    let original = std::fs::read_to_string(root().join("baselines/estonia.yaml")).expect("read");
    std::fs::write(work.join("baselines/estonia.yaml"), &original).expect("write");
    let scan = fixture_scan();
    // Every check has a pass and a fail fixture except the info-level ones, which never pass
    // or fail (http.server-banner, http.dane).
    assert!(
        scan.domains.len() >= 2 * registry_ids().len() - 4,
        "fixtures found"
    );
    std::fs::write(
        work.join("scan.json"),
        serde_json::to_string(&scan).expect("json"),
    )
    .expect("write");
    std::fs::write(work.join("targets/estonia.yaml"), targets_yaml(&scan)).expect("write");

    // A target file that does not match the scan is refused.
    std::fs::write(
        work.join("other.yaml"),
        "organisations:\n  - name: X\n    kind: agency\n    domains:\n      - name: x.lab.test\n",
    )
    .expect("write");
    let out = govscan(
        work,
        &[
            "baseline",
            "derive",
            "--scan",
            "scan.json",
            "--name",
            "estonia",
            "--targets",
            "other.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("x.lab.test"),
        "{}",
        text(&out.stderr)
    );

    let out = govscan(
        work,
        &[
            "baseline",
            "derive",
            "--scan",
            "scan.json",
            "--name",
            "estonia",
            "--out",
            "derived.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let derived_text = std::fs::read_to_string(work.join("derived.yaml")).expect("derived");
    assert_eq!(
        std::fs::read_to_string(work.join("baselines/estonia.yaml")).expect("read"),
        original,
        "--out leaves the source alone"
    );
    let head = |t: &str| t[..t.find("\nreference:").expect("reference block")].to_owned();
    assert_eq!(
        head(&derived_text),
        head(&original),
        "the rules half is untouched, byte for byte"
    );
    let derived = Baseline::from_yaml("derived.yaml", &derived_text).expect("valid");
    let reference = &derived.reference;
    assert_eq!(reference.measured_on.as_deref(), Some("2026-11-27"));
    assert_eq!(
        reference.domains,
        Some(u32::try_from(scan.domains.len()).expect("small"))
    );
    assert_eq!(reference.govscan_version.as_deref(), Some("0.0.1"));
    let targets_bytes = std::fs::read(work.join("targets/estonia.yaml")).expect("read");
    assert_eq!(
        reference.targets_sha256.as_deref(),
        Some(govscan_score::sha256_hex(&targets_bytes).as_str())
    );
    assert_eq!(reference.per_check.len(), registry_ids().len());
    assert!(
        reference.per_check.values().any(|r| r.pass > 0)
            && reference.per_check.values().any(|r| r.fail > 0)
    );

    // Rescore the same scan under the derived baseline, offline.
    let out = govscan(
        work,
        &[
            "rescore",
            "--scan",
            "scan.json",
            "--baseline",
            "derived.yaml",
            "--out",
            "rescored",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(work.join("rescored/index.html").is_file());
    let rescored: ScanResult = serde_json::from_str(
        &std::fs::read_to_string(work.join("rescored/results.json")).expect("read"),
    )
    .expect("results");
    assert_eq!(rescored.baseline, derived.reference());
    assert_eq!(rescored.domains.len(), scan.domains.len());
    assert!(
        rescored.domains.iter().all(|d| !d.outcomes.is_empty()),
        "judged again"
    );
    assert!(rescored.domains.iter().any(|d| d.score.is_some()));
    // Round trip: our share per check equals the reference derived from the same scan.
    let rollups = govscan_score::roll_up(&rescored, &derived);
    for c in &rollups.checks {
        assert_eq!(c.share, c.reference_share, "{}", c.check);
        assert_eq!(
            c.reference_n,
            Some(reference.per_check[&c.check].n),
            "{}",
            c.check
        );
    }
    // Each stored score is what the score crate gives for the stored outcomes.
    for d in &rescored.domains {
        assert_eq!(
            d.score,
            govscan_score::score_domain(&d.outcomes, &derived).score,
            "{}",
            d.domain
        );
    }

    // In place (no --out): only the reference block changes; a second run is identical.
    let out = govscan(
        work,
        &[
            "baseline",
            "derive",
            "--scan",
            "scan.json",
            "--name",
            "estonia",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(work.join("baselines/estonia.yaml")).expect("read"),
        derived_text
    );

    // Another baseline, same observations: another score.
    let nl = root().join("baselines/netherlands.yaml");
    let out = govscan(
        work,
        &[
            "rescore",
            "--scan",
            "scan.json",
            "--baseline",
            nl.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let under_nl: ScanResult = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(under_nl.baseline.id, "netherlands");
    let scores = |r: &ScanResult| r.domains.iter().map(|d| d.score).collect::<Vec<_>>();
    assert_ne!(scores(&under_nl), scores(&rescored));

    // Bad input is exit 2.
    std::fs::write(work.join("junk.json"), "{not json").expect("write");
    assert_eq!(
        govscan(work, &["rescore", "--scan", "junk.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        govscan(work, &["rescore", "--scan", "missing.json"])
            .status
            .code(),
        Some(2)
    );
}

const ESTONIA_TEXT: &str = include_str!("../baselines/estonia.yaml");

/// The parameters a baseline gives a built-in check are validated against the check's
/// declared parameters (`CheckMeta::params`), with the parameter's line.
#[test]
fn bad_parameters_are_errors_at_their_line_against_the_declarations() {
    let line_of = |text: &str, needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i as u64 + 1)
    };
    let loc = |e: &govscan_score::BaselineError| e.location().and_then(|l| l.line);
    // Parameters are judged against what the checks declare, when the baseline is validated
    // against them (loading alone knows no check).
    let catalog = govscan_checks::CheckSet::builtin().catalog();
    let validated =
        |text: &str| Baseline::from_yaml("e.yaml", text).and_then(|b| b.validate_against(&catalog));
    validated(ESTONIA_TEXT).expect("the shipped parameters are declared");
    let unknown = ESTONIA_TEXT.replace("min_max_age: 31536000", "min_max_agee: 31536000");
    let err = validated(&unknown).expect_err("unknown parameter");
    assert_eq!(loc(&err), line_of(&unknown, "min_max_agee"), "{err}");
    assert!(err.to_string().contains("min_max_agee"), "{err}");
    assert!(err.to_string().contains("accepted: min_max_age"), "{err}");

    let wrong_type = ESTONIA_TEXT.replace("min_max_age: 31536000", "min_max_age: \"one year\"");
    let err = validated(&wrong_type).expect_err("wrong type");
    assert_eq!(loc(&err), line_of(&wrong_type, "min_max_age:"), "{err}");

    let out_of_range = ESTONIA_TEXT.replace("warn_days: 30", "warn_days: -1");
    assert_ne!(out_of_range, ESTONIA_TEXT);
    assert!(validated(&out_of_range).is_err());

    let takes_none = ESTONIA_TEXT.replace(
        "  dns.caa:\n    level: optional\n",
        "  dns.caa:\n    level: optional\n    params:\n      strict: true\n",
    );
    assert_ne!(takes_none, ESTONIA_TEXT);
    let err = validated(&takes_none).expect_err("no parameters");
    assert!(err.to_string().contains("takes no parameters"), "{err}");
    assert_eq!(loc(&err), line_of(&takes_none, "strict: true"), "{err}");

    let not_a_mapping = ESTONIA_TEXT.replace("min_max_age: 31536000", "- 1");
    assert!(Baseline::from_yaml("e.yaml", &not_a_mapping).is_err());
}
