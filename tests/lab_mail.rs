//! End-to-end mail transport (issue 13) against the lab's real Postfix (`ci/lab/mail.sh`,
//! 127.10.17.x): the five profiles — good STARTTLS with a valid TLSA record in the signed
//! lab.test zone, TLS 1.0 with a self-signed certificate and no TLSA, no STARTTLS, a TLSA
//! record that does not match, port 25 closed — each asserted; then a scan in which no mail
//! server answers on port 25 (reported once as the scanner's condition, never the domain's
//! failure), `--no-smtp`, DKIM selectors from a target file and RPKI from user files.
//!
//! Gated like `lab_scan.rs`: without `GOVSCAN_LAB` the tests say "lab not running, skipped".

mod common;

use std::fs;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use common::scan_run::ScanRun;
use common::{LAB_RESOLVER, lab_anchor, lab_enabled, lab_scan_args};
use serde_json::Value;
/// The EHLO name every lab scan sends.
const EHLO: &str = "scanner.lab.test";

impl ScanRun {
    fn assert(&self, domain: &str, check: &str, status: &str, finding: &str) {
        let (s, f, m) = self.verdict(domain, check);
        assert_eq!(
            (s.as_str(), f.as_str()),
            (status, finding),
            "{domain} {check}: {m}"
        );
    }

    /// The SMTP observations of the domain's only MX address.
    fn mx_endpoint(&self, domain: &str) -> &Value {
        &self.domain(domain)["observations"]["mail_servers"]["value"]["hosts"][0]["endpoints"][0]
    }
}

/// Runs `govscan scan` (bounded to 4 minutes) into `target/tmp/lab_mail/NAME` with `extra`
/// arguments (targets included); asserts exit code 0.
fn scan(name: &str, extra: &[String]) -> ScanRun {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("lab_mail")
        .join(name);
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).expect("create output dir");
    let mut args = lab_scan_args(LAB_RESOLVER, &lab_anchor(), "90s");
    args.extend(
        [
            "--no-db",
            "--out",
            out.to_str().expect("UTF-8 path"),
            "--ehlo-name",
            EHLO,
            "--tls-scan-max-handshakes",
            "60",
        ]
        .map(str::to_owned),
    );
    args.extend(extra.iter().cloned());
    ScanRun::run(&args, &out, Duration::from_secs(240)).unwrap_or_else(|e| panic!("{e}"))
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

static PROFILES: OnceLock<ScanRun> = OnceLock::new();

/// The five profiles scanned together (one scan shared by the profile tests).
fn profiles(test: &str) -> Option<&'static ScanRun> {
    if !lab_enabled(&format!("lab_mail::{test}")) {
        return None;
    }
    Some(PROFILES.get_or_init(|| {
        scan(
            "profiles",
            &strings(&[
                "mtgood.lab.test",
                "mtweak.lab.test",
                "mtnotls.lab.test",
                "mtbadtlsa.lab.test",
                "mtclosed.lab.test",
            ]),
        )
    }))
}

#[test]
fn good_profile_starttls_tls_certificate_and_dane_pass() {
    let Some(scan) = profiles("good_profile_starttls_tls_certificate_and_dane_pass") else {
        return;
    };
    let d = "mtgood.lab.test";
    scan.assert(d, "mail.starttls", "pass", "starttls_ok");
    scan.assert(d, "mail.starttls-tls", "pass", "starttls_tls_good");
    scan.assert(d, "mail.starttls-certificate", "pass", "certificate_valid");
    scan.assert(d, "mail.dane", "pass", "dane_valid");
    // The lab's Postfix listens on IPv4 only and mx-good has no AAAA: an IPv6-only sender
    // finds no address to deliver to (the pass is pinned by fixtures).
    scan.assert(d, "mail.ipv6-mx", "fail", "no_ipv6_mail_servers");
    let host = &scan.domain(d)["observations"]["mail_servers"]["value"]["hosts"][0];
    assert_eq!(host["tlsa"]["value"]["dnssec"], "secure", "{host}");
    let ep = scan.mx_endpoint(d);
    assert_eq!(ep["address"], "127.10.17.1");
    let session = &ep["smtp"]["value"];
    assert_eq!(session["starttls_offered"], true, "{session}");
    assert_eq!(session["quit_clean"], true, "QUIT answered 221: {session}");
    assert_eq!(session["bytes_after_starttls"], 0, "{session}");
    assert!(
        session["greeting"]["lines"][0]
            .as_str()
            .is_some_and(|l| l.starts_with("mx-good.lab.test ESMTP")),
        "{session}"
    );
    let scan_hellos = ep["tls_scan"]["value"]["handshakes"]
        .as_u64()
        .expect("handshakes");
    assert!(
        (1..=60).contains(&scan_hellos),
        "hellos through STARTTLS within --tls-scan-max-handshakes: {scan_hellos}"
    );
    assert_eq!(
        scan.domain(d)["observations"]["mail_servers"]["value"]["ehlo_name"],
        EHLO
    );
    let index = fs::read_to_string(scan.out.join("index.html")).expect("index.html");
    assert!(
        index.contains(">Mail transport</th>"),
        "the dashboard's heat map has a mail transport area"
    );
}

