//! The declarative twins of built-in checks (`examples/checks/*-yaml.yaml`) agree with the
//! built-in checks on every lab profile: one scan of the lab with `--checks-dir
//! examples/checks`, then each twin's status is compared with its built-in check's, domain by
//! domain. Needs the lab (`GOVSCAN_LAB=1`, `ci/lab/start`), like `tests/lab_scan.rs`.

mod common;

use std::path::Path;

use common::{LAB_RESOLVER, lab_anchor, lab_enabled, lab_scan_args};
use serde_json::Value;

/// (declarative twin, built-in check).
const TWINS: &[(&str, &str)] = &[
    ("tls.tls13-supported-yaml", "tls.tls13-supported"),
    ("cert.not-expired-yaml", "cert.not-expired"),
    ("cert.key-strength-yaml", "cert.key-strength"),
    ("dns.dnssec-yaml", "dns.dnssec"),
    ("mail.tls-rpt-yaml", "mail.tls-rpt"),
    (
        "http.x-content-type-options-yaml",
        "http.x-content-type-options",
    ),
    ("http.permissions-policy-yaml", "http.permissions-policy"),
    ("http.referrer-policy-yaml", "http.referrer-policy"),
];

/// The lab profiles, read from `tests/lab_scan.rs`'s `PROFILES` list so that a profile added
/// there is compared here too.
fn profiles() -> Vec<String> {
    let source = include_str!("lab_scan.rs");
    let start = source
        .find("const PROFILES")
        .expect("PROFILES in lab_scan.rs");
    let end = start + source[start..].find("];").expect("end of PROFILES");
    source[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn declarative_twins_agree_with_built_in_checks_on_the_lab() {
    if !lab_enabled("declarative_twins_agree_with_built_in_checks_on_the_lab") {
        return;
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lab_plug");
    let _ = std::fs::remove_dir_all(&out);
    let examples = common::repo_root().join("examples/checks");
    let mut args = lab_scan_args(LAB_RESOLVER, &lab_anchor(), "20s");
    args.extend(["--no-db", "--checks-dir"].map(str::to_owned));
    args.push(examples.to_str().expect("UTF-8 path").to_owned());
    args.push("--out".to_owned());
    args.push(out.to_str().expect("UTF-8 path").to_owned());
    args.extend(profiles());
    let output = common::govscan_in(&common::repo_root(), &args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "scan failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    let results: Value = serde_json::from_str(&text).expect("results.json parses");
    let domains = results["domains"].as_array().expect("domains[]");
    assert!(domains.len() >= 40, "the whole lab was scanned");
    let mut disagreements = Vec::new();
    for domain in domains {
        let name = domain["domain"].as_str().unwrap_or_default();
        let outcomes = domain["outcomes"].as_array().expect("outcomes[]");
        let status = |id: &str| {
            outcomes
                .iter()
                .find(|o| o["check"] == id)
                .map(|o| (o["status"].clone(), o["message"].clone()))
                .unwrap_or_else(|| panic!("{name}: no outcome for {id}"))
        };
        for (twin, builtin) in TWINS {
            let (mine, my_message) = status(twin);
            let (theirs, their_message) = status(builtin);
            if mine != theirs {
                disagreements.push(format!(
                    "{name}: {builtin} {theirs} ({their_message}) but {twin} {mine} ({my_message})"
                ));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "declarative twins disagree:\n{}",
        disagreements.join("\n")
    );
}
