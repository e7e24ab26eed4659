//! End-to-end: one scan of every hostile server (`ci/lab/hostile`) plus good.lab.test. Each
//! hostile profile must cost bounded time and memory, end inconclusive (or a failure backed by
//! data that did arrive) with a precise reason, and leave good.lab.test's verdicts untouched.
//!
//! Needs the lab (`ci/lab/start`, as root) and `GOVSCAN_LAB=1`, like tests/lab_scan.rs.

mod common;
#[path = "common/measured.rs"]
mod measured;

use std::fs;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use common::{lab_dir, lab_enabled};
use measured::Measured;
use serde_json::Value;

/// The hostile DNS server: answers hostile.test. and forwards the rest to the lab's Knot.
const HOSTILE_RESOLVER: &str = "127.10.3.53:53";
/// The scan's per-domain budget, in seconds; the whole scan must end within three times it.
const DOMAIN_TIMEOUT_S: u64 = 20;
/// Peak RSS bound for the whole scan (generous: ~50 MB measured).
const MAX_RSS_KB: u64 = 300 * 1024;
/// results.json bound: every body is capped, so hostile bytes cannot inflate it (~1.6 MB seen).
const MAX_RESULTS_BYTES: u64 = 16 * 1024 * 1024;

const HOSTILE: &[&str] = &[
    "tarpit.hostile.test",
    "drip.hostile.test",
    "endless.hostile.test",
    "bigheader.hostile.test",
    "redirects.hostile.test",
    "garbage.hostile.test",
    "truncated.hostile.test",
    "absurdcert.hostile.test",
    "dns-huge.hostile.test",
    "dns-loop.hostile.test",
    "dns-servfail.hostile.test",
    "dns-truncated.hostile.test",
    "dns-late.hostile.test",
];

/// (domain, check, expected status, text the message must contain: the precise reason).
const EXPECTATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "tarpit.hostile.test",
        "tls.https-available",
        "inconclusive",
        "timed out",
    ),
    (
        "tarpit.hostile.test",
        "http.hsts",
        "inconclusive",
        "timed out",
    ),
    (
        "tarpit.hostile.test",
        "cert.trusted-chain",
        "inconclusive",
        "timed out",
    ),
    (
        "drip.hostile.test",
        "http.hsts",
        "inconclusive",
        "read_timeout",
    ),
    (
        "drip.hostile.test",
        "http.https-redirect",
        "inconclusive",
        "read_timeout",
    ),
    // The head arrived; the endless body was cut at body_cap, so header checks can judge.
    ("endless.hostile.test", "http.hsts", "fail", "does not send"),
    (
        "bigheader.hostile.test",
        "http.hsts",
        "inconclusive",
        "header_cap",
    ),
    // Over plain HTTP the 1 MiB head is cut at header_cap; on a heavily loaded machine the
    // Python server can be slower than the 3 s read timeout before the cap is reached (seen
    // twice in ci/test at load 8-10). Either way the verdict is inconclusive, never a pass.
    (
        "bigheader.hostile.test",
        "http.https-redirect",
        "inconclusive",
        "header_cap|read_timeout",
    ),
    (
        "redirects.hostile.test",
        "http.https-redirect",
        "fail",
        "more than 10 times",
    ),
    (
        "garbage.hostile.test",
        "tls.https-available",
        "inconclusive",
        "corrupt message",
    ),
    (
        "garbage.hostile.test",
        "cert.trusted-chain",
        "inconclusive",
        "corrupt message",
    ),
    (
        "garbage.hostile.test",
        "tls.legacy-protocols-disabled",
        "inconclusive",
        "no clear answer",
    ),
    (
        "truncated.hostile.test",
        "tls.https-available",
        "inconclusive",
        "handshake_timeout",
    ),
    (
        "truncated.hostile.test",
        "tls.legacy-protocols-disabled",
        "inconclusive",
        "timed out",
    ),
    // 1,000 names and a 16 KiB unknown extension: parsed and judged like any certificate.
    (
        "absurdcert.hostile.test",
        "cert.hostname-match",
        "pass",
        "absurdcert.hostile.test",
    ),
    (
        "absurdcert.hostile.test",
        "cert.trusted-chain",
        "fail",
        "UnknownIssuer",
    ),
    (
        "dns-loop.hostile.test",
        "tls.https-available",
        "inconclusive",
        "CNAME loop",
    ),
    // hickory follows the loop to its depth limit and says "no records"; the probe asks for
    // the CNAME chain and reports the loop, so mail checks cannot read it as "no record".
    (
        "dns-loop.hostile.test",
        "mail.spf",
        "inconclusive",
        "CNAME loop",
    ),
    (
        "dns-loop.hostile.test",
        "mail.dmarc",
        "inconclusive",
        "CNAME loop",
    ),
    (
        "dns-servfail.hostile.test",
        "mail.spf",
        "inconclusive",
        "Server Failure",
    ),
    (
        "dns-servfail.hostile.test",
        "tls.https-available",
        "inconclusive",
        "Server Failure",
    ),
    // The TCP answer is cut short: hickory reports it as truncated, or, for the queries that
    // shared the broken connection, as a connection that broke with the query in flight.
    (
        "dns-truncated.hostile.test",
        "mail.spf",
        "inconclusive",
        "truncated|connection broke",
    ),
    (
        "dns-late.hostile.test",
        "mail.spf",
        "inconclusive",
        "timed out",
    ),
    (
        "dns-late.hostile.test",
        "tls.https-available",
        "inconclusive",
        "timed out",
    ),
    // dns-huge (4,000 A records over TCP after a truncated UDP answer) has no row: the
    // resolver sometimes takes the answer and sometimes gives up; both are bounded.
];

