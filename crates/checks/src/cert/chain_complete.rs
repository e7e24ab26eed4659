//! The server sends the intermediates its leaf needs, in issuing order.

use govscan_model::{
    CheckMeta, Family, Level, Need, Observations, Outcome, Reference, Status, TlsObservation,
};
use serde_json::json;

use crate::cert::parsed_chain;
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct ChainComplete;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.chain-complete",
    family: Family::Cert,
    title: "The server sends a complete certificate chain in order",
    level: Level::Must,
    rationale: "TLS servers must send the intermediates between their certificate and a root \
                (RFC 8446 §4.4.2, RFC 5246 §7.4.2). Browsers often hide a missing intermediate \
                by fetching or caching it, but API clients, mail servers, mobile apps and \
                scanners fail. A chain out of order confuses older clients.",
    remediation: "Serve the leaf followed by its intermediates (not the root), leaf first.\n\
                  nginx: `ssl_certificate` must point at the full chain file \
                  (e.g. certbot's `fullchain.pem`, or `cat leaf.pem intermediate.pem`).\n\
                  Apache ≥ 2.4.8: `SSLCertificateFile` with the full chain file.\n\
                  IIS / Windows: import the intermediate into the computer's \"Intermediate \
                  Certification Authorities\" store.",
    references: &[
        Reference {
            title: "RFC 8446 §4.4.2 (Certificate: the sender's certificate first, each following certifies the one before)",
            url: "https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2",
        },
        Reference {
            title: "Mozilla: incomplete certificate chains",
            url: "https://wiki.mozilla.org/Security/Server_Side_TLS",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
};

fn judge(tls: &TlsObservation) -> EndpointVerdict {
    let chain = match parsed_chain(tls, " of the chain") {
        Ok(c) => c,
        Err(verdict) => return verdict,
    };
    let chain_only = tls.trust.chain_only.as_ref();
    let evidence = json!({
        "sent": chain.iter().map(|c| c.summary()).collect::<Vec<_>>(),
        "verifier_chain_only": chain_only.map(|v| json!({"kind": v.kind, "detail": v.detail})),
        "roots": tls.trust.roots,
    });
    let Some(leaf) = chain.first() else {
        return EndpointVerdict::new(
            Status::Fail,
            "no_certificate",
            "the server sent no certificate",
            evidence,
        );
    };
    for pair in chain.windows(2) {
        if let [lower, upper] = pair
            && lower.issuer_raw != upper.subject_raw
        {
            return EndpointVerdict::new(
                Status::Fail,
                "chain_out_of_order",
                format!(
                    "certificate {} ({}) did not issue certificate {} (issuer {})",
                    upper.position, upper.subject, lower.position, lower.issuer
                ),
                evidence,
            );
        }
    }
    if chain.len() == 1 && leaf.self_issued() {
        return EndpointVerdict::new(
            Status::NotApplicable,
            "self_signed",
            "the certificate is self-signed, so there is no chain to complete (see cert.trusted-chain)",
            evidence,
        );
    }
    let last = chain.last().unwrap_or(leaf);
    match chain_only.map(|v| v.kind.as_str()) {
        None | Some("not_valid_for_name") => EndpointVerdict::new(
            Status::Pass,
            "chain_complete",
            format!(
                "{} certificate(s) sent, in order, reaching a trusted root",
                chain.len()
            ),
            evidence,
        ),
        Some("unknown_issuer") if last.self_issued() => EndpointVerdict::new(
            Status::Pass,
            "chain_complete",
            format!(
                "{} certificate(s) sent, in order, up to a root (which is not trusted: see cert.trusted-chain)",
                chain.len()
            ),
            evidence,
        ),
        Some("unknown_issuer") if !last.is_ca => EndpointVerdict::new(
            Status::Fail,
            "intermediate_missing",
            format!(
                "the server sent only its own certificate and it does not chain to a trusted root: the issuing certificate ({}) is missing",
                leaf.issuer
            ),
            evidence,
        ),
        Some("unknown_issuer") => EndpointVerdict::new(
            Status::Inconclusive,
            "anchor_unknown",
            format!(
                "the chain ends at {}, whose issuer {} is not a known root: a missing intermediate cannot be told from an unknown root",
                last.subject, last.issuer
            ),
            evidence,
        ),
        Some(kind) => EndpointVerdict::new(
            Status::Inconclusive,
            "trust_not_judged",
            format!("the verifier stopped with `{kind}`, so completeness could not be judged"),
            evidence,
        ),
    }
}

impl Check for ChainComplete {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine(META.id, &obs.endpoints, |ep| &ep.tls, |_, tls| judge(tls))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&ChainComplete);
    }
}
