//! Issue 11 end to end: a hostile estate cannot stall, steer or starve a scan. One scan of the
//! issue-11 profiles of `ci/lab/hostile` (127.10.16.x: thousands of A records on silent
//! servers, targets and an MTA-STS host at blocked addresses, apex -> www redirect pairs on one
//! address, a byte-at-a-time TLS server) together with good.lab.test, with `--per-address 1`
//! and an explicit allow-list that leaves the blocked targets out; and good.lab.test alone with
//! the same flags. Each attack must cost bounded time, memory and output, and good.lab.test
//! must be judged exactly as when it is scanned alone.
//!
//! Needs the lab (`ci/lab/start`, as root) and `GOVSCAN_LAB=1`, like tests/hostile.rs.

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
/// The per-domain budget, in seconds.
const DOMAIN_TIMEOUT_S: u64 = 20;
/// Most a domain may take: its budget, plus at most one more while starved of slots.
const DOMAIN_BOUND_MS: u64 = (2 * DOMAIN_TIMEOUT_S + 2) * 1000;
/// Peak RSS bound for the whole scan (generous).
const MAX_RSS_KB: u64 = 300 * 1024;
/// results.json bound for the whole scan.
const MAX_RESULTS_BYTES: u64 = 16 * 1024 * 1024;
/// The lab's ranges the scans allow: the blocked targets' 127.10.16.200 is not among them.
/// `fd00:10:15::/48` is the lab's unique-local IPv6 range (good.lab.test's AAAA, the name
/// servers' AAAA), present when the lab could add its IPv6 addresses.
const ALLOW: &[&str] = &[
    "127.10.0.0/24",
    "fd00:10:15::/48",
    "127.10.3.0/24",
    "127.10.16.0/25",
    // The lab's unique-local IPv6 addresses (ci/lab/start), which good.lab.test also has.
    "fd00:10:15::/48",
];
/// The address the server watches: every connection to it is logged (none may come).
const WATCHED: &str = "127.10.16.200";

/// A domain whose one answer holds 2,000 A records over 100 silent addresses.
const MANY: &str = "many.hostile.test";
/// Targets at blocked addresses and the class each blocked address must be reported as.
const BLOCKED: &[(&str, &[&str])] = &[
    ("blocked-loopback.hostile.test", &["loopback (127.0.0.0/8)"]),
    ("blocked-zero.hostile.test", &["reaches the scanner itself"]),
    (
        "blocked-cloud.hostile.test",
        &[
            "cloud metadata address (169.254.169.254)",
            "Azure host agent",
            "cloud metadata address (fd00:ec2::254)",
        ],
    ),
    (
        "blocked-mapped.hostile.test",
        &[
            "private (RFC 1918, 10.0.0.0/8)",
            "CGNAT",
            "IETF protocol assignments",
            "benchmarking",
            "IPv4-mapped form of loopback",
            "NAT64 (64:ff9b::/96)",
            "local-use NAT64",
            "unique local",
        ],
    ),
];
/// Its own address is allowed; `mta-sts.` resolves to the watched, blocked address.
const STS_BLOCKED: &str = "sts-blocked.hostile.test";
/// apex -> www pairs, all four names on one address.
const PAIRS: &[&str] = &[
    "pair1.hostile.test",
    "www.pair1.hostile.test",
    "pair2.hostile.test",
    "www.pair2.hostile.test",
];
/// Answers hand-built hellos with one-byte records, one a millisecond.
const SLOWTLS: &str = "slowtls.hostile.test";
/// 16 addresses of 60 KB redirect headers (non-UTF-8) and 64 KiB security.txt files of
/// control characters: 67 MB of results.json before the caps.
const BLOAT: &str = "bloat.hostile.test";
/// What one domain's result may take in results.json: the 4 MiB kept-data budget, the
/// certificates and the rest of the record.
const MAX_DOMAIN_RESULT_BYTES: usize = 6 * 1024 * 1024;
/// The good lab domain.
const GOOD: &str = "good.lab.test";

/// The estate scan and the lines the watched address logged while it ran.
struct EstateScan {
    scan: Measured,
    contacted: Vec<String>,
}

static ESTATE: OnceLock<Result<EstateScan, String>> = OnceLock::new();
static ALONE: OnceLock<Result<Measured, String>> = OnceLock::new();

fn estate(test: &str) -> Option<&'static EstateScan> {
    if !lab_enabled(&format!("hostile_estates::{test}")) {
        return None;
    }
    match ESTATE.get_or_init(run_estate) {
        Ok(scan) => Some(scan),
        Err(e) => panic!("GOVSCAN_LAB is set but the estate scan failed: {e}"),
    }
}