#[test]
fn weak_profile_tls10_self_signed_no_tlsa() {
    let Some(scan) = profiles("weak_profile_tls10_self_signed_no_tlsa") else {
        return;
    };
    let d = "mtweak.lab.test";
    scan.assert(d, "mail.starttls", "pass", "starttls_ok");
    scan.assert(d, "mail.starttls-tls", "fail", "legacy_protocols_accepted");
    let (_, _, message) = scan.verdict(d, "mail.starttls-tls");
    assert!(message.contains("TLS 1.0"), "{message}");
    scan.assert(
        d,
        "mail.starttls-certificate",
        "warn",
        "unauthenticated_certificate",
    );
    scan.assert(d, "mail.dane", "fail", "no_tlsa");
}

#[test]
fn notls_profile_fails_starttls() {
    let Some(scan) = profiles("notls_profile_fails_starttls") else {
        return;
    };
    let d = "mtnotls.lab.test";
    scan.assert(d, "mail.starttls", "fail", "starttls_not_offered");
    scan.assert(d, "mail.starttls-tls", "not_applicable", "no_starttls");
    scan.assert(
        d,
        "mail.starttls-certificate",
        "not_applicable",
        "no_starttls",
    );
    assert_eq!(scan.mx_endpoint(d)["smtp"]["value"]["quit_clean"], true);
}

#[test]
fn badtlsa_profile_fails_dane_only() {
    let Some(scan) = profiles("badtlsa_profile_fails_dane_only") else {
        return;
    };
    let d = "mtbadtlsa.lab.test";
    scan.assert(d, "mail.starttls", "pass", "starttls_ok");
    scan.assert(d, "mail.starttls-certificate", "pass", "certificate_valid");
    scan.assert(d, "mail.dane", "fail", "tlsa_mismatch");
}

#[test]
fn closed_profile_fails_starttls_when_other_mail_servers_answer() {
    let Some(scan) = profiles("closed_profile_fails_starttls_when_other_mail_servers_answer")
    else {
        return;
    };
    let d = "mtclosed.lab.test";
    scan.assert(d, "mail.starttls", "fail", "smtp_refused");
    scan.assert(d, "mail.starttls-tls", "not_applicable", "no_starttls");
    scan.assert(
        d,
        "mail.starttls-certificate",
        "not_applicable",
        "no_starttls",
    );
    assert!(
        !scan.stderr.contains("appears blocked"),
        "other mail servers answered, so port 25 is not the scanner's condition: {}",
        scan.stderr
    );
}

#[test]
fn port_25_unreachable_everywhere_is_the_scanners_condition() {
    if !lab_enabled("lab_mail::port_25_unreachable_everywhere_is_the_scanners_condition") {
        return;
    }
    let scan = scan("blocked", &strings(&["mtclosed.lab.test"]));
    let d = "mtclosed.lab.test";
    for check in [
        "mail.starttls",
        "mail.starttls-tls",
        "mail.starttls-certificate",
    ] {
        let (status, finding, message) = scan.verdict(d, check);
        assert_eq!(status, "inconclusive", "{check}: {message}");
        assert!(
            finding == "smtp_unreachable_from_scanner" || finding == "scanner_failure",
            "{check}: {finding}: {message}"
        );
    }
    assert_eq!(
        scan.stderr
            .matches("Outbound SMTP (port 25) appears blocked")
            .count(),
        1,
        "said once: {}",
        scan.stderr
    );
    let index = fs::read_to_string(scan.out.join("index.html")).expect("index.html");
    assert!(
        index.contains("Mail servers could not be reached from the scanner"),
        "the dashboard says so"
    );
}

