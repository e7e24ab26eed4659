//! Revocation without I/O: reads OCSP responses (RFC 6960) and CRLs (RFC 5280 §5) for one
//! certificate, checks their signatures against the issuer (aws-lc-rs through x509-parser's
//! `verify-aws`), and builds OCSP requests. The probe uses it to decide whether to ask a CA and
//! to read the CRLs it fetched; the checks use it to judge stapled and fetched OCSP responses,
//! so both read the same bytes the same way.

mod answer;
mod cert;
pub mod crl;
pub mod ocsp;
mod signature;

pub use answer::{
    Answer, CLOCK_SKEW, MAX_AGE_WITHOUT_NEXT_UPDATE, Problem, ProblemKind, fresh, reason_name,
};
pub use cert::{Cert, CertParseError, find_issuer, serial_text};
pub use signature::SignatureCheck;

/// Unix seconds as RFC 3339 UTC; out-of-range values are shown as the raw number.
pub fn time_text(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("@{unix}"))
}

/// The verifier error that makes the chain untrusted, judged apart from time (`chain_only`):
/// `None` when the chain is trusted (a name mismatch or a time error does not count here).
pub fn chain_untrusted(
    trust: &govscan_model::TrustVerdict,
) -> Option<&govscan_model::VerifierError> {
    trust.chain_only.as_ref().filter(|e| {
        !matches!(
            e.kind.as_str(),
            "not_valid_for_name" | "expired" | "not_valid_yet"
        )
    })
}

#[cfg(test)]
mod vector_tests;
