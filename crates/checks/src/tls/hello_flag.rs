//! Shared judgement for the ServerHello extensions that TLS 1.0–1.2 must carry
//! (renegotiation_info, extended_master_secret); TLS 1.3 builds both protections in.

use govscan_model::{Observations, Outcome, Status, TlsScan, VersionProbe};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::tls::scan_view::{
    CLASSIC_TLS, accepted, effort, label, per_tls_scan, tls13_only, version,
};

/// Findings for one flag.
pub(crate) struct FlagWords {
    pub(crate) what: &'static str,
    pub(crate) present: &'static str,
    pub(crate) missing: &'static str,
}

/// The outcome of check `id`: every endpoint's TLS scan judged by [`judge`].
pub(crate) fn evaluate(
    id: &str,
    obs: &Observations,
    words: &FlagWords,
    flag: fn(&VersionProbe) -> Option<bool>,
) -> Outcome {
    per_tls_scan(id, obs, |scan| judge(scan, words, flag))
}

/// Pass when every accepted TLS 1.0–1.2 ServerHello carries the flag (or only TLS 1.3 is
/// spoken), fail when one lacks it, inconclusive when unknown.
pub(crate) fn judge(
    scan: &TlsScan,
    words: &FlagWords,
    flag: fn(&VersionProbe) -> Option<bool>,
) -> EndpointVerdict {
    let classic: Vec<&VersionProbe> = accepted(scan)
        .filter(|v| CLASSIC_TLS.contains(&v.version.as_str()))
        .collect();
    let rows: Vec<_> = classic
        .iter()
        .map(|v| json!({ "version": label(&v.version), "present": flag(v) }))
        .collect();
    let evidence = json!({ "server_hellos": rows, "probe": effort(scan) });
    if tls13_only(scan) {
        return EndpointVerdict::new(
            Status::Pass,
            "tls13_only",
            format!(
                "only TLS 1.3 is accepted, which has {} built in",
                words.what
            ),
            evidence,
        );
    }
    let missing: Vec<&str> = classic
        .iter()
        .filter(|v| flag(v) == Some(false))
        .map(|v| label(&v.version))
        .collect();
    let unknown = classic.iter().any(|v| flag(v).is_none())
        || CLASSIC_TLS
            .iter()
            .any(|k| version(scan, k).is_none_or(|v| v.accepted.is_none()));
    if !missing.is_empty() {
        EndpointVerdict::new(
            Status::Fail,
            words.missing,
            format!(
                "no {} in the {} ServerHello",
                words.what,
                missing.join(", ")
            ),
            evidence,
        )
    } else if classic.is_empty() || unknown {
        EndpointVerdict::new(
            Status::Inconclusive,
            "not_determined",
            format!("{} could not be determined", words.what),
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Pass,
            words.present,
            format!("{} is supported", words.what),
            evidence,
        )
    }
}
