//! A publicly trusted leaf certificate carries Signed Certificate Timestamps (Certificate
//! Transparency); certificates from private CAs are not applicable.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
    TlsObservation,
};
use serde_json::json;

use crate::cert::facts::CertFacts;
use crate::cert::{no_certificate, parsed_chain};
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct Transparency;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.transparency",
    family: Family::Cert,
    title: "The certificate is logged in Certificate Transparency",
    level: Level::Should,
    rationale: "Certificate Transparency makes every publicly trusted certificate visible, so \
                a mis-issued certificate for a government domain can be spotted. Chrome and \
                Safari reject public certificates without enough Signed Certificate Timestamps \
                (normally 2 or more, embedded by the CA). Private (internal) CAs are outside \
                CT, so the check does not apply to them.",
    remediation: "Use a publicly trusted CA that embeds SCTs (all major CAs do by default); \
                  re-issue certificates that lack them. Monitor CT logs for your domains \
                  (e.g. crt.sh, or the CA's own notification service).\n\
                  nginx / Apache / IIS: nothing to configure when the SCTs are embedded in the \
                  certificate.",
    references: &[
        Reference {
            title: "RFC 6962 §3.3 (SCTs in the certificate, TLS extension or OCSP)",
            url: "https://www.rfc-editor.org/rfc/rfc6962#section-3.3",
        },
        Reference {
            title: "Chrome Certificate Transparency policy",
            url: "https://googlechrome.github.io/CertificateTransparency/ct_policy.html",
        },
        Reference {
            title: "Apple's Certificate Transparency policy",
            url: "https://support.apple.com/en-us/103214",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "scts_embedded",
            status: Status::Pass,
            meaning: "the leaf carries enough signed certificate timestamps",
        },
        FindingDecl {
            key: "too_few_scts",
            status: Status::Warn,
            meaning: "the leaf carries fewer embedded SCTs than browsers normally require",
        },
        FindingDecl {
            key: "no_scts",
            status: Status::Fail,
            meaning: "the leaf carries no signed certificate timestamps",
        },
        FindingDecl {
            key: "private_ca",
            status: Status::NotApplicable,
            meaning: "the certificate is not issued under a publicly trusted root, where CT applies",
        },
        FindingDecl {
            key: "certificate_unparseable",
            status: Status::Fail,
            meaning: "the server sent no certificate, or one that does not parse",
        },
    ],
    params: &[],
};

/// Strips the outer tag and length of a DER element (the trust store keeps Name contents).
pub(crate) fn der_contents(der: &[u8]) -> Option<&[u8]> {
    let len_byte = *der.get(1)?;
    let header = if len_byte < 0x80 {
        2
    } else {
        2 + usize::from(len_byte & 0x7F)
    };
    der.get(header..)
}

/// Whether `name` (full DER of a Name) is the subject of a root in the Mozilla program
/// (webpki-roots, compiled in).
pub(crate) fn is_mozilla_root_subject(name: &[u8]) -> bool {
    let inner = der_contents(name);
    webpki_roots::TLS_SERVER_ROOTS.iter().any(|root| {
        let subject: &[u8] = root.subject.as_ref();
        subject == name || Some(subject) == inner
    })
}

/// Whether the chain ends at (or is issued by) a Mozilla root.
fn publicly_anchored(chain: &[CertFacts]) -> bool {
    chain.iter().any(|c| is_mozilla_root_subject(&c.issuer_raw))
}

fn judge(tls: &TlsObservation) -> EndpointVerdict {
    let chain = match parsed_chain(tls, "") {
        Ok(c) => c,
        Err(verdict) => return verdict,
    };
    let Some(leaf) = chain.first() else {
        return no_certificate(json!({}));
    };
    let public = publicly_anchored(&chain);
    let scts = leaf.sct_count.unwrap_or(0);
    let evidence = json!({
        "embedded_scts": scts,
        "issuer": leaf.issuer,
        "anchored_in_mozilla_root_program": public,
        "sources_checked": ["certificate extension (RFC 6962 §3.3)"],
        "not_checked": "SCTs in the TLS extension or in a stapled OCSP response",
    });
    if scts >= 2 {
        EndpointVerdict::new(
            Status::Pass,
            "scts_embedded",
            format!("the certificate carries {scts} embedded SCTs"),
            evidence,
        )
    } else if !public {
        EndpointVerdict::new(
            Status::NotApplicable,
            "private_ca",
            format!(
                "the certificate is not issued under a root of the Mozilla program ({}); Certificate Transparency applies to publicly trusted certificates only",
                leaf.issuer
            ),
            evidence,
        )
    } else if scts == 1 {
        EndpointVerdict::new(
            Status::Warn,
            "too_few_scts",
            "the certificate carries only 1 embedded SCT (browsers normally require 2 or more)",
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Fail,
            "no_scts",
            "the publicly trusted certificate carries no embedded SCTs",
            evidence,
        )
    }
}

impl Check for Transparency {
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

    #[test]
    fn strips_der_headers() {
        assert_eq!(der_contents(&[0x30, 2, 1, 2]), Some(&[1u8, 2][..]));
        assert_eq!(der_contents(&[0x30, 0x81, 1, 9]), Some(&[9u8][..]));
        assert_eq!(der_contents(&[0x30]), None);
        assert!(!is_mozilla_root_subject(&[0x30, 0]));
    }
}
