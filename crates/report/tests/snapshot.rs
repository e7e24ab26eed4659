//! Snapshot tests of the view models: the dashboard and one domain page of the sample scan
//! (with history and a previous scan) must equal the committed JSON in `tests/snapshots/`.
//! After an intended change, regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p govscan-report`
//! and review the diff.

mod common;

use std::path::PathBuf;

use govscan_report::{HistoryEntry, ReportInput, dashboard_model, domain_model};
use govscan_score::Baseline;
use serde_json::Value;

use common::builtin_checks;

/// Keys whose text comes from check metadata (titles, rationale, remediation, sources): left
/// out so that editing a check's prose does not break these snapshots (the HTML tests check
/// that the metadata reaches the pages).
const METADATA_KEYS: [&str; 5] = ["title", "how", "rationale", "remediation", "references"];

fn strip_metadata(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !METADATA_KEYS.contains(&k.as_str()));
            map.values_mut().for_each(strip_metadata);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_metadata),
        _ => {}
    }
}

fn check(name: &str, actual: &Value) {
    let mut actual = actual.clone();
    strip_metadata(&mut actual);
    let actual = &actual;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(actual).expect("serialise") + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    let expected: Value = serde_json::from_str(&expected).expect("snapshot is JSON");
    assert!(
        expected == *actual,
        "{name} view model changed; run with UPDATE_SNAPSHOTS=1 and review:\n{text}"
    );
}

#[test]
fn view_models_match_their_snapshots() {
    let baseline = Baseline::builtin_estonia();
    let before = common::sample_result();
    let mut now = before.clone();
    now.started_at = "2026-11-28T08:00:00Z".to_owned();
    now.finished_at = "2026-11-28T08:00:09Z".to_owned();
    let hsts = now.domains[0]
        .outcomes
        .iter_mut()
        .find(|o| o.check == "http.hsts")
        .expect("hsts");
    hsts.status = govscan_model::Status::Warn;
    hsts.message = "max-age is 300.".to_owned();
    let history = vec![HistoryEntry::from_scan("#1", &before)];
    let input = ReportInput::new(&now, &baseline, builtin_checks())
        .with_history(history)
        .with_previous(&before, &baseline);
    check("dashboard", &dashboard_model(&input).expect("model"));
    check(
        "domain-good",
        &domain_model(&input, "good.lab.test")
            .expect("model")
            .expect("known domain"),
    );
    assert!(
        domain_model(&input, "unknown.example")
            .expect("model")
            .is_none()
    );
}
