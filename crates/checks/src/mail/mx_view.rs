//! How the mail-transport checks read the SMTP probe: the MX hosts a sender would use, every
//! address of each, and one verdict per (host, address) combined the way web endpoints are
//! (any fail fails, then warn, then inconclusive; a pass needs every address to pass).

use govscan_model::{
    FailureKind, FindingDecl, MailServers, MxEndpoint, MxHost, Observations, Outcome, Probed,
    SmtpSession, Status,
};
use serde_json::{Value, json};

use crate::endpoints::{EndpointVerdict, rank};
use crate::mail::receives_mail;

/// No MX host ([`mail_servers`]).
/// `no_starttls`: a check of the TLS that STARTTLS gives has nothing to judge when no MX host
/// completes STARTTLS (mail.starttls judges that); declared once for the checks that say so.
pub(crate) const NO_STARTTLS: FindingDecl = FindingDecl {
    key: "no_starttls",
    status: Status::NotApplicable,
    meaning: "no MX host completes STARTTLS (mail.starttls judges that)",
};

const NO_MAIL_SERVERS: FindingDecl = FindingDecl {
    key: "no_mail_servers",
    status: Status::NotApplicable,
    meaning: "the domain has no MX host (or a null MX): nothing receives mail",
};

/// An MX host without an address ([`per_mx_endpoint`]).
const MX_WITHOUT_ADDRESS: FindingDecl = FindingDecl {
    key: "mx_without_address",
    status: Status::Inconclusive,
    meaning: "an MX host has no address to connect to, so it was not probed",
};

/// Port 25 unreachable from the scanner ([`scanner_side`]).
const SMTP_UNREACHABLE: FindingDecl = FindingDecl {
    key: govscan_model::SMTP_UNREACHABLE,
    status: Status::Inconclusive,
    meaning: "no MX host answered on port 25 from the scanner (often an outbound block on the scanner's side)",
};

/// The findings of the helpers here besides a check's own: every check that judges the MX
/// hosts with them includes these in its `META.findings`.
pub(crate) const MAIL_SERVER_FINDINGS: &[FindingDecl] =
    &[NO_MAIL_SERVERS, MX_WITHOUT_ADDRESS, SMTP_UNREACHABLE];

/// The MX hosts as probed, or the outcome that ends check `id` early: not applicable when the
/// domain has no MX host (none, or only a null MX: RFC 7505), inconclusive when the MX lookup
/// or the SMTP probe did not complete.
pub(crate) fn mail_servers<'a>(
    id: &str,
    obs: &'a Observations,
) -> Result<&'a MailServers, Outcome> {
    let (receives, mx) = receives_mail(obs)
        .map_err(|reason| Outcome::inconclusive(id, format!("MX lookup: {reason}")))?;
    if !receives {
        return Err(Outcome::new(
            id,
            NO_MAIL_SERVERS.status,
            NO_MAIL_SERVERS.key,
            format!(
                "{} has no MX host (no MX record, or only a null MX)",
                obs.domain
            ),
            json!({ "mx": mx }),
        ));
    }
    match &obs.mail_servers {
        Probed::Ok { value } if !value.hosts.is_empty() => Ok(value),
        Probed::Ok { .. } => Err(Outcome::inconclusive(id, "no MX host was probed")),
        other => Err(Outcome::inconclusive(
            id,
            format!(
                "the mail servers were not probed: {}",
                other.missing_reason().unwrap_or_default()
            ),
        )),
    }
}

/// Judges every address of every probed MX host with `judge` and combines the verdicts. A host
/// whose addresses could not be looked up (or that has none) is inconclusive: nothing could be
/// asked.
pub(crate) fn per_mx_endpoint(
    id: &str,
    servers: &MailServers,
    judge: impl Fn(&MxHost, &MxEndpoint) -> EndpointVerdict,
) -> Outcome {
    let mut verdicts: Vec<(String, Option<String>, EndpointVerdict)> = Vec::new();
    for host in &servers.hosts {
        match &host.addresses {
            Probed::Ok { value } if !value.is_empty() => {
                for endpoint in &host.endpoints {
                    verdicts.push((
                        host.name.clone(),
                        Some(endpoint.address.clone()),
                        judge(host, endpoint),
                    ));
                }
            }
            other => verdicts.push((host.name.clone(), None, no_address(other))),
        }
    }
    combine(id, verdicts)
}

/// Combines (host, address, verdict) triples by the endpoint rule; the message names the
/// host and address of the verdict shown when there is more than one.
pub(crate) fn combine(
    id: &str,
    verdicts: Vec<(String, Option<String>, EndpointVerdict)>,
) -> Outcome {
    let Some((host, address, worst)) = verdicts.iter().min_by_key(|(_, _, v)| rank(v.status))
    else {
        return Outcome::inconclusive(id, "no MX host was probed");
    };
    let place = match address {
        Some(a) => format!("{host} {a}"),
        None => host.clone(),
    };
    let message = if verdicts.len() > 1 {
        format!("{} ({place})", worst.message)
    } else {
        worst.message.clone()
    };
    let rows: Vec<Value> = verdicts
        .iter()
        .map(|(host, address, v)| {
            json!({
                "host": host,
                "address": address,
                "status": v.status.as_str(),
                "finding": v.finding,
                "message": v.message,
                "evidence": v.evidence,
            })
        })
        .collect();
    Outcome::new(
        id,
        worst.status,
        worst.finding,
        message,
        json!({ "mail_servers": rows }),
    )
}

/// The verdict for a host whose addresses are unknown.
fn no_address(addresses: &Probed<Vec<String>>) -> EndpointVerdict {
    let why = match addresses {
        Probed::Ok { .. }
        | Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => "the MX host has no A or AAAA address, so mail cannot be delivered to it".to_owned(),
        other => format!(
            "the MX host's addresses could not be looked up: {}",
            other.missing_reason().unwrap_or_default()
        ),
    };
    EndpointVerdict::new(
        MX_WITHOUT_ADDRESS.status,
        MX_WITHOUT_ADDRESS.key,
        why.clone(),
        json!({ "reason": why }),
    )
}

/// The verdict for an address whose SMTP session gave no data (`None` when it did): the
/// scanner's own failure (port 25 blocked from here) is said so, anything else is the probe's
/// reason. Checks that judge a refused connection themselves look at the probe first.
pub(crate) fn session_missing(smtp: &Probed<SmtpSession>) -> Option<EndpointVerdict> {
    match smtp {
        Probed::Ok { .. } => None,
        Probed::Failed {
            kind: FailureKind::Scanner,
            detail,
        } => Some(scanner_side(detail)),
        other => Some(crate::endpoints::missing_probe_verdict(other)),
    }
}

/// The verdict for a probe that failed on the scanner's side (e.g. port 25 blocked from here):
/// inconclusive, never the domain's failure.
pub(crate) fn scanner_side(detail: &str) -> EndpointVerdict {
    EndpointVerdict::new(
        SMTP_UNREACHABLE.status,
        SMTP_UNREACHABLE.key,
        format!("port 25 could not be reached from the scanning host: {detail}"),
        json!({ "reason": detail }),
    )
}
