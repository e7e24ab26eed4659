//! Read helpers over a `TlsScan` shared by the hand-built-hello checks.

use govscan_model::{Observations, Outcome, Status, TlsScan, VersionProbe};
use govscan_tls_hello::Tier;
use serde_json::{Value, json};

use crate::endpoints::{EndpointVerdict, combine};

/// The outcome of check `id`: every endpoint's hand-built-hello scan judged by `judge`; an
/// endpoint whose scan is missing is inconclusive with the scan's own reason.
pub(crate) fn per_tls_scan(
    id: &str,
    obs: &Observations,
    judge: impl Fn(&TlsScan) -> EndpointVerdict,
) -> Outcome {
    combine(id, &obs.endpoints, |ep| &ep.tls_scan, |_, scan| judge(scan))
}

/// The legacy versions, oldest first.
pub(crate) const LEGACY: [&str; 4] = ["ssl2", "ssl3", "tls10", "tls11"];
/// The versions that carry renegotiation_info / extended_master_secret in the ServerHello.
pub(crate) const CLASSIC_TLS: [&str; 3] = ["tls10", "tls11", "tls12"];

/// `tls12` → `TLS 1.2`.
pub(crate) fn label(key: &str) -> &str {
    match key {
        "ssl2" => "SSL 2.0",
        "ssl3" => "SSL 3.0",
        "tls10" => "TLS 1.0",
        "tls11" => "TLS 1.1",
        "tls12" => "TLS 1.2",
        "tls13" => "TLS 1.3",
        other => other,
    }
}

/// The probe of `key`, if it was made.
pub(crate) fn version<'a>(scan: &'a TlsScan, key: &str) -> Option<&'a VersionProbe> {
    scan.versions.iter().find(|v| v.version == key)
}

/// Versions the server accepted.
pub(crate) fn accepted(scan: &TlsScan) -> impl Iterator<Item = &VersionProbe> {
    scan.versions.iter().filter(|v| v.accepted == Some(true))
}

/// `Some(true)` accepted, `Some(false)` refused, `None` unknown or not probed.
pub(crate) fn verdict(scan: &TlsScan, key: &str) -> Option<bool> {
    version(scan, key).and_then(|v| v.accepted)
}

/// Every version key, newest first.
pub(crate) const ALL_VERSIONS: [&str; 6] = ["tls13", "tls12", "tls11", "tls10", "ssl3", "ssl2"];

/// Versions whose acceptance is unknown: the reply could not be read, or the scan stopped
/// before probing them. Each may accept suites nobody has seen.
pub(crate) fn unknown_versions(scan: &TlsScan) -> Vec<&'static str> {
    ALL_VERSIONS
        .into_iter()
        .filter(|k| verdict(scan, k).is_none())
        .collect()
}

/// The inconclusive verdict of a suite check when some versions' acceptance is unknown.
pub(crate) fn versions_unknown_verdict(unknown: &[&str], evidence: Value) -> EndpointVerdict {
    EndpointVerdict::new(
        Status::Inconclusive,
        "versions_unknown",
        format!(
            "no clear answer for {}, so the suites it accepts are unknown",
            labels(unknown.iter().copied())
        ),
        evidence,
    )
}

/// TLS 1.3 accepted and TLS 1.0–1.2 refused.
pub(crate) fn tls13_only(scan: &TlsScan) -> bool {
    verdict(scan, "tls13") == Some(true)
        && CLASSIC_TLS.iter().all(|k| verdict(scan, k) == Some(false))
}

/// Per-version evidence: accepted and the server's answer.
pub(crate) fn versions_evidence(scan: &TlsScan) -> Value {
    Value::Array(
        scan.versions
            .iter()
            .map(|v| json!({ "version": label(&v.version), "accepted": v.accepted, "answer": v.detail }))
            .collect(),
    )
}

/// How much probing it took.
pub(crate) fn effort(scan: &TlsScan) -> Value {
    json!({ "handshakes": scan.handshakes, "budget_exhausted": scan.budget_exhausted })
}

/// The tier's JSON name.
pub(crate) fn tier_name(tier: Tier) -> &'static str {
    match tier {
        Tier::Good => "good",
        Tier::Sufficient => "sufficient",
        Tier::PhaseOut => "phase_out",
        Tier::Insufficient => "insufficient",
        Tier::Unknown => "unknown",
    }
}

/// Joins version labels: "TLS 1.0, TLS 1.1".
pub(crate) fn labels<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    keys.map(label).collect::<Vec<_>>().join(", ")
}
