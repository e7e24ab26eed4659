//! Every mail server (MX host) of the domain has an IPv6 address and answers SMTP on it.

use govscan_model::{
    CheckMeta, FailureKind, Family, FindingDecl, Level, MailServers, MxHost, Observations, Outcome,
    Probed, Reference, Status,
};
use serde::Serialize;
use serde_json::json;

use crate::endpoints::{PROBE_INCOMPLETE, SCANNER_FAILURE};
use crate::finding_decls::findings;
use crate::mail::mx_view;
use crate::{Check, Context};

/// The check.
pub struct Ipv6Mx;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.ipv6-mx",
    family: Family::Mail,
    title: "Every mail server has an IPv6 address and answers on it",
    level: Level::Should,
    rationale: "A sending mail server on an IPv6-only network can deliver only to MX hosts \
                with an IPv6 address that accepts SMTP; with none, mail from such senders \
                bounces, and with only some, it depends on the backup server.",
    remediation: "Give every MX host an AAAA record and make its mail server (Postfix, Exim, \
                  Exchange) listen on that address on port 25 (Postfix: `inet_protocols = \
                  all`), with the firewall open for IPv6 as for IPv4. If a provider runs the \
                  mail servers, ask for its IPv6-enabled MX names.",
    references: &[
        Reference {
            title: "RFC 5321 §5.1 (a sender tries the MX hosts by preference, and the addresses of each it can reach)",
            url: "https://www.rfc-editor.org/rfc/rfc5321#section-5.1",
        },
        Reference {
            title: "RFC 3974 (SMTP in mixed IPv4/IPv6 networks: an IPv6-only sender finds no address for an MX host without AAAA)",
            url: "https://www.rfc-editor.org/rfc/rfc3974",
        },
        Reference {
            title: "RFC 7505 §3 (a null MX: the domain takes no mail, so there is no server to reach)",
            url: "https://www.rfc-editor.org/rfc/rfc7505#section-3",
        },
        Reference {
            title: "internet.nl mail test: IPv6 for mail servers (mail-ipv6, subtests mx_aaaa and mx_reach)",
            url: "https://github.com/internetstandards/Internet.nl/blob/cec0e01/checks/categories.py",
        },
    ],
    needs: &[],
    findings: findings!(
        &[
            FindingDecl {
                key: "ipv6_mail_servers",
                status: Status::Pass,
                meaning: "every MX host has an IPv6 address and answered SMTP over IPv6",
            },
            FindingDecl {
                key: "some_mail_servers_without_ipv6",
                status: Status::Warn,
                meaning: "some MX hosts have no IPv6 address; another answers SMTP over IPv6",
            },
            FindingDecl {
                key: "mail_server_unreachable_over_ipv6",
                status: Status::Warn,
                meaning: "an MX host's IPv6 addresses refuse SMTP, while another MX host answers over IPv6",
            },
            FindingDecl {
                key: "no_ipv6_mail_servers",
                status: Status::Fail,
                meaning: "no MX host has an IPv6 address: IPv6-only senders cannot deliver",
            },
            FindingDecl {
                key: "no_mail_server_answers_over_ipv6",
                status: Status::Fail,
                meaning: "no MX host accepts SMTP over IPv6: those with IPv6 addresses refuse connections",
            },
        ],
        mx_view::MAIL_SERVER_FINDINGS,
    ),
    params: &[],
};

/// What one MX host offers an IPv6-only sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostIpv6 {
    /// An IPv6 address of the host answered SMTP (any reply: a server is there).
    Answered,
    /// Every IPv6 address of the host refused the connection: a reply from the network, so
    /// the route works and nothing listens.
    Refused,
    /// The host has IPv6 addresses, but whether one accepts SMTP was not seen (SMTP disabled,
    /// port 25 blocked on the scanning side, the address policy, a timeout, the per-host cap).
    NotSeen,
    /// The host has no IPv6 address (only A records, or no address at all).
    NoAddress,
    /// The host's addresses could not be looked up, or it was beyond the MX host cap.
    Unknown,
}

/// One MX host as an IPv6-only sender sees it.
#[derive(Debug, Clone, Serialize)]
pub struct HostEvidence {
    /// The exchange name.
    pub name: String,
    /// The MX preference.
    pub preference: u16,
    /// Its IPv6 addresses (probed or beyond the per-host cap).
    pub ipv6_addresses: Vec<String>,
    /// What it offers over IPv6.
    pub ipv6: HostIpv6,
    /// What was seen per IPv6 address, when none answered; why the addresses are unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The evidence of `mail.ipv6-mx`.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// Every probed MX host, by preference then name.
    pub mail_servers: Vec<HostEvidence>,
    /// MX hosts beyond the probe's cap: their addresses are unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts_not_probed: Vec<String>,
    /// True when SMTP sessions were not attempted (`--no-smtp`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub smtp_disabled: bool,
}