fn alone() -> &'static Measured {
    match ALONE.get_or_init(|| run_scan("good_alone", &[GOOD], &[])) {
        Ok(scan) => scan,
        Err(e) => panic!("GOVSCAN_LAB is set but the scan of {GOOD} alone failed: {e}"),
    }
}

/// The lines of the watched address's connection log.
fn contacted_log() -> Vec<String> {
    fs::read_to_string(lab_dir().join("hostile/contacted.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn run_estate() -> Result<EstateScan, String> {
    let mut domains = vec![GOOD, MANY, STS_BLOCKED, SLOWTLS, BLOAT];
    domains.extend(BLOCKED.iter().map(|(d, _)| *d));
    domains.extend(PAIRS);
    let before = contacted_log().len();
    let scan = run_scan("estate", &domains, &[])?;
    let contacted = contacted_log().into_iter().skip(before).collect();
    Ok(EstateScan { scan, contacted })
}

/// One scan of `domains` with the suite's flags and `extra`, written to
/// `CARGO_TARGET_TMPDIR/hostile_estates_<name>`.
fn run_scan(name: &str, domains: &[&str], extra: &[String]) -> Result<Measured, String> {
    let dir = lab_dir();
    if !dir.join("hostile/ready").is_file() {
        return Err(format!(
            "{}/hostile/ready is missing (ci/lab/start did not start the hostile servers)",
            dir.display()
        ));
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hostile_estates_{name}"));
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let ca = dir.join("pki/ca.pem");
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
        &format!("{DOMAIN_TIMEOUT_S}s"),
        "--per-address",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for cidr in ALLOW {
        args.extend(["--allow-cidr".to_string(), cidr.to_string()]);
    }
    args.extend_from_slice(extra);
    args.extend(domains.iter().map(|d| d.to_string()));
    measured::run(&args, &out, Duration::from_secs(DOMAIN_TIMEOUT_S * 8))
}

fn endpoints(domain: &Value) -> &Vec<Value> {
    domain["observations"]["endpoints"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no endpoints array", domain["domain"]))
}

/// True for a check judged on endpoint data (TLS, certificate, HTTP).
fn endpoint_check(check: &str) -> bool {
    ["tls.", "cert.", "http."]
        .iter()
        .any(|p| check.starts_with(p))
}

#[test]
fn good_domain_is_judged_as_when_scanned_alone() {
    let Some(estate) = estate("good_domain_is_judged_as_when_scanned_alone") else {
        return;
    };
    let alone = alone();
    let verdicts = |scan: &Measured| -> Vec<(String, String, String)> {
        scan.outcomes(GOOD)
            .iter()
            .map(|o| {
                let text = |key: &str| o[key].as_str().unwrap_or_default().to_string();
                (text("check"), text("status"), text("finding"))
            })
            .collect()
    };
    let (together, by_itself) = (verdicts(&estate.scan), verdicts(alone));
    assert!(by_itself.len() > 30, "{by_itself:?}");
    let changed: Vec<String> = by_itself
        .iter()
        .zip(&together)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("alone {a:?}, beside the hostile estate {b:?}"))
        .collect();
    assert_eq!(together.len(), by_itself.len());
    assert!(
        changed.is_empty(),
        "{GOOD} changed:\n{}",
        changed.join("\n")
    );
    // And it was judged whole: its endpoints were probed, nothing was left out.
    let good = estate.scan.domain(GOOD);
    assert_eq!(good["observations"]["addresses"]["blocked_total"], 0);
    assert_eq!(good["observations"]["addresses"]["not_probed"], 0);
    assert!(!endpoints(good).is_empty());
}

#[test]
fn thousands_of_a_records_cost_a_bounded_share() {
    let Some(estate) = estate("thousands_of_a_records_cost_a_bounded_share") else {
        return;
    };
    let many = estate.scan.domain(MANY);
    let eps = endpoints(many);
    let addresses = &many["observations"]["addresses"];
    assert_eq!(eps.len(), 8, "8 IPv4 addresses at most: {addresses}");
    assert_eq!(addresses["max_per_family"], 8);
    // 100 distinct silent addresses behind 2,000 records: 92 left unprobed and recorded.
    assert_eq!(addresses["not_probed"], 92, "{addresses}");
    for ep in eps {
        let tcp = ep["connections"]["tcp_connects"].as_u64().unwrap_or(0);
        assert!(tcp <= 10, "{}: {tcp} connections", ep["address"]);
    }
    let duration = many["observations"]["duration_ms"]
        .as_u64()
        .unwrap_or(u64::MAX);
    assert!(duration <= DOMAIN_BOUND_MS, "{MANY} took {duration} ms");
    // The verdicts say they rest on 8 of the addresses.
    let https = estate.scan.outcome(MANY, "tls.https-available");
    let message = https["message"].as_str().unwrap_or_default();
    assert!(message.contains("92 more over the cap of 8"), "{message}");
    assert_eq!(https["evidence"]["addresses_not_probed"]["not_probed"], 92);
}

#[test]
fn targets_at_blocked_addresses_are_reported_and_never_contacted() {
    let Some(estate) = estate("targets_at_blocked_addresses_are_reported_and_never_contacted")
    else {
        return;
    };
    assert!(
        estate.contacted.is_empty(),
        "{WATCHED} was contacted: {:?}",
        estate.contacted
    );
    let mut wrong = Vec::new();
    for (name, classes) in BLOCKED {
        let domain = estate.scan.domain(name);
        if !endpoints(domain).is_empty() {
            wrong.push(format!("{name}: has endpoints {:?}", endpoints(domain)));
        }
        let blocked = domain["observations"]["addresses"]["blocked"].to_string();
        for class in *classes {
            if !blocked.contains(class) {
                wrong.push(format!(
                    "{name}: no blocked address reported as {class:?}: {blocked}"
                ));
            }
        }
        for outcome in estate.scan.outcomes(name) {
            let check = outcome["check"].as_str().unwrap_or_default();
            if endpoint_check(check)
                && (outcome["status"] != "inconclusive" || outcome["finding"] != "address_blocked")
            {
                wrong.push(format!(
                    "{name} {check}: {} {} {}",
                    outcome["status"], outcome["finding"], outcome["message"]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn an_mta_sts_host_at_a_blocked_address_is_not_contacted() {
    let Some(estate) = estate("an_mta_sts_host_at_a_blocked_address_is_not_contacted") else {
        return;
    };
    assert!(estate.contacted.is_empty(), "{:?}", estate.contacted);
    let outcome = estate.scan.outcome(STS_BLOCKED, "mail.mta-sts");
    assert_eq!(outcome["status"], "inconclusive", "{outcome}");
    assert_eq!(outcome["finding"], "address_blocked", "{outcome}");
    let message = outcome["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(WATCHED) && message.contains("loopback"),
        "{message}"
    );
    // The domain's own (allowed) address was probed as usual.
    let domain = estate.scan.domain(STS_BLOCKED);
    assert_eq!(endpoints(domain).len(), 1);
    assert_eq!(
        estate.scan.outcome(STS_BLOCKED, "tls.https-available")["status"],
        "pass"
    );
}

#[test]
fn redirect_pairs_on_one_address_do_not_deadlock() {
    let Some(estate) = estate("redirect_pairs_on_one_address_do_not_deadlock") else {
        return;
    };
    let mut wrong = Vec::new();
    for apex in ["pair1.hostile.test", "pair2.hostile.test"] {
        let ep = &endpoints(estate.scan.domain(apex))[0];
        for (scheme, key) in [("http", "http"), ("https", "https")] {
            let chain = &ep[key];
            let statuses: Vec<u64> = chain["value"]["hops"]
                .as_array()
                .map(|hops| hops.iter().filter_map(|h| h["status"].as_u64()).collect())
                .unwrap_or_default();
            let last_url = chain["value"]["hops"][1]["url"]
                .as_str()
                .unwrap_or_default();
            if chain["state"] != "ok"
                || chain["value"]["end"]["kind"] != "final"
                || statuses != [301, 200]
                || last_url != format!("{scheme}://www.{apex}/")
            {
                wrong.push(format!("{apex} {key}: {chain}"));
            }
        }
    }
    // No probe of the four names ran into its budget (what a slot deadlock looks like).
    for name in PAIRS {
        let text = estate.scan.domain(name)["observations"].to_string();
        if text.contains("budget of") {
            wrong.push(format!("{name}: a probe ran out of its budget"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_byte_at_a_time_tls_server_costs_bounded_handshakes_and_time() {
    let Some(estate) = estate("a_byte_at_a_time_tls_server_costs_bounded_handshakes_and_time")
    else {
        return;
    };
    let domain = estate.scan.domain(SLOWTLS);
    let duration = domain["observations"]["duration_ms"]
        .as_u64()
        .unwrap_or(u64::MAX);
    assert!(duration <= DOMAIN_BOUND_MS, "{SLOWTLS} took {duration} ms");
    let ep = &endpoints(domain)[0];
    let handshakes = ep["connections"]["tls_handshakes"].as_u64().unwrap_or(0);
    // The hand-built-hello scan ran (rustls got a quick alert) and stayed within its budget of
    // 160 hellos; the handshake timeout cut every dripped reply.
    assert!(
        (2..=161).contains(&handshakes),
        "{handshakes} TLS handshakes"
    );
    let scan = &ep["tls_scan"];
    if scan["state"] == "ok" {
        assert!(scan["value"]["handshakes"].as_u64().unwrap_or(0) <= 160);
        for version in scan["value"]["versions"].as_array().into_iter().flatten() {
            assert_ne!(version["accepted"], true, "{version}");
        }
    }
}

#[test]
fn excluded_domains_and_ranges_are_listed_and_never_contacted() {
    if !lab_enabled("hostile_estates::excluded_domains_and_ranges_are_listed_and_never_contacted") {
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile_estates_exclude_list");
    fs::create_dir_all(&dir).expect("mkdir");
    let list = dir.join("skip.txt");
    fs::write(
        &list,
        format!("# owners who asked not to be scanned\n{WATCHED}/32\n{STS_BLOCKED}  # 2026-12\n"),
    )
    .expect("write the exclude list");
    let before = contacted_log().len();
    // --allow-private would allow the watched address; the exclude list wins.
    let extra = [
        "--allow-private".to_string(),
        "--exclude".to_string(),
        list.to_str().expect("utf-8").to_string(),
    ];
    let scan = run_scan(
        "exclude",
        &[GOOD, "blocked-loopback.hostile.test", STS_BLOCKED],
        &extra,
    )
    .unwrap_or_else(|e| panic!("the scan with --exclude failed: {e}"));
    let contacted: Vec<String> = contacted_log().into_iter().skip(before).collect();
    assert!(
        contacted.is_empty(),
        "{WATCHED} was contacted: {contacted:?}"
    );
    let blocked = scan.domain("blocked-loopback.hostile.test");
    assert!(endpoints(blocked).is_empty());
    let reason = blocked["observations"]["addresses"]["blocked"][0]["reason"].to_string();
    assert!(
        reason.contains("exclude list") && reason.contains("skip.txt:2"),
        "{reason}"
    );
    for outcome in scan.outcomes(STS_BLOCKED) {
        assert_eq!(outcome["status"], "inconclusive", "{outcome}");
        assert_eq!(outcome["finding"], "excluded", "{outcome}");
        let message = outcome["message"].as_str().unwrap_or_default();
        assert!(message.contains("skip.txt:3"), "{message}");
    }
    assert_eq!(scan.outcome(GOOD, "tls.https-available")["status"], "pass");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile_estates_exclude");
    let dashboard = fs::read_to_string(out.join("index.html")).expect("index.html");
    let note = dashboard
        .split("id=\"excluded\"")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_else(|| panic!("the dashboard does not list the excluded domains"));
    assert!(note.contains(STS_BLOCKED), "{note}");
    assert!(!note.contains(GOOD), "{note}");
    // Named for what happened to it: not scanned at its owner's request, not "could not be
    // scored" (which would blame the domain or the scanner).
    // (The page escapes the apostrophe: match the words before it.)
    assert!(
        dashboard.contains("2 scored, 1 not scanned at its owner"),
        "the dashboard's counts name the excluded domain"
    );
    assert!(
        !dashboard.contains(&format!("could not be scored: {STS_BLOCKED}")),
        "an excluded domain's row does not say it could not be scored"
    );
}

#[test]
fn a_domain_cannot_inflate_the_results() {
    let Some(estate) = estate("a_domain_cannot_inflate_the_results") else {
        return;
    };
    let domain = estate.scan.domain(BLOAT);
    let size = domain.to_string().len();
    assert!(size < MAX_DOMAIN_RESULT_BYTES, "{BLOAT}: {size} bytes");
    assert_eq!(endpoints(domain).len(), 8);
    // The responses past the domain's budget are refused as too large, not kept.
    let text = domain["observations"].to_string();
    assert!(
        text.contains("4 MiB of kept response data"),
        "the budget never applied"
    );
}

#[test]
fn the_estate_scan_is_bounded_in_time_memory_and_output() {
    let Some(estate) = estate("the_estate_scan_is_bounded_in_time_memory_and_output") else {
        return;
    };
    let scan = &estate.scan;
    // 15 domains < --concurrency 64: one round; each domain within its budget plus one more.
    let bound = Duration::from_secs(DOMAIN_TIMEOUT_S * 3);
    assert!(scan.elapsed < bound, "the scan took {:?}", scan.elapsed);
    assert!(scan.peak_rss_kb > 0, "VmHWM of the scan was never read");
    assert!(
        scan.peak_rss_kb < MAX_RSS_KB,
        "peak RSS {} kB",
        scan.peak_rss_kb
    );
    assert!(
        scan.results_bytes < MAX_RESULTS_BYTES,
        "results.json is {} bytes",
        scan.results_bytes
    );
    for domain in scan.results["domains"].as_array().into_iter().flatten() {
        let ms = domain["observations"]["duration_ms"]
            .as_u64()
            .unwrap_or(u64::MAX);
        assert!(ms <= DOMAIN_BOUND_MS, "{} took {ms} ms", domain["domain"]);
    }
}
