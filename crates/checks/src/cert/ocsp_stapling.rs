//! The server staples a successful OCSP response when its certificate names an OCSP responder.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use govscan_model::{
    CheckMeta, Family, Level, Need, Observations, Outcome, Reference, Status, TlsObservation,
};
use serde_json::json;

use crate::cert::facts::facts;
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct OcspStapling;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.ocsp-stapling",
    family: Family::Cert,
    title: "OCSP responses are stapled",
    level: Level::Should,
    rationale: "With stapling the server hands clients a fresh, CA-signed revocation status, so \
                clients do not have to ask the CA (which leaks which sites people visit and \
                fails open when the responder is slow). Certificates that name no OCSP \
                responder (e.g. Let's Encrypt since 2025, which uses CRLs) cannot be stapled, \
                so the check does not apply to them.",
    remediation: "Turn on OCSP stapling.\n\
                  nginx: `ssl_stapling on; ssl_stapling_verify on;` plus a `resolver` and \
                  `ssl_trusted_certificate` with the chain.\n\
                  Apache: `SSLUseStapling on` and `SSLStaplingCache shmcb:/var/run/ocsp(128000)` \
                  (outside the virtual host).\n\
                  IIS / Windows: stapling is on by default when the server can reach the CA's \
                  OCSP responder.",
    references: &[
        Reference {
            title: "RFC 6066 §8 (Certificate Status Request)",
            url: "https://www.rfc-editor.org/rfc/rfc6066#section-8",
        },
        Reference {
            title: "Mozilla Server Side TLS (OCSP stapling)",
            url: "https://wiki.mozilla.org/Security/Server_Side_TLS",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
};

/// The OCSPResponse's responseStatus (RFC 6960 §4.2.1: SEQUENCE { ENUMERATED, ... }).
fn response_status(der: &[u8]) -> Option<u8> {
    if *der.first()? != 0x30 {
        return None;
    }
    let len_byte = *der.get(1)?;
    let at = if len_byte < 0x80 {
        2
    } else {
        2 + usize::from(len_byte & 0x7F)
    };
    match der.get(at..at + 3)? {
        [0x0A, 0x01, status] => Some(*status),
        _ => None,
    }
}

fn judge(tls: &TlsObservation) -> EndpointVerdict {
    let responders = tls
        .chain
        .first()
        .and_then(|c| facts(c, 0).ok())
        .map(|f| f.ocsp_urls)
        .unwrap_or_default();
    let staple = tls
        .ocsp_stapled
        .as_deref()
        .map(|b| STANDARD.decode(b.trim()));
    let status = match &staple {
        Some(Ok(der)) => response_status(der),
        _ => None,
    };
    let evidence = json!({
        "ocsp_responders": responders,
        "stapled": staple.is_some(),
        "stapled_bytes": staple.as_ref().and_then(|s| s.as_ref().ok()).map(Vec::len),
        "response_status": status,
    });
    match (staple, status) {
        (Some(_), Some(0)) => EndpointVerdict::new(
            Status::Pass,
            "stapled",
            "a successful OCSP response is stapled",
            evidence,
        ),
        (Some(_), Some(code)) => EndpointVerdict::new(
            Status::Fail,
            "staple_not_successful",
            format!("the stapled OCSP response has status {code}, not successful"),
            evidence,
        ),
        (Some(_), None) => EndpointVerdict::new(
            Status::Fail,
            "staple_unparseable",
            "the stapled OCSP response is not a valid OCSPResponse",
            evidence,
        ),
        (None, _) if responders.is_empty() => EndpointVerdict::new(
            Status::NotApplicable,
            "no_ocsp_responder",
            "the certificate names no OCSP responder, so there is nothing to staple",
            evidence,
        ),
        (None, _) => EndpointVerdict::new(
            Status::Fail,
            "not_stapled",
            format!(
                "no OCSP response is stapled although the certificate names a responder ({})",
                responders.join(", ")
            ),
            evidence,
        ),
    }
}

impl Check for OcspStapling {
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
        assert_fixtures(&OcspStapling);
    }

    #[test]
    fn reads_the_response_status() {
        assert_eq!(response_status(&[0x30, 3, 0x0A, 1, 0]), Some(0));
        assert_eq!(response_status(&[0x30, 0x81, 3, 0x0A, 1, 6]), Some(6));
        assert_eq!(response_status(&[0x04, 3, 0x0A, 1, 0]), None);
        assert_eq!(response_status(&[]), None);
    }
}
