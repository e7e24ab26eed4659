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
pub use cert::{Cert, find_issuer, serial_text};
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

#[cfg(test)]
mod vector_tests;
