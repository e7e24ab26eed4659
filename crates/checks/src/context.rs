//! The context a check is judged in: the clock and the baseline's parameters (read through the
//! check's declared parameters, whose defaults apply when the baseline sets none).

use std::collections::BTreeMap;

use govscan_model::CheckMeta;

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

    /// The value of a parameter the check declares (`meta.params`): the baseline's when it
    /// is valid for the declaration, else the declared default. `None` only for a name the
    /// check does not declare, which the test of every check's fixtures rules out.
    fn param(&self, meta: &CheckMeta, name: &str) -> Option<serde_json::Value> {
        let decl = meta.param(name);
        // A check reading a parameter it does not declare is a bug in the check: the fixture
        // tests run every check in a debug build, where this stops them.
        debug_assert!(
            decl.is_some(),
            "{} reads undeclared parameter {name}",
            meta.id
        );
        let decl = decl?;
        let given = self
            .params
            .get(meta.id)
            .and_then(|p| p.get(name))
            .filter(|v| decl.validate(v).is_ok());
        Some(given.cloned().unwrap_or_else(|| decl.default_json()))
    }

    /// An integer parameter the check declares (the baseline's value or the declared default).
    /// An undeclared name reads 0 (a bug the fixtures' test of declared parameters catches).
    pub fn param_i64(&self, meta: &CheckMeta, name: &str) -> i64 {
        self.param(meta, name)
            .and_then(|v| v.as_i64())
            .unwrap_or_default()
    }

    /// A string parameter the check declares (the baseline's value or the declared default).
    /// An undeclared name reads "".
    pub fn param_str(&self, meta: &CheckMeta, name: &str) -> String {
        self.param(meta, name)
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// A boolean parameter the check declares (the baseline's value or the declared default).
    /// An undeclared name reads false.
    pub fn param_bool(&self, meta: &CheckMeta, name: &str) -> bool {
        self.param(meta, name)
            .and_then(|v| v.as_bool())
            .unwrap_or_default()
    }
}
