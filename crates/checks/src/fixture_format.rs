//! The format of a check fixture (`fixtures/checks/<id>/<status>_<case>.json`) as pure
//! functions over JSON: the test harness and the CLI tests read the files and call these.
//!
//! A fixture is `{"base": NAME?, "observations": PATCH, "now_unix": N?, "params": {..}?,
//! "expect": {"status": "...", "finding": "..."}?}`. Its observations are built in layers:
//!
//! 1. [`empty_observations`]: every DNS probe answered with no records, no endpoint;
//! 2. the named base's `observations` (`fixtures/checks/_bases/NAME.json`), a JSON merge patch
//!    (RFC 7396) over layer 1;
//! 3. the fixture's `observations`, a JSON merge patch over layer 2 (a patch replaces an array
//!    whole, so a fixture that names `endpoints` spells every endpoint);
//! 4. the base's templates: every object in `endpoints` takes the fields of the base's
//!    `endpoint` it does not have, and every hop of an endpoint's `http` and `https` redirect
//!    chains takes the fields of the base's `hop` it does not have. A template only fills
//!    what is missing; it never changes a field the fixture spells.
//!
//! Without `base`, layers 2 and 4 are skipped.

use serde_json::{Value, json};

/// 2026-11-27T00:00:00Z, the default "now" of fixtures.
pub const FIXTURE_NOW: i64 = 1_795_737_600;

/// Observations with every DNS probe answered empty and no endpoints (layer 1).
pub fn empty_observations() -> Value {
    let empty = json!({"state": "ok", "value": []});
    json!({
        "domain": "example.test",
        "probed_at": "2026-11-27T00:00:00Z",
        "duration_ms": 0,
        "dns": {
            "a": empty, "aaaa": empty, "ns": empty, "mx": empty, "txt": empty, "dmarc": empty,
            "caa": {"state": "ok", "value": {"found_at": null, "records": [], "queried": ["example.test"]}},
            "soa": {"state": "ok", "value": {"zone": "example.test", "mname": "ns1.example.test", "rname": "hostmaster.example.test", "serial": 1}},
            "resolver": "127.0.0.1:53"
        },
        "endpoints": []
    })
}

/// Applies a JSON merge patch (RFC 7396): objects merge key by key, `null` removes a key,
/// anything else (arrays included) replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    if let Value::Object(patch_map) = patch {
        if !target.is_object() {
            *target = json!({});
        }
        if let Value::Object(target_map) = target {
            for (key, value) in patch_map {
                if value.is_null() {
                    target_map.remove(key);
                } else {
                    merge_patch(target_map.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
    } else {
        *target = patch.clone();
    }
}

/// The base a fixture names (`"base": "http"`), if any.
pub fn base_name(fixture: &Value) -> Option<&str> {
    fixture.get("base").and_then(Value::as_str)
}

/// The observations (as JSON) of a fixture over its base (the parsed base file, `None`
/// when the fixture names none): layers 1 to 4 of the module documentation.
pub fn observations(fixture: &Value, base: Option<&Value>) -> Value {
    let mut obs = empty_observations();
    if let Some(base) = base {
        merge_patch(&mut obs, &base["observations"]);
    }
    merge_patch(&mut obs, &fixture["observations"]);
    if let Some(base) = base {
        complete(&mut obs, &base["endpoint"], &base["hop"]);
    }
    obs
}

/// Layer 4: fills every endpoint from `endpoint`, then every hop of its chains from `hop`.
fn complete(obs: &mut Value, endpoint: &Value, hop: &Value) {
    let Some(endpoints) = obs.get_mut("endpoints").and_then(Value::as_array_mut) else {
        return;
    };
    for each in endpoints {
        fill(each, endpoint);
        for chain in ["http", "https"] {
            let hops = each
                .get_mut(chain)
                .and_then(|c| c.get_mut("value"))
                .and_then(|v| v.get_mut("hops"))
                .and_then(Value::as_array_mut);
            for each_hop in hops.into_iter().flatten() {
                fill(each_hop, hop);
            }
        }
    }
}

/// Copies each field of `template` that `target` (an object) does not have.
fn fill(target: &mut Value, template: &Value) {
    let (Some(target), Some(template)) = (target.as_object_mut(), template.as_object()) else {
        return;
    };
    for (key, value) in template {
        if !target.contains_key(key) {
            target.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_fills_only_missing_fields() {
        let base = json!({
            "observations": {"endpoints": [{}]},
            "endpoint": {"address": "192.0.2.10", "tls": "T", "https": {"state": "ok", "value": {"hops": [{}]}}},
            "hop": {"status": 200, "headers": []}
        });
        let fixture = json!({"observations": {"endpoints": [
            {"tls": "mine", "https": {"state": "ok", "value": {"hops": [{"status": 301}, {}]}}},
            {"address": "2001:db8::10"}
        ]}});
        let obs = observations(&fixture, Some(&base));
        assert_eq!(
            obs["endpoints"],
            json!([
                {"address": "192.0.2.10", "tls": "mine", "https": {"state": "ok", "value": {"hops": [
                    {"status": 301, "headers": []}, {"status": 200, "headers": []}]}}},
                {"address": "2001:db8::10", "tls": "T", "https": {"state": "ok", "value": {"hops": [
                    {"status": 200, "headers": []}]}}}
            ])
        );
        let untouched = observations(&json!({"observations": {}}), Some(&base));
        assert_eq!(
            untouched["endpoints"][0]["https"]["value"]["hops"][0]["status"],
            200
        );
    }

    #[test]
    fn without_a_base_the_patch_lies_over_the_empty_observations() {
        let fixture = json!({"observations": {"dns": {"a": {"state": "ok", "value": ["192.0.2.1"]}, "mx": null}}});
        let obs = observations(&fixture, None);
        assert_eq!(obs["dns"]["a"]["value"][0], "192.0.2.1");
        assert!(obs["dns"].get("mx").is_none());
        assert_eq!(obs["endpoints"], json!([]));
    }
}
