//! Entry points for the fuzz targets in `fuzz/` (not an API): each feeds untrusted text or bytes
//! to a crate-internal parser and to the checks that use it, and panics if an invariant breaks.
//! The checks run over a one-endpoint observation of `example.test` built from JSON.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use govscan_model::{Observations, Outcome, Status};
use serde_json::{Value, json};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::declarative::DeclarativeCheck;
use crate::http::{csp_effect, csp_policy, hsts_header, security_txt_file, set_cookie};
use crate::mail::{dmarc_record, spf_eval, spf_record};
use crate::{Context, find, runner::evaluate_one};

mod policies;
pub use policies::{caa, mta_sts, tls_rpt};

/// 2026-11-27T00:00:00Z, the "now" used when judging fuzzed observations.
const NOW: i64 = 1_795_737_600;

/// Upper bound for one outcome's JSON: generous, but linear in the input.
fn outcome_budget(input_len: usize) -> usize {
    input_len.saturating_mul(64).saturating_add(64 * 1024)
}

/// Observations for `example.test` with one endpoint; `patch` replaces top-level parts.
fn observations(dns_patch: Value, endpoint_patch: Value) -> Option<Observations> {
    let empty = json!({"state": "ok", "value": []});
    let mut dns = json!({
        "a": {"state": "ok", "value": ["192.0.2.10"]}, "aaaa": empty, "ns": empty,
        "mx": empty, "txt": empty, "dmarc": empty,
        "caa": {"state": "ok", "value": {"found_at": null, "records": [], "queried": ["example.test"]}},
        "soa": {"state": "ok", "value": {"zone": "example.test", "mname": "ns1.example.test",
                 "rname": "hostmaster.example.test", "serial": 1}},
        "resolver": "127.0.0.1:53"
    });
    let skipped = json!({"state": "skipped", "why": "not needed"});
    let mut endpoint = json!({
        "address": "192.0.2.10", "tls": skipped, "http": skipped, "https": skipped,
        "security_txt": skipped
    });
    for (target, patch) in [(&mut dns, dns_patch), (&mut endpoint, endpoint_patch)] {
        if let (Some(target), Value::Object(patch)) = (target.as_object_mut(), patch) {
            target.extend(patch);
        }
    }
    let obs = json!({
        "domain": "example.test", "probed_at": "2026-11-27T00:00:00Z", "duration_ms": 0,
        "dns": dns, "endpoints": [endpoint]
    });
    serde_json::from_value(obs).ok()
}

/// Runs one registered check and asserts the invariants every outcome must keep.
fn judge(id: &str, obs: &Observations, input_len: usize) -> Option<Outcome> {
    let check = find(id)?;
    let outcome = evaluate_one(check, obs, &Context::with_now(NOW));
    assert_eq!(outcome.check, id, "an outcome names its own check");
    assert!(!outcome.finding.is_empty(), "{id}: empty finding");
    assert!(!outcome.message.is_empty(), "{id}: empty message");
    let size = serde_json::to_string(&outcome).map_or(0, |s| s.len());
    assert!(
        size <= outcome_budget(input_len),
        "{id}: outcome of {size} bytes for {input_len} input bytes"
    );
    Some(outcome)
}

/// SPF: the record parser, then the `mail.spf` check with the text as the only TXT record.
#[doc(hidden)]
pub fn spf(text: &str) {
    let terms = text.split(' ').filter(|t| !t.is_empty()).count();
    if let Ok(record) = spf_record::parse(text) {
        assert!(spf_record::is_spf(text), "parsed without v=spf1: {text:?}");
        let parts = record.directives.len()
            + usize::from(record.redirect.is_some())
            + usize::from(record.exp.is_some())
            + record.unknown_modifiers.len();
        // The first term is `v=spf1` itself; every other term is one part or an error.
        assert_eq!(parts + 1, terms, "{parts} parts from {terms} terms");
        for family in [spf_eval::Family::V4, spf_eval::Family::V6] {
            let ev = spf_eval::evaluate("fuzz.test", text, None, family);
            assert!(
                ev.lookups <= spf_eval::LOOKUP_LIMIT + 1,
                "{} lookups",
                ev.lookups
            );
        }
        let _ = record.all().map(|d| d.qualifier.symbol());
    }
    if let Some(obs) = observations(json!({"txt": {"state": "ok", "value": [text]}}), json!({})) {
        judge("mail.spf", &obs, text.len());
    }
}

