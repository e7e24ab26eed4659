//! The routes to the domain's web, mail and name servers are RPKI-valid: for every address,
//! the announced prefix and its origin AS are authorised by a ROA (route origin validation,
//! RFC 6811 §2). Run only when the operator supplies `--rpki-vrps` and `--ip-to-asn`.

use std::net::IpAddr;

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Observations, Outcome, Probed, Reference, RouteOrigin,
    RpkiAddress, Status, Vrp,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, rank};
use crate::{Check, Context};

/// The check.
pub struct Rpki;

/// How to turn the check on, for the "not run" message.
pub const HOW_TO_ENABLE: &str = "give govscan scan --rpki-vrps FILE (the JSON export of \
     rpki-client or Routinator) and --ip-to-asn FILE (prefix and origin AS per line)";

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "net.rpki",
    family: Family::Net,
    title: "Routes to the web, mail and name servers are RPKI-valid",
    level: Level::Should,
    rationale: "Anyone on the internet can announce a route to someone else's addresses and \
                pull their traffic away (BGP hijacks have diverted mail, DNS and banking \
                traffic). A ROA published in the RPKI says which network may originate the \
                prefix; networks that validate routes (most large ones now) drop an invalid \
                announcement. internet.nl requires ROAs for the web, mail and name servers' \
                addresses. Without a ROA (not found) nothing is protected; an invalid route \
                means the address is being announced against its ROA, or the ROA is wrong, \
                and validating networks cannot reach it.",
    remediation: "Ask the holder of the address space (the hosting provider or the \
                  government's network operator) to create ROAs in its RIR portal (RIPE NCC: \
                  LIR Portal → RPKI Dashboard) for every announced prefix with the right \
                  origin AS and a maxLength equal to the announced length.\n\
                  Check with `rpki-client` or Routinator, or https://rpki-validator.ripe.net.",
    references: &[
        Reference {
            title: "RFC 6811 §2 (route origin validation: valid, invalid, not found)",
            url: "https://www.rfc-editor.org/rfc/rfc6811#section-2",
        },
        Reference {
            title: "RFC 6482 (the ROA: prefix, maxLength, origin AS)",
            url: "https://www.rfc-editor.org/rfc/rfc6482",
        },
        Reference {
            title: "internet.nl: Route Origin Authorisation (RPKI) for web, mail and name servers",
            url: "https://internet.nl/faqs/rpki/",
        },
    ],
    needs: &[],
    findings: &[
        FindingDecl {
            key: "rpki_valid",
            status: Status::Pass,
            meaning: "every address's route is RPKI-valid",
        },
        FindingDecl {
            key: "rpki_invalid",
            status: Status::Fail,
            meaning: "an address's route is RPKI-invalid: its ROAs name another origin AS or a shorter maxLength",
        },
        FindingDecl {
            key: "rpki_not_found",
            status: Status::Warn,
            meaning: "no ROA covers an address's route, so anyone may announce it",
        },
        FindingDecl {
            key: "no_route_in_table",
            status: Status::Inconclusive,
            meaning: "an address has no announced prefix in the route table given",
        },
        FindingDecl {
            key: "route_unreadable",
            status: Status::Inconclusive,
            meaning: "an address's route or its ROAs could not be read",
        },
        FindingDecl {
            key: "no_addresses",
            status: Status::NotApplicable,
            meaning: "the domain has no address to judge",
        },
        FindingDecl {
            key: "not_configured",
            status: Status::NotApplicable,
            meaning: "route origin validation was not run (no VRP file given to the scan)",
        },
    ],
    params: &[],
};

/// RFC 6811 §2's three states for one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Validity {
    /// A covering VRP has the route's origin AS and a maxLength at least the route's length.
    Valid,
    /// VRPs cover the route, none matches it.
    Invalid,
    /// No VRP covers the route.
    NotFound,
}

/// A prefix `a.b.c.d/n` or `x::/n`.
fn parse_prefix(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = text.trim().split_once('/')?;
    let addr: IpAddr = addr.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((addr, len))
}

