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

    let mut bad_score = good;
    bad_score["domains"][0]["score"] = Value::from(101.0);
    assert!(!validator.is_valid(&bad_score), "score above 100");
}
