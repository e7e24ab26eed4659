//! A certificate path valid at scan time exists: the leaf and the certificates on the path the
//! verifier builds are inside their validity period. An extra expired certificate the server
//! sends (an old cross-sign) that no path needs is noted, not failed.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
    TlsObservation,
};
use serde_json::{Value, json};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cert::{days_between, der_bytes, rfc3339};
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct NotExpired;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const VALID: FindingDecl = FindingDecl {
    key: "valid",
    status: Status::Pass,
    meaning: "every certificate of the path is within its validity period",
};
const UNUSED_CERTIFICATE_OUT_OF_VALIDITY: FindingDecl = FindingDecl {
    key: "unused_certificate_out_of_validity",
    status: Status::Pass,
    meaning: "an expired certificate is sent but no trusted path uses it",
};
const EXPIRED: FindingDecl = FindingDecl {
    key: "expired",
    status: Status::Fail,
    meaning: "the leaf certificate has expired",
};
const NOT_YET_VALID: FindingDecl = FindingDecl {
    key: "not_yet_valid",
    status: Status::Fail,
    meaning: "the leaf certificate is not valid yet",
};
const INTERMEDIATE_EXPIRED: FindingDecl = FindingDecl {
    key: "intermediate_expired",
    status: Status::Fail,
    meaning: "an intermediate certificate has expired",
};
const INTERMEDIATE_NOT_YET_VALID: FindingDecl = FindingDecl {
    key: "intermediate_not_yet_valid",
    status: Status::Fail,
    meaning: "an intermediate certificate is not valid yet",
};
const PATH_EXPIRED: FindingDecl = FindingDecl {
    key: "path_expired",
    status: Status::Fail,
    meaning: "every path to a trusted root runs through an expired certificate",
};
const CERTIFICATE_UNPARSEABLE: FindingDecl = FindingDecl {
    key: "certificate_unparseable",
    status: Status::Fail,
    meaning: "the server sent no certificate, or one that does not parse",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.not-expired",
    family: Family::Cert,
    title: "The certificate is within its validity period",
    level: Level::Must,
    rationale: "Browsers refuse an expired or not-yet-valid certificate with a full-page \
                warning, and an expired intermediate when no other path to a trusted root \
                exists. Browsers build their own path (RFC 5280 §6, RFC 4158), so an extra \
                expired certificate the server sends alongside a valid path (an old \
                cross-sign) does not break them; it is noted because very old clients that \
                use the chain as sent may still fail.",
    remediation: "Renew the certificate before it expires and automate renewal (ACME, e.g. \
                  certbot or the web server's own ACME module); remove expired intermediates \
                  from the chain file. After renewing, reload the server so it sends the new \
                  certificate.\n\
                  nginx: update the `ssl_certificate` file and run `nginx -s reload`.\n\
                  Apache: update `SSLCertificateFile` and run `apachectl graceful`.\n\
                  IIS: import the renewed certificate and change the site's https binding to it.\n\
                  Expiry that is near but not yet reached is judged by cert.expiry-soon.",
    references: &[
        Reference {
            title: "RFC 5280 §4.1.2.5 (validity) and §6.1.3 (path validation uses the current time)",
            url: "https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5",
        },
        Reference {
            title: "RFC 4158 §2 (a relying party builds its own path; certificates it does not need are ignored)",
            url: "https://www.rfc-editor.org/rfc/rfc4158#section-2",
        },
        Reference {
            title: "CA/Browser Forum Baseline Requirements (certificate validity period)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        VALID,
        UNUSED_CERTIFICATE_OUT_OF_VALIDITY,
        EXPIRED,
        NOT_YET_VALID,
        INTERMEDIATE_EXPIRED,
        INTERMEDIATE_NOT_YET_VALID,
        PATH_EXPIRED,
        CERTIFICATE_UNPARSEABLE,
    ],
    params: &[],
};

/// What was found on one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// Every certificate is inside its validity period.
    Valid,
    /// The leaf's notAfter has passed.
    Expired,
    /// The leaf's notBefore is in the future.
    NotYetValid,
    /// A valid path exists; the server also sends a certificate outside its validity period
    /// that no path needs (an old cross-sign).
    UnusedCertificateOutOfValidity,
    /// A certificate after the leaf has expired and no valid path exists without it.
    IntermediateExpired,
    /// A certificate after the leaf is not yet valid.
    IntermediateNotYetValid,
    /// The leaf could not be decoded or parsed, or there was none.
    CertificateUnparseable,
    /// The verifier found no path valid at scan time for a time reason, but every certificate
    /// sent is inside its window (the expired one is not sent).
    PathExpired,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::Valid => VALID,
            Finding::UnusedCertificateOutOfValidity => UNUSED_CERTIFICATE_OUT_OF_VALIDITY,
            Finding::Expired => EXPIRED,
            Finding::NotYetValid => NOT_YET_VALID,
            Finding::IntermediateExpired => INTERMEDIATE_EXPIRED,
            Finding::IntermediateNotYetValid => INTERMEDIATE_NOT_YET_VALID,
            Finding::CertificateUnparseable => CERTIFICATE_UNPARSEABLE,
            Finding::PathExpired => PATH_EXPIRED,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }
}

