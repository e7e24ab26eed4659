//! A domain that sends and receives no mail says so: null MX, SPF `-all` and DMARC reject.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::dns::answered;
use crate::mail::dmarc_policy::{self, Discovery};
use crate::mail::dmarc_record::Policy;
use crate::mail::{receives_mail, spf_record};
use crate::{Check, Context};

/// The check.
pub struct NullMx;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.null-mx",
    family: Family::Mail,
    title: "A domain without mail publishes null MX, SPF -all and DMARC reject",
    level: Level::Should,
    rationale: "A web-only domain is still a sender address criminals can forge. Null MX \
                (RFC 7505) tells senders it takes no mail; `v=spf1 -all` and DMARC `p=reject` \
                tell receivers to drop anything claiming to come from it.",
    remediation: "For a domain that sends no mail publish `MX 0 .`, `TXT \"v=spf1 -all\"` and \
                  `_dmarc TXT \"v=DMARC1; p=reject\"`. This is a DNS change; web servers \
                  (nginx, Apache, IIS) need no change.",
    references: &[
        Reference {
            title: "RFC 7505 (null MX)",
            url: "https://www.rfc-editor.org/rfc/rfc7505",
        },
        Reference {
            title: "RFC 7489 §6.6.3 (the DMARC policy that applies: own record, else the organisational domain's sp=)",
            url: "https://www.rfc-editor.org/rfc/rfc7489#section-6.6.3",
        },
        Reference {
            title: "internet.nl e-mail test: null MX",
            url: "https://internet.nl/",
        },
    ],
    needs: &[],
    findings: &[
        FindingDecl {
            key: "no_mail_declared",
            status: Status::Pass,
            meaning: "a domain that handles no mail says so: null MX, SPF -all and DMARC p=reject",
        },
        FindingDecl {
            key: "null_mx_missing",
            status: Status::Fail,
            meaning: "the domain sends no mail (SPF -all) and has no MX, but publishes no null MX",
        },
        FindingDecl {
            key: "null_mx_incomplete",
            status: Status::Fail,
            meaning: "the domain has a null MX but lacks SPF -all or DMARC p=reject",
        },
        FindingDecl {
            key: "mail_role_undeclared",
            status: Status::Warn,
            meaning: "the domain has no MX and does not say whether it sends mail (no null MX, no SPF -all)",
        },
        FindingDecl {
            key: "receives_mail",
            status: Status::NotApplicable,
            meaning: "the domain has MX hosts, so it handles mail",
        },
    ],
    params: &[],
};

impl Check for NullMx {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let (receives, mx) = match receives_mail(obs) {
            Ok(r) => r,
            Err(reason) => return Outcome::inconclusive(META.id, format!("MX lookup: {reason}")),
        };
        let txt = match answered(&obs.dns.txt) {
            Ok(t) => t,
            Err(r) => return Outcome::inconclusive(META.id, format!("TXT lookup: {r}")),
        };
        // The DMARC record receivers apply: the domain's own, else its organisational
        // domain's sp= (RFC 7489 §6.6.3).
        let dmarc = dmarc_policy::discover(obs);
        if let Discovery::Unknown(reason) = &dmarc {
            return Outcome::inconclusive(META.id, reason.clone());
        }
        let spf: Vec<&String> = txt.iter().filter(|t| spf_record::is_spf(t)).collect();
        let spf_sends_nothing = spf.len() == 1
            && spf_record::parse(spf[0]).is_ok_and(|r| {
                r.directives.len() == 1
                    && r.redirect.is_none()
                    && r.all().is_some_and(|d| d.qualifier.symbol() == '-')
            });
        let (dmarc_record, dmarc_reject) = match &dmarc {
            Discovery::Found(found) => (
                json!({ "name": found.name, "record": found.record, "applied_policy": found.policy.as_str() }),
                found.policy == Policy::Reject && found.parsed.pct == 100,
            ),
            _ => (json!(null), false),
        };
        let null_mx = !mx.is_empty() && mx.iter().all(|m| m.exchange.is_empty());
        let evidence = json!({
            "mx": mx, "spf": spf, "dmarc": dmarc_record,
            "null_mx": null_mx, "spf_sends_nothing": spf_sends_nothing, "dmarc_reject": dmarc_reject,
        });
        let d = &obs.domain;
        let (status, finding, message) = if receives {
            (
                Status::NotApplicable,
                "receives_mail",
                format!("{d} has MX hosts, so it handles mail"),
            )
        } else if null_mx && spf_sends_nothing && dmarc_reject {
            (
                Status::Pass,
                "no_mail_declared",
                format!("{d} declares it handles no mail: null MX, SPF -all, DMARC reject"),
            )
        } else if null_mx {
            let mut missing = Vec::new();
            if !spf_sends_nothing {
                missing.push("SPF \"v=spf1 -all\"");
            }
            if !dmarc_reject {
                missing.push("DMARC p=reject");
            }
            (
                Status::Fail,
                "null_mx_incomplete",
                format!("{d} has a null MX but lacks {}", missing.join(" and ")),
            )
        } else if spf_sends_nothing {
            (
                Status::Fail,
                "null_mx_missing",
                format!("{d} sends no mail (SPF -all) and has no MX, but publishes no null MX"),
            )
        } else {
            (
                Status::Warn,
                "mail_role_undeclared",
                format!(
                    "{d} has no MX and does not say whether it sends mail (no null MX, no SPF -all)"
                ),
            )
        };
        Outcome::new(META.id, status, finding, message, evidence)
    }
}
