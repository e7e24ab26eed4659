//! End-to-end DNSSEC (issue 10 §2) against the lab (`ci/lab`): scanning through a real
//! validating resolver (unbound on 127.10.11.53), bogus zones fail `dns.dnssec` with their
//! reason and are still judged on the data read with the CD bit; trust anchors in both formats
//! (unbound's zone-file DS/DNSKEY lines, IANA's XML) at zones that are not the lab's top,
//! including a private zone below an unsigned parent, and a wrong anchor.
//!
//! Gated like `lab_scan.rs`: without `GOVSCAN_LAB` the tests say "lab not running, skipped".

mod common;

use std::fs;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use common::scan_run::ScanRun;
use common::{LAB_RESOLVER, lab_dir, lab_enabled, lab_scan_args};
use serde_json::Value;

/// unbound, validating from the lab's private anchors (ci/lab/unbound/unbound.conf.tmpl).
const UNBOUND: &str = "127.10.11.53:53";
/// The lab's Knot, authoritative and non-validating.
const KNOT: &str = LAB_RESOLVER;

/// Scanned through unbound: three bogus zones with web and mail, the older bogus zone without
/// addresses, and three secure ones (one below an unsigned parent).
const THROUGH_UNBOUND: &[&str] = &[
    "expiredweb.test",
    "www.expiredweb.test",
    "badsig.test",
    "dsmismatch.test",
    "expiredsig.test",
    "signed.test",
    "good.lab.test",
    "vault.plain.test",
];

impl ScanRun {
    fn dnssec(&self, domain: &str) -> &Value {
        &self.domain(domain)["observations"]["dns"]["dnssec"]["value"]
    }
}

/// Runs `govscan scan` (bounded to 4 minutes) into `target/tmp/lab_dnssec/NAME`.
fn scan(name: &str, resolver: &str, anchor: &Path, domains: &[&str]) -> ScanRun {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("lab_dnssec")
        .join(name);
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).expect("create output dir");
    assert!(
        anchor.is_file(),
        "{} missing: did ci/lab/start run?",
        anchor.display()
    );
    let mut args = lab_scan_args(resolver, anchor, "20s");
    args.extend(["--no-db", "--out", out.to_str().expect("UTF-8 path")].map(str::to_owned));
    args.extend(domains.iter().map(|d| d.to_string()));
    ScanRun::run(&args, &out, Duration::from_secs(240)).unwrap_or_else(|e| panic!("{e}"))
}

static UNBOUND_SCAN: OnceLock<ScanRun> = OnceLock::new();

/// The scan through unbound with the lab's private anchors, shared by the tests that need it.
fn through_unbound(test: &str) -> Option<&'static ScanRun> {
    if !lab_enabled(&format!("lab_dnssec::{test}")) {
        return None;
    }
    Some(UNBOUND_SCAN.get_or_init(|| {
        let anchor = lab_dir().join("anchors/private.txt");
        scan("unbound", UNBOUND, &anchor, THROUGH_UNBOUND)
    }))
}

#[test]
fn bogus_zones_behind_unbound_fail_dnssec_with_their_reason() {
    let Some(scan) = through_unbound("bogus_zones_behind_unbound_fail_dnssec_with_their_reason")
    else {
        return;
    };
    for (domain, kind, words) in [
        (
            "expiredweb.test",
            "expired_signature",
            "expired on 2025-02-01",
        ),
        ("badsig.test", "bad_signature", "does not verify"),
        ("dsmismatch.test", "ds_matches_no_dnskey", "match no DNSKEY"),
        (
            "expiredsig.test",
            "expired_signature",
            "expired on 2025-02-01",
        ),
    ] {
        let (status, finding, message) = scan.verdict(domain, "dns.dnssec");
        assert_eq!(
            (status.as_str(), finding.as_str()),
            ("fail", "bogus"),
            "{domain}: {message}"
        );
        assert!(message.contains(words), "{domain}: {message}");
        assert!(message.contains("answer SERVFAIL"), "{domain}: {message}");
        let reason = &scan.dnssec(domain)["bogus_reason"];
        assert_eq!(reason["kind"], kind, "{domain}: {reason}");
        assert_eq!(reason["zone"], domain, "{domain}: {reason}");
    }
    // A name below the apex of a bogus zone: the zone is found from the NODATA answer's
    // authority section, read with CD.
    let (status, finding, message) = scan.verdict("www.expiredweb.test", "dns.dnssec");
    assert_eq!(
        (status.as_str(), finding.as_str()),
        ("fail", "bogus"),
        "{message}"
    );
    assert_eq!(
        scan.dnssec("www.expiredweb.test")["zone"],
        "expiredweb.test"
    );
}

