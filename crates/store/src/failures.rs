//! Probe failures of a stored scan counted by kind (`timeout`, `dns`, `scanner`, …), read from
//! the stored observations one domain at a time, for metrics and scan health.

use std::collections::BTreeMap;

use rusqlite::params;
use serde_json::Value;

use crate::{ScanId, Store, StoreError};

impl Store {
    /// How many probes of scan `id` failed, per failure kind, over every domain: every
    /// `{"state": "failed", "kind": …}` envelope in the stored observations counts once.
    pub fn probe_failures(&self, id: ScanId) -> Result<BTreeMap<String, u64>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading observations", e);
        let mut stmt = self
            .conn
            .prepare("SELECT domain, observations_json FROM domain_results WHERE scan_id = ?1")
            .map_err(fail)?;
        let mut rows = stmt.query(params![id.0]).map_err(fail)?;
        let mut counts = BTreeMap::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let domain: String = row.get(0).map_err(fail)?;
            let text: String = row.get(1).map_err(fail)?;
            let value: Value =
                serde_json::from_str(&text).map_err(|e| StoreError::BadStoredValue {
                    path: self.path.clone(),
                    what: format!("observations of {domain} in scan {id}"),
                    detail: e.to_string(),
                })?;
            count_failures(&value, &mut counts);
        }
        Ok(counts)
    }
}

/// Adds every failed probe envelope under `value` to `counts`.
fn count_failures(value: &Value, counts: &mut BTreeMap<String, u64>) {
    match value {
        Value::Object(map) => {
            if map.get("state").and_then(Value::as_str) == Some("failed")
                && let Some(kind) = map.get("kind").and_then(Value::as_str)
            {
                *counts.entry(kind.to_owned()).or_insert(0) += 1;
            }
            map.values().for_each(|v| count_failures(v, counts));
        }
        Value::Array(items) => items.iter().for_each(|v| count_failures(v, counts)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nested_failure_envelopes() {
        let value = serde_json::json!({
            "dns": {"a": {"state": "failed", "kind": "timeout", "detail": "5s"},
                    "mx": {"state": "ok", "value": [{"state": "failed"}]}},
            "endpoints": [{"tls": {"state": "failed", "kind": "scanner", "detail": "x"}},
                          {"tls": {"state": "failed", "kind": "timeout", "detail": "y"}}],
            "skipped": {"state": "skipped", "why": "no MX"}
        });
        let mut counts = BTreeMap::new();
        count_failures(&value, &mut counts);
        assert_eq!(counts.get("timeout"), Some(&2));
        assert_eq!(counts.get("scanner"), Some(&1));
        assert_eq!(counts.len(), 2, "{counts:?}");
    }
}
