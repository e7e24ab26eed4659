//! At least two name servers, all answering authoritatively with the same SOA serial.

use std::collections::BTreeSet;

use govscan_model::{
    CheckMeta, FailureKind, Family, FindingDecl, Level, NameServersObservation, Observations,
    Outcome, Probed, Reference, Status,
};
use serde_json::json;

use crate::endpoints::{PROBE_INCOMPLETE, SCANNER_FAILURE};
use crate::{Check, Context};

/// The check.
pub struct Nameservers;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "dns.nameservers",
    family: Family::Dns,
    title: "At least two name servers answer authoritatively and agree on the zone's serial",
    level: Level::Must,
    rationale: "With one name server, or with a server that no longer serves the zone (a lame \
                delegation), one outage makes every service of the domain unreachable. \
                Servers with different SOA serials hand out different data.",
    remediation: "Delegate the zone to at least two name servers on different networks, make \
                  sure each answers for the zone with the AA bit set, and that secondaries \
                  transfer every change (compare `dig +norecurse @nsX <zone> SOA`). This is a \
                  DNS change; web servers (nginx, Apache, IIS) need no change.",
    references: &[
        Reference {
            title: "RFC 1034 §4.1 (at least two name servers)",
            url: "https://www.rfc-editor.org/rfc/rfc1034#section-4.1",
        },
        Reference {
            title: "RFC 2182 §5 (selection and number of secondary servers)",
            url: "https://www.rfc-editor.org/rfc/rfc2182#section-5",
        },
    ],
    needs: &[],
    findings: &[
        FindingDecl {
            key: "name_servers_ok",
            status: Status::Pass,
            meaning: "at least two name servers answer authoritatively with the same serial",
        },
        FindingDecl {
            key: "too_few_name_servers",
            status: Status::Fail,
            meaning: "fewer than two name servers are delegated",
        },
        FindingDecl {
            key: "lame_delegation",
            status: Status::Fail,
            meaning: "a delegated name server does not answer authoritatively for the zone",
        },
        FindingDecl {
            key: "name_server_not_answering",
            status: Status::Fail,
            meaning: "a delegated name server does not answer",
        },
        FindingDecl {
            key: "name_server_without_address",
            status: Status::Fail,
            meaning: "a delegated name server has no address",
        },
        FindingDecl {
            key: "serial_mismatch",
            status: Status::Warn,
            meaning: "the name servers serve different SOA serials",
        },
    ],
    params: &[],
};

/// Counts of what the servers said.
pub(crate) struct Summary {
    /// NS names with at least one address.
    pub(crate) named: usize,
    /// (server, address) pairs that answered.
    pub(crate) answered: usize,
    /// (server, address) pairs asked.
    pub(crate) asked: usize,
    /// Servers whose addresses could not be found.
    pub(crate) without_address: Vec<String>,
    /// Addresses that answered without AA or with an error code.
    pub(crate) lame: Vec<String>,
    /// Addresses that did not answer.
    pub(crate) silent: Vec<String>,
    /// Addresses this host could not ask (a failure on the scanner's side, e.g. no IPv6 route
    /// from here), with the reason: they say nothing about the server.
    pub(crate) unasked: Vec<String>,
    /// Addresses govscan's address policy kept it from asking (special-purpose, excluded).
    pub(crate) blocked: Vec<String>,
    /// Distinct serials seen.
    pub(crate) serials: BTreeSet<u32>,
}

/// Summarises the direct answers.
pub(crate) fn summarise(ns: &NameServersObservation) -> Summary {
    let mut s = Summary {
        named: 0,
        answered: 0,
        asked: 0,
        without_address: Vec::new(),
        lame: Vec::new(),
        silent: Vec::new(),
        unasked: Vec::new(),
        blocked: Vec::new(),
        serials: BTreeSet::new(),
    };
    for server in &ns.servers {
        if server.addresses.is_empty() {
            s.without_address.push(server.name.clone());
            continue;
        }
        s.named += 1;
        for addr in &server.addresses {
            let who = format!("{} ({})", server.name, addr.address);
            if let Probed::Failed {
                kind: FailureKind::Blocked,
                ..
            } = &addr.answer
            {
                s.blocked.push(who);
                continue;
            }
            s.asked += 1;
            match &addr.answer {
                Probed::Ok { value } => {
                    s.answered += 1;
                    if !value.authoritative || value.rcode != "NoError" || value.serial.is_none() {
                        s.lame.push(who);
                    } else if let Some(serial) = value.serial {
                        s.serials.insert(serial);
                    }
                }
                Probed::Failed { kind, detail } if kind.is_scanner_side() => {
                    s.unasked.push(format!("{who}: {detail}"));
                }
                _ => s.silent.push(who),
            }
        }
    }
    s
}

