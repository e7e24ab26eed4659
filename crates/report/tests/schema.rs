//! `schema/results.schema.json` accepts what govscan writes and rejects what it must not.

mod common;

use serde_json::Value;

const SCHEMA: &str = include_str!("../../../schema/results.schema.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn the_sample_scan_validates() {
    let result = common::sample_result();
    let doc = serde_json::to_value(&result).expect("serialise");
    let validator = validator();
    assert_eq!(errors(&validator, &doc), Vec::<String>::new());

    // The sample really exercises the variants the schema describes.
    let text = doc.to_string();
    for needle in [
        "\"state\":\"failed\"",
        "\"state\":\"skipped\"",
        "\"kind\":\"hop_failed\"",
        "\"kind\":\"too_many_redirects\"",
        "\"status\":\"not_applicable\"",
        "\"status\":\"inconclusive\"",
        "\"status\":\"info\"",
        "\"status\":\"warn\"",
        "\"grade\":\"?\"",
    ] {
        assert!(text.contains(needle), "sample lacks {needle}");
    }
}

#[test]
fn invalid_documents_are_rejected() {
    let validator = validator();
    let good = serde_json::to_value(common::sample_result()).expect("serialise");

    let mut bad_status = good.clone();
    bad_status["domains"][0]["outcomes"][0]["status"] = Value::from("ok");
    assert!(
        !validator.is_valid(&bad_status),
        "status \"ok\" is not a status"
    );

    let mut bad_state = good.clone();
    bad_state["domains"][0]["observations"]["dns"]["a"] = serde_json::json!({ "state": "ok" });
    assert!(!validator.is_valid(&bad_state), "ok without value");

    let spf = &good["domains"][0]["observations"]["dns"]["spf"];
    assert_eq!(
        spf["state"], "ok",
        "the sample's first domain has an SPF tree"
    );
    let mut bad_answer = good.clone();
    bad_answer["domains"][0]["observations"]["dns"]["spf"]["value"]["queries"][0]["answer"] =
        serde_json::json!({ "answer": "maybe" });
    assert!(
        !validator.is_valid(&bad_answer),
        "an SPF answer must be records, no_data, nx_domain or failed"
    );

    let mut extra_field = good.clone();
    extra_field["domains"][0]["surprise"] = Value::from(1);
    assert!(!validator.is_valid(&extra_field), "unknown field");

    let mut missing_field = good.clone();
    missing_field
        .as_object_mut()
        .expect("object")
        .remove("baseline");
    assert!(!validator.is_valid(&missing_field), "missing baseline");

    let mut bad_score = good.clone();
    bad_score["domains"][0]["score"] = Value::from(101.0);
    assert!(!validator.is_valid(&bad_score), "score above 100");

    // The enumerations, patterns and conventions the generated schema carries.
    let rejected = |path: &[&str], value: Value, why: &str| {
        let mut doc = good.clone();
        let mut at = &mut doc;
        for key in path {
            at = match key.parse::<usize>() {
                Ok(index) => &mut at[index],
                Err(_) => &mut at[*key],
            };
        }
        *at = value;
        assert!(!validator.is_valid(&doc), "{why} is accepted");
    };
    rejected(
        &["domains", "0", "observations", "dns", "a"],
        serde_json::json!({ "state": "failed", "kind": "meltdown", "detail": "x" }),
        "an unknown failure kind",
    );
    rejected(
        &["domains", "0", "observations", "dns", "a"],
        serde_json::json!({ "state": "ok", "value": ["192.0.2.1"], "why": "extra" }),
        "a field of another envelope variant",
    );
    rejected(&["domains", "0", "grade"], Value::from("Z"), "grade Z");
    rejected(
        &["domains", "0", "outcomes", "0", "check"],
        Value::from("web.Hsts"),
        "a check id outside the families",
    );
    rejected(
        &["domains", "0", "families", "0", "family"],
        Value::from("web"),
        "an unknown family",
    );
    rejected(
        &["organisations", "1", "parent"],
        Value::Null,
        "null for a field that is left out when empty",
    );
    rejected(&["schema_version"], Value::from(2), "schema_version 2");
    rejected(
        &["baseline", "sha256"],
        Value::from("ABC"),
        "a baseline hash that is not hex SHA-256",
    );
    rejected(
        &[
            "domains",
            "0",
            "observations",
            "endpoints",
            "0",
            "tls",
            "value",
            "trust",
            "roots",
        ],
        Value::Null,
        "null for a string",
    );
}

