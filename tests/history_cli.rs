//! The history commands end to end through the binary: `scan --db` saves each scan, `history`
//! lists them, `diff` explains the change (new failures first), `report` re-renders a saved
//! scan, `demo` works offline, and a corrupt, missing or locked database gives a clear error
//! with the documented exit code. Scans here only send traffic to loopback.

use std::path::Path;
use std::process::{Command, Output};

const GOVSCAN: &str = env!("CARGO_BIN_EXE_govscan");

fn govscan(dir: &Path, args: &[&str]) -> Output {
    Command::new(GOVSCAN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run govscan")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The exit code of a scan that measured only this host (`govscan_model::health`): an offline
/// scan is saved like any other, marked unhealthy, and exits 3.
const UNHEALTHY: Option<i32> = Some(3);

/// A scan whose DNS goes to a closed loopback port: fast, offline, every check inconclusive
/// for a reason on the scanning side (so the scan is unhealthy and exits 3).
fn offline_scan(dir: &Path, domains: &[&str], extra: &[&str]) -> Output {
    let mut args = vec![
        "scan",
        "--resolver",
        "127.0.0.1:9",
        "--dns-timeout",
        "1s",
        "--connect-timeout",
        "1s",
        "--domain-timeout",
        "10s",
        "--quiet",
    ];
    args.extend_from_slice(domains);
    args.extend_from_slice(extra);
    govscan(dir, &args)
}

#[test]
fn two_scans_are_saved_listed_and_compared() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let first = offline_scan(dir, &["one.example.test"], &["--db", "h.db", "--out", "r1"]);
    assert_eq!(first.status.code(), UNHEALTHY, "{}", stderr(&first));
    let second = offline_scan(
        dir,
        &["one.example.test", "two.example.test"],
        &["--db", "h.db", "--out", "r2"],
    );
    assert_eq!(second.status.code(), UNHEALTHY, "{}", stderr(&second));

    let history = govscan(dir, &["history", "--db", "h.db", "--format", "json"]);
    assert_eq!(history.status.code(), Some(0), "{}", stderr(&history));
    let scans: serde_json::Value = serde_json::from_str(&stdout(&history)).expect("json");
    let scans = scans.as_array().expect("list");
    assert_eq!(scans.len(), 2);
    assert_eq!(scans[0]["domain_count"], 1);
    assert_eq!(scans[1]["domain_count"], 2);
    let text = stdout(&govscan(dir, &["history", "--db", "h.db"]));
    assert!(
        text.contains("#1") && text.contains("#2") && text.contains("2 scans in h.db"),
        "{text}"
    );

    let diff = govscan(dir, &["diff", "--db", "h.db"]);
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    let text = stdout(&diff);
    assert!(text.starts_with("Changes from scan #1"), "{text}");
    assert!(
        text.contains("Domains added (1):\n  two.example.test"),
        "{text}"
    );

    // The second report knows the history, but both scans measured only this host (they are
    // offline): the report says so and does not explain "what changed" against a scan that
    // measured nothing (`govscan diff` above still compares them on request).
    let index = std::fs::read_to_string(dir.join("r2/index.html")).expect("index");
    assert!(index.contains("This scan did not measure the domains"));
    assert!(
        !index.contains("Domains new in this scan"),
        "no changes against an unhealthy scan"
    );
    for file in [
        "results.json",
        "findings.csv",
        "results.sarif",
        "domains/two.example.test.html",
    ] {
        assert!(dir.join("r2").join(file).is_file(), "{file}");
    }
    // --no-db leaves the history alone.
    let third = offline_scan(dir, &["one.example.test"], &["--db", "h.db", "--no-db"]);
    assert_eq!(third.status.code(), UNHEALTHY, "{}", stderr(&third));
    let scans: serde_json::Value = serde_json::from_str(&stdout(&govscan(
        dir,
        &["history", "--db", "h.db", "--format", "json"],
    )))
    .expect("json");
    assert_eq!(scans.as_array().map(Vec::len), Some(2));
}

#[test]
fn demo_week_gives_history_diff_and_report() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let demo = govscan(dir, &["demo", "--out", "site", "--db", "week.db"]);
    assert_eq!(demo.status.code(), Some(0), "{}", stderr(&demo));
    let index = std::fs::read_to_string(dir.join("site/index.html")).expect("dashboard");
    assert!(
        index.contains("Portfolio score over 7 scans"),
        "trend over the week"
    );
    assert!(index.contains("New problems (2)"), "day 7's regressions");

    let scans: serde_json::Value = serde_json::from_str(&stdout(&govscan(
        dir,
        &["history", "--db", "week.db", "--format", "json"],
    )))
    .expect("json");
    assert_eq!(scans.as_array().map(Vec::len), Some(7));

    // Latest vs the day before: nohsts.lab.test lost nosniff and its strict SPF record.
    let diff = govscan(dir, &["diff", "--db", "week.db", "--format", "json"]);
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    let diff: serde_json::Value = serde_json::from_str(&stdout(&diff)).expect("json");
    let new: Vec<(&str, &str)> = diff["new_failures"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| {
            (
                c["domain"].as_str().unwrap_or(""),
                c["check"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        new,
        [
            ("nohsts.lab.test", "http.x-content-type-options"),
            ("nohsts.lab.test", "mail.spf")
        ]
    );
    assert_eq!(diff["score_moves"][0]["domain"], "nohsts.lab.test");
    assert_eq!(diff["score_moves"][0]["cause"], "servers");
    assert!(diff["score_moves"][0]["delta"].as_f64().expect("delta") < 0.0);

    // Day 2 vs day 3: tls12only.lab.test turned HSTS on.
    let text = stdout(&govscan(dir, &["diff", "2", "3", "--db", "week.db"]));
    let fixed = text.find("Fixed (1):").expect("fixed section");
    assert!(
        text[fixed..].contains("tls12only.lab.test  http.hsts  fail → pass"),
        "{text}"
    );
    assert!(!text.contains("New failures"), "{text}");

    // Re-render an older day from the database.
    let report = govscan(
        dir,
        &[
            "report", "--db", "week.db", "--scan", "3", "--out", "day3", "--quiet",
        ],
    );
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    let day3 = std::fs::read_to_string(dir.join("day3/index.html")).expect("day 3");
    assert!(day3.contains("Scanned 29 Nov 2026"), "the requested scan");
    assert!(
        day3.contains("Portfolio score over 3 scans"),
        "the trend stops at that scan"
    );
}

#[test]
fn bad_databases_give_clear_errors_and_exit_codes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let missing = govscan(dir, &["history", "--db", "nope.db"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("nope.db: no history database here"),
        "{}",
        stderr(&missing)
    );
    assert!(
        !dir.join("nope.db").exists(),
        "reading commands never create a database"
    );

    std::fs::write(
        dir.join("junk.db"),
        b"this is not an SQLite file at all, just text",
    )
    .expect("write");
    for args in [
        vec!["history", "--db", "junk.db"],
        vec!["diff", "--db", "junk.db"],
        vec!["report", "--db", "junk.db", "--out", "o"],
    ] {
        let out = govscan(dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("not a govscan scan database"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let scan = offline_scan(dir, &["one.example.test"], &["--db", "junk.db"]);
    assert_eq!(
        scan.status.code(),
        Some(2),
        "scan refuses before probing: {}",
        stderr(&scan)
    );

    let one = offline_scan(dir, &["one.example.test"], &["--db", "one.db"]);
    assert_eq!(one.status.code(), UNHEALTHY, "{}", stderr(&one));
    let diff = govscan(dir, &["diff", "--db", "one.db"]);
    assert_eq!(diff.status.code(), Some(2));
    assert!(
        stderr(&diff).contains("only one scan (#1) is saved"),
        "{}",
        stderr(&diff)
    );
    let unknown = govscan(
        dir,
        &["report", "--db", "one.db", "--scan", "99", "--out", "o"],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("no scan with id 99"),
        "{}",
        stderr(&unknown)
    );

    // Another writer holds the database: the scan gives up after the busy timeout (exit 3)
    // and the history is unchanged.
    let mut holder = govscan_store::Store::open(dir.join("one.db")).expect("open");
    let scan_one: govscan_model::ScanResult =
        holder.load_scan(govscan_store::ScanId(1)).expect("load");
    let mut header = govscan_store::ScanHeader::from(&scan_one);
    header.started_at = "2026-11-27T09:00:00Z".to_owned();
    let writer = holder.begin_scan(&header).expect("hold the write lock");
    let locked = offline_scan(dir, &["one.example.test"], &["--db", "one.db"]);
    assert_eq!(locked.status.code(), Some(3), "{}", stderr(&locked));
    assert!(stderr(&locked).contains("locked"), "{}", stderr(&locked));
    drop(writer);
    let scans: serde_json::Value = serde_json::from_str(&stdout(&govscan(
        dir,
        &["history", "--db", "one.db", "--format", "json"],
    )))
    .expect("json");
    assert_eq!(scans.as_array().map(Vec::len), Some(1));
}