impl Check for Nameservers {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let ns = match obs.dns.nameservers.as_result() {
            Ok(ns) => ns,
            Err(reason) => {
                return Outcome::inconclusive(META.id, format!("name server probe: {reason}"));
            }
        };
        let s = summarise(ns);
        let evidence = json!({
            "zone": ns.zone,
            "servers": ns.servers,
            "lame": s.lame,
            "silent": s.silent,
            "not_asked_from_here": s.unasked,
            "blocked": s.blocked,
            "without_address": s.without_address,
            "serials": s.serials,
        });
        let zone = &ns.zone;
        let out = |status, finding, message: String| {
            Outcome::new(META.id, status, finding, message, evidence.clone())
        };
        let inconclusive = |finding: &str, message: String| {
            let mut outcome = Outcome::inconclusive(META.id, message);
            outcome.finding = finding.to_owned();
            outcome.evidence = evidence.clone();
            outcome
        };
        let blocked = |lead: &str| {
            let mut outcome = Outcome::inconclusive(
                META.id,
                format!(
                    "{lead}: {} (special-purpose or excluded addresses govscan does not contact)",
                    s.blocked.join(", ")
                ),
            );
            outcome.finding = "address_blocked".to_owned();
            outcome.evidence = evidence.clone();
            outcome
        };
        if s.answered == 0 && !s.blocked.is_empty() {
            return blocked(&format!("no name server of {zone} was asked"));
        }
        if s.asked > 0 && s.answered == 0 {
            let finding = if s.silent.is_empty() {
                SCANNER_FAILURE
            } else {
                PROBE_INCOMPLETE
            };
            return inconclusive(
                finding,
                format!("none of the name servers of {zone} answered from here"),
            );
        }
        if ns.servers.len() < 2 {
            return out(
                Status::Fail,
                "too_few_name_servers",
                format!(
                    "{zone} has {} name server(s); at least two are needed",
                    ns.servers.len()
                ),
            );
        }
        if !s.without_address.is_empty() {
            return out(
                Status::Fail,
                "name_server_without_address",
                format!(
                    "name server(s) of {zone} have no address: {}",
                    s.without_address.join(", ")
                ),
            );
        }
        if !s.lame.is_empty() {
            return out(
                Status::Fail,
                "lame_delegation",
                format!(
                    "name server(s) of {zone} do not answer authoritatively: {}",
                    s.lame.join(", ")
                ),
            );
        }
        if !s.silent.is_empty() {
            return out(
                Status::Fail,
                "name_server_not_answering",
                format!(
                    "name server(s) of {zone} did not answer: {}",
                    s.silent.join(", ")
                ),
            );
        }
        if s.serials.len() > 1 {
            return out(
                Status::Warn,
                "serial_mismatch",
                format!(
                    "the name servers of {zone} report different SOA serials: {:?}",
                    s.serials
                ),
            );
        }
        if !s.unasked.is_empty() {
            return inconclusive(
                SCANNER_FAILURE,
                format!(
                    "the name servers of {zone} that were asked agree, but this host could not \
                     ask {} (a failure on the scanning side, not the zone's)",
                    s.unasked.join("; ")
                ),
            );
        }
        if !s.blocked.is_empty() {
            return blocked(&format!("not every name server of {zone} was asked"));
        }
        out(
            Status::Pass,
            "name_servers_ok",
            format!(
                "{zone} has {} name servers, all authoritative with the same serial",
                ns.servers.len()
            ),
        )
    }
}
