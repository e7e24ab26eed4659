//! The certificate chain the server sends leads to a trusted root.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct TrustedChain;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.trusted-chain",
    family: Family::Cert,
    title: "The certificate chain is issued by a trusted certificate authority",
    level: Level::Must,
    rationale: "Browsers only trust a certificate that chains, signature by signature, to a \
                root they know. A self-signed, privately issued or incomplete chain makes \
                visitors see a full-page warning, and teaches them to click through warnings.",
    remediation: "Use a certificate from a publicly trusted CA and send the full chain (leaf \
                  then intermediates, not the root).\n\
                  nginx: point `ssl_certificate` at the full-chain file (leaf + intermediates).\n\
                  Apache ≥ 2.4.8: `SSLCertificateFile` with the full-chain file.\n\
                  IIS: import the intermediate certificates into the Intermediate Certification \
                  Authorities store of the computer account.",
    references: &[
        Reference {
            title: "RFC 5280 §6 (certification path validation)",
            url: "https://www.rfc-editor.org/rfc/rfc5280#section-6",
        },
        Reference {
            title: "RFC 8446 §4.4.2 (the server's certificate list)",
            url: "https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2",
        },
        Reference {
            title: "RIA: Configuring two-way SSL in the Ubuntu Nginx web server (certificates)",
            url: "https://open-eid.github.io/nginx",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "chain_trusted",
            status: Status::Pass,
            meaning: "the chain leads to a root in the trust store",
        },
        FindingDecl {
            key: "unknown_issuer",
            status: Status::Fail,
            meaning: "the chain does not lead to a trusted root",
        },
        FindingDecl {
            key: "bad_signature",
            status: Status::Fail,
            meaning: "a certificate of the chain has a signature that does not verify",
        },
        FindingDecl {
            key: "revoked",
            status: Status::Fail,
            meaning: "the verifier reports a certificate of the chain as revoked",
        },
        FindingDecl {
            key: "bad_encoding",
            status: Status::Fail,
            meaning: "a certificate of the chain is badly encoded",
        },
        FindingDecl {
            key: "chain_invalid",
            status: Status::Fail,
            meaning: "the verifier rejects the chain for another reason",
        },
        FindingDecl {
            key: "trust_not_judged",
            status: Status::Inconclusive,
            meaning: "the verifier stopped at another problem (e.g. validity period), so trust could not be judged",
        },
    ],
    params: &[],
};

/// What was found on one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// The chain verifies to a trusted root.
    ChainTrusted,
    /// No trusted root issued the chain (self-signed, private CA, missing intermediate).
    UnknownIssuer,
    /// A signature in the chain does not verify.
    BadSignature,
    /// A certificate in the chain is revoked.
    Revoked,
    /// A certificate could not be decoded by the verifier.
    BadEncoding,
    /// Any other verifier error.
    ChainInvalid,
}

impl Finding {
    fn key(self) -> &'static str {
        match self {
            Finding::ChainTrusted => "chain_trusted",
            Finding::UnknownIssuer => "unknown_issuer",
            Finding::BadSignature => "bad_signature",
            Finding::Revoked => "revoked",
            Finding::BadEncoding => "bad_encoding",
            Finding::ChainInvalid => "chain_invalid",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Finding::ChainTrusted => "the chain is trusted",
            Finding::UnknownIssuer => "the chain does not lead to a trusted root",
            Finding::BadSignature => "a signature in the chain does not verify",
            Finding::Revoked => "a certificate in the chain is revoked",
            Finding::BadEncoding => "a certificate in the chain is malformed",
            Finding::ChainInvalid => "the chain is not valid",
        }
    }
}

impl Check for TrustedChain {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.tls,
            |_, tls| {
                let verdict = &tls.trust.chain_only;
                let evidence = json!({
                    "chain_only": verdict,
                    "at_scan_time": tls.trust.at_scan_time,
                    "roots": tls.trust.roots,
                    "chain_length": tls.chain.len(),
                });
                let finding = match verdict.as_ref().map(|v| v.kind.as_str()) {
                    // A name mismatch is judged by cert.hostname-match; the chain itself is trusted.
                    None | Some("not_valid_for_name") => Finding::ChainTrusted,
                    // Time problems are judged by cert.not-expired; the verifier stopped there, so
                    // whether the chain is otherwise trusted is unknown.
                    Some(kind @ ("expired" | "not_valid_yet")) => {
                        return EndpointVerdict::new(
                            Status::Inconclusive,
                            "trust_not_judged",
                            format!(
                                "the verifier stopped at a validity-period problem ({kind}), \
                             so chain trust could not be judged apart from time"
                            ),
                            evidence,
                        );
                    }
                    Some("unknown_issuer") => Finding::UnknownIssuer,
                    Some("bad_signature") => Finding::BadSignature,
                    Some("revoked") => Finding::Revoked,
                    Some("bad_encoding") => Finding::BadEncoding,
                    Some(_) => Finding::ChainInvalid,
                };
                match (finding, verdict) {
                    (Finding::ChainTrusted, _) | (_, None) => EndpointVerdict::new(
                        Status::Pass,
                        Finding::ChainTrusted.key(),
                        format!("{} ({})", Finding::ChainTrusted.describe(), tls.trust.roots),
                        evidence,
                    ),
                    (finding, Some(error)) => EndpointVerdict::new(
                        Status::Fail,
                        finding.key(),
                        format!("{}: {}", finding.describe(), error.detail),
                        evidence,
                    ),
                }
            },
        )
    }
}
