//! Tree rules: three-valued logic (a missing observation never passes), leaves over DNS,
//! HTTP and TLS facts, extractors in messages, parameters and their bounds, and validation
//! errors that name the line.

use govscan_model::{Observations, Status};
use serde_json::{Value, json};

use super::*;
use crate::fixtures::{FIXTURE_NOW, base_observations, merge_patch};
use crate::runner::evaluate_one;

const HEAD: &str = "\
id: dns.example-tree
family: dns
title: An example tree
level: should
rationale: Because.
remediation: Fix it.
references:
  - title: Example
    url: https://example.org/spec
";

fn check(body: &str) -> DeclarativeCheck {
    DeclarativeCheck::from_yaml("t.yaml", &format!("{HEAD}{body}"))
        .unwrap_or_else(|e| panic!("loads: {e}"))
}

fn error(body: &str) -> DeclarativeError {
    match DeclarativeCheck::from_yaml("t.yaml", &format!("{HEAD}{body}")) {
        Ok(_) => panic!("loaded, expected an error"),
        Err(e) => e,
    }
}

/// HEAD as an http-family check.
fn http_head() -> String {
    HEAD.replace("dns.example-tree", "http.example-tree")
        .replace("family: dns", "family: http")
}

fn obs(patch: Value) -> Observations {
    let mut o = base_observations();
    merge_patch(&mut o, &patch);
    serde_json::from_value(o).expect("observations")
}

fn judge(c: &DeclarativeCheck, o: &Observations) -> govscan_model::Outcome {
    evaluate_one(c, o, &Context::with_now(FIXTURE_NOW))
}

const SERVFAIL: &str = r#"{"state": "failed", "kind": "dns", "detail": "SERVFAIL"}"#;

fn txt(records: &[&str]) -> Value {
    json!({"dns": {"txt": {"state": "ok", "value": records}}})
}

#[test]
fn all_any_not_follow_three_valued_logic() {
    // TXT answered, MX lookup failed.
    let o = obs(json!({"dns": {
        "txt": {"state": "ok", "value": ["v=spf1 -all"]},
        "mx": serde_json::from_str::<Value>(SERVFAIL).expect("json"),
    }}));
    let spf = "    - read: mail.spf_records\n      exists: true\n";
    let mx = "    - read: mail.mx\n      exists: true\n";
    // any: true + unknown = true (holds whatever MX would have said).
    let c = check(&format!("rule:\n  any:\n{spf}{mx}"));
    assert_eq!(judge(&c, &o).status, Status::Pass);
    // all: true + unknown = unknown.
    let c = check(&format!("rule:\n  all:\n{spf}{mx}"));
    let out = judge(&c, &o);
    assert_eq!(out.status, Status::Inconclusive, "{}", out.message);
    assert!(out.message.contains("mail.mx"), "{}", out.message);
    // not: unknown stays unknown, never a pass.
    let c = check("rule:\n  not:\n    read: mail.mx\n    exists: true\n");
    assert_eq!(judge(&c, &o).status, Status::Inconclusive);
    // all: false + unknown = false.
    let c = check(&format!(
        "rule:\n  all:\n    - read: mail.spf_records\n      regex: '\\+all'\n{mx}"
    ));
    assert_eq!(judge(&c, &o).status, Status::Fail);
}

#[test]
fn dns_leaves_read_empty_answers_and_refuse_failed_ones() {
    let c = check(
        "rule:\n  all:\n    - read: dns.records\n      dns: {name: \"{domain}\", type: TXT}\n      quantifier: none\n      words: [\"+all\"]\n",
    );
    assert_eq!(judge(&c, &obs(txt(&["v=spf1 -all"]))).status, Status::Pass);
    assert_eq!(judge(&c, &obs(txt(&["v=spf1 +all"]))).status, Status::Fail);
    let nodata =
        json!({"dns": {"txt": {"state": "failed", "kind": "no_data", "detail": "NODATA"}}});
    assert_eq!(judge(&c, &obs(nodata)).status, Status::Pass);
    let failed = json!({"dns": {"txt": serde_json::from_str::<Value>(SERVFAIL).expect("json")}});
    assert_eq!(judge(&c, &obs(failed)).status, Status::Inconclusive);
    // A name the scan did not query is unknown, not empty.
    let c = check(
        "rule:\n  all:\n    - read: dns.records\n      dns: {name: \"_bimi.{domain}\", type: TXT}\n      exists: false\n",
    );
    let out = judge(&c, &obs(json!({})));
    assert_eq!(out.status, Status::Inconclusive);
    assert_eq!(
        c.declared_dns(),
        vec![("_bimi.{domain}".to_owned(), "TXT".to_owned())]
    );
}

