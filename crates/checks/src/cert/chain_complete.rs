//! The server sends the intermediates its leaf needs, in issuing order.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
    TlsObservation,
};
use serde_json::{Value, json};

use crate::cert::facts::CertFacts;
use crate::cert::transparency::is_mozilla_root_subject;
use crate::cert::{no_certificate, parsed_chain};
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
    findings: &[
        FindingDecl {
            key: "chain_complete",
            status: Status::Pass,
            meaning: "the server sends the certificates in order, reaching a trusted root",
        },
        FindingDecl {
            key: "intermediate_missing",
            status: Status::Fail,
            meaning: "an intermediate certificate is missing: clients that do not fetch it fail",
        },
        FindingDecl {
            key: "chain_out_of_order",
            status: Status::Fail,
            meaning: "the certificates are sent out of order",
        },
        FindingDecl {
            key: "no_certificate",
            status: Status::Fail,
            meaning: "the server sent no certificate",
        },
        FindingDecl {
            key: "self_signed",
            status: Status::NotApplicable,
            meaning: "the leaf is self-signed: there is no chain to complete",
        },
        FindingDecl {
            key: "anchor_unknown",
            status: Status::Inconclusive,
            meaning: "the chain ends at an issuer the trust store does not know, so completeness cannot be told",
        },
        FindingDecl {
            key: "trust_not_judged",
            status: Status::Inconclusive,
            meaning: "the verifier stopped at another problem, so completeness could not be judged",
        },
        FindingDecl {
            key: "certificate_unparseable",
            status: Status::Fail,
            meaning: "the server sent no certificate, or one that does not parse",
        },
    ],
    params: &[],
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
        Some(kind) => judge_structurally(kind, &chain, evidence),
    }
}

/// Verifier verdicts that webpki only reaches after it has matched the chain, by name, to one
/// of its trust anchors: signatures and revocation are checked on a complete candidate path.
const PATH_TO_ANCHOR_FOUND: &[&str] = &["bad_signature", "revoked"];

/// Judges completeness from the certificates alone when the verifier stopped for a reason that
/// says nothing about structure (a SHA-1 signature, revocation, a bad encoding): the chain is
/// already known to be in order, so it is complete when it ends at a root, at a certificate a
/// Mozilla root issued, or where the verifier found its anchor.
fn judge_structurally(kind: &str, chain: &[CertFacts], evidence: Value) -> EndpointVerdict {
    let Some(last) = chain.last() else {
        return no_certificate(evidence);
    };
    let sent = chain.len();
    if last.self_issued() {
        return EndpointVerdict::new(
            Status::Pass,
            "chain_complete",
            format!(
                "{sent} certificate(s) sent, in order, up to the root {} (the verifier stopped with `{kind}`: see cert.trusted-chain)",
                last.subject
            ),
            evidence,
        );
    }
    if is_mozilla_root_subject(&last.issuer_raw) {
        return EndpointVerdict::new(
            Status::Pass,
            "chain_complete",
            format!(
                "{sent} certificate(s) sent, in order, up to {}, issued by the Mozilla root {} (the verifier stopped with `{kind}`: see cert.trusted-chain)",
                last.subject, last.issuer
            ),
            evidence,
        );
    }
    if PATH_TO_ANCHOR_FOUND.contains(&kind) {
        return EndpointVerdict::new(
            Status::Pass,
            "chain_complete",
            format!(
                "{sent} certificate(s) sent, in order; the verifier matched {} to a trusted root before it stopped with `{kind}` (see cert.trusted-chain)",
                last.issuer
            ),
            evidence,
        );
    }
    EndpointVerdict::new(
        Status::Inconclusive,
        "trust_not_judged",
        format!(
            "the verifier stopped with `{kind}` and the chain ends at {}, whose issuer {} is not a known root, so completeness could not be judged",
            last.subject, last.issuer
        ),
        evidence,
    )
}

impl Check for ChainComplete {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine(META.id, &obs.endpoints, |ep| &ep.tls, |_, tls| judge(tls))
    }
}