/// The checks good.lab.test passes in the ordinary lab scan (tests/lab_scan.rs GOOD_CHECKS).
const GOOD_CHECKS: &[&str] = &[
    "tls.https-available",
    "tls.tls13-supported",
    "cert.trusted-chain",
    "cert.hostname-match",
    "cert.not-expired",
    "http.https-redirect",
    "http.hsts",
    "http.x-content-type-options",
    "dns.caa",
    "mail.spf",
    "mail.dmarc",
    "tls.legacy-protocols-disabled",
    "tls.cipher-suites",
];

/// Where the lab lives: the core lab, its IPv6 loopback, and the hostile servers. The scan
/// allows exactly these (not --allow-private), as a lab of an internal estate would.
pub(crate) const LAB_CIDRS: &[&str] = &["127.10.0.0/24", "::1/128", "127.10.3.0/24"];

static SCAN: OnceLock<Result<Measured, String>> = OnceLock::new();

fn scan(test: &str) -> Option<&'static Measured> {
    if !lab_enabled(&format!("hostile::{test}")) {
        return None;
    }
    match SCAN.get_or_init(run_scan) {
        Ok(scan) => Some(scan),
        Err(e) => panic!("GOVSCAN_LAB is set but the hostile scan failed: {e}"),
    }
}

fn run_scan() -> Result<Measured, String> {
    let dir = lab_dir();
    if !dir.join("hostile/ready").is_file() {
        return Err(format!(
            "{}/hostile/ready is missing (ci/lab/start did not start the hostile servers)",
            dir.display()
        ));
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile_scan");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let ca = dir.join("pki/ca.pem");
    let timeout = format!("{DOMAIN_TIMEOUT_S}s");
    let mut args: Vec<String> = [
        "scan",
        "--no-db",
        "--quiet",
        "--resolver",
        HOSTILE_RESOLVER,
        "--ca-file",
        ca.to_str().ok_or("lab dir is not UTF-8")?,
        "--out",
        out.to_str().ok_or("target dir is not UTF-8")?,
        "--connect-timeout",
        "2s",
        "--handshake-timeout",
        "3s",
        "--read-timeout",
        "3s",
        "--dns-timeout",
        "2s",
        "--domain-timeout",
        &timeout,
        "good.lab.test",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for cidr in LAB_CIDRS {
        args.extend(["--allow-cidr".to_string(), cidr.to_string()]);
    }
    args.extend(HOSTILE.iter().map(|s| s.to_string()));
    measured::run(&args, &out, Duration::from_secs(DOMAIN_TIMEOUT_S * 6))
}

/// True when a piece of evidence records a probe that did not complete.
fn evidence_shows_failed_probe(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            let failed_state = matches!(
                map.get("state").and_then(Value::as_str),
                Some("failed" | "skipped")
            );
            let incomplete = map.get("finding").and_then(Value::as_str) == Some("probe_incomplete")
                || map.get("status").and_then(Value::as_str) == Some("inconclusive");
            failed_state || incomplete || map.values().any(evidence_shows_failed_probe)
        }
        Value::Array(items) => items.iter().any(evidence_shows_failed_probe),
        _ => false,
    }
}

