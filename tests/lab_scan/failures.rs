//! Failed, partial and foreign pages, and the scanner's own failures (issue 10 §5/§6), against
//! the profiles of `ci/lab/nginx/failures.conf.tmpl` on 127.10.15.x and the lab's unique-local
//! IPv6 addresses. These scans ask the failures resolver (unbound on 127.10.15.53, see
//! `ci/lab/failures/unbound.conf.tmpl`), the only one that can fail pfv6fail's AAAA lookup
//! while answering its A.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use super::{LabScan, ScanRun, lab_anchor, lab_dir, lab_enabled, lab_scan_args, run_bounded};

/// The failures resolver.
const FAILURES_RESOLVER: &str = "127.10.15.53:53";

/// The profiles of this section, with good (the target pfapex redirects to) and httponly (a
/// site with no HTTPS at all).
const FAILURE_PROFILES: &[&str] = &[
    "pfv6fail.lab.test",
    "pfhopfail.lab.test",
    "pfoffsite.lab.test",
    "pfapex.lab.test",
    "good.lab.test",
    "httponly.lab.test",
    "pfmailonly.lab.test",
    "pfnoroute.lab.test",
    "pfzone.test",
    "pfmulti6.lab.test",
];

/// The header checks that judge the home page itself.
const PAGE_HEADER_CHECKS: &[&str] = &[
    "http.csp",
    "http.x-content-type-options",
    "http.frame-protection",
    "http.referrer-policy",
    "http.permissions-policy",
    "http.server-banner",
];

static FAILURES_SCAN: OnceLock<Result<LabScan, String>> = OnceLock::new();

/// The failures scan (made once), or `None` when the lab is not running.
fn failures_scan(test: &str) -> Option<&'static LabScan> {
    if !lab_enabled(&format!("lab_scan::failures::{test}")) {
        return None;
    }
    match FAILURES_SCAN.get_or_init(|| run_scan(FAILURE_PROFILES, "lab_scan_failures")) {
        Ok(scan) => Some(scan),
        Err(e) => panic!("GOVSCAN_LAB is set but the failures scan failed: {e}"),
    }
}

/// The common arguments of a scan of the lab through the failures resolver, writing to `out`.
fn scan_args(out: &str) -> Vec<String> {
    let mut args = lab_scan_args(FAILURES_RESOLVER, &lab_anchor(), "20s");
    args.extend(["--out", out].map(str::to_owned));
    args
}

fn run_scan(domains: &[&str], name: &str) -> Result<LabScan, String> {
    let dir = lab_dir();
    let ipv6 = fs::read_to_string(dir.join("ipv6"))
        .map_err(|e| format!("{}/ipv6 unreadable: {e}", dir.display()))?
        .trim()
        == "yes";
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&out);
    let out_str = out.to_str().ok_or("target dir is not UTF-8")?;
    let mut args = scan_args(out_str);
    args.push("--no-db".to_owned());
    args.extend(domains.iter().map(|d| (*d).to_owned()));
    let run = ScanRun::run(&args, &out, Duration::from_secs(240))?;
    Ok(LabScan { run, ipv6 })
}

/// The whole outcome of one check on one domain.
fn outcome<'a>(scan: &'a LabScan, domain: &str, check: &str) -> &'a Value {
    scan.outcome(domain, check)
}

