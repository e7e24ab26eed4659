//! Whether a browser accepts an endpoint's certificate, from the verifier's verdict at scan
//! time. RFC 6797 §8.1: a user agent processes Strict-Transport-Security only when there are no
//! secure transport errors or warnings, so HSTS sent over a rejected certificate is ignored.

use govscan_model::{EndpointObservations, VerifierError};
use serde_json::{Value, json};

/// A browser's view of the endpoint's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CertificateAcceptance {
    /// The verifier accepted the chain for the domain name at scan time.
    Accepted,
    /// The verifier rejected it: browsers show an error and ignore HSTS.
    Rejected(VerifierError),
    /// The TLS handshake was not recorded, so the certificate is unknown (the reason).
    Unknown(String),
}

impl CertificateAcceptance {
    /// The acceptance of `ep`'s certificate (the modern handshake with the domain as SNI).
    pub(crate) fn of(ep: &EndpointObservations) -> CertificateAcceptance {
        match ep.tls.value() {
            Some(tls) => match &tls.trust.at_scan_time {
                None => CertificateAcceptance::Accepted,
                Some(error) => CertificateAcceptance::Rejected(error.clone()),
            },
            None => CertificateAcceptance::Unknown(
                ep.tls
                    .missing_reason()
                    .unwrap_or_else(|| "no TLS handshake recorded".into()),
            ),
        }
    }

    /// Evidence.
    pub(crate) fn evidence(&self) -> Value {
        match self {
            CertificateAcceptance::Accepted => json!({ "accepted": true }),
            CertificateAcceptance::Rejected(error) => json!({
                "accepted": false, "verifier_error": error.kind, "detail": error.detail,
            }),
            CertificateAcceptance::Unknown(reason) => json!({ "accepted": null, "reason": reason }),
        }
    }
}

/// Why a browser rejects the certificate, in words.
pub(crate) fn rejection_reason(error: &VerifierError) -> String {
    match error.kind.as_str() {
        "expired" => "the certificate has expired".into(),
        "not_valid_yet" => "the certificate is not valid yet".into(),
        "not_valid_for_name" => "the certificate is not valid for this name".into(),
        "unknown_issuer" => "the certificate is not issued by a trusted authority".into(),
        "bad_signature" => "a signature in the certificate chain does not verify".into(),
        "revoked" => "the certificate is revoked".into(),
        _ => format!("the certificate is rejected: {}", error.detail),
    }
}
