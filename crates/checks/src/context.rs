//! The context a check is judged in: the clock and the baseline's parameters.

use std::collections::BTreeMap;

/// Inputs to a check besides the observations.
#[derive(Debug, Clone)]
pub struct Context {
    /// "Now" as Unix seconds, injected so expiry checks are deterministic.
    pub now_unix: i64,
    /// Per-check parameters from the baseline (`check id → object`).
    pub params: BTreeMap<String, serde_json::Value>,
}

impl Context {
    /// A context with no baseline parameters (every check uses its documented defaults).
    pub fn with_now(now_unix: i64) -> Self {
        Context {
            now_unix,
            params: BTreeMap::new(),
        }
    }

    /// An integer parameter of a check, or the default.
    pub fn param_i64(&self, check: &str, key: &str, default: i64) -> i64 {
        self.params
            .get(check)
            .and_then(|p| p.get(key))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(default)
    }

    /// A boolean parameter of a check, or the default.
    pub fn param_bool(&self, check: &str, key: &str, default: bool) -> bool {
        self.params
            .get(check)
            .and_then(|p| p.get(key))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(default)
    }
}