#[test]
fn extracted_values_fill_the_message_and_evidence() {
    let c = check(
        "rule:\n  all:\n    - read: dns.records\n      dns: {name: \"{domain}\", type: TXT}\n      regex: 'v=spf1 .*all'\n      extract: spf\nmessage:\n  pass: \"{domain} ends with {extracted.spf}\"\n  fail: \"{domain} has no all ({extracted.spf})\"\n",
    );
    let out = judge(
        &c,
        &obs(txt(&["google-site-verification=x", "v=spf1 mx -all"])),
    );
    assert_eq!(out.status, Status::Pass);
    assert_eq!(out.message, "example.test ends with v=spf1 mx -all");
    assert_eq!(out.evidence["extracted"]["spf"], "v=spf1 mx -all");
    let out = judge(&c, &obs(txt(&["other"])));
    assert_eq!(out.message, "example.test has no all (other)");
}

const PARAM_RULE: &str = "params:\n  allowed:\n    type: list\n    default: [\"0 issue \\\"letsencrypt.org\\\"\"]\n    max_items: 5\nrule:\n  all:\n    - read: dns.records\n      dns: {name: \"{domain}\", type: CAA}\n      quantifier: all\n      in: \"{params.allowed}\"\n";

#[test]
fn parameters_come_from_the_baseline_within_their_bounds() {
    let c = check(PARAM_RULE);
    let o = obs(json!({"dns": {"caa": {"state": "ok", "value": {
        "found_at": "example.test", "queried": ["example.test"],
        "records": [{"critical": false, "tag": "issue", "value": "harica.gr"}]}}}}));
    assert_eq!(judge(&c, &o).status, Status::Fail, "default list");
    let mut ctx = Context::with_now(FIXTURE_NOW);
    ctx.params.insert(
        "dns.example-tree".into(),
        json!({"allowed": ["0 issue \"harica.gr\""]}),
    );
    assert_eq!(
        evaluate_one(&c, &o, &ctx).status,
        Status::Pass,
        "baseline list"
    );
    // A value out of bounds is never replaced by the default: inconclusive.
    ctx.params
        .insert("dns.example-tree".into(), json!({"allowed": "not a list"}));
    let out = evaluate_one(&c, &o, &ctx);
    assert_eq!(out.status, Status::Inconclusive, "{}", out.message);
    assert_eq!(c.params()[0].name, "allowed");
}

#[test]
fn tree_errors_name_their_line() {
    let e = error("rule:\n  all:\n    - read: http.colour\n      exists: true\n");
    assert_eq!(e.line, Some(12), "{e}");
    assert!(e.message.contains("http.colour"), "{e}");
    let e = error("rule:\n  all:\n    - read: tls.version\n      exists: true\n      equals: x\n");
    assert!(e.message.contains("exactly one matcher"), "{e}");
    let e = error("rule:\n  all:\n    - read: cert.key_bits\n      at_least: \"{params.nope}\"\n");
    assert!(e.message.contains("not declared"), "{e}");
    let e = error("rule:\n  all:\n    - read: http.body\n      regex: x\n");
    assert!(e.message.contains("fetch"), "{e}");
    let e = error(
        "rule:\n  all:\n    - read: http.status\n      fetch: //evil.test/\n      equals: 200\n",
    );
    assert!(e.message.contains("same-origin"), "{e}");
    let e = error("rule:\n  all: []\n");
    assert!(e.message.contains("at least one"), "{e}");
    let e = error(
        "params:\n  n: {type: integer, default: 5000, min: 1, max: 10}\nrule:\n  all:\n    - read: cert.key_bits\n      at_least: \"{params.n}\"\n",
    );
    assert!(e.message.contains("default"), "{e}");
}