/// One host: its IPv6 addresses and whether one of them answered SMTP.
fn host_ipv6(host: &MxHost) -> HostEvidence {
    let mut evidence = HostEvidence {
        name: host.name.clone(),
        preference: host.preference,
        ipv6_addresses: Vec::new(),
        ipv6: HostIpv6::NoAddress,
        detail: None,
    };
    let addresses: &[String] = match &host.addresses {
        Probed::Ok { value } => value,
        Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => &[],
        other => {
            evidence.ipv6 = HostIpv6::Unknown;
            evidence.detail = other.missing_reason();
            return evidence;
        }
    };
    evidence.ipv6_addresses = addresses
        .iter()
        .chain(&host.addresses_not_probed)
        .filter(|a| a.contains(':'))
        .cloned()
        .collect();
    if evidence.ipv6_addresses.is_empty() {
        return evidence;
    }
    let mut seen = Vec::new();
    let mut all_refused = true;
    for address in &evidence.ipv6_addresses {
        match host.endpoints.iter().find(|e| &e.address == address) {
            Some(endpoint) => match &endpoint.smtp {
                Probed::Ok { .. } => {
                    evidence.ipv6 = HostIpv6::Answered;
                    return evidence;
                }
                Probed::Failed {
                    kind: FailureKind::Refused,
                    detail,
                } => seen.push(format!("{address}: {detail}")),
                other => {
                    all_refused = false;
                    let why = other.missing_reason().unwrap_or_default();
                    seen.push(format!("{address}: {why}"));
                }
            },
            None => {
                all_refused = false;
                seen.push(format!("{address}: not probed (beyond the per-host cap)"));
            }
        }
    }
    evidence.ipv6 = if all_refused {
        HostIpv6::Refused
    } else {
        HostIpv6::NotSeen
    };
    evidence.detail = Some(seen.join("; "));
    evidence
}

/// A verdict before it becomes an outcome.
struct Verdict {
    status: Status,
    finding: &'static str,
    message: String,
}

/// Judges the MX hosts as a sender on an IPv6-only network uses them (RFC 5321 §5.1): it
/// tries the hosts by preference and can deliver to one whose IPv6 address accepts SMTP. A
/// host without IPv6 address or whose IPv6 addresses refuse is of no use to it. What was not
/// seen leaves the verdict open only where it could change it.
fn check(servers: &MailServers) -> (Verdict, Evidence) {
    let hosts: Vec<HostEvidence> = servers.hosts.iter().map(host_ipv6).collect();
    let names = |states: &[HostIpv6]| -> Vec<&str> {
        hosts
            .iter()
            .filter(|h| states.contains(&h.ipv6))
            .map(|h| h.name.as_str())
            .collect()
    };
    let good = names(&[HostIpv6::Answered]);
    let no_address = names(&[HostIpv6::NoAddress]);
    let refused = names(&[HostIpv6::Refused]);
    let mut open = names(&[HostIpv6::NotSeen, HostIpv6::Unknown]);
    open.extend(servers.hosts_not_probed.iter().map(String::as_str));
    let bad = no_address.len() + refused.len();
    let (status, finding, message) = if bad > 0 && (!good.is_empty() || open.is_empty()) {
        let mut parts = Vec::new();
        if !no_address.is_empty() {
            parts.push(format!("{} has no IPv6 address", no_address.join(", ")));
        }
        if !refused.is_empty() {
            parts.push(format!(
                "{} refused SMTP on its IPv6 address",
                refused.join(", ")
            ));
        }
        let parts = parts.join("; ");
        if !good.is_empty() {
            let finding = if no_address.is_empty() {
                "mail_server_unreachable_over_ipv6"
            } else {
                "some_mail_servers_without_ipv6"
            };
            let message = format!(
                "{parts} (IPv6-only senders can still use {})",
                good.join(", ")
            );
            (Status::Warn, finding, message)
        } else if refused.is_empty() {
            let message = format!(
                "no mail server has an IPv6 address ({parts}): senders on IPv6-only networks \
                 cannot deliver"
            );
            (Status::Fail, "no_ipv6_mail_servers", message)
        } else {
            let message = format!(
                "no mail server accepts SMTP over IPv6 ({parts}): senders on IPv6-only \
                 networks cannot deliver"
            );
            (Status::Fail, "no_mail_server_answers_over_ipv6", message)
        }
    } else if !open.is_empty() {
        let scanner_side = servers.hosts.iter().any(|h| {
            h.endpoints.iter().any(|e| {
                e.address.contains(':')
                    && matches!(&e.smtp, Probed::Failed { kind, .. } if kind.is_scanner_side())
            })
        });
        let finding = if scanner_side {
            SCANNER_FAILURE
        } else {
            PROBE_INCOMPLETE
        };
        let message = format!(
            "whether {} accept mail over IPv6 was not seen from here (see the evidence; not \
             the domain's failure)",
            open.join(", ")
        );
        (Status::Inconclusive, finding, message)
    } else {
        let message = format!(
            "all {} mail server(s) have an IPv6 address and answered SMTP on it",
            good.len()
        );
        (Status::Pass, "ipv6_mail_servers", message)
    };
    let evidence = Evidence {
        mail_servers: hosts.clone(),
        hosts_not_probed: servers.hosts_not_probed.clone(),
        smtp_disabled: servers.smtp_disabled,
    };
    (
        Verdict {
            status,
            finding,
            message,
        },
        evidence,
    )
}

impl Check for Ipv6Mx {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let servers = match mx_view::mail_servers(META.id, obs) {
            Ok(servers) => servers,
            Err(early) => return early,
        };
        let (verdict, evidence) = check(servers);
        let evidence = serde_json::to_value(&evidence)
            .unwrap_or_else(|e| json!({ "evidence_error": e.to_string() }));
        let mut outcome = Outcome::new(
            META.id,
            verdict.status,
            verdict.finding,
            verdict.message,
            evidence,
        );
        if verdict.status == Status::Inconclusive {
            outcome.message = format!("Could not be judged: {}", outcome.message);
        }
        outcome
    }
}
