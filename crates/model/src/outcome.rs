//! Outcomes: the verdict of one check on one domain, with the evidence behind it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A check's verdict.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The requirement is met.
    Pass,
    /// The requirement is not met.
    Fail,
    /// Met only in part, or a problem that is coming (e.g. expiry soon).
    Warn,
    /// Informational; not scored.
    Info,
    /// The requirement does not apply to this domain.
    NotApplicable,
    /// Could not be judged: a needed probe failed, timed out or was skipped. Never a pass.
    Inconclusive,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 6] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Info,
        Status::NotApplicable,
        Status::Inconclusive,
    ];

    /// The status with this lower-case name (as in JSON), if any.
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Lower-case name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Info => "info",
            Status::NotApplicable => "not_applicable",
            Status::Inconclusive => "inconclusive",
        }
    }
}

/// The verdict of one check on one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcome {
    /// Check id, `<family>.<kebab-slug>`, never reused.
    #[schemars(regex(pattern = r"^(tls|cert|dns|mail|http|net)\.[a-z0-9-]+$"))]
    pub check: String,
    /// Verdict.
    pub status: Status,
    /// Stable key of what was found (e.g. `max_age_below_minimum`); doubles as a text key.
    pub finding: String,
    /// One sentence for a person, naming the facts.
    pub message: String,
    /// The facts that justify the verdict (check-specific shape).
    pub evidence: serde_json::Value,
}

impl Outcome {
    /// Builds an outcome.
    pub fn new(
        check: &str,
        status: Status,
        finding: &str,
        message: impl Into<String>,
        evidence: serde_json::Value,
    ) -> Self {
        Outcome {
            check: check.to_owned(),
            status,
            finding: finding.to_owned(),
            message: message.into(),
            evidence,
        }
    }

    /// An inconclusive outcome with its reason.
    pub fn inconclusive(check: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Outcome {
            check: check.to_owned(),
            status: Status::Inconclusive,
            finding: "probe_incomplete".to_owned(),
            message: format!("Could not be judged: {reason}"),
            evidence: serde_json::json!({ "reason": reason }),
        }
    }
}
