//! The leaf certificate's validity period is at most 398 days.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, ParamDecl, ParamKind,
    ParamValue, Reference, Status, TlsObservation,
};
use serde_json::json;

use crate::cert::{parsed_leaf, rfc3339};
use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The check.
pub struct Lifetime;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "cert.lifetime",
    family: Family::Cert,
    title: "The certificate is valid for at most 398 days",
    level: Level::Should,
    rationale: "Short-lived certificates limit how long a stolen key or a mis-issued \
                certificate stays usable and force renewal to be automated. Browsers reject \
                publicly trusted certificates issued after 2020-09-01 for longer than 398 days, \
                and the CA/Browser Forum is shortening the limit further (to 47 days by 2029).",
    remediation: "Use certificates of at most 398 days (ideally 90 days or less) and renew \
                  them automatically (ACME).\n\
                  nginx / Apache / IIS: install the shorter-lived certificate; for internal \
                  CAs, set `default_days 397` (openssl ca) or the template's validity period.",
    references: &[
        Reference {
            title: "CA/Browser Forum Baseline Requirements §6.3.2 (validity periods)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
        Reference {
            title: "Apple: About upcoming limits on trusted certificates (398 days)",
            url: "https://support.apple.com/en-us/102028",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "lifetime_ok",
            status: Status::Pass,
            meaning: "the leaf's validity period is at most max_days",
        },
        FindingDecl {
            key: "lifetime_too_long",
            status: Status::Fail,
            meaning: "the leaf's validity period is longer than max_days",
        },
        FindingDecl {
            key: "certificate_unparseable",
            status: Status::Fail,
            meaning: "the server sent no certificate, or one that does not parse",
        },
    ],
    params: &[ParamDecl {
        name: "max_days",
        kind: ParamKind::Integer { min: 1, max: 3650 },
        // The CA/Browser Forum limit since 2020-09-01.
        default: ParamValue::Integer(398),
        doc: "the longest validity period, in days, that passes",
    }],
};

fn judge(tls: &TlsObservation, max_days: i64) -> EndpointVerdict {
    let leaf = match parsed_leaf(tls) {
        Ok(f) => f,
        Err(verdict) => return verdict,
    };
    // Validity is inclusive of both ends (RFC 5280 §4.1.2.5); count whole days, rounding up.
    let seconds = leaf
        .not_after
        .saturating_sub(leaf.not_before)
        .saturating_add(1);
    let days = seconds.saturating_add(86_399).div_euclid(86_400);
    let evidence = json!({
        "not_before": rfc3339(leaf.not_before), "not_after": rfc3339(leaf.not_after),
        "lifetime_days": days, "max_days": max_days,
    });
    if days > max_days {
        EndpointVerdict::new(
            Status::Fail,
            "lifetime_too_long",
            format!("the certificate is valid for {days} days (more than {max_days})"),
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Pass,
            "lifetime_ok",
            format!("the certificate is valid for {days} days"),
            evidence,
        )
    }
}

impl Check for Lifetime {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let max_days = ctx.param_i64(&META, "max_days");
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.tls,
            |_, tls| judge(tls, max_days),
        )
    }
}
