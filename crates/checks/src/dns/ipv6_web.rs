//! The website has IPv6 addresses (AAAA) and answers on at least one of them.

use govscan_model::{
    CheckMeta, EndpointObservations, FailureKind, Family, FindingDecl, Level, Need, Observations,
    Outcome, Probed, Reference, Status,
};
use serde_json::{Value, json};

use crate::coverage::{self, MAIL_ONLY, mail_only};
use crate::dns::answered;
use crate::endpoints::{PROBE_INCOMPLETE, SCANNER_FAILURE};
use crate::{Check, Context};

/// The check.
pub struct Ipv6Web;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const IPV6_REACHABLE: FindingDecl = FindingDecl {
    key: "ipv6_reachable",
    status: Status::Pass,
    meaning: "the site has AAAA records and a web service answers on one",
};
const NO_AAAA: FindingDecl = FindingDecl {
    key: "no_aaaa",
    status: Status::Fail,
    meaning: "the site has no AAAA record",
};
const IPV6_UNREACHABLE: FindingDecl = FindingDecl {
    key: "ipv6_unreachable",
    status: Status::Fail,
    meaning: "the site has AAAA records but no web service answers on any",
};

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
            title: "RFC 3596 §2.1 (DNS extensions to support IPv6: the AAAA record type)",
            url: "https://www.rfc-editor.org/rfc/rfc3596",
        },
        Reference {
            title: "internet.nl website test (IPv6 address and reachability)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsAaaa],
    findings: &[IPV6_REACHABLE, NO_AAAA, IPV6_UNREACHABLE],
    params: &[],
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
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::Ipv6Reachable => IPV6_REACHABLE,
            Finding::NoAaaa => NO_AAAA,
            Finding::Ipv6Unreachable => IPV6_UNREACHABLE,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
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
        if let Some(why) = mail_only(obs) {
            // No website at all: whether it would be reachable over IPv6 does not arise.
            return Outcome::new(
                META.id,
                Status::NotApplicable,
                MAIL_ONLY,
                why,
                json!({ "aaaa": aaaa, "mx": obs.dns.mx.value() }),
            );
        }
        let no_address = aaaa.is_empty() && obs.endpoints.is_empty();
        if no_address && coverage::a_lookup_answered(obs) && answered(&obs.dns.mx).is_err() {
            // No address at all, and whether the domain handles mail instead is unknown.
            let mut outcome = Outcome::inconclusive(
                META.id,
                format!(
                    "{} has no A or AAAA record, and its MX lookup gave no answer, so whether \
                     it is a mail-only domain is unknown",
                    obs.domain
                ),
            );
            outcome.evidence = json!({ "aaaa": aaaa, "mx": obs.dns.mx });
            return outcome;
        }
        if no_address && !coverage::a_lookup_answered(obs) {
            // No AAAA, and whether there is a website at all (an A record) is unknown: a
            // website without IPv6 fails, a mail-only domain does not apply.
            let mut outcome = Outcome::inconclusive(
                META.id,
                format!(
                    "{} has no AAAA record, and its A lookup gave no answer, so whether it \
                     serves a website at all is unknown",
                    obs.domain
                ),
            );
            outcome.evidence = json!({ "aaaa": aaaa, "a": obs.dns.a });
            return outcome;
        }
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
        let inconclusive = |finding: &str, message: String| {
            let mut outcome = Outcome::inconclusive(META.id, message);
            outcome.finding = finding.to_owned();
            outcome.evidence = evidence.clone();
            outcome
        };
        // A failure on the scanner's side (no IPv6 route from this host, no descriptors) says
        // nothing about the site.
        let kinds: Vec<FailureKind> = v6.iter().flat_map(|ep| web_failures(ep)).collect();
        if let Some(scanner) = v6.iter().find_map(|ep| scanner_failure(ep)) {
            return inconclusive(
                SCANNER_FAILURE,
                format!(
                    "this host could not try IPv6 ({scanner}); run the scan from a host with \
                     working IPv6"
                ),
            );
        }
        // Judge unreachability only when every IPv6 endpoint had at least one web probe
        // attempted (none succeeded, as checked above); an endpoint whose probes were all
        // skipped, or no IPv6 endpoint at all, leaves the question open.
        let all_attempted_and_failed =
            !v6.is_empty() && v6.iter().all(|ep| !web_failures(ep).is_empty());
        if !all_attempted_and_failed {
            return inconclusive(
                PROBE_INCOMPLETE,
                "AAAA records exist but no IPv6 endpoint was fully probed".to_owned(),
            );
        }
        // Silence (timeouts) is the site's fault only if this host's IPv6 demonstrably works:
        // an answer from the site itself (refused, TLS or HTTP error) or from one of the zone's
        // name servers over IPv6 during this scan. Otherwise a host with broken IPv6 would
        // fail every site.
        let site_answered = kinds.iter().any(|k| !matches!(k, FailureKind::Timeout));
        let ipv6_works_here = ipv6_name_server_answered(obs);
        if !site_answered && !ipv6_works_here {
            return inconclusive(
                PROBE_INCOMPLETE,
                format!(
                    "every IPv6 address of {} ({}) timed out, and nothing else answered this host \
                     over IPv6 during the scan, so a broken IPv6 path on the scanning side cannot \
                     be ruled out",
                    obs.domain,
                    aaaa.join(", ")
                ),
            );
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

/// The failure classes of an endpoint's web probes (TLS, http://, https://) that failed.
fn web_failures(ep: &EndpointObservations) -> Vec<FailureKind> {
    [
        failure_kind(&ep.tls),
        failure_kind(&ep.http),
        failure_kind(&ep.https),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn failure_kind<T>(probe: &Probed<T>) -> Option<FailureKind> {
    match probe {
        Probed::Failed { kind, .. } => Some(*kind),
        _ => None,
    }
}

/// The detail of a web probe of this endpoint that failed on the scanner's side, if any.
fn scanner_failure(ep: &EndpointObservations) -> Option<String> {
    fn detail<T>(probe: &Probed<T>) -> Option<String> {
        match probe {
            Probed::Failed { kind, detail } if kind.is_scanner_side() => Some(detail.clone()),
            _ => None,
        }
    }
    detail(&ep.tls)
        .or_else(|| detail(&ep.http))
        .or_else(|| detail(&ep.https))
}

/// True when one of the zone's name servers answered this host over IPv6 during the scan.
fn ipv6_name_server_answered(obs: &Observations) -> bool {
    obs.dns.nameservers.value().is_some_and(|ns| {
        ns.servers.iter().any(|server| {
            server
                .addresses
                .iter()
                .any(|a| a.address.contains(':') && a.answer.value().is_some())
        })
    })
}
