//! End-to-end on the loopback lab (`ci/lab`): a real scan of four lab domains, `baseline
//! derive` over it, then `rescore` under the derived baseline gives the same scores and a
//! report that shows the measured reference.
//!
//! Gated like `lab_scan`: without `GOVSCAN_LAB` the test prints "lab not running, skipped" and
//! returns; with it, a lab that does not answer fails the test.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use common::{LAB_RESOLVER, lab_anchor, lab_enabled, lab_scan_args, text};
use govscan_model::{ScanResult, Status};
use govscan_score::Baseline;

/// The domains scanned: a good one and three with different faults.
const DOMAINS: &[&str] = &[
    "good.lab.test",
    "expired.lab.test",
    "nohsts.lab.test",
    "tls12only.lab.test",
];

/// Runs govscan in `dir`; the scan's own timeouts bound it (four domains, 20 s each at most).
fn govscan(dir: &Path, args: &[&str]) -> Output {
    common::govscan_in(dir, args)
}

fn read_scan(path: &Path) -> ScanResult {
    let json = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (n, pass, warn, fail, inconclusive) per check, counted from the scan's own outcomes the way
/// a reference is defined: not-applicable and info are not counted, a missing outcome is
/// inconclusive.
fn counts(scan: &ScanResult, checks: &[String]) -> BTreeMap<String, (u32, u32, u32, u32, u32)> {
    let mut out = BTreeMap::new();
    for check in checks {
        let mut c = (0, 0, 0, 0, 0);
        for d in &scan.domains {
            let status = d
                .outcomes
                .iter()
                .find(|o| &o.check == check)
                .map_or(Status::Inconclusive, |o| o.status);
            match status {
                Status::Pass => c.1 += 1,
                Status::Warn => c.2 += 1,
                Status::Fail => c.3 += 1,
                Status::Inconclusive => c.4 += 1,
                Status::Info | Status::NotApplicable => continue,
            }
            c.0 += 1;
        }
        out.insert(check.clone(), c);
    }
    out
}

#[test]
fn derive_then_rescore_round_trips_on_a_lab_scan() {
    if !lab_enabled("lab_baseline") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path();
    std::fs::create_dir_all(work.join("baselines")).expect("mkdir");
    let original =
        std::fs::read_to_string(common::repo_root().join("baselines/estonia.yaml")).expect("read");
    std::fs::write(work.join("baselines/estonia.yaml"), &original).expect("write");
    let mut targets =
        String::from("organisations:\n  - name: Lab\n    kind: agency\n    domains:\n");
    for d in DOMAINS {
        targets.push_str(&format!("      - name: {d}\n"));
    }
    std::fs::write(work.join("targets.yaml"), targets).expect("write");

    let mut args = lab_scan_args(LAB_RESOLVER, &lab_anchor(), "20s");
    args.extend(
        [
            "--no-db",
            "--baseline",
            "baselines/estonia.yaml",
            "--targets",
            "targets.yaml",
            "--out",
            "scan",
            "--dns-timeout",
            "2s",
        ]
        .map(str::to_owned),
    );
    let out = common::govscan_in(work, &args);
    assert_eq!(out.status.code(), Some(0), "scan: {}", text(&out.stderr));
    let scan = read_scan(&work.join("scan/results.json"));
    assert_eq!(scan.domains.len(), DOMAINS.len());
    // A dead lab cannot get past this: the good profile answers HTTPS with a trusted chain.
    let good = scan
        .domains
        .iter()
        .find(|d| d.domain == "good.lab.test")
        .expect("good.lab.test scanned");
    for check in ["tls.https-available", "cert.trusted-chain"] {
        let status = good
            .outcomes
            .iter()
            .find(|o| o.check == check)
            .map(|o| o.status);
        assert_eq!(
            status,
            Some(Status::Pass),
            "good.lab.test {check}: is the lab up?"
        );
    }
    assert!(
        scan.domains.iter().all(|d| d.score.is_some()),
        "every domain scored"
    );

    let out = govscan(
        work,
        &[
            "baseline",
            "derive",
            "--scan",
            "scan/results.json",
            "--name",
            "estonia",
            "--targets",
            "targets.yaml",
            "--out",
            "derived.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "derive: {}", text(&out.stderr));
    let derived_text = std::fs::read_to_string(work.join("derived.yaml")).expect("derived");
    let head = |t: &str| t[..t.find("\nreference:").expect("reference block")].to_owned();
    assert_eq!(
        head(&derived_text),
        head(&original),
        "the rules half is untouched, byte for byte"
    );
    let derived = Baseline::from_yaml("derived.yaml", &derived_text).expect("valid");
    let reference = &derived.reference;
    assert_eq!(reference.domains, Some(4));
    assert_eq!(
        reference.measured_on.as_deref(),
        scan.started_at.get(..10),
        "measured on the scan's day"
    );
    let checks: Vec<String> = derived.rules.keys().cloned().collect();
    assert_eq!(
        reference.per_check.keys().collect::<Vec<_>>(),
        checks.iter().collect::<Vec<_>>(),
        "one measured rate per rule"
    );
    let expected = counts(&scan, &checks);
    for (check, rate) in &reference.per_check {
        let (n, pass, warn, fail, inconclusive) = expected[check];
        assert_eq!(
            (rate.n, rate.pass, rate.warn, rate.fail, rate.inconclusive),
            (n, pass, warn, fail, inconclusive),
            "{check}"
        );
        let judged = pass + warn + fail;
        let share = (judged > 0).then(|| f64::from(pass) / f64::from(judged));
        assert_eq!(rate.share, share, "{check}");
    }
    assert!(
        reference.per_check.values().any(|r| r.fail > 0)
            && reference.per_check.values().any(|r| r.share == Some(1.0)),
        "the faulty profiles fail something and some check passes everywhere"
    );

    let out = govscan(
        work,
        &[
            "rescore",
            "--scan",
            "scan/results.json",
            "--baseline",
            "derived.yaml",
            "--out",
            "rescored",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "rescore: {}", text(&out.stderr));
    let rescored = read_scan(&work.join("rescored/results.json"));
    let scores = |r: &ScanResult| {
        r.domains
            .iter()
            .map(|d| (d.domain.clone(), d.score))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(
        scores(&rescored),
        scores(&scan),
        "same rules, same observations: same scores"
    );

    // The report now shows the reference share beside ours.
    let original_html = std::fs::read_to_string(work.join("scan/index.html")).expect("html");
    let html = std::fs::read_to_string(work.join("rescored/index.html")).expect("html");
    let measured = reference
        .per_check
        .values()
        .filter(|r| r.share.is_some())
        .count();
    assert!(html.contains("Estonia"), "the reference column is named");
    for (check, rate) in reference
        .per_check
        .iter()
        .filter(|(_, r)| r.share.is_some())
    {
        let row = reference_row(&html, check);
        assert!(
            row.contains(&format!(" of {} domains", rate.n)) && !row.contains("not measured yet"),
            "{check}: the reference share is shown: {row}"
        );
    }
    assert_eq!(
        original_html.matches("not measured yet").count()
            - html.matches("not measured yet").count(),
        measured,
        "only the unmeasured checks still read \"not measured yet\""
    );
}

/// The reference-table row of `check` in the dashboard (from its `<code>` id to the row end).
fn reference_row<'a>(html: &'a str, check: &str) -> &'a str {
    let needle = format!("<code>{check}</code>");
    let start = html
        .match_indices(&needle)
        .map(|(i, _)| i)
        .find(|&i| {
            html[i..]
                .split("</tr>")
                .next()
                .is_some_and(|r| r.contains("domains") || r.contains("not measured yet"))
        })
        .unwrap_or_else(|| panic!("no reference row for {check}"));
    let row = &html[start..];
    &row[..row.find("</tr>").unwrap_or(row.len())]
}
