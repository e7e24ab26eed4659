//! Declarative checks from the command line: `checks list/explain` show them, and a broken
//! check file stops `checks`, `scan` and `rescore` with exit 2 and the file and line.

use std::path::Path;
use std::process::{Command, Output};

fn govscan_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run govscan")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const OWN_CHECK: &str = "\
id: http.example-org-header
family: http
title: The organisation's marker header is sent
level: may
rationale: Our web team marks every site it manages.
remediation: 'Send `X-Example-Org: 1`.'
references:
  - title: Example Org web standard
    url: https://example.org/web-standard
rule:
  header:
    name: X-Example-Org
    expect: present
";

#[test]
fn checks_list_shows_shipped_and_own_declarative_checks() {
    let own = tempfile::tempdir().expect("tmp");
    std::fs::write(own.path().join("marker.yaml"), OWN_CHECK).expect("write");
    let dir = own.path().to_str().expect("utf-8");
    let out = govscan_in(repo(), &["checks", "list", "--checks-dir", dir]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list = text(&out.stdout);
    for id in [
        "http.hsts",
        "http.git-metadata-not-exposed",
        "http.x-powered-by-absent",
        "mail.dmarc-aggregate-reports",
        "http.example-org-header",
    ] {
        assert!(list.contains(id), "checks list lacks {id}:\n{list}");
    }
    assert!(
        list.contains("[declarative: checks/http.git-metadata-not-exposed.yaml:"),
        "{list}"
    );

    let out = govscan_in(
        repo(),
        &["checks", "list", "--format", "json", "--checks-dir", dir],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        json.as_array()
            .expect("array")
            .iter()
            .any(|c| c["id"] == "http.example-org-header")
    );
}

#[test]
fn outside_a_checkout_only_given_directories_are_loaded() {
    let elsewhere = tempfile::tempdir().expect("tmp");
    let out = govscan_in(elsewhere.path(), &["checks", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("http.git-metadata-not-exposed"));
    let shipped = repo().join("checks");
    let out = govscan_in(
        elsewhere.path(),
        &[
            "checks",
            "list",
            "--checks-dir",
            shipped.to_str().expect("utf-8"),
        ],
    );
    assert!(text(&out.stdout).contains("http.git-metadata-not-exposed"));
}

#[test]
fn checks_explain_shows_a_declarative_check_and_its_file() {
    let out = govscan_in(
        repo(),
        &["checks", "explain", "http.git-metadata-not-exposed"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(
        page.contains("declarative check from checks/http.git-metadata-not-exposed.yaml:2"),
        "{page}"
    );
    assert!(page.contains("not scored"), "{page}");
    assert!(page.contains("https://owasp.org/"), "{page}");
}

#[test]
fn a_broken_check_fails_loudly_with_file_and_line() {
    let bad = tempfile::tempdir().expect("tmp");
    let broken = OWN_CHECK.replace(
        "    expect: present\n",
        "    expect: matches\n    pattern: '(['\n",
    );
    std::fs::write(bad.path().join("broken.yaml"), broken).expect("write");
    let dir = bad.path().to_str().expect("utf-8");
    let results = bad.path().join("scan.json");
    std::fs::write(&results, "{}").expect("write");
    let out_dir = bad.path().join("out");
    let runs: [Vec<&str>; 3] = [
        vec!["checks", "list", "--checks-dir", dir],
        vec![
            "scan",
            "--checks-dir",
            dir,
            "--no-db",
            "--out",
            out_dir.to_str().expect("utf-8"),
            "example.invalid",
        ],
        vec![
            "rescore",
            "--checks-dir",
            dir,
            "--scan",
            results.to_str().expect("utf-8"),
        ],
    ];
    for args in runs {
        let out = govscan_in(bad.path(), &args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("broken.yaml:14:"),
            "{args:?}: stderr does not name file:line: {err}"
        );
        assert!(err.contains("bad regex"), "{args:?}: {err}");
    }
    assert!(
        !out_dir.join("results.json").exists(),
        "a scan ran despite the broken check"
    );
}

/// The title of `OWN_CHECK`, as the report pages print it.
const OWN_TITLE: &str = "The organisation&#x27;s marker header is sent";

fn domain_pages(out: &Path) -> String {
    std::fs::read_dir(out.join("domains"))
        .expect("domain pages")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("page"))
        .collect()
}

#[test]
fn rescore_describes_its_declarative_checks_in_every_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("own.yaml"), OWN_CHECK).expect("write");
    let scan = repo().join("fixtures/demo/day-7.json");
    let out = tmp.path().join("out");
    let run = govscan_in(
        tmp.path(),
        &[
            "rescore",
            "--checks-dir",
            tmp.path().to_str().expect("utf-8"),
            "--scan",
            scan.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let pages = domain_pages(&out);
    assert!(pages.contains(OWN_TITLE), "the domain pages describe it");
    assert!(!pages.contains("a check not described in this report"));
    // Where it came from: the file under the --checks-dir, on its finding and in SARIF.
    let file = tmp.path().join("own.yaml").display().to_string();
    assert!(
        pages.contains(&format!("This is a declarative check from {file}.")),
        "the finding names its file"
    );
    let csv = std::fs::read_to_string(out.join("findings.csv")).expect("csv");
    assert!(
        csv.lines()
            .any(|l| l.contains("http.example-org-header,http,may,") && l.contains(",fail,")),
        "a CSV row with its level: {csv}"
    );
    let sarif = std::fs::read_to_string(out.join("results.sarif")).expect("sarif");
    assert!(sarif.contains("\"ruleId\": \"http.example-org-header\""));
    assert!(sarif.contains("\"id\": \"http.example-org-header\""));
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "http.example-org-header")
        .expect("its rule");
    assert_eq!(rule["properties"]["origin"]["file"], file.as_str());
}

#[test]
fn report_loads_the_checks_dir_like_scan() {
    let tmp = tempfile::tempdir().expect("tmp");
    let checks = tmp.path().join("own");
    std::fs::create_dir(&checks).expect("mkdir");
    std::fs::write(checks.join("own.yaml"), OWN_CHECK).expect("write");
    let checks = checks.to_str().expect("utf-8");
    let db = tmp.path().join("scans.db");
    let db = db.to_str().expect("utf-8");
    // No resolver answers on this port: every probe fails on the scanner's side, quickly, and
    // the scan (unhealthy, exit 3) is still saved with an outcome of the declarative check.
    let scan = govscan_in(
        tmp.path(),
        &[
            "scan",
            "--checks-dir",
            checks,
            "--db",
            db,
            "--quiet",
            "--resolver",
            "127.0.0.1:9",
            "--dns-timeout",
            "1s",
            "--domain-timeout",
            "5s",
            "example.invalid",
        ],
    );
    assert!(
        matches!(scan.status.code(), Some(0 | 3)),
        "{}",
        text(&scan.stderr)
    );
    let report = |out: &Path, extra: &[&str]| {
        let mut args = vec!["report", "--db", db, "--quiet", "--out"];
        args.push(out.to_str().expect("utf-8"));
        args.extend_from_slice(extra);
        let run = govscan_in(tmp.path(), &args);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        domain_pages(out)
    };
    let described = report(&tmp.path().join("with"), &["--checks-dir", checks]);
    assert!(described.contains(OWN_TITLE), "described with --checks-dir");
    let undescribed = report(&tmp.path().join("without"), &[]);
    assert!(
        undescribed.contains("http.example-org-header (a check not described in this report)"),
        "without it the outcome is kept, undescribed"
    );
}
