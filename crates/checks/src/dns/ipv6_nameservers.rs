//! At least two of the zone's name servers are reachable over IPv6.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Observations, Outcome, Probed, Reference, Status,
};
use serde_json::json;

use crate::endpoints::{PROBE_INCOMPLETE, SCANNER_FAILURE};
use crate::{Check, Context};

/// The check.
pub struct Ipv6Nameservers;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "dns.ipv6-nameservers",
    family: Family::Dns,
    title: "At least two name servers are reachable over IPv6",
    level: Level::Should,
    rationale: "Resolvers on IPv6-only networks can reach a domain only through name servers \
                with IPv6 addresses; two of them keep the domain resolvable when one fails.",
    remediation: "Give at least two of the zone's name servers an AAAA record and make sure \
                  they answer on it (most DNS providers do; for your own servers, add an IPv6 \
                  listener and the AAAA glue at the registrar). This is a DNS change; web \
                  servers (nginx, Apache, IIS) need no change.",
    references: &[
        Reference {
            title: "internet.nl: IPv6 addresses for name servers (at least two)",
            url: "https://internet.nl/",
        },
        Reference {
            title: "RFC 3901 §3 (DNS IPv6 transport operational guidelines)",
            url: "https://www.rfc-editor.org/rfc/rfc3901#section-3",
        },
    ],
    needs: &[],
    findings: &[
        FindingDecl {
            key: "ipv6_name_servers",
            status: Status::Pass,
            meaning: "at least two name servers answer over IPv6",
        },
        FindingDecl {
            key: "one_ipv6_name_server",
            status: Status::Warn,
            meaning: "only one name server answers over IPv6; two are needed",
        },
        FindingDecl {
            key: "no_ipv6_name_servers",
            status: Status::Fail,
            meaning: "no name server has an IPv6 address",
        },
    ],
    params: &[],
};

impl Check for Ipv6Nameservers {
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
        let mut with_aaaa = Vec::new();
        let mut reachable = Vec::new();
        let mut unasked = Vec::new();
        for server in &ns.servers {
            let v6: Vec<_> = server
                .addresses
                .iter()
                .filter(|a| a.address.contains(':'))
                .collect();
            if v6.is_empty() {
                continue;
            }
            with_aaaa.push(server.name.clone());
            if v6.iter().any(|a| matches!(a.answer, Probed::Ok { .. })) {
                reachable.push(server.name.clone());
            }
            for address in &v6 {
                if let Probed::Failed { kind, detail } = &address.answer
                    && kind.is_scanner_side()
                {
                    unasked.push(format!("{} ({}): {detail}", server.name, address.address));
                }
            }
        }
        // Servers whose addresses could not be looked up may have IPv6 addresses nobody saw.
        let unknown: Vec<&str> = ns
            .servers
            .iter()
            .filter(|s| s.lookup_error.is_some() && !with_aaaa.contains(&s.name))
            .map(|s| s.name.as_str())
            .collect();
        let evidence = json!({
            "zone": ns.zone,
            "name_servers": ns.servers.iter().map(|s| &s.name).collect::<Vec<_>>(),
            "with_ipv6_address": with_aaaa,
            "answered_over_ipv6": reachable,
            "not_asked_from_here": unasked,
            "addresses_unknown": unknown,
        });
        let zone = &ns.zone;
        let inconclusive = |finding: &str, message: String| {
            let mut outcome = Outcome::inconclusive(META.id, message);
            outcome.finding = finding.to_owned();
            outcome.evidence = evidence.clone();
            outcome
        };
        if reachable.len() >= 2 {
            return Outcome::new(
                META.id,
                Status::Pass,
                "ipv6_name_servers",
                format!(
                    "{} name servers of {zone} answer over IPv6",
                    reachable.len()
                ),
                evidence,
            );
        }
        if !unknown.is_empty() {
            return inconclusive(
                PROBE_INCOMPLETE,
                format!(
                    "the addresses of {} (name servers of {zone}) could not be looked up",
                    unknown.join(", ")
                ),
            );
        }
        if with_aaaa.is_empty() {
            return Outcome::new(
                META.id,
                Status::Fail,
                "no_ipv6_name_servers",
                format!("no name server of {zone} has an IPv6 address"),
                evidence,
            );
        }
        if !unasked.is_empty() {
            return inconclusive(
                SCANNER_FAILURE,
                format!(
                    "this host could not ask over IPv6: {} (a failure on the scanning side, not \
                     the zone's)",
                    unasked.join("; ")
                ),
            );
        }
        if reachable.is_empty() {
            return inconclusive(
                PROBE_INCOMPLETE,
                format!(
                    "{} name server(s) of {zone} have IPv6 addresses but none answered over IPv6 \
                     from here (does this host have IPv6?)",
                    with_aaaa.len()
                ),
            );
        }
        Outcome::new(
            META.id,
            Status::Warn,
            "one_ipv6_name_server",
            format!(
                "only {} name server of {zone} answers over IPv6; two are needed",
                reachable.len()
            ),
            evidence,
        )
    }
}
