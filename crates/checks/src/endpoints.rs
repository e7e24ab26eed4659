//! Combining per-endpoint verdicts into one domain verdict without ever hiding a failed probe.
//!
//! Rule: any endpoint that fails makes the domain fail (the worst is shown first); otherwise any
//! endpoint that warns makes it warn; otherwise any endpoint that could not be judged makes the
//! domain inconclusive; only when every endpoint passed does the domain pass. A domain with no
//! endpoint at all is inconclusive. Probe data that is present but incomplete (a redirect chain
//! whose later hop failed: its last response is the redirect in front of the failure, not the
//! page) is not judged either ([`Completeness`]). The runner adds the address families whose
//! lookup failed as endpoints that could not be judged (`crate::coverage`).

use govscan_model::{
    EndpointObservations, FailureKind, HttpExchange, Outcome, Probed, RedirectChain, RedirectEnd,
    Status, TlsObservation, TlsScan,
};
use serde_json::json;

/// The finding of an outcome that could not be judged because the scanner's own side failed
/// (no route from this host, no free descriptors, a local connect error, an unreachable
/// resolver): never the target's fault, and counted by the scan's health.
pub const SCANNER_FAILURE: &str = govscan_model::SCANNER_FAILURE;

/// The finding of an outcome that could not be judged because a probe gave no data.
pub const PROBE_INCOMPLETE: &str = "probe_incomplete";

/// The finding for a failed probe: `address_blocked` when the address policy kept govscan from
/// connecting, [`SCANNER_FAILURE`] when the scanner's side failed, else [`PROBE_INCOMPLETE`].
pub fn incomplete_finding(kind: Option<FailureKind>) -> &'static str {
    match kind {
        // The address policy kept govscan from connecting: nothing was asked of the target.
        Some(FailureKind::Blocked) => "address_blocked",
        Some(kind) if kind.is_scanner_side() => SCANNER_FAILURE,
        _ => PROBE_INCOMPLETE,
    }
}

/// Probe data that can be present and still not be judgeable.
pub trait Completeness {
    /// Why this value cannot be judged although the probe completed; `None` when it can.
    fn incomplete(&self) -> Option<EndpointVerdict> {
        None
    }
}

impl Completeness for TlsObservation {}
impl Completeness for TlsScan {}
impl Completeness for HttpExchange {}

impl Completeness for RedirectChain {
    /// A chain whose later hop failed ends on the redirect in front of the failure: judging
    /// that redirect as the page would credit (or blame) the site for a response nobody sees.
    fn incomplete(&self) -> Option<EndpointVerdict> {
        match &self.end {
            RedirectEnd::HopFailed {
                url,
                detail,
                failure,
            } => Some(EndpointVerdict::new(
                Status::Inconclusive,
                incomplete_finding(*failure),
                format!("the redirect chain broke off: {url} failed ({detail})"),
                json!({ "hop_failed": url, "detail": detail, "failure": failure }),
            )),
            _ => None,
        }
    }
}

/// One endpoint's verdict.
#[derive(Debug, Clone)]
pub struct EndpointVerdict {
    /// Pass, Fail, Warn or Inconclusive.
    pub status: Status,
    /// Stable finding key.
    pub finding: &'static str,
    /// One sentence.
    pub message: String,
    /// Facts for this endpoint.
    pub evidence: serde_json::Value,
}

impl EndpointVerdict {
    /// A verdict.
    pub fn new(
        status: Status,
        finding: &'static str,
        message: impl Into<String>,
        evidence: serde_json::Value,
    ) -> Self {
        EndpointVerdict {
            status,
            finding,
            message: message.into(),
            evidence,
        }
    }
}

/// The order in which verdicts win: fail, warn, inconclusive, pass, info, not applicable.
pub(crate) fn rank(status: Status) -> u8 {
    match status {
        Status::Fail => 0,
        Status::Warn => 1,
        Status::Inconclusive => 2,
        Status::Pass => 3,
        Status::Info => 4,
        Status::NotApplicable => 5,
    }
}

/// Judges every endpoint with `judge` over the probe selected by `pick`; an endpoint whose
/// probe is missing is inconclusive with the probe's own reason.
/// Data that is present but incomplete ([`Completeness`]) is inconclusive too.
pub fn combine<T: Completeness>(
    check: &str,
    endpoints: &[EndpointObservations],
    pick: impl Fn(&EndpointObservations) -> &Probed<T>,
    judge: impl Fn(&EndpointObservations, &T) -> EndpointVerdict,
) -> Outcome {
    combine_each(check, endpoints, |ep| match pick(ep) {
        Probed::Ok { value } => value.incomplete().unwrap_or_else(|| judge(ep, value)),
        other => missing_probe_verdict(other),
    })
}

/// The verdict for an endpoint whose probe gave no data: inconclusive, with the probe's reason
/// (finding `address_blocked` or [`SCANNER_FAILURE`] as [`incomplete_finding`] says).
pub fn missing_probe_verdict<T>(probe: &Probed<T>) -> EndpointVerdict {
    let kind = match probe {
        Probed::Failed { kind, .. } => Some(*kind),
        _ => None,
    };
    EndpointVerdict::new(
        Status::Inconclusive,
        incomplete_finding(kind),
        probe.missing_reason().unwrap_or_default(),
        json!({ "reason": probe.missing_reason() }),
    )
}

/// Judges every endpoint with `judge`, which sees the whole endpoint (for checks that must tell
/// one kind of probe failure from another, e.g. a refused port from a timeout), and combines
/// the verdicts by the rule above.
pub fn combine_each(
    check: &str,
    endpoints: &[EndpointObservations],
    judge: impl Fn(&EndpointObservations) -> EndpointVerdict,
) -> Outcome {
    if endpoints.is_empty() {
        return Outcome::inconclusive(check, "the domain has no address to connect to");
    }
    let verdicts: Vec<(String, EndpointVerdict)> = endpoints
        .iter()
        .map(|ep| (ep.address.clone(), judge(ep)))
        .collect();
    // `endpoints` is non-empty, so `verdicts` is too; fall back to an inconclusive outcome
    // rather than unwrap.
    let Some((worst_addr, worst)) = verdicts.iter().min_by_key(|(_, v)| rank(v.status)) else {
        return Outcome::inconclusive(check, "no endpoint verdicts");
    };
    let per_endpoint: Vec<serde_json::Value> = verdicts
        .iter()
        .map(|(addr, v)| {
            json!({
                "address": addr,
                "status": v.status.as_str(),
                "finding": v.finding,
                "message": v.message,
                "evidence": v.evidence,
            })
        })
        .collect();
    let message = if verdicts.len() > 1 {
        format!("{} (endpoint {worst_addr})", worst.message)
    } else {
        worst.message.clone()
    };
    Outcome::new(
        check,
        worst.status,
        worst.finding,
        message,
        json!({ "endpoints": per_endpoint }),
    )
}
