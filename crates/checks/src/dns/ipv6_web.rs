//! The website has IPv6 addresses (AAAA) and answers on at least one of them.

use govscan_model::{
    CheckMeta, Family, Level, Need, Observations, Outcome, Probed, Reference, Status,
};
use serde_json::{Value, json};

use crate::dns::answered;
use crate::{Check, Context};

/// The check.
pub struct Ipv6Web;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "dns.ipv6-web",
    family: Family::Dns,
    title: "The website is reachable over IPv6",
    level: Level::May,
    rationale: "A growing share of visitors, especially on mobile networks, reach the internet \
                mainly over IPv6. Public services that publish AAAA records and answer on them \
                serve those visitors directly, without carrier-grade NAT in between.",
    remediation: "Give the web server an IPv6 address, publish it as an AAAA record, and make \
                  sure the server listens on it (firewall open for 80/443).\n\
                  nginx: `listen [::]:443 ssl;` and `listen [::]:80;`\n\
                  Apache: `Listen [::]:443` (or `Listen 443`, which binds both families).\n\
                  IIS: leave the site binding on `All Unassigned` or add the IPv6 address.",
    references: &[
        Reference {
            title: "RFC 3596 (DNS extensions to support IPv6: AAAA)",
            url: "https://www.rfc-editor.org/rfc/rfc3596",
        },
        Reference {
            title: "internet.nl website test (IPv6 address and reachability)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsAaaa],
};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// AAAA present and an IPv6 endpoint answered.
    Ipv6Reachable,
    /// No AAAA record.
    NoAaaa,
    /// AAAA present, but every IPv6 endpoint failed.
    Ipv6Unreachable,
}

impl Finding {
    fn key(self) -> &'static str {
        match self {
            Finding::Ipv6Reachable => "ipv6_reachable",
            Finding::NoAaaa => "no_aaaa",
            Finding::Ipv6Unreachable => "ipv6_unreachable",
        }
    }
}

fn probe_state<T>(probe: &Probed<T>) -> Value {
    match probe {
        Probed::Ok { .. } => json!("ok"),
        Probed::Failed { kind, detail } => json!({ "failed": kind, "detail": detail }),
        Probed::Skipped { why } => json!({ "skipped": why }),
    }
}

impl Check for Ipv6Web {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let aaaa = match answered(&obs.dns.aaaa) {
            Ok(aaaa) => aaaa,
            Err(reason) => return Outcome::inconclusive(META.id, format!("AAAA lookup: {reason}")),
        };
        if aaaa.is_empty() {
            return Outcome::new(
                META.id,
                Status::Fail,
                Finding::NoAaaa.key(),
                format!("{} has no AAAA (IPv6) record", obs.domain),
                json!({ "aaaa": aaaa, "resolver": obs.dns.resolver }),
            );
        }
        let v6: Vec<_> = obs.endpoints.iter().filter(|ep| ep.is_ipv6()).collect();
        let endpoints: Vec<Value> = v6
            .iter()
            .map(|ep| {
                json!({
                    "address": ep.address,
                    "tls": probe_state(&ep.tls),
                    "http": probe_state(&ep.http),
                    "https": probe_state(&ep.https),
                })
            })
            .collect();
        let evidence = json!({ "aaaa": aaaa, "ipv6_endpoints": endpoints });
        let reachable: Vec<&str> = v6
            .iter()
            .filter(|ep| {
                ep.tls.value().is_some() || ep.http.value().is_some() || ep.https.value().is_some()
            })
            .map(|ep| ep.address.as_str())
            .collect();
        if let Some(first) = reachable.first() {
            return Outcome::new(
                META.id,
                Status::Pass,
                Finding::Ipv6Reachable.key(),
                format!("{} answers over IPv6 at {first}", obs.domain),
                evidence,
            );
        }
        // Judge unreachability only when every IPv6 endpoint had at least one web probe
        // attempted (none succeeded, as checked above); an endpoint whose probes were all
        // skipped, or no IPv6 endpoint at all, leaves the question open.
        let all_attempted_and_failed = !v6.is_empty()
            && v6.iter().all(|ep| {
                [
                    probe_state(&ep.tls),
                    probe_state(&ep.http),
                    probe_state(&ep.https),
                ]
                .iter()
                .any(|s| s.get("failed").is_some())
            });
        if !all_attempted_and_failed {
            return Outcome {
                evidence,
                ..Outcome::inconclusive(
                    META.id,
                    "AAAA records exist but no IPv6 endpoint was fully probed",
                )
            };
        }
        Outcome::new(
            META.id,
            Status::Fail,
            Finding::Ipv6Unreachable.key(),
            format!(
                "{} has AAAA records ({}) but no web service answered on any of them",
                obs.domain,
                aaaa.join(", ")
            ),
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&Ipv6Web);
    }
}