#[test]
fn results_written_before_later_fields_validate() {
    // Fields added after schema_version 1 was first written carry serde defaults: results that
    // lack them are still version 1 and must validate (the schema names each default).
    let validator = validator();
    let mut doc = serde_json::to_value(common::sample_result()).expect("serialise");
    let observations = doc["domains"][0]["observations"]
        .as_object_mut()
        .expect("observations");
    for later in ["mail_servers", "web_tlsa", "rpki", "dkim", "addresses"] {
        assert!(observations.remove(later).is_some(), "{later}");
    }
    let dns = observations["dns"].as_object_mut().expect("dns");
    for later in ["nxdomain", "dnssec", "nameservers", "mta_sts", "spf"] {
        assert!(dns.remove(later).is_some(), "{later}");
    }
    let endpoint = observations["endpoints"][0]
        .as_object_mut()
        .expect("endpoint");
    for later in ["tls_scan", "paths", "connections", "revocation"] {
        assert!(endpoint.remove(later).is_some(), "{later}");
    }
    assert_eq!(errors(&validator, &doc), Vec::<String>::new());

    // A field present since the first version stays required.
    doc["domains"][0]["observations"]["dns"]
        .as_object_mut()
        .expect("dns")
        .remove("resolver");
    assert!(!validator.is_valid(&doc), "dns without resolver");
}

#[test]
fn the_validated_schema_is_the_generated_one() {
    // The file these tests read is the model's output (the staleness test in govscan-model
    // fails otherwise); checked here too so that a stale file cannot pass these tests.
    let committed: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    assert_eq!(
        committed,
        govscan_model::results_schema().to_value(),
        "schema/results.schema.json is stale: GOVSCAN_UPDATE_SCHEMA=1 cargo test -p govscan-model --test results_schema"
    );
}

#[test]
fn a_revocation_observation_validates() {
    use govscan_model::{
        CrlEntry, CrlRead, CrlReading, FailureKind, NotAsked, Probed, RevocationObservation,
        RevocationQuery, RevocationResponse, RevocationSource,
    };
    let response = |body: Option<&str>| RevocationResponse {
        address: "192.0.2.80:80".into(),
        status: 200,
        content_type: Some("application/pkix-crl".into()),
        bytes: 812,
        duration_ms: 15,
        body_base64: body.map(str::to_string),
    };
    let reading = CrlReading {
        issuer: "CN=CA".into(),
        issuer_matches: true,
        signature: "valid".into(),
        signature_detail: String::new(),
        this_update: 1_795_700_000,
        next_update: Some(1_796_300_000),
        crl_number: Some("42".into()),
        entries: 3,
        out_of_scope: Vec::new(),
        entry: Some(CrlEntry {
            serial: "0a:ff".into(),
            revoked_at: 1_795_100_000,
            reason: Some("keyCompromise".into()),
        }),
    };
    let observation = RevocationObservation {
        queries: vec![
            RevocationQuery {
                source: RevocationSource::Crl,
                url: "http://crl.example.test/ca.crl".into(),
                method: "GET".into(),
                shared: false,
                response: Probed::ok(response(None)),
                crl: Some(CrlRead::Read { value: reading }),
            },
            RevocationQuery {
                source: RevocationSource::Crl,
                url: "http://crl2.example.test/ca.crl".into(),
                method: "GET".into(),
                shared: true,
                response: Probed::ok(response(None)),
                crl: Some(CrlRead::Unreadable {
                    detail: "not a CRL".into(),
                }),
            },
            RevocationQuery {
                source: RevocationSource::Ocsp,
                url: "http://ocsp.example.test".into(),
                method: "POST".into(),
                shared: false,
                response: Probed::ok(response(Some("MAMKAQM="))),
                crl: None,
            },
            RevocationQuery {
                source: RevocationSource::Ocsp,
                url: "http://10.0.0.1".into(),
                method: "GET".into(),
                shared: false,
                response: Probed::skipped("private address"),
                crl: None,
            },
            RevocationQuery {
                source: RevocationSource::Ocsp,
                url: "http://ocsp2.example.test".into(),
                method: "GET".into(),
                shared: false,
                response: Probed::failed(FailureKind::Timeout, "no answer"),
                crl: None,
            },
        ],
        not_asked: vec![NotAsked {
            source: RevocationSource::Crl,
            url: "ldap://x".into(),
            why: "only http:// sources are asked".into(),
        }],
    };
    let validator = validator();
    let mut doc = serde_json::to_value(common::sample_result()).expect("serialise");
    doc["domains"][0]["observations"]["endpoints"][0]["revocation"] =
        serde_json::to_value(Probed::ok(observation)).expect("serialise");
    assert_eq!(errors(&validator, &doc), Vec::<String>::new());
    doc["domains"][0]["observations"]["endpoints"][0]["revocation"]["value"]["queries"][0]["method"] =
        Value::from("PUT");
    assert!(!validator.is_valid(&doc), "an unknown method is rejected");
}