/// DMARC: the record parser, then the `mail.dmarc` check with the text at `_dmarc`.
#[doc(hidden)]
pub fn dmarc(text: &str) {
    match dmarc_record::parse(text) {
        Ok(record) => {
            assert!(dmarc_record::is_dmarc(text), "parsed without v=DMARC1");
            assert!(record.pct <= 100, "pct {} above 100", record.pct);
            let names: std::collections::BTreeSet<&str> =
                record.tags.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names.len(), record.tags.len(), "a tag name repeats");
            assert!(
                names.contains("v") && names.contains("p"),
                "v= or p= missing"
            );
            let _ = (record.policy.as_str(), record.subdomain_policy);
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    if let Some(obs) = observations(
        json!({"dmarc": {"state": "ok", "value": [text]}}),
        json!({}),
    ) {
        judge("mail.dmarc", &obs, text.len());
    }
}

/// HSTS: the header parser, then the `http.hsts` check with the text as the header value.
#[doc(hidden)]
pub fn hsts(text: &str) {
    match hsts_header::parse(text) {
        Ok(policy) => {
            assert!(policy.unknown.len() <= text.matches(';').count() + 1);
            assert!(!text.is_empty(), "an empty value has no max-age");
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    if let Some(obs) = https_with_header("strict-transport-security", text) {
        judge("http.hsts", &obs, text.len());
        judge("http.hsts-preload-ready", &obs, text.len());
    }
}

/// Observations whose HTTPS fetch answered 200 with one response header.
fn https_with_header(name: &str, value: &str) -> Option<Observations> {
    let https = json!({"state": "ok", "value": {
        "hops": [{"url": "https://example.test/", "status": 200, "body_len": 0,
                  "body_truncated": false, "body_text": null,
                  "headers": [{"name": name, "value": value}]}],
        "end": {"kind": "final"}}});
    observations(json!({}), json!({"https": https}))
}

/// CSP: the header parser and analysis, then the `http.csp` check.
#[doc(hidden)]
pub fn csp(text: &str) {
    let policies = csp_policy::parse_header(text);
    assert!(policies.len() <= text.matches(',').count() + 1);
    for policy in &policies {
        assert!(!policy.directives.is_empty() && policy.directives.len() <= 128);
        for name in policy.directives.keys() {
            assert_eq!(
                name,
                &name.to_ascii_lowercase(),
                "directive names are lower case"
            );
        }
        let _ = policy.grant_set().iter().map(|g| g.key());
    }
    let effect = csp_effect::combine(&policies);
    assert!(
        effect.issues.windows(2).all(|w| w[0] < w[1]),
        "issues sorted, unique"
    );
    let _ = effect.issues.iter().map(|i| (i.key(), i.is_severe()));
    if let Some(obs) = https_with_header("content-security-policy", text) {
        judge("http.csp", &obs, text.len());
    }
}

/// Cookies: the Set-Cookie parser, then the `http.cookies` check.
#[doc(hidden)]
pub fn cookies(text: &str) {
    if let Some(cookie) = set_cookie::parse(text) {
        assert!(!cookie.name.is_empty() && cookie.name.len() <= text.len());
        assert!(!cookie.name.contains(';'), "cookie name {:?}", cookie.name);
        let _ = set_cookie::is_session_cookie(&cookie.name);
    }
    if let Some(obs) = https_with_header("set-cookie", text) {
        judge("http.cookies", &obs, text.len());
    }
}

/// security.txt: the file parser, then the `http.security-txt` check with the text as the body.
#[doc(hidden)]
pub fn security_txt(text: &str) {
    let parsed = security_txt_file::parse(text);
    let lines = text.lines().count().min(1000);
    assert!(parsed.contacts.len() + parsed.expires.len() + parsed.invalid_lines <= lines);
    for value in &parsed.expires {
        let _ = security_txt_file::expires_unix(value);
    }
    let file = json!({"state": "ok", "value": {
        "url": "https://example.test/.well-known/security.txt", "status": 200,
        "headers": [{"name": "content-type", "value": "text/plain; charset=utf-8"}],
        "body_len": text.len(), "body_truncated": false, "body_text": text}});
    if let Some(obs) = observations(json!({}), json!({"security_txt": file})) {
        judge("http.security-txt", &obs, text.len());
    }
}

/// Declarative YAML checks: the loader and validator; an accepted check is run once.
/// (Each accepted check leaks its metadata by design, so long runs grow slowly.)
#[doc(hidden)]
pub fn declarative_yaml(text: &str) {
    match DeclarativeCheck::from_yaml("fuzz.yaml", text) {
        Ok(check) => {
            let _ = (check.rule(), check.on_mismatch(), check.source());
            if let Some(obs) = https_with_header("server", "fuzz") {
                let outcome = crate::Check::evaluate(&check, &obs, &Context::with_now(NOW));
                assert!(!outcome.finding.is_empty());
            }
        }
        Err(error) => {
            let message = error.to_string();
            assert!(
                message.contains("fuzz.yaml"),
                "error does not name the file: {message}"
            );
        }
    }
}

/// Certificate handling: `der` as the leaf (and again as the intermediate) of an otherwise
/// trusted chain, judged by every `cert.*` check. A leaf that x509-parser rejects can never pass
/// the name or validity checks.
#[doc(hidden)]
pub fn certificate(der: &[u8]) {
    let parses = X509Certificate::from_der(der).is_ok();
    let cert = json!({"der_base64": STANDARD.encode(der)});
    let tls = json!({"state": "ok", "value": {
        "version": "TLSv1_3", "cipher_suite": "TLS13_AES_128_GCM_SHA256",
        "key_exchange_group": "X25519", "alpn": "http/1.1", "chain": [cert, cert],
        "ocsp_stapled": null,
        "trust": {"at_scan_time": null, "chain_only": null, "roots": "fuzz roots"},
        "sni": "example.test"}});
    let Some(obs) = observations(json!({}), json!({"tls": tls})) else {
        return;
    };
    // The base64 form is 4/3 the size and may be echoed in evidence.
    let input_len = der.len().saturating_mul(2);
    for id in [
        "cert.hostname-match",
        "cert.not-expired",
        "cert.trusted-chain",
    ] {
        let Some(outcome) = judge(id, &obs, input_len) else {
            continue;
        };
        if !parses && id != "cert.trusted-chain" {
            assert_ne!(
                outcome.status,
                Status::Pass,
                "{id} passed an unparseable leaf"
            );
        }
    }
}

/// Revocation answers: `bytes` as the stapled OCSP response of the chain `leaf` + `issuer`
/// (judged by `cert.ocsp-stapling` and `cert.not-revoked`), as an OCSP response the probe
/// fetched, and as a CRL the probe fetched (read by the probe's reader, then judged).
#[doc(hidden)]
pub fn revocation(leaf: &[u8], issuer: &[u8], bytes: &[u8]) {
    use govscan_revocation::{Answer, Cert, crl, ocsp};
    let (Ok(leaf_cert), Ok(issuer_cert)) = (Cert::parse(leaf), Cert::parse(issuer)) else {
        return;
    };
    let answer = ocsp::read_response(bytes, &leaf_cert, &issuer_cert, NOW).answer;
    let reading = match crl::read(
        bytes,
        &leaf_cert,
        &issuer_cert,
        "http://crl.example.test/a.crl",
    ) {
        govscan_model::CrlRead::Read { value } => {
            if crl::judge(&value, NOW) == Answer::Good {
                assert!(
                    value.signature == "valid" && value.issuer_matches,
                    "a CRL without a valid signature by the issuer answered good"
                );
                assert!(value.entry.is_none() && value.out_of_scope.is_empty());
            }
            json!({"state": "read", "value": value})
        }
        govscan_model::CrlRead::Unreadable { detail } => {
            json!({"state": "unreadable", "detail": detail})
        }
    };
    let cert = |der: &[u8]| json!({"der_base64": STANDARD.encode(der)});
    let response = json!({"state": "ok", "value": {"address": "192.0.2.80:80", "status": 200,
        "content_type": null, "bytes": bytes.len(), "duration_ms": 1,
        "body_base64": STANDARD.encode(bytes)}});
    let tls = json!({"state": "ok", "value": {
        "version": "TLSv1_3", "cipher_suite": "TLS13_AES_128_GCM_SHA256",
        "key_exchange_group": "X25519", "alpn": "http/1.1", "chain": [cert(leaf), cert(issuer)],
        "ocsp_stapled": STANDARD.encode(bytes),
        "trust": {"at_scan_time": null, "chain_only": null, "roots": "fuzz roots"},
        "sni": "example.test"}});
    let revocation = json!({"state": "ok", "value": {"not_asked": [], "queries": [
        {"source": "crl", "url": "http://crl.example.test/a.crl", "method": "GET", "shared": false,
         "response": response, "crl": reading},
        {"source": "ocsp", "url": "http://ocsp.example.test", "method": "GET", "shared": true,
         "response": response, "crl": null}]}});
    let Some(obs) = observations(json!({}), json!({"tls": tls, "revocation": revocation})) else {
        return;
    };
    // The response is echoed in base64 three times (staple, query, evidence).
    let input_len = bytes.len().saturating_mul(8);
    for id in ["cert.ocsp-stapling", "cert.not-revoked"] {
        let Some(outcome) = judge(id, &obs, input_len) else {
            continue;
        };
        if id == "cert.ocsp-stapling" && outcome.status == Status::Pass {
            assert_eq!(
                answer,
                Answer::Good,
                "a staple that does not read good passed"
            );
        }
        if answer == Answer::Good && id == "cert.not-revoked" {
            assert_ne!(
                outcome.status,
                Status::Inconclusive,
                "a good answer was not used"
            );
        }
    }
}

#[cfg(test)]
mod revocation_fuzzing_tests {
    use super::*;

    #[test]
    fn the_revocation_entry_point_takes_real_and_broken_answers() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/revocation/vectors.json"
        );
        let vectors: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).expect("json");
        let der = |v: &Value| STANDARD.decode(v.as_str().expect("b64")).expect("base64");
        let (leaf, issuer) = (
            der(&vectors["certs"]["leaf_good"]),
            der(&vectors["certs"]["inter"]),
        );
        for kind in ["ocsp", "crl"] {
            for v in vectors[kind].as_array().expect("list") {
                let bytes = der(&v["der"]);
                revocation(&leaf, &issuer, &bytes);
                revocation(&leaf, &issuer, &bytes[..bytes.len() / 2]);
            }
        }
        revocation(&leaf, &issuer, b"");
        revocation(b"", &issuer, b"\x30\x03\x0a\x01\x00");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_accept_valid_and_invalid_input() {
        for text in [
            "",
            "v=spf1 -all",
            "v=spf1 include:%{",
            "v=spf1 \u{0}",
            "v=spf1",
        ] {
            spf(text);
        }
        for text in [
            "",
            "v=DMARC1; p=reject; pct=100",
            "v=DMARC1;;;",
            "v=DMARC1; p=ü",
        ] {
            dmarc(text);
        }
        for text in [
            "",
            "max-age=1",
            "max-age=\"99999999999999999999999\"",
            "\"",
            ";;",
        ] {
            hsts(text);
        }
        for text in [
            "",
            "default-src 'self'",
            "script-src * 'unsafe-inline', a;b;;c",
        ] {
            csp(text);
        }
        for text in ["", "=", "sid=1; Secure; HttpOnly; SameSite=Lax", ";a=b"] {
            cookies(text);
        }
        for text in [
            "",
            "Contact: mailto:a@b\nExpires: 2027-01-01T00:00:00Z",
            "x\r\n#",
        ] {
            security_txt(text);
        }
        for text in ["", "id: [", "- 1", "id: http.x\n"] {
            declarative_yaml(text);
        }
        for der in [&b""[..], b"\x30\x03\x02\x01\x00", &[0xff; 64]] {
            certificate(der);
        }
    }

    #[test]
    fn observations_template_deserialises() {
        assert!(observations(json!({}), json!({})).is_some());
        for id in [
            "mail.spf",
            "mail.dmarc",
            "http.hsts",
            "http.hsts-preload-ready",
            "http.csp",
            "http.cookies",
            "http.security-txt",
            "cert.hostname-match",
        ] {
            assert!(find(id).is_some(), "{id} is registered");
        }
    }
}