/// Collects every violated (domain, check, status, finding) expectation; `finding` "" is any.
fn expect_all(scan: &LabScan, expectations: &[(&str, &str, &str, &str)]) {
    let mut wrong = Vec::new();
    for &(domain, check, status, finding) in expectations {
        let o = outcome(scan, domain, check);
        if o["status"] != status || (!finding.is_empty() && o["finding"] != finding) {
            wrong.push(format!(
                "{domain} {check}: got {} ({}), want {status} ({finding}): {}",
                o["status"], o["finding"], o["message"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong verdict(s):\n{}\n(scan output: {})",
        wrong.len(),
        wrong.join("\n"),
        scan.out.display()
    );
}

#[test]
fn a_failed_aaaa_lookup_leaves_the_combined_checks_inconclusive() {
    let Some(scan) = failures_scan("a_failed_aaaa_lookup_leaves_the_combined_checks_inconclusive")
    else {
        return;
    };
    let d = "pfv6fail.lab.test";
    let aaaa = &scan.domain(d)["observations"]["dns"]["aaaa"];
    assert_eq!(aaaa["state"], "failed", "the AAAA lookup must fail: {aaaa}");
    assert_eq!(scan.domain(d)["observations"]["dns"]["a"]["state"], "ok");
    let unknown = "address_family_unknown";
    expect_all(
        scan,
        &[
            (d, "dns.ipv6-web", "inconclusive", ""),
            (d, "tls.https-available", "inconclusive", unknown),
            (d, "tls.tls13-supported", "inconclusive", unknown),
            (d, "cert.trusted-chain", "inconclusive", unknown),
            (d, "cert.hostname-match", "inconclusive", unknown),
            (d, "http.hsts", "inconclusive", unknown),
            (d, "http.csp", "inconclusive", unknown),
            (d, "http.x-content-type-options", "inconclusive", unknown),
            (d, "http.https-redirect", "inconclusive", unknown),
        ],
    );
    // What passed on the IPv4 endpoint is kept as evidence.
    let o = outcome(scan, d, "tls.https-available");
    assert_eq!(o["evidence"]["on_known_endpoints"]["status"], "pass", "{o}");
    assert!(
        o["message"].as_str().unwrap_or_default().contains("AAAA"),
        "{o}"
    );
}

#[test]
fn a_chain_that_breaks_off_is_not_judged_on_the_redirect_in_front() {
    let Some(scan) =
        failures_scan("a_chain_that_breaks_off_is_not_judged_on_the_redirect_in_front")
    else {
        return;
    };
    let d = "pfhopfail.lab.test";
    let endpoints = scan.domain(d)["observations"]["endpoints"]
        .as_array()
        .expect("endpoints");
    let https = &endpoints[0]["https"];
    assert_eq!(https["value"]["end"]["kind"], "hop_failed", "{https}");
    assert_eq!(https["value"]["hops"][0]["status"], 301, "{https}");
    let mut expectations: Vec<(&str, &str, &str, &str)> = [
        "http.csp",
        "http.x-content-type-options",
        "http.frame-protection",
        "http.referrer-policy",
        "http.permissions-policy",
        "http.hsts",
        "http.cors",
        "http.https-redirect",
    ]
    .iter()
    .map(|check| (d, *check, "inconclusive", ""))
    .collect();
    // The TLS handshake itself is fine.
    expectations.push((d, "tls.https-available", "pass", ""));
    expect_all(scan, &expectations);
}

#[test]
fn an_apex_that_only_redirects_elsewhere_has_no_page_headers_to_judge() {
    let Some(scan) =
        failures_scan("an_apex_that_only_redirects_elsewhere_has_no_page_headers_to_judge")
    else {
        return;
    };
    let mut wrong = Vec::new();
    for (domain, target) in [
        ("pfoffsite.lab.test", "https://www.example.org/"),
        ("pfapex.lab.test", "good.lab.test"),
    ] {
        for check in PAGE_HEADER_CHECKS {
            let o = outcome(scan, domain, check);
            let message = o["message"].as_str().unwrap_or_default();
            if o["status"] != "not_applicable" || !message.contains(target) {
                wrong.push(format!("{domain} {check}: {} {message}", o["status"]));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The redirect itself is still judged: its first hop leaves the host.
    expect_all(
        scan,
        &[("pfoffsite.lab.test", "http.https-redirect", "fail", "")],
    );
}

#[test]
fn a_site_without_https_is_judged_on_its_plain_http_page() {
    let Some(scan) = failures_scan("a_site_without_https_is_judged_on_its_plain_http_page") else {
        return;
    };
    let d = "httponly.lab.test";
    expect_all(
        scan,
        &[
            (d, "tls.https-available", "fail", "https_not_offered"),
            (d, "http.csp", "fail", "csp_missing"),
            (d, "http.x-content-type-options", "fail", "header_missing"),
            (d, "http.frame-protection", "fail", ""),
            (d, "http.referrer-policy", "warn", "referrer_policy_missing"),
            (
                d,
                "http.permissions-policy",
                "fail",
                "permissions_policy_missing",
            ),
            (d, "http.server-banner", "info", ""),
            (d, "http.security-txt", "fail", "no_https"),
        ],
    );
    let csp = outcome(scan, d, "http.csp");
    assert!(
        csp["message"]
            .as_str()
            .unwrap_or_default()
            .contains("plain HTTP"),
        "{csp}"
    );
}

#[test]
fn a_mail_only_domain_has_no_web_tls_or_certificate_checks() {
    let Some(scan) = failures_scan("a_mail_only_domain_has_no_web_tls_or_certificate_checks")
    else {
        return;
    };
    let d = "pfmailonly.lab.test";
    let mut wrong = Vec::new();
    for o in scan.outcomes(d) {
        let check = o["check"].as_str().unwrap_or_default();
        let web = ["tls.", "cert.", "http."]
            .iter()
            .any(|p| check.starts_with(p))
            || check == "dns.ipv6-web";
        if web && (o["status"] != "not_applicable" || o["finding"] != "mail_only_domain") {
            wrong.push(format!("{check}: {} {}", o["status"], o["message"]));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    expect_all(
        scan,
        &[(d, "mail.spf", "pass", ""), (d, "mail.dmarc", "pass", "")],
    );
}

#[test]
fn what_this_host_cannot_reach_is_never_the_targets_failure() {
    let Some(scan) = failures_scan("what_this_host_cannot_reach_is_never_the_targets_failure")
    else {
        return;
    };
    if !scan.ipv6 {
        super::say("lab without IPv6: the no-route profiles have no IPv6 address; skipped");
        return;
    }
    let d = "pfnoroute.lab.test";
    let endpoints = scan.domain(d)["observations"]["endpoints"]
        .as_array()
        .expect("endpoints");
    let v6 = endpoints
        .iter()
        .find(|ep| ep["address"] == "fd00:10:15:ff::1")
        .expect("the IPv6 endpoint is probed");
    assert_eq!(v6["tls"]["kind"], "scanner", "{v6}");
    let scanner = "scanner_failure";
    expect_all(
        scan,
        &[
            (d, "dns.ipv6-web", "inconclusive", scanner),
            (d, "tls.https-available", "inconclusive", scanner),
            (d, "cert.trusted-chain", "inconclusive", scanner),
            (d, "http.csp", "inconclusive", scanner),
            // Name servers this host cannot ask over IPv6 are not "silent".
            ("pfzone.test", "dns.nameservers", "inconclusive", scanner),
        ],
    );
    // Its IPv4 endpoint is good: no check that reads the endpoints may fail it.
    for o in scan.outcomes(d) {
        let check = o["check"].as_str().unwrap_or_default();
        if ["tls.", "cert.", "http."]
            .iter()
            .any(|p| check.starts_with(p))
            || check == "dns.ipv6-web"
        {
            assert_ne!(o["status"], "fail", "{d}: {o}");
        }
    }
    let ns = outcome(scan, "pfzone.test", "dns.nameservers");
    assert!(
        ns["message"]
            .as_str()
            .unwrap_or_default()
            .contains("pfns.lab.test"),
        "{ns}"
    );
}

#[test]
fn several_ipv6_endpoints_are_each_judged_and_two_ipv6_name_servers_pass() {
    let Some(scan) =
        failures_scan("several_ipv6_endpoints_are_each_judged_and_two_ipv6_name_servers_pass")
    else {
        return;
    };
    if !scan.ipv6 {
        super::say("lab without IPv6: pfmulti6 has no IPv6 endpoint; skipped");
        return;
    }
    let d = "pfmulti6.lab.test";
    let addresses: Vec<&str> = scan.domain(d)["observations"]["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .filter_map(|ep| ep["address"].as_str())
        .collect();
    assert_eq!(addresses.len(), 3, "{addresses:?}");
    expect_all(
        scan,
        &[
            (d, "dns.ipv6-web", "pass", ""),
            (d, "tls.https-available", "pass", ""),
            (d, "http.csp", "pass", ""),
            (d, "http.x-content-type-options", "fail", "header_missing"),
            (
                "good.lab.test",
                "dns.ipv6-nameservers",
                "pass",
                "ipv6_name_servers",
            ),
        ],
    );
    let xcto = outcome(scan, d, "http.x-content-type-options");
    assert!(
        xcto["message"]
            .as_str()
            .unwrap_or_default()
            .contains("fd00:10:15::7"),
        "the failing endpoint is named: {xcto}"
    );
}

#[test]
fn a_scan_that_measured_only_this_host_exits_3_and_says_so() {
    if !lab_enabled("lab_scan::failures::a_scan_that_measured_only_this_host_exits_3_and_says_so") {
        return;
    }
    let dir = lab_dir();
    if fs::read_to_string(dir.join("ipv6"))
        .unwrap_or_default()
        .trim()
        != "yes"
    {
        super::say("lab without IPv6: nothing this host cannot reach; skipped");
        return;
    }
    // pfnoroute's IPv6 address is in a prefix this host has no route to: most of its checks
    // cannot be made from here, so a scan of it alone measured this host, not the domain.
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("report");
    let db = tmp.path().join("history.sqlite");
    let (out_str, db_str) = (out.to_str().expect("utf-8"), db.to_str().expect("utf-8"));
    let mut args = scan_args(out_str);
    args.extend(["--db", db_str, "pfnoroute.lab.test"].map(str::to_owned));
    let (status, stderr) = run_bounded(&args, &tmp.path().join("logs"), Duration::from_secs(120))
        .expect("govscan runs");
    assert_eq!(status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("THIS SCAN DID NOT MEASURE THE DOMAINS"),
        "{stderr}"
    );
    assert!(stderr.contains("no route"), "the cause is named: {stderr}");
    let index = fs::read_to_string(out.join("index.html")).expect("index.html");
    assert!(index.contains("This scan did not measure the domains"));
    let page = fs::read_to_string(out.join("domains/pfnoroute.lab.test.html")).expect("page");
    assert!(page.contains("This scan did not measure the domains"));
    let (status, _) = run_bounded(
        &["history", "--db", db_str],
        &tmp.path().join("history-logs"),
        Duration::from_secs(30),
    )
    .expect("history runs");
    assert_eq!(status.code(), Some(0));
    let listed =
        fs::read_to_string(tmp.path().join("history-logs/govscan.stdout")).expect("history output");
    assert!(listed.contains("not measured"), "{listed}");
}

#[test]
fn the_failures_scan_results_match_the_schema() {
    let Some(scan) = failures_scan("the_failures_scan_results_match_the_schema") else {
        return;
    };
    // The chain that broke off records the class of the failed hop (hop_failed.failure).
    let end =
        &scan.domain("pfhopfail.lab.test")["observations"]["endpoints"][0]["https"]["value"]["end"];
    assert!(end["failure"].is_string(), "{end}");
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/results.schema.json");
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(&schema_path).expect("schema file is readable"))
            .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&scan.results)
        .take(20)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "results.json violates the schema:\n{}",
        errors.join("\n")
    );
}
