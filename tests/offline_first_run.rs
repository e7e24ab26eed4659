//! A first run on a machine that cannot reach its resolver explains itself (issue 15 item 4):
//! a scan whose resolver address has nothing listening (a closed loopback port, so nothing
//! leaves the machine) exits 3, and the terminal, the dashboard, a domain page and an
//! organisation page say in plain words what happened ("No DNS answers from the resolver: this
//! machine may be offline") and what to try (`--resolver`, `/etc/resolv.conf`).

use std::path::Path;
use std::process::{Command, Output};

const TARGETS: &str = "portfolio: First run
organisations:
  - name: Treasury
    kind: ministry
    domains:
      - name: one.example.test
      - name: two.example.test
";

const HAPPENED: &str = "No DNS answers from the resolver: this machine may be offline, or its DNS resolver is not running";

fn scan(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args([
            "scan",
            "--targets",
            "targets.yaml",
            "--resolver",
            "127.0.0.1:9",
            "--dns-timeout",
            "1s",
            "--connect-timeout",
            "1s",
            "--domain-timeout",
            "10s",
            "--no-tls-scan",
            "--db",
            "h.db",
            "--out",
            "out",
        ])
        .output()
        .expect("run govscan")
}

#[test]
fn an_offline_first_run_says_what_happened_and_what_to_try() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    std::fs::write(dir.join("targets.yaml"), TARGETS).expect("targets");
    let out = scan(dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    for words in [
        "THIS SCAN DID NOT MEASURE THE DOMAINS (exit code 3)",
        &format!("What happened: {HAPPENED}. 2 of 2 domains could not be checked"),
        "nothing listens on 127.0.0.1:9",
        "What to try: Check that this machine is online",
        "/etc/resolv.conf",
        "--resolver ADDRESS:53",
        "left out of the trend",
    ] {
        assert!(stderr.contains(words), "missing {words:?} in:\n{stderr}");
    }

    // Every page opens with the same explanation (HTML-escaped).
    let pages = [
        dir.join("out/index.html"),
        dir.join("out/domains/one.example.test.html"),
        dir.join("out/orgs/treasury.html"),
    ];
    for page in pages {
        let html =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        let banner = html
            .split_once("class=\"scan-health\"")
            .map(|(_, rest)| rest.split_once("</section>").map_or(rest, |(b, _)| b))
            .unwrap_or_else(|| panic!("no scan-health banner in {}", page.display()));
        for words in [
            "This scan did not measure the domains",
            HAPPENED,
            "nothing listens on 127.0.0.1:9",
            "pass your network&#x27;s resolver with --resolver ADDRESS:53",
        ] {
            assert!(
                banner.contains(words),
                "{}: missing {words:?} in {banner}",
                page.display()
            );
        }
    }

    // The history lists the scan as not measured.
    let history = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args(["history", "--db", "h.db", "--format", "json"])
        .output()
        .expect("history");
    let scans: serde_json::Value = serde_json::from_slice(&history.stdout).expect("JSON");
    assert_eq!(scans[0]["health"]["unhealthy"], true, "{scans}");
    assert_eq!(
        scans[0]["health"]["by_cause"]["resolver_down"]
            .as_u64()
            .map(|n| n > 0),
        Some(true),
        "{scans}"
    );
}
