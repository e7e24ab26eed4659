//! The leaf certificate and every certificate the server sends with it are inside their validity period.

use govscan_model::{
    CheckMeta, Family, Level, Need, Observations, Outcome, Reference, Status, TlsObservation,
};
use serde_json::{Value, json};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cert::{days_between, der_bytes, rfc3339};
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct NotExpired;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.not-expired",
    family: Family::Cert,
    title: "The certificate is within its validity period",
    level: Level::Must,
    rationale: "Browsers refuse an expired or not-yet-valid certificate with a full-page \
                warning. An expired intermediate sent by the server breaks older clients even \
                when the leaf is fine.",
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
            title: "CA/Browser Forum Baseline Requirements (certificate validity period)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
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
    /// A certificate after the leaf has expired.
    IntermediateExpired,
    /// A certificate after the leaf is not yet valid.
    IntermediateNotYetValid,
    /// The leaf could not be decoded or parsed, or there was none.
    CertificateUnparseable,
}

impl Finding {
    fn key(self) -> &'static str {
        match self {
            Finding::Valid => "valid",
            Finding::Expired => "expired",
            Finding::NotYetValid => "not_yet_valid",
            Finding::IntermediateExpired => "intermediate_expired",
            Finding::IntermediateNotYetValid => "intermediate_not_yet_valid",
            Finding::CertificateUnparseable => "certificate_unparseable",
        }
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
    } else if let Some((i, w)) = expired_other {
        (
            Status::Fail,
            Finding::IntermediateExpired,
            format!(
                "chain certificate {i} ({}) expired on {}",
                w.subject,
                rfc3339(w.not_after)
            ),
        )
    } else if let Some((i, w)) = future_other {
        (
            Status::Fail,
            Finding::IntermediateNotYetValid,
            format!(
                "chain certificate {i} ({}) is not valid until {}",
                w.subject,
                rfc3339(w.not_before)
            ),
        )
    } else {
        (
            Status::Pass,
            Finding::Valid,
            format!(
                "the certificate is valid until {} ({days_remaining} days)",
                rfc3339(leaf.not_after)
            ),
        )
    };
    EndpointVerdict::new(status, finding.key(), message, evidence)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&NotExpired);
    }
}