fn endpoint(patch: Value) -> Value {
    let mut ep = json!({
        "address": "192.0.2.10",
        "tls": {"state": "skipped", "why": "not needed"},
        "http": {"state": "skipped", "why": "not needed"},
        "security_txt": {"state": "skipped", "why": "not needed"},
        "https": {"state": "ok", "value": {"end": {"kind": "final"}, "hops": [{
            "url": "https://example.test/", "status": 200, "body_len": 0,
            "body_truncated": false, "body_text": null,
            "headers": [{"name": "x-frame-options", "value": "DENY"},
                        {"name": "set-cookie", "value": "sid=1; Secure; HttpOnly"}]}]}}
    });
    merge_patch(&mut ep, &patch);
    ep
}

#[test]
fn http_leaves_judge_every_endpoint_and_fail_on_the_worst() {
    let c = DeclarativeCheck::from_yaml(
        "t.yaml",
        &(http_head() + "rule:\n  all:\n    - read: http.header\n      name: X-Frame-Options\n      equals: deny\n    - read: http.cookies\n      name: sid\n      quantifier: all\n      words: [secure, httponly]\n      condition: and\n"),
    )
    .expect("loads");
    let good = endpoint(json!({}));
    let o =
        obs(json!({"dns": {"a": {"state": "ok", "value": ["192.0.2.10"]}}, "endpoints": [good]}));
    assert_eq!(judge(&c, &o).status, Status::Pass);
    let bad = endpoint(
        json!({"address": "192.0.2.11", "https": {"value": {"hops": [{
        "url": "https://example.test/", "status": 200, "body_len": 0,
        "body_truncated": false, "body_text": null,
        "headers": [{"name": "x-frame-options", "value": "DENY"},
                    {"name": "set-cookie", "value": "sid=1"}]}]}}}),
    );
    let o = obs(
        json!({"dns": {"a": {"state": "ok", "value": ["192.0.2.10", "192.0.2.11"]}},
        "endpoints": [endpoint(json!({})), bad]}),
    );
    let out = judge(&c, &o);
    assert_eq!(out.status, Status::Fail, "{}", out.message);
    assert!(out.message.contains("192.0.2.11"), "{}", out.message);
    // A timed-out HTTPS probe is inconclusive, even under not:.
    let timeout = endpoint(
        json!({"https": {"state": "failed", "kind": "timeout", "detail": "5s", "value": null}}),
    );
    let o = obs(
        json!({"dns": {"a": {"state": "ok", "value": ["192.0.2.10"]}}, "endpoints": [timeout]}),
    );
    assert_eq!(judge(&c, &o).status, Status::Inconclusive);
}

#[test]
fn a_truncated_body_is_unknown_unless_the_match_is_seen() {
    let body = |text: &str, truncated: bool| {
        endpoint(
            json!({"paths": [{"path": "/x", "result": {"state": "ok", "value": {
            "url": "https://example.test/x", "status": 200, "headers": [],
            "body_len": text.len(), "body_truncated": truncated, "body_text": text}}}]}),
        )
    };
    let c = DeclarativeCheck::from_yaml(
        "t.yaml",
        &(http_head() + "rule:\n  not:\n    read: http.body\n    fetch: /x\n    regex: secret\n"),
    )
    .expect("loads");
    assert_eq!(c.declared_paths(), vec!["/x".to_owned()]);
    let judge_body = |text: &str, truncated: bool| {
        let o = obs(
            json!({"dns": {"a": {"state": "ok", "value": ["192.0.2.10"]}}, "endpoints": [body(text, truncated)]}),
        );
        judge(&c, &o).status
    };
    assert_eq!(judge_body("nothing here", false), Status::Pass);
    assert_eq!(judge_body("nothing here", true), Status::Inconclusive);
    assert_eq!(judge_body("a secret", true), Status::Fail);
}

#[test]
fn applies_when_makes_the_check_not_applicable() {
    let c = check(
        "applies_when:\n  read: mail.mx\n  regex: '[^.]'\nrule:\n  all:\n    - read: mail.tls_rpt\n      exists: true\n",
    );
    let no_mx = obs(json!({}));
    assert_eq!(judge(&c, &no_mx).status, Status::NotApplicable);
    let mx = obs(
        json!({"dns": {"mx": {"state": "ok", "value": [{"preference": 10, "exchange": "mx.example.test"}]},
        "tls_rpt": {"state": "ok", "value": []}}}),
    );
    assert_eq!(judge(&c, &mx).status, Status::Fail);
}