#[test]
fn each_hostile_profile_ends_with_a_precise_reason() {
    let Some(scan) = scan("each_hostile_profile_ends_with_a_precise_reason") else {
        return;
    };
    let mut wrong = Vec::new();
    for &(domain, check, status, reason) in EXPECTATIONS {
        let outcome = scan.outcome(domain, check);
        let got = outcome["status"].as_str().unwrap_or_default();
        let message = outcome["message"].as_str().unwrap_or_default();
        // `reason` may list alternatives separated by `|`.
        if got != status || !reason.split('|').any(|r| message.contains(r)) {
            wrong.push(format!(
                "{domain} {check}: expected {status} with {reason:?}, got {got}: {message}"
            ));
        }
    }
    assert!(wrong.is_empty(), "wrong verdicts:\n{}", wrong.join("\n"));
}

#[test]
fn no_pass_on_a_hostile_host_rests_on_a_failed_probe() {
    let Some(scan) = scan("no_pass_on_a_hostile_host_rests_on_a_failed_probe") else {
        return;
    };
    let mut wrong = Vec::new();
    for name in HOSTILE {
        for outcome in scan.outcomes(name) {
            let check = outcome["check"].as_str().unwrap_or_default();
            let status = outcome["status"].as_str().unwrap_or_default();
            if status == "inconclusive" && outcome["message"].as_str().unwrap_or("").len() < 20 {
                wrong.push(format!(
                    "{name} {check}: inconclusive without a precise reason"
                ));
            }
            if status == "pass" && evidence_shows_failed_probe(&outcome["evidence"]) {
                wrong.push(format!(
                    "{name} {check}: pass, but its evidence records a failed probe"
                ));
            }
        }
        // Web checks of hosts whose DNS is hostile cannot pass: there is nothing to connect to.
        if name.starts_with("dns-") && *name != "dns-huge.hostile.test" {
            for outcome in scan.outcomes(name) {
                let check = outcome["check"].as_str().unwrap_or_default();
                let web = ["tls.", "cert.", "http."]
                    .iter()
                    .any(|p| check.starts_with(p));
                if web && outcome["status"] != "inconclusive" {
                    wrong.push(format!(
                        "{name} {check}: {} without an address",
                        outcome["status"]
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "bad verdicts on hostile hosts:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn good_host_is_untouched_by_its_hostile_neighbours() {
    let Some(scan) = scan("good_host_is_untouched_by_its_hostile_neighbours") else {
        return;
    };
    let wrong: Vec<String> = GOOD_CHECKS
        .iter()
        .filter_map(|check| {
            let outcome = scan.outcome("good.lab.test", check);
            (outcome["status"] != "pass")
                .then(|| format!("{check}: {} {}", outcome["status"], outcome["message"]))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "good.lab.test changed:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_is_bounded_in_time_memory_and_output() {
    let Some(scan) = scan("the_scan_is_bounded_in_time_memory_and_output") else {
        return;
    };
    // All domains run in one round (14 < --concurrency 64); each takes at most its budget plus
    // one more while starved of slots, and the whole scan a little more.
    let bound = Duration::from_secs(DOMAIN_TIMEOUT_S * 3);
    assert!(
        scan.elapsed < bound,
        "the scan took {:?} (bound {bound:?})",
        scan.elapsed
    );
    assert!(scan.peak_rss_kb > 0, "VmHWM of the scan was never read");
    assert!(
        scan.peak_rss_kb < MAX_RSS_KB,
        "peak RSS {} kB (bound {MAX_RSS_KB} kB)",
        scan.peak_rss_kb
    );
    assert!(
        scan.results_bytes < MAX_RESULTS_BYTES,
        "results.json is {} bytes",
        scan.results_bytes
    );
    // Every endpoint recorded how many connections it cost, and the costs are bounded.
    for name in HOSTILE.iter().chain(["good.lab.test"].iter()) {
        let domain = scan.domain(name);
        let budget_ms = domain["observations"]["duration_ms"]
            .as_u64()
            .unwrap_or(u64::MAX);
        // The budget, plus at most one more while starved of slots other domains held.
        assert!(
            budget_ms <= (2 * DOMAIN_TIMEOUT_S + 2) * 1000,
            "{name} took {budget_ms} ms"
        );
        for endpoint in domain["observations"]["endpoints"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let tcp = endpoint["connections"]["tcp_connects"]
                .as_u64()
                .unwrap_or(0);
            assert!(
                tcp > 0 && tcp <= 200,
                "{name} {}: {tcp} connections",
                endpoint["address"]
            );
        }
    }
}
