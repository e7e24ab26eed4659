//! End-to-end on the loopback lab (`ci/lab`), issue 17: three real scans saved to one history
//! database, and the dashboard each one gets. The first scan has nothing to compare with; the
//! second adds an unreachable host and a name that does not exist, and is compared over the
//! domains both scans share; the third is judged under another baseline and is not compared,
//! the trend line breaking there. `govscan report --db` of an older scan compares it with the
//! scan before it, the same way.
//!
//! Gated like `lab_scan`: without `GOVSCAN_LAB` the test prints "lab not running, skipped" and
//! returns; with it, a lab that does not answer fails the test.

mod common;

use std::path::Path;
use std::process::Output;

use common::{LAB_RESOLVER, lab_anchor, lab_enabled, lab_scan_args, text};

/// Runs govscan in `dir`; each scan is bounded by its own timeouts (a few domains, 20 s each).
fn govscan(dir: &Path, args: &[&str]) -> Output {
    common::govscan_in(dir, args)
}

/// A scan of `domains` saved to `history.db`, its report in `out`.
fn scan(work: &Path, out: &str, baseline: Option<&Path>, domains: &[&str]) {
    let mut args = lab_scan_args(LAB_RESOLVER, &lab_anchor(), "20s");
    args.extend(["--db", "history.db", "--out", out, "--dns-timeout", "2s"].map(str::to_owned));
    if let Some(b) = baseline {
        args.push("--baseline".to_owned());
        args.push(b.to_str().expect("utf-8").to_owned());
    }
    args.extend(domains.iter().map(|d| (*d).to_owned()));
    let output = common::govscan_in(work, &args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "scan: {}",
        text(&output.stderr)
    );
}

/// The read-aloud paragraph of a dashboard, unescaped enough to search.
fn paragraph(html: &str) -> String {
    html.split("<h2 id=\"summary-heading\">In one paragraph</h2>")
        .nth(1)
        .and_then(|s| s.split("<p>").nth(1))
        .and_then(|s| s.split("</p>").next())
        .expect("the paragraph")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn first_scan_growing_portfolio_and_baseline_change_on_the_lab() {
    if !lab_enabled("lab_dashboard") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path();

    // 1. The first scan: nothing to compare with, and it says so.
    scan(work, "one", None, &["good.lab.test", "tls12only.lab.test"]);
    let one = read(&work.join("one/index.html"));
    let first = paragraph(&one);
    assert!(
        first.contains("There is no earlier scan to compare it with."),
        "{first}"
    );
    assert!(first.contains("All 2 could be scored."), "{first}");
    assert!(!one.contains("new since the previous scan"));

    // 2. The portfolio grows by an unreachable host and a name that does not exist: compared
    // over the 2 domains both scans scored, the others counted apart and explained.
    scan(
        work,
        "two",
        None,
        &[
            "good.lab.test",
            "tls12only.lab.test",
            "unreachable.lab.test",
            "nxdomain.lab.test",
        ],
    );
    let two = read(&work.join("two/index.html"));
    let second = paragraph(&two);
    assert!(second.contains("4 internet domains"), "{second}");
    assert!(
        second.contains("3 could be scored; 1 could not: nxdomain.lab.test ("),
        "{second}"
    );
    assert!(second.contains("NXDOMAIN"), "{second}");
    assert!(
        second.contains("provisional: 1 of the 3 could not be fully checked"),
        "{second}"
    );
    assert!(
        second.contains("the 2 domains scored in both went from"),
        "like for like: {second}"
    );
    assert!(second.contains("(2 added, 0 removed)"), "{second}");
    assert!(two.contains("4 checked, 3 scored, 1 could not be scored"));

    // 3. Another baseline: not compared, and the trend line breaks.
    let netherlands = common::repo_root().join("baselines/netherlands.yaml");
    scan(
        work,
        "three",
        Some(&netherlands),
        &[
            "good.lab.test",
            "tls12only.lab.test",
            "unreachable.lab.test",
        ],
    );
    let three = read(&work.join("three/index.html"));
    let third = paragraph(&three);
    assert!(
        third.contains("It is not compared with earlier scans: the baseline changed (estonia 2026.1 then, netherlands"),
        "{third}"
    );
    assert!(!third.contains("Since then"), "{third}");
    assert!(
        three.contains("<line class=\"scale-break\""),
        "the trend line is broken"
    );
    assert!(three.contains("Not compared with the previous scan: the baseline changed"));

    // The report of scan 2 from the database compares it with scan 1, as the scan did; the
    // latest report is the third scan's.
    let again = govscan(
        work,
        &[
            "report",
            "--db",
            "history.db",
            "--scan",
            "2",
            "--out",
            "again",
            "--quiet",
        ],
    );
    assert_eq!(
        again.status.code(),
        Some(0),
        "report: {}",
        text(&again.stderr)
    );
    assert_eq!(paragraph(&read(&work.join("again/index.html"))), second);
    let latest = govscan(
        work,
        &[
            "report",
            "--db",
            "history.db",
            "--baseline",
            netherlands.to_str().expect("utf-8"),
            "--out",
            "latest",
            "--quiet",
        ],
    );
    assert_eq!(
        latest.status.code(),
        Some(0),
        "report: {}",
        text(&latest.stderr)
    );
    assert_eq!(paragraph(&read(&work.join("latest/index.html"))), third);
}