/// The address as a 128-bit number and its family's width.
fn bits(addr: IpAddr) -> (u128, u8) {
    match addr {
        IpAddr::V4(a) => (u128::from(u32::from(a)) << 96, 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    }
}

/// True when `outer` covers `inner` (same family, shorter or equal length, same leading bits).
fn covers(outer: (IpAddr, u8), inner: (IpAddr, u8)) -> bool {
    let ((o, ow), (i, iw)) = (bits(outer.0), bits(inner.0));
    if ow != iw || outer.1 > inner.1 {
        return false;
    }
    let keep = u32::from(outer.1);
    let mask = if keep == 0 {
        0
    } else {
        u128::MAX << (128 - keep)
    };
    o & mask == i & mask
}

/// RFC 6811 §2 for one route over the VRPs recorded for it.
pub(crate) fn validate(route: &RouteOrigin, vrps: &[Vrp]) -> Option<Validity> {
    let prefix = parse_prefix(&route.prefix)?;
    let covering: Vec<&Vrp> = vrps
        .iter()
        .filter(|v| parse_prefix(&v.prefix).is_some_and(|p| covers(p, prefix)))
        .collect();
    if covering.is_empty() {
        return Some(Validity::NotFound);
    }
    // AS 0 is never a route's origin (RFC 6483 §4, RFC 7607), so an AS0 ROA matches nothing.
    let matched = covering
        .iter()
        .any(|v| v.asn != 0 && v.asn == route.origin_asn && prefix.1 <= v.max_length);
    Some(if matched {
        Validity::Valid
    } else {
        Validity::Invalid
    })
}

fn judge(address: &RpkiAddress) -> EndpointVerdict {
    let evidence = json!({
        "roles": address.roles,
        "routes": address.routes,
        "covering_vrps": address.covering_vrps,
    });
    let roles = address.roles.join(", ");
    if address.routes.is_empty() {
        return EndpointVerdict::new(
            Status::Inconclusive,
            "no_route_in_table",
            format!(
                "{} ({roles}) has no announced prefix in the --ip-to-asn table",
                address.address
            ),
            evidence,
        );
    }
    let mut worst: Option<(Validity, &RouteOrigin)> = None;
    for route in &address.routes {
        let Some(v) = validate(route, &address.covering_vrps) else {
            return EndpointVerdict::new(
                Status::Inconclusive,
                "route_unreadable",
                format!(
                    "the route {} of {} does not parse",
                    route.prefix, address.address
                ),
                evidence,
            );
        };
        let order = |v: Validity| match v {
            Validity::Invalid => 0,
            Validity::NotFound => 1,
            Validity::Valid => 2,
        };
        if worst.is_none_or(|(w, _)| order(v) < order(w)) {
            worst = Some((v, route));
        }
    }
    let Some((validity, route)) = worst else {
        return EndpointVerdict::new(
            Status::Inconclusive,
            "no_route_in_table",
            "no route",
            evidence,
        );
    };
    let what = format!(
        "{} ({roles}) in {} from AS{}",
        address.address, route.prefix, route.origin_asn
    );
    match validity {
        Validity::Valid => EndpointVerdict::new(
            Status::Pass,
            "rpki_valid",
            format!("{what} is RPKI-valid"),
            evidence,
        ),
        Validity::NotFound => EndpointVerdict::new(
            Status::Warn,
            "rpki_not_found",
            format!("{what}: no ROA covers the route, so anyone may announce it"),
            evidence,
        ),
        Validity::Invalid => EndpointVerdict::new(
            Status::Fail,
            "rpki_invalid",
            format!(
                "{what} is RPKI-invalid: the ROAs covering it name another origin AS or a shorter maxLength, so validating networks drop the route"
            ),
            evidence,
        ),
    }
}

impl Check for Rpki {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let rpki = match &obs.rpki {
            Probed::Ok { value } => value,
            // Not configured: not run, not scored, and the message says how to run it.
            Probed::Skipped { why } => {
                return Outcome::new(
                    META.id,
                    Status::NotApplicable,
                    "not_configured",
                    format!("route origin validation was not run ({why}): {HOW_TO_ENABLE}"),
                    json!({ "reason": why, "enable": HOW_TO_ENABLE }),
                );
            }
            other => {
                return Outcome::inconclusive(META.id, other.missing_reason().unwrap_or_default());
            }
        };
        if rpki.addresses.is_empty() {
            return Outcome::new(
                META.id,
                Status::NotApplicable,
                "no_addresses",
                format!(
                    "{} has no web, mail or name server address to validate",
                    obs.domain
                ),
                json!({ "vrps": rpki.vrps_source, "routes": rpki.routes_source }),
            );
        }
        let verdicts: Vec<(&RpkiAddress, EndpointVerdict)> =
            rpki.addresses.iter().map(|a| (a, judge(a))).collect();
        let Some((_, worst)) = verdicts.iter().min_by_key(|(_, v)| rank(v.status)) else {
            return Outcome::inconclusive(META.id, "no address verdicts");
        };
        let message = if verdicts.len() > 1 {
            format!("{} (worst of {} addresses)", worst.message, verdicts.len())
        } else {
            worst.message.clone()
        };
        let rows: Vec<_> = verdicts
            .iter()
            .map(|(a, v)| json!({ "address": a.address, "status": v.status.as_str(), "finding": v.finding, "message": v.message, "evidence": v.evidence }))
            .collect();
        Outcome::new(
            META.id,
            worst.status,
            worst.finding,
            message,
            json!({ "vrps": rpki.vrps_source, "routes": rpki.routes_source, "addresses": rows }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(prefix: &str, asn: u32) -> RouteOrigin {
        RouteOrigin {
            prefix: prefix.into(),
            origin_asn: asn,
        }
    }

    fn vrp(prefix: &str, asn: u32, max_length: u8) -> Vrp {
        Vrp {
            asn,
            prefix: prefix.into(),
            max_length,
        }
    }

    #[test]
    fn rfc_6811_states() {
        let r = route("192.0.2.0/24", 64500);
        assert_eq!(validate(&r, &[]), Some(Validity::NotFound));
        assert_eq!(
            validate(&r, &[vrp("192.0.2.0/24", 64500, 24)]),
            Some(Validity::Valid)
        );
        assert_eq!(
            validate(&r, &[vrp("192.0.0.0/16", 64500, 24)]),
            Some(Validity::Valid)
        );
        // maxLength shorter than the announcement: invalid (RFC 6811 §2).
        assert_eq!(
            validate(&r, &[vrp("192.0.0.0/16", 64500, 16)]),
            Some(Validity::Invalid)
        );
        assert_eq!(
            validate(&r, &[vrp("192.0.2.0/24", 64501, 24)]),
            Some(Validity::Invalid)
        );
        // One matching VRP among others is enough.
        assert_eq!(
            validate(
                &r,
                &[
                    vrp("192.0.2.0/24", 64501, 24),
                    vrp("192.0.2.0/23", 64500, 24)
                ]
            ),
            Some(Validity::Valid)
        );
        // AS0 never validates; a VRP that does not cover the route does not count.
        assert_eq!(
            validate(&r, &[vrp("192.0.2.0/24", 0, 24)]),
            Some(Validity::Invalid)
        );
        assert_eq!(
            validate(&r, &[vrp("198.51.100.0/24", 64501, 24)]),
            Some(Validity::NotFound)
        );
        assert_eq!(
            validate(&r, &[vrp("192.0.2.0/25", 64500, 25)]),
            Some(Validity::NotFound)
        );
        let v6 = route("2001:db8:1::/48", 64500);
        assert_eq!(
            validate(&v6, &[vrp("2001:db8::/32", 64500, 48)]),
            Some(Validity::Valid)
        );
        assert_eq!(
            validate(&v6, &[vrp("192.0.0.0/8", 64500, 24)]),
            Some(Validity::NotFound)
        );
        assert_eq!(validate(&route("nonsense", 1), &[]), None);
    }
}
