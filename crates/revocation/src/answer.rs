//! What a revocation source says about one certificate once it has been read and judged:
//! good, revoked (when and why), unknown, or a problem that makes it unusable — and the
//! freshness rule shared by OCSP responses and CRLs.

use serde::Serialize;

/// Tolerated clock difference between the scanner and the CA, in seconds.
pub const CLOCK_SKEW: i64 = 300;

/// The oldest a response or CRL without nextUpdate may be: the CA/Browser Forum Baseline
/// Requirements cap an OCSP response's validity (§4.9.10) and a CRL's (§4.9.7) at ten days.
pub const MAX_AGE_WITHOUT_NEXT_UPDATE: i64 = 10 * 86_400;

/// The verdict of one revocation source about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Not revoked, from a fresh, correctly signed answer.
    Good,
    /// Revoked, from a correctly signed answer (fresh or not: revocation is final).
    Revoked {
        /// When, Unix seconds.
        at: i64,
        /// The RFC 5280 §5.3.1 reason name, if given.
        reason: Option<String>,
    },
    /// The OCSP responder does not know the certificate (RFC 6960 §2.2).
    Unknown,
    /// The answer cannot be relied on.
    Problem(Problem),
}

/// Why an answer cannot be relied on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The class of problem.
    pub kind: ProblemKind,
    /// One sentence.
    pub detail: String,
}

impl Problem {
    /// A problem of `kind`.
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Problem {
        Problem {
            kind,
            detail: detail.into(),
        }
    }
}

/// Classes of unusable answers; `key()` gives the stable finding suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Not DER, not the expected structure.
    Unparseable,
    /// An OCSP responseStatus other than successful.
    NotSuccessful,
    /// About another certificate (no matching CertID; a CRL of another issuer).
    WrongCertificate,
    /// The signature does not verify.
    BadSignature,
    /// The scanner cannot check the signature's algorithm or key.
    Unverifiable,
    /// Signed by someone not allowed to answer for the issuer (RFC 6960 §4.2.2.2).
    UnauthorizedSigner,
    /// thisUpdate lies in the future.
    NotYetValid,
    /// Past nextUpdate (or older than ten days without one).
    Stale,
    /// A CRL that does not cover this certificate (delta, partial, other scope).
    OutOfScope,
}

impl ProblemKind {
    /// The stable key, e.g. `bad_signature`.
    pub fn key(self) -> &'static str {
        match self {
            ProblemKind::Unparseable => "unparseable",
            ProblemKind::NotSuccessful => "not_successful",
            ProblemKind::WrongCertificate => "wrong_certificate",
            ProblemKind::BadSignature => "bad_signature",
            ProblemKind::Unverifiable => "unverifiable",
            ProblemKind::UnauthorizedSigner => "unauthorized_signer",
            ProblemKind::NotYetValid => "not_yet_valid",
            ProblemKind::Stale => "stale",
            ProblemKind::OutOfScope => "out_of_scope",
        }
    }
}

/// Whether information issued at `this_update` and valid until `next_update` may be used at
/// `now` (all Unix seconds), with [`CLOCK_SKEW`] either way; without nextUpdate it may be used
/// for [`MAX_AGE_WITHOUT_NEXT_UPDATE`].
pub fn fresh(this_update: i64, next_update: Option<i64>, now: i64) -> Result<(), Problem> {
    if this_update > now.saturating_add(CLOCK_SKEW) {
        return Err(Problem::new(
            ProblemKind::NotYetValid,
            format!(
                "its thisUpdate ({}) is in the future",
                crate::time_text(this_update)
            ),
        ));
    }
    let expires = next_update.unwrap_or(this_update.saturating_add(MAX_AGE_WITHOUT_NEXT_UPDATE));
    if expires.saturating_add(CLOCK_SKEW) < now {
        let why = match next_update {
            Some(next) => format!("its nextUpdate ({}) has passed", crate::time_text(next)),
            None => format!(
                "it has no nextUpdate and was issued more than ten days ago ({})",
                crate::time_text(this_update)
            ),
        };
        return Err(Problem::new(ProblemKind::Stale, why));
    }
    Ok(())
}

/// The RFC 5280 §5.3.1 name of a CRLReason code.
pub fn reason_name(code: u32) -> String {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        other => return format!("reason code {other}"),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_737_600;

    #[test]
    fn freshness_follows_this_and_next_update() {
        assert!(fresh(NOW - 3600, Some(NOW + 3600), NOW).is_ok());
        assert!(
            fresh(NOW + 60, Some(NOW + 3600), NOW).is_ok(),
            "within the skew"
        );
        let future = fresh(NOW + 3600, Some(NOW + 7200), NOW).expect_err("future");
        assert_eq!(future.kind, ProblemKind::NotYetValid);
        let stale = fresh(NOW - 7200, Some(NOW - 3600), NOW).expect_err("stale");
        assert_eq!(stale.kind, ProblemKind::Stale);
        assert!(fresh(NOW - 9 * 86_400, None, NOW).is_ok());
        let old = fresh(NOW - 11 * 86_400, None, NOW).expect_err("old");
        assert_eq!(old.kind, ProblemKind::Stale);
        assert!(fresh(i64::MIN, Some(i64::MAX), NOW).is_ok());
    }

    #[test]
    fn reason_names_follow_rfc_5280() {
        assert_eq!(reason_name(1), "keyCompromise");
        assert_eq!(reason_name(6), "certificateHold");
        assert_eq!(reason_name(7), "reason code 7");
    }
}
