//! Fuzz entry points for the mail and DNS policy parsers: MTA-STS (the `_mta-sts` record and
//! the policy file), CAA records and the TLS-RPT record, each followed by the check that uses it.

use serde_json::json;

use super::{judge, observations};
use crate::mail::{mta_sts_policy, tls_rpt};

/// The first `;`-separated field of a record that is not empty, trimmed.
fn first_field(record: &str) -> &str {
    record
        .split(';')
        .map(str::trim)
        .find(|f| !f.is_empty())
        .unwrap_or_default()
}

/// MTA-STS: the first line is the `_mta-sts` TXT record, the rest the policy file; both
/// parsers, the MX pattern matcher, then `mail.mta-sts` over a fetched policy.
#[doc(hidden)]
pub fn mta_sts(text: &str) {
    let (record, body) = text.split_once('\n').unwrap_or((text, ""));
    if let Ok(parsed) = mta_sts_policy::parse_record(record) {
        // Empty fields before the version are skipped (lenient; the check only parses records
        // that start with v=STSv1): the first field that is not empty is the version.
        assert_eq!(first_field(record), "v=STSv1", "{record:?}");
        assert!(
            (1..=32).contains(&parsed.id.len())
                && parsed.id.chars().all(|c| c.is_ascii_alphanumeric()),
            "id {:?}",
            parsed.id
        );
    }
    let policy = mta_sts_policy::parse_policy(body);
    assert!(policy.mx.len() <= body.lines().count().min(200));
    for pattern in &policy.mx {
        assert_eq!(
            pattern,
            &pattern.to_ascii_lowercase(),
            "mx patterns are lower case"
        );
        let _ = mta_sts_policy::mx_matches(pattern, "mx.example.test");
        let _ = mta_sts_policy::mx_matches(pattern, pattern);
    }
    let fetch = json!({"state": "ok", "value": {
        "address": "192.0.2.25", "certificate_error": null,
        "response": {"url": "https://mta-sts.example.test/.well-known/mta-sts.txt",
            "status": 200, "headers": [{"name": "content-type", "value": "text/plain"}],
            "body_len": body.len(), "body_truncated": false, "body_text": body}}});
    let dns = json!({
        "mx": {"state": "ok", "value": [{"preference": 10, "exchange": "mx.example.test"}]},
        "mta_sts": {"state": "ok", "value": [record]},
        "mta_sts_policy": fetch,
    });
    if let Some(obs) = observations(dns, json!({})) {
        judge("mail.mta-sts", &obs, text.len());
    }
}

/// CAA: each line is one record, `FLAGS TAG VALUE` (the first byte of FLAGS decides the
/// critical bit), judged by `dns.caa` (its tag and issuer-value grammar) as the records found
/// at the domain.
#[doc(hidden)]
pub fn caa(text: &str) {
    let records: Vec<serde_json::Value> = text
        .lines()
        .take(64)
        .map(|line| {
            let mut parts = line.splitn(3, ' ');
            let flags = parts.next().unwrap_or_default();
            let tag = parts.next().unwrap_or_default();
            let value = parts.next().unwrap_or_default();
            json!({"critical": flags.starts_with('1'), "tag": tag, "value": value})
        })
        .collect();
    let found_at = (!records.is_empty()).then_some("example.test");
    let dns = json!({"caa": {"state": "ok", "value": {
        "found_at": found_at, "records": records, "queried": ["example.test"]}}});
    if let Some(obs) = observations(dns, json!({})) {
        let outcome = judge("dns.caa", &obs, text.len());
        // No record that the check could not read makes it pass by itself.
        if records.is_empty() {
            assert!(outcome.is_some_and(|o| o.status != govscan_model::Status::Pass));
        }
    }
}

/// TLS-RPT: the record parser, then `mail.tls-rpt` with the text as the only record.
#[doc(hidden)]
pub fn tls_rpt(text: &str) {
    if let Ok(uris) = tls_rpt::parse(text) {
        // As for MTA-STS: the first field that is not empty is the version (found by this
        // target: `;v=TLSRPTv1; rua=…` is accepted, though RFC 8460 §3 does not allow it).
        assert_eq!(first_field(text), "v=TLSRPTv1", "{text:?}");
        assert!(!uris.is_empty() && uris.len() <= text.matches(',').count() + 1);
        for uri in &uris {
            assert!(
                uri.starts_with("mailto:") || uri.starts_with("https://"),
                "{uri:?}"
            );
        }
    }
    let dns = json!({"tls_rpt": {"state": "ok", "value": [text]}});
    if let Some(obs) = observations(dns, json!({})) {
        judge("mail.tls-rpt", &obs, text.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_points_take_real_and_broken_input() {
        mta_sts(
            "v=STSv1; id=20260101\nversion: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 86400",
        );
        mta_sts("v=STSv1; id=\u{0}\u{ffff}\nmx: \nmx:*.\n:");
        mta_sts("");
        caa("0 issue letsencrypt.org\n128 iodef mailto:sec@example.test\n1 \u{7}x y z");
        caa("");
        tls_rpt("v=TLSRPTv1; rua=mailto:tls@example.test,https://r.example.test/");
        tls_rpt("v=TLSRPTv1;rua=,,;");
        tls_rpt(";v=TLSRPTv1; rua=mailto:tlsle.t\u{fffd};es-t-");
        mta_sts(";v=STSv1; id=1\n");
    }
}
