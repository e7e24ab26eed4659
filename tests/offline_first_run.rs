//! A first run on a machine that cannot reach its resolver explains itself (issue 15 item 4):
//! a scan whose resolver address has nothing listening (a closed loopback port, so nothing
//! leaves the machine) exits 3, and the terminal, the dashboard, a domain page and an
//! organisation page say in plain words what happened ("No DNS answers from the resolver: this
//! machine may be offline") and what to try (`--resolver`, `/etc/resolv.conf`). So does a run
//! whose resolver answers NXDOMAIN for every name, the root zone included: the target list is
//! not blamed.

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

fn scan(dir: &Path, resolver: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args([
            "scan",
            "--targets",
            "targets.yaml",
            "--resolver",
            resolver,
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

/// `govscan history --format json` of the scan's database.
fn history(dir: &Path) -> serde_json::Value {
    let history = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args(["history", "--db", "h.db", "--format", "json"])
        .output()
        .expect("history");
    serde_json::from_slice(&history.stdout).expect("JSON")
}

#[test]
fn an_offline_first_run_says_what_happened_and_what_to_try() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    std::fs::write(dir.join("targets.yaml"), TARGETS).expect("targets");
    let out = scan(dir, "127.0.0.1:9");
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
    let scans = history(dir);
    assert_eq!(scans[0]["health"]["unhealthy"], true, "{scans}");
    assert_eq!(
        scans[0]["health"]["by_cause"]["resolver_down"]
            .as_u64()
            .map(|n| n > 0),
        Some(true),
        "{scans}"
    );
}

/// A DNS server on a loopback port that answers NXDOMAIN to every query, the root zone's
/// included (a resolver cut off from the public DNS; this machine's own resolver does that).
/// Answers at most 10,000 queries and stops after 120 s.
fn nxdomain_everything() -> std::net::SocketAddr {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket
        .set_read_timeout(Some(std::time::Duration::from_millis(200)))
        .expect("timeout");
    let addr = socket.local_addr().expect("addr");
    std::thread::spawn(move || {
        let start = std::time::Instant::now();
        let mut buf = [0u8; 1500];
        let mut answered = 0;
        while answered < 10_000 && start.elapsed() < std::time::Duration::from_secs(120) {
            let Ok((n, peer)) = socket.recv_from(&mut buf) else {
                continue;
            };
            // Header, then the question: QNAME labels up to the zero byte, QTYPE, QCLASS.
            let mut end = 12;
            while end < n && buf[end] != 0 {
                end += 1 + usize::from(buf[end]);
            }
            end += 5;
            if n < 12 || end > n {
                continue;
            }
            let mut reply = buf[..end].to_vec();
            reply[2] = 0x80 | (buf[2] & 0x79); // QR, the query's opcode and RD
            reply[3] = 0x80 | 3; // RA, RCODE 3 (NXDOMAIN)
            reply[6..12].fill(0); // no answer, authority or additional records
            let _ = socket.send_to(&reply, peer);
            answered += 1;
        }
    });
    addr
}

#[test]
fn a_resolver_that_says_nothing_exists_is_the_scanners_failure_not_the_target_lists() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    std::fs::write(dir.join("targets.yaml"), TARGETS).expect("targets");
    let resolver = nxdomain_everything();
    let out = scan(dir, &resolver.to_string());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    for words in [
        "THIS SCAN DID NOT MEASURE THE DOMAINS (exit code 3)",
        "What happened: The DNS resolver answers that no name exists, not even the root of the DNS",
        "2 of 2 domains could not be checked",
        "--resolver",
    ] {
        assert!(stderr.contains(words), "missing {words:?} in:\n{stderr}");
    }
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/results.json")).expect("results.json"))
            .expect("JSON");
    for domain in results["domains"].as_array().expect("domains") {
        assert_eq!(
            domain["observations"]["dns"]["root_nxdomain"], true,
            "{domain}"
        );
        for outcome in domain["outcomes"].as_array().expect("outcomes") {
            assert_ne!(outcome["finding"], "domain_does_not_exist", "{outcome}");
            assert_ne!(outcome["status"], "pass", "{outcome}");
        }
    }
    let scans = history(dir);
    assert_eq!(scans[0]["health"]["unhealthy"], true, "{scans}");
    assert!(
        scans[0]["health"]["by_cause"]["resolver_blind"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{scans}"
    );
}