#[test]
fn a_bogus_zone_is_probed_and_judged_on_the_data_read_with_cd() {
    let Some(scan) = through_unbound("a_bogus_zone_is_probed_and_judged_on_the_data_read_with_cd")
    else {
        return;
    };
    for domain in [
        "expiredweb.test",
        "www.expiredweb.test",
        "badsig.test",
        "dsmismatch.test",
    ] {
        let d = scan.domain(domain);
        let reads: Vec<&str> = d["observations"]["dns"]["read_with_cd"]
            .as_array()
            .unwrap_or_else(|| panic!("{domain}: no read_with_cd"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for read in [
            format!("A {domain}"),
            format!("MX {domain}"),
            format!("TXT {domain}"),
        ] {
            assert!(
                reads.contains(&read.as_str()),
                "{domain}: {read} not in {reads:?}"
            );
        }
        let addresses: Vec<&str> = d["observations"]["endpoints"]
            .as_array()
            .expect("endpoints[]")
            .iter()
            .filter_map(|e| e["address"].as_str())
            .collect();
        assert_eq!(
            addresses,
            ["127.10.11.1"],
            "{domain}: the web was probed at the CD address"
        );
        for (check, want) in [
            ("tls.https-available", "pass"),
            ("cert.trusted-chain", "pass"),
            ("http.hsts", "pass"),
            ("http.https-redirect", "pass"),
            ("mail.spf", "pass"),
            ("mail.dmarc", "pass"),
            ("dns.caa", "pass"),
        ] {
            let (status, _, message) = scan.verdict(domain, check);
            assert_eq!(status, want, "{domain} {check}: {message}");
        }
        let servfail: Vec<String> = d["outcomes"]
            .as_array()
            .expect("outcomes[]")
            .iter()
            .filter(|o| o["status"] == "inconclusive")
            .filter(|o| {
                o["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("SERVFAIL")
            })
            .map(|o| o["check"].to_string())
            .collect();
        assert!(
            servfail.is_empty(),
            "{domain}: left inconclusive on SERVFAIL: {servfail:?}"
        );
        let coverage = d["coverage"].as_f64().expect("coverage");
        assert!(coverage > 0.5, "{domain}: coverage {coverage}");
        let page = fs::read_to_string(scan.out.join(format!("domains/{domain}.html")))
            .expect("domain page");
        assert!(
            page.contains("Validating resolvers cannot reach this domain"),
            "{domain}: the page does not say so"
        );
        assert!(
            page.contains(&format!("<code>A {domain}</code>")),
            "{domain}: CD reads listed"
        );
    }
    let good = fs::read_to_string(scan.out.join("domains/good.lab.test.html")).expect("page");
    assert!(!good.contains("Validating resolvers cannot reach"));
}

#[test]
fn secure_zones_pass_through_unbound_including_one_below_an_unsigned_parent() {
    let Some(scan) =
        through_unbound("secure_zones_pass_through_unbound_including_one_below_an_unsigned_parent")
    else {
        return;
    };
    for (domain, anchor_zone) in [
        ("signed.test", "test"),
        ("good.lab.test", "test"),
        ("vault.plain.test", "vault.plain.test"),
    ] {
        let (status, finding, message) = scan.verdict(domain, "dns.dnssec");
        assert_eq!(
            (status.as_str(), finding.as_str()),
            ("pass", "secure"),
            "{domain}: {message}"
        );
        assert_eq!(scan.dnssec(domain)["anchor_zone"], anchor_zone, "{domain}");
        assert!(
            scan.domain(domain)["observations"]["dns"]["read_with_cd"].is_null(),
            "{domain}: nothing needed the CD bit"
        );
    }
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/results.schema.json");
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(schema_path).expect("schema")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&scan.results)
        .take(10)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "results.json violates the schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn anchors_at_any_zone_in_both_formats_validate_from_the_closest_one() {
    if !lab_enabled("lab_dnssec::anchors_at_any_zone_in_both_formats_validate_from_the_closest_one")
    {
        return;
    }
    let anchors = lab_dir().join("anchors");
    // A DS anchor for lab.test. (not the lab's top, unbound's format without TTL or class):
    // lab.test validates from it; signed.test is under no anchor (insecure: not judged), and
    // unsigned.test is unsigned whatever the anchors.
    let ds = scan(
        "lab-test-ds",
        KNOT,
        &anchors.join("lab.test.ds"),
        &["good.lab.test", "signed.test", "unsigned.test"],
    );
    let verdict = |scan: &ScanRun, domain: &str| {
        let (status, finding, _) = scan.verdict(domain, "dns.dnssec");
        (status, finding)
    };
    assert_eq!(
        verdict(&ds, "good.lab.test"),
        ("pass".into(), "secure".into())
    );
    assert_eq!(ds.dnssec("good.lab.test")["anchor_zone"], "lab.test");
    assert_eq!(
        verdict(&ds, "signed.test"),
        ("inconclusive".into(), "no_anchor".into())
    );
    assert_eq!(ds.dnssec("signed.test")["status"], "insecure");
    assert_eq!(
        verdict(&ds, "unsigned.test"),
        ("fail".into(), "unsigned".into())
    );

    // The private zone below the unsigned plain.test: an IANA-XML DS anchor, a DNSKEY anchor,
    // and the multi-anchor file unbound uses all make it secure; the anchor of test. alone
    // cannot (its parent proves there is no DS: an island, as unbound would say insecure).
    for (name, file) in [
        ("vault-xml", "vault.xml"),
        ("vault-dnskey", "vault.dnskey"),
        ("private", "private.txt"),
    ] {
        let vault = scan(name, KNOT, &anchors.join(file), &["vault.plain.test"]);
        assert_eq!(
            verdict(&vault, "vault.plain.test"),
            ("pass".into(), "secure".into()),
            "{file}"
        );
        assert_eq!(
            vault.dnssec("vault.plain.test")["anchor_zone"],
            "vault.plain.test"
        );
    }
    let top_only = scan(
        "test-dnskey",
        KNOT,
        &lab_dir().join("trust-anchor.txt"),
        &["vault.plain.test"],
    );
    assert_eq!(
        verdict(&top_only, "vault.plain.test"),
        ("fail".into(), "island".into())
    );

    // A wrong anchor for lab.test.: bogus, and the reason says the anchor matches no key.
    let wrong = scan(
        "wrong-ds",
        KNOT,
        &anchors.join("wrong.ds"),
        &["good.lab.test"],
    );
    assert_eq!(
        verdict(&wrong, "good.lab.test"),
        ("fail".into(), "bogus".into())
    );
    assert_eq!(
        wrong.dnssec("good.lab.test")["bogus_reason"]["kind"],
        "anchor_mismatch"
    );
}
