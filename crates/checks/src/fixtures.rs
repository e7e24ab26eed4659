//! Test harness: runs a check over its recorded fixtures in `fixtures/checks/<id>/` (or, until
//! every fixture has moved there, `fixtures/checks/<family>/<slug>/`).
//!
//! A fixture is JSON: `{"observations": PATCH, "now_unix": N?, "params": {..}?,
//! "expect": {"status": "...", "finding": "..."}}`. `PATCH` is a JSON merge patch (RFC 7396)
//! applied to [`base_observations`]: every DNS probe answered with no records and no endpoint.
//! The file name starts with the expected status (`pass_`, `fail_`, `warn_`, `info_`, `na_`,
//! `inconclusive_`). Every check must have at least one `pass_` and one `fail_` fixture, except
//! an informational check (see [`check_fixture_names`]).

use std::path::PathBuf;

use govscan_model::{Level, Observations};
use serde_json::{Value, json};

use crate::{Check, Context, runner::evaluate_one};

/// 2026-11-27T00:00:00Z, the default "now" of fixtures.
pub(crate) const FIXTURE_NOW: i64 = 1_795_737_600;

/// Observations with every DNS probe answered empty and no endpoints.
pub(crate) fn base_observations() -> Value {
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

/// Applies a JSON merge patch (RFC 7396).
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
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

/// The fixture directory of check `id`: `fixtures/checks/<id>/` (the agreed layout), else the
/// older `fixtures/checks/<family>/<slug_with_underscores>/` while fixtures move.
pub(crate) fn fixture_dir(id: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/checks");
    let by_id = root.join(id);
    if by_id.is_dir() {
        return by_id;
    }
    let (family, slug) = id.split_once('.').expect("check id has a family");
    root.join(family).join(slug.replace('-', "_"))
}

/// Loads one fixture into observations and a context.
pub(crate) fn load(path: &std::path::Path) -> (Observations, Context, Value) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fixture: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut obs = base_observations();
    merge_patch(&mut obs, &fixture["observations"]);
    let obs: Observations = serde_json::from_value(obs)
        .unwrap_or_else(|e| panic!("{}: observations: {e}", path.display()));
    let mut ctx = Context::with_now(fixture["now_unix"].as_i64().unwrap_or(FIXTURE_NOW));
    if let Some(params) = fixture["params"].as_object() {
        for (k, v) in params {
            ctx.params.insert(k.clone(), v.clone());
        }
    }
    (obs, ctx, fixture["expect"].clone())
}

/// Checks that a check's fixture file names cover what it must show: a `pass_` and a `fail_`
/// fixture; or, for an informational check (META level `May`, whose fixtures are only `info_`,
/// `na_` and `inconclusive_`: it never passes or fails, so it is never scored), at least two
/// `info_` fixtures (a clean case and a finding) in their place.
pub(crate) fn check_fixture_names(id: &str, level: Level, names: &[String]) -> Result<(), String> {
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    let informational = level == Level::May && !has("pass_") && !has("fail_") && !has("warn_");
    if informational {
        let infos = names.iter().filter(|n| n.starts_with("info_")).count();
        return if infos >= 2 {
            Ok(())
        } else {
            Err(format!(
                "{id}: an informational check needs two info_ fixtures"
            ))
        };
    }
    if !has("pass_") {
        return Err(format!("{id}: no pass_ fixture"));
    }
    if !has("fail_") {
        return Err(format!("{id}: no fail_ fixture"));
    }
    Ok(())
}

/// Runs `check` over all its fixtures and asserts the expected status and finding of each.
pub(crate) fn assert_fixtures(check: &dyn Check) {
    let id = check.meta().id;
    let dir = fixture_dir(id);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    let names: Vec<String> = entries
        .iter()
        .map(|p| {
            p.file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    if let Err(e) = check_fixture_names(id, check.meta().level, &names) {
        panic!("{e} in {}", dir.display());
    }
    for (path, name) in entries.iter().zip(&names) {
        let (obs, ctx, expect) = load(path);
        let outcome = evaluate_one(check, &obs, &ctx);
        let status = outcome.status.as_str();
        let prefix = if status == "not_applicable" {
            "na"
        } else {
            status
        };
        assert!(
            name.starts_with(&format!("{prefix}_")),
            "{id} {name}: got {status} ({}: {})",
            outcome.finding,
            outcome.message
        );
        if let Some(want) = expect["status"].as_str() {
            assert_eq!(status, want, "{id} {name}: {}", outcome.message);
        }
        if let Some(want) = expect["finding"].as_str() {
            assert_eq!(outcome.finding, want, "{id} {name}: {}", outcome.message);
        }
        if let Some(line) = crate::declared_findings::undeclared(check.meta(), &outcome) {
            panic!("{name}: {line}");
        }
        assert!(!outcome.message.is_empty(), "{id} {name}: empty message");
        assert!(!outcome.evidence.is_null(), "{id} {name}: no evidence");
    }
}
