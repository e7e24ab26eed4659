//! What the revocation checks share: the leaf and its issuer from the chain the server sent,
//! the stapled OCSP response read for them (govscan-revocation), and evidence in plain fields.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use govscan_model::{Observations, TlsObservation};
use govscan_revocation::ocsp::{OcspFacts, OcspReading, read_response};
use govscan_revocation::{Answer, Cert, find_issuer, time_text};
use serde_json::{Value, json};

/// The leaf (position 0) and the certificate of the chain that issued it, if sent.
pub(crate) struct LeafAndIssuer {
    pub(crate) leaf: Cert,
    pub(crate) issuer: Option<Cert>,
}

/// Parses the leaf and finds its issuer among the other certificates sent; the error names
/// what was wrong with the leaf.
pub(crate) fn leaf_and_issuer(tls: &TlsObservation) -> Result<LeafAndIssuer, String> {
    let first = tls.chain.first().ok_or("the server sent no certificate")?;
    let der = crate::cert::der_bytes(first)?;
    let leaf = Cert::parse(&der).map_err(|e| format!("the leaf {e}"))?;
    let others: Vec<Cert> = tls
        .chain
        .iter()
        .skip(1)
        .filter_map(|c| crate::cert::der_bytes(c).ok())
        .filter_map(|d| Cert::parse(&d).ok())
        .collect();
    let issuer = find_issuer(&leaf, &others).cloned();
    Ok(LeafAndIssuer { leaf, issuer })
}

/// Decodes a recorded base64 response.
pub(crate) fn decode(b64: &str) -> Result<Vec<u8>, String> {
    STANDARD
        .decode(b64.trim())
        .map_err(|e| format!("the recorded response is not valid base64: {e}"))
}

/// The stapled response, decoded: `None` when nothing was stapled.
pub(crate) fn staple_bytes(tls: &TlsObservation) -> Option<Result<Vec<u8>, String>> {
    tls.ocsp_stapled.as_deref().map(decode)
}

/// Reads the stapled response for the leaf, when both it and the issuer are there.
pub(crate) fn read_staple(
    tls: &TlsObservation,
    pair: &LeafAndIssuer,
    now: i64,
) -> Option<OcspReading> {
    let der = staple_bytes(tls)?.ok()?;
    let issuer = pair.issuer.as_ref()?;
    Some(read_response(&der, &pair.leaf, issuer, now))
}

/// Unix seconds as RFC 3339, or null.
fn when(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| Value::String(time_text(t)))
}

/// Evidence for an OCSP response (no probe envelopes: plain fields).
pub(crate) fn ocsp_evidence(facts: &OcspFacts) -> Value {
    json!({
        "response_status": facts.response_status,
        "cert_status": facts.cert_status,
        "revoked_at": when(facts.revoked_at),
        "reason": facts.reason,
        "this_update": when(facts.this_update),
        "next_update": when(facts.next_update),
        "produced_at": when(facts.produced_at),
        "signer": facts.signer,
        "single_responses": facts.single_responses,
    })
}

/// The moment revocation answers are judged at: the end of the domain's probe (when the staple
/// and the CA's answers were received), or the context's "now" if that is later. A scan's
/// "now" is its start, and a responder asked an hour into a long scan answers with an hour-old
/// thisUpdate relative to it, which is not "not yet valid".
pub(crate) fn judged_at(obs: &Observations, now: i64) -> i64 {
    let probe_end = time::OffsetDateTime::parse(
        &obs.probed_at,
        &time::format_description::well_known::Rfc3339,
    )
    .ok()
    .map(|t| {
        let secs = i64::try_from(obs.duration_ms.div_ceil(1000)).unwrap_or(i64::MAX);
        t.unix_timestamp().saturating_add(secs)
    });
    probe_end.map_or(now, |end| end.max(now))
}

/// "revoked on DATE (reason: R)" for messages.
pub(crate) fn revoked_words(at: i64, reason: Option<&str>) -> String {
    match reason {
        Some(r) => format!("revoked on {} (reason: {r})", time_text(at)),
        None => format!("revoked on {} (no reason given)", time_text(at)),
    }
}

/// A short label of an answer for evidence lists.
pub(crate) fn answer_label(answer: &Answer) -> String {
    match answer {
        Answer::Good => "good".to_string(),
        Answer::Unknown => "unknown to the responder".to_string(),
        Answer::Revoked { at, reason } => revoked_words(*at, reason.as_deref()),
        Answer::Problem(p) => format!("unusable ({}): {}", p.kind.key(), p.detail),
    }
}