#[test]
fn no_smtp_leaves_the_smtp_checks_inconclusive_and_dane_records_read() {
    if !lab_enabled("lab_mail::no_smtp_leaves_the_smtp_checks_inconclusive_and_dane_records_read") {
        return;
    }
    let scan = scan("no-smtp", &strings(&["--no-smtp", "mtgood.lab.test"]));
    let d = "mtgood.lab.test";
    let (status, _, message) = scan.verdict(d, "mail.starttls");
    assert_eq!(status, "inconclusive", "{message}");
    assert_eq!(scan.mx_endpoint(d)["smtp"]["state"], "skipped");
    let host = &scan.domain(d)["observations"]["mail_servers"]["value"]["hosts"][0];
    assert_eq!(host["tlsa"]["state"], "ok", "TLSA still read: {host}");
}

#[test]
fn dkim_selectors_from_the_target_file_and_rpki_from_user_files() {
    if !lab_enabled("lab_mail::dkim_selectors_from_the_target_file_and_rpki_from_user_files") {
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lab_mail/inputs");
    fs::create_dir_all(&dir).expect("inputs dir");
    let targets = dir.join("targets.yaml");
    fs::write(
        &targets,
        "organisations:\n  - name: Ministry of Mail\n    kind: ministry\n    domains:\n      - name: mtgood.lab.test\n        dkim_selectors: [lab2048, missing]\n",
    )
    .expect("targets");
    // Every lab address is announced in 127.10.0.0/16 (or the lab's IPv6 fd00:10:15::/48) from
    // AS 64500, which a ROA authorises.
    let vrps = dir.join("vrps.json");
    fs::write(
        &vrps,
        r#"{"roas": [{"asn": "AS64500", "prefix": "127.10.0.0/16", "maxLength": 16, "ta": "lab"},
            {"asn": 64500, "prefix": "fd00:10:15::/48", "maxLength": 48, "ta": "lab"}]}"#,
    )
    .expect("vrps");
    let routes = dir.join("routes.tsv");
    fs::write(
        &routes,
        "# prefix\torigin\n127.10.0.0/16\t64500\nfd00:10:15::/48 AS64500\n",
    )
    .expect("routes");
    let path = |p: &Path| p.to_str().expect("UTF-8").to_owned();
    let scan = scan(
        "dkim-rpki",
        &[
            "--targets".to_owned(),
            path(&targets),
            "--rpki-vrps".to_owned(),
            path(&vrps),
            "--ip-to-asn".to_owned(),
            path(&routes),
        ],
    );
    let d = "mtgood.lab.test";
    let (status, finding, message) = scan.verdict(d, "mail.dkim");
    // lab2048 is a strong key; `missing` has no record, which the check reports.
    assert_ne!(
        status, "pass",
        "a named selector without a key never passes: {message}"
    );
    assert!(message.contains("missing"), "{finding}: {message}");
    let dkim = &scan.domain(d)["observations"]["dkim"]["value"]["selectors"];
    assert_eq!(dkim[0]["selector"], "lab2048", "{dkim}");
    assert!(
        dkim[0]["txt"]["value"][0]
            .as_str()
            .is_some_and(|t| t.starts_with("v=DKIM1; k=rsa; p=")),
        "{dkim}"
    );
    scan.assert(d, "net.rpki", "pass", "rpki_valid");
    let rpki = &scan.domain(d)["observations"]["rpki"]["value"]["addresses"];
    assert!(
        rpki.as_array()
            .expect("addresses")
            .iter()
            .any(|a| a["address"] == "127.10.17.1"),
        "the MX address is validated: {rpki}"
    );
}
