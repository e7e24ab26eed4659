//! Certificate checks: chain trust and completeness, name match, validity and lifetime, keys,
//! signatures, Certificate Transparency, OCSP stapling and revocation, plus the DER helpers they
//! share.

pub mod chain_complete;
pub mod expiry_soon;
pub(crate) mod facts;
pub mod hostname_match;
pub mod key_strength;
pub mod lifetime;
pub mod not_expired;
pub mod not_revoked;
pub mod ocsp_stapling;
pub mod signature_algorithm;
pub(crate) mod staple;
pub mod transparency;
pub mod trusted_chain;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use govscan_model::{CertificateDer, Status, TlsObservation};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cert::facts::{CertFacts, chain_facts, facts};
use crate::endpoints::EndpointVerdict;

/// Decodes a certificate's base64 DER; the error names what was wrong.
pub(crate) fn der_bytes(cert: &CertificateDer) -> Result<Vec<u8>, String> {
    STANDARD
        .decode(cert.der_base64.trim())
        .map_err(|e| format!("certificate is not valid base64: {e}"))
}

/// The facts of every certificate the server sent, or the Fail verdict for the first one that
/// did not parse; its message reads "certificate {position}{place}: {error}".
pub(crate) fn parsed_chain(
    tls: &TlsObservation,
    place: &str,
) -> Result<Vec<CertFacts>, EndpointVerdict> {
    chain_facts(tls).map_err(|(i, e)| {
        EndpointVerdict::new(
            Status::Fail,
            "certificate_unparseable",
            format!("certificate {i}{place}: {e}"),
            json!({ "position": i, "error": e }),
        )
    })
}

/// The facts of the leaf certificate, or the Fail verdict for a missing or unparseable leaf.
pub(crate) fn parsed_leaf(tls: &TlsObservation) -> Result<CertFacts, EndpointVerdict> {
    let der = tls.chain.first().ok_or_else(|| no_certificate(json!({})))?;
    facts(der, 0).map_err(|e| {
        EndpointVerdict::new(
            Status::Fail,
            "certificate_unparseable",
            format!("the leaf {e}"),
            json!({ "error": e }),
        )
    })
}

/// The Fail verdict for a server that sent no certificate.
pub(crate) fn no_certificate(evidence: Value) -> EndpointVerdict {
    EndpointVerdict::new(
        Status::Fail,
        "certificate_unparseable",
        "the server sent no certificate",
        evidence,
    )
}

/// Unix seconds as RFC 3339 UTC; out-of-range values are shown as the raw number.
pub(crate) fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("@{unix}"))
}

/// Whole days from `now` until `until` (negative once passed), rounded towards minus infinity.
pub(crate) fn days_between(now: i64, until: i64) -> i64 {
    until.saturating_sub(now).div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_counts_days() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_737_600), "2026-11-27T00:00:00Z");
        assert_eq!(rfc3339(i64::MAX), format!("@{}", i64::MAX));
        assert_eq!(days_between(0, 86_400 * 3 + 5), 3);
        assert_eq!(days_between(10, 0), -1);
        assert_eq!(
            days_between(i64::MIN, i64::MAX),
            i64::MAX.div_euclid(86_400)
        );
    }

    #[test]
    fn rejects_bad_base64() {
        let bad = CertificateDer {
            der_base64: "not base64!".into(),
        };
        assert!(der_bytes(&bad).is_err());
        let good = CertificateDer {
            der_base64: "AAEC".into(),
        };
        assert_eq!(der_bytes(&good), Ok(vec![0, 1, 2]));
    }
}