/// One certificate's validity window, judged at `now`.
struct Window {
    subject: String,
    not_before: i64,
    not_after: i64,
}

impl Window {
    fn evidence(&self, position: usize, now: i64) -> Value {
        json!({
            "position": position,
            "subject": self.subject,
            "not_before": rfc3339(self.not_before),
            "not_after": rfc3339(self.not_after),
            "days_remaining": days_between(now, self.not_after),
            "expired": now > self.not_after,
            "not_yet_valid": now < self.not_before,
        })
    }
}

fn window(der_base64: &govscan_model::CertificateDer) -> Result<Window, String> {
    let der = der_bytes(der_base64)?;
    let (_, cert) =
        X509Certificate::from_der(&der).map_err(|e| format!("certificate does not parse: {e}"))?;
    let validity = cert.validity();
    Ok(Window {
        subject: cert.subject().to_string(),
        not_before: validity.not_before.timestamp(),
        not_after: validity.not_after.timestamp(),
    })
}

fn judge(tls: &TlsObservation, now: i64) -> EndpointVerdict {
    let verifier_at_scan_time = tls.trust.at_scan_time.as_ref().map(|v| v.kind.as_str());
    let Some(leaf_der) = tls.chain.first() else {
        return EndpointVerdict::new(
            Status::Fail,
            Finding::CertificateUnparseable.key(),
            "the server sent no certificate",
            json!({ "now": rfc3339(now), "verifier_at_scan_time": verifier_at_scan_time }),
        );
    };
    let leaf = match window(leaf_der) {
        Ok(leaf) => leaf,
        Err(error) => {
            return EndpointVerdict::new(
                Status::Fail,
                Finding::CertificateUnparseable.key(),
                format!("the leaf {error}"),
                json!({ "now": rfc3339(now), "error": error, "verifier_at_scan_time": verifier_at_scan_time }),
            );
        }
    };
    let mut others = Vec::new();
    let mut unparseable = Vec::new();
    for (i, der) in tls.chain.iter().enumerate().skip(1) {
        match window(der) {
            Ok(w) => others.push((i, w)),
            Err(error) => unparseable.push(json!({ "position": i, "error": error })),
        }
    }
    let days_remaining = days_between(now, leaf.not_after);
    let evidence = json!({
        "now": rfc3339(now),
        "leaf": leaf.evidence(0, now),
        "chain": others.iter().map(|(i, w)| w.evidence(*i, now)).collect::<Vec<_>>(),
        "unparseable_chain_certificates": unparseable,
        "verifier_at_scan_time": verifier_at_scan_time,
    });
    let expired_other = others.iter().find(|(_, w)| now > w.not_after);
    let future_other = others.iter().find(|(_, w)| now < w.not_before);
    let out_of_window = expired_other.or(future_other);
    let leaf_valid = format!(
        "the certificate is valid until {} ({days_remaining} days)",
        rfc3339(leaf.not_after)
    );
    let (status, finding, message) = if now > leaf.not_after {
        (
            Status::Fail,
            Finding::Expired,
            format!(
                "the certificate expired on {} ({} days ago)",
                rfc3339(leaf.not_after),
                -days_remaining
            ),
        )
    } else if now < leaf.not_before {
        (
            Status::Fail,
            Finding::NotYetValid,
            format!(
                "the certificate is not valid until {}",
                rfc3339(leaf.not_before)
            ),
        )
    } else if path_fails_on_time(verifier_at_scan_time) {
        // No path is valid now, and time is why: name the certificate sent out of its window.
        match (expired_other, future_other) {
            (Some((i, w)), _) => (
                Status::Fail,
                Finding::IntermediateExpired,
                format!(
                    "no valid certificate path at scan time: chain certificate {i} ({}) expired on {}",
                    w.subject,
                    rfc3339(w.not_after)
                ),
            ),
            (None, Some((i, w))) => (
                Status::Fail,
                Finding::IntermediateNotYetValid,
                format!(
                    "no valid certificate path at scan time: chain certificate {i} ({}) is not valid until {}",
                    w.subject,
                    rfc3339(w.not_before)
                ),
            ),
            (None, None) => (
                Status::Fail,
                Finding::PathExpired,
                format!(
                    "the verifier found no certificate path valid at scan time ({}), although every certificate sent is inside its validity period",
                    verifier_at_scan_time.unwrap_or_default()
                ),
            ),
        }
    } else if let Some((i, w)) =
        out_of_window.filter(|_| verifier_judged_time(verifier_at_scan_time))
    {
        // The verifier built a path (or stopped for a reason it only reaches after checking
        // every candidate's time): the certificate out of its window is on no path it needs.
        (
            Status::Pass,
            Finding::UnusedCertificateOutOfValidity,
            format!(
                "{leaf_valid}; the server also sends chain certificate {i} ({}, valid {} to {}), which is on no certificate path the verifier builds: browsers ignore it, very old clients may not, so remove it from the chain file",
                w.subject,
                rfc3339(w.not_before),
                rfc3339(w.not_after)
            ),
        )
    } else if let Some((i, w)) = out_of_window {
        // The verifier stopped for a reason that says nothing about time: judge as sent.
        let finding = if now > w.not_after {
            Finding::IntermediateExpired
        } else {
            Finding::IntermediateNotYetValid
        };
        (
            Status::Fail,
            finding,
            format!(
                "chain certificate {i} ({}) is outside its validity period ({} to {}) and the verifier could not build a path to judge whether it is needed",
                w.subject,
                rfc3339(w.not_before),
                rfc3339(w.not_after)
            ),
        )
    } else {
        (Status::Pass, Finding::Valid, leaf_valid)
    };
    EndpointVerdict::new(status, finding.key(), message, evidence)
}

/// True when the verifier found no path valid at scan time because of a validity period.
fn path_fails_on_time(at_scan_time: Option<&str>) -> bool {
    matches!(at_scan_time, Some("expired" | "not_valid_yet"))
}

/// True when the verifier's verdict at scan time shows that every candidate path it tried was
/// inside its validity period: it accepted a path (`None`); the name is checked only after a
/// path is found (`not_valid_for_name`); or webpki ranks a time error above these failures, so
/// any candidate path that failed on time would have been reported as `expired` instead.
fn verifier_judged_time(at_scan_time: Option<&str>) -> bool {
    matches!(
        at_scan_time,
        None | Some("not_valid_for_name" | "unknown_issuer" | "bad_signature" | "revoked")
    )
}

impl Check for NotExpired {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.tls,
            |_, tls| judge(tls, ctx.now_unix),
        )
    }
}
