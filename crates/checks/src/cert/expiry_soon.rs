//! The leaf certificate does not expire soon (warn under 30 days, fail under 7 by default).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, ParamDecl, ParamKind,
    ParamValue, Reference, Status, TlsObservation,
};
use serde_json::json;

use crate::cert::{days_between, parsed_leaf, rfc3339};
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct ExpirySoon;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.expiry-soon",
    family: Family::Cert,
    title: "The certificate is renewed well before it expires",
    level: Level::Should,
    rationale: "A certificate that expires takes the site down for every visitor at once. \
                Automated renewal replaces certificates about 30 days before expiry, so a \
                certificate with less time left usually means renewal has failed or is manual. \
                An already expired certificate is judged by cert.not-expired, not here.",
    remediation: "Renew now and automate renewal (ACME: certbot, acme.sh, or the server's own \
                  ACME client), with monitoring that alerts when fewer than 30 days remain.\n\
                  nginx: point `ssl_certificate` at the renewed file and `nginx -s reload`.\n\
                  Apache: update `SSLCertificateFile` and `apachectl graceful`.\n\
                  IIS: bind the renewed certificate to the site (or use win-acme).",
    references: &[
        Reference {
            title: "RFC 8555 (ACME): automated certificate issuance and renewal",
            url: "https://www.rfc-editor.org/rfc/rfc8555",
        },
        Reference {
            title: "Let's Encrypt: renew 30 days before expiry",
            url: "https://letsencrypt.org/docs/faq/",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "not_expiring_soon",
            status: Status::Pass,
            meaning: "the leaf certificate is valid for more than warn_days",
        },
        FindingDecl {
            key: "expires_within_warn_days",
            status: Status::Warn,
            meaning: "the leaf certificate expires within warn_days",
        },
        FindingDecl {
            key: "expires_within_fail_days",
            status: Status::Fail,
            meaning: "the leaf certificate expires within fail_days",
        },
        FindingDecl {
            key: "already_expired",
            status: Status::NotApplicable,
            meaning: "the leaf has already expired (cert.not-expired fails it)",
        },
        FindingDecl {
            key: "certificate_unparseable",
            status: Status::Fail,
            meaning: "the server sent no certificate, or one that does not parse",
        },
    ],
    params: &[
        ParamDecl {
            name: "warn_days",
            // A certificate may live at most 398 days under the CA/B Forum Baseline Requirements.
            kind: ParamKind::Integer { min: 0, max: 398 },
            default: ParamValue::Integer(30),
            doc: "warn when the leaf certificate expires in fewer days",
        },
        ParamDecl {
            name: "fail_days",
            kind: ParamKind::Integer { min: 0, max: 398 },
            default: ParamValue::Integer(7),
            doc: "fail when the leaf certificate expires in fewer days",
        },
    ],
};

fn judge(tls: &TlsObservation, now: i64, warn_days: i64, fail_days: i64) -> EndpointVerdict {
    let leaf = match parsed_leaf(tls) {
        Ok(f) => f,
        Err(verdict) => return verdict,
    };
    let days = days_between(now, leaf.not_after);
    let evidence = json!({
        "now": rfc3339(now), "not_after": rfc3339(leaf.not_after), "days_remaining": days,
        "warn_days": warn_days, "fail_days": fail_days,
    });
    let when = format!(
        "the certificate expires on {} (in {days} days)",
        rfc3339(leaf.not_after)
    );
    if now > leaf.not_after {
        EndpointVerdict::new(
            Status::NotApplicable,
            "already_expired",
            format!(
                "the certificate already expired on {} (judged by cert.not-expired)",
                rfc3339(leaf.not_after)
            ),
            evidence,
        )
    } else if days < fail_days {
        EndpointVerdict::new(Status::Fail, "expires_within_fail_days", when, evidence)
    } else if days < warn_days {
        EndpointVerdict::new(Status::Warn, "expires_within_warn_days", when, evidence)
    } else {
        EndpointVerdict::new(Status::Pass, "not_expiring_soon", when, evidence)
    }
}

impl Check for ExpirySoon {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let warn = ctx.param_i64(&META, "warn_days");
        let fail = ctx.param_i64(&META, "fail_days");
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.tls,
            |_, tls| judge(tls, ctx.now_unix, warn, fail),
        )
    }
}
