//! The home page does not share credentialed responses with any origin (CORS).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine};
use crate::{Check, Context};

/// The `Origin` the probe sends with `GET /` over https:// (must match the probe's constant).
pub const PROBE_ORIGIN: &str = "https://govscan-cors-probe.invalid";

/// The check.
pub struct Cors;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.cors",
    family: Family::Http,
    title: "Cross-origin access is not granted to arbitrary sites",
    level: Level::Should,
    rationale: "A server that echoes any `Origin` back in Access-Control-Allow-Origin, \
                together with Access-Control-Allow-Credentials: true, lets every website read \
                a logged-in visitor's pages through their browser.",
    remediation: "Allow only a fixed list of trusted origins, and never reflect the request's \
                  Origin header unchecked; send `Access-Control-Allow-Credentials: true` only \
                  for those. nginx: use a `map $http_origin $cors_origin { ... }` allowlist; \
                  Apache: `SetEnvIf Origin` against an allowlist; IIS: the CORS module's \
                  `<cors>` allowlist.",
    references: &[
        Reference {
            title: "Fetch Standard §3.2 (CORS protocol)",
            url: "https://fetch.spec.whatwg.org/#http-cors-protocol",
        },
        Reference {
            title: "MDN HTTP Observatory scoring: Cross-origin Resource Sharing",
            url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
    findings: &[
        FindingDecl {
            key: "no_cross_origin_access",
            status: Status::Pass,
            meaning: "the site grants no cross-origin access",
        },
        FindingDecl {
            key: "public_access",
            status: Status::Pass,
            meaning: "any origin may read public content, without credentials",
        },
        FindingDecl {
            key: "reflected_origin",
            status: Status::Warn,
            meaning: "the site echoes any Origin, without credentials",
        },
        FindingDecl {
            key: "reflected_origin_with_credentials",
            status: Status::Fail,
            meaning: "the site grants credentialed access to any origin it is sent",
        },
        FindingDecl {
            key: "wildcard_with_credentials",
            status: Status::Fail,
            meaning: "the site sends Access-Control-Allow-Origin * with credentials",
        },
    ],
    params: &[],
};

impl Check for Cors {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.https,
            |_, chain| {
                // The Origin header rides on every hop of the chain; the worst hop decides.
                let mut worst: Option<EndpointVerdict> = None;
                for hop in &chain.hops {
                    let acao: Vec<&str> =
                        hop.header_values("access-control-allow-origin").collect();
                    let acac = hop
                        .header("access-control-allow-credentials")
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
                    let evidence = json!({
                        "url": hop.url,
                        "origin_sent": PROBE_ORIGIN,
                        "access_control_allow_origin": acao,
                        "access_control_allow_credentials": acac,
                    });
                    let reflected = acao
                        .iter()
                        .any(|v| v.trim().eq_ignore_ascii_case(PROBE_ORIGIN));
                    let wildcard = acao.iter().any(|v| v.trim() == "*");
                    let verdict = if reflected && acac {
                        EndpointVerdict::new(
                            Status::Fail,
                            "reflected_origin_with_credentials",
                            format!(
                                "{} grants credentialed access to any origin (it echoed {PROBE_ORIGIN})",
                                hop.url
                            ),
                            evidence,
                        )
                    } else if wildcard && acac {
                        EndpointVerdict::new(
                            Status::Fail,
                            "wildcard_with_credentials",
                            format!(
                                "{} sends Access-Control-Allow-Origin: * with Allow-Credentials: true",
                                hop.url
                            ),
                            evidence,
                        )
                    } else if reflected {
                        EndpointVerdict::new(
                            Status::Warn,
                            "reflected_origin",
                            format!(
                                "{} echoes any Origin in Access-Control-Allow-Origin (no credentials)",
                                hop.url
                            ),
                            evidence,
                        )
                    } else if wildcard {
                        EndpointVerdict::new(
                            Status::Pass,
                            "public_access",
                            format!(
                                "{} allows any origin to read public content, without credentials",
                                hop.url
                            ),
                            evidence,
                        )
                    } else {
                        EndpointVerdict::new(
                            Status::Pass,
                            "no_cross_origin_access",
                            format!(
                                "{} grants no cross-origin access to {PROBE_ORIGIN}",
                                hop.url
                            ),
                            evidence,
                        )
                    };
                    let rank = |s: Status| match s {
                        Status::Fail => 0,
                        Status::Warn => 1,
                        _ => 2,
                    };
                    if worst
                        .as_ref()
                        .is_none_or(|w| rank(verdict.status) < rank(w.status))
                    {
                        worst = Some(verdict);
                    }
                }
                worst.unwrap_or_else(|| {
                    EndpointVerdict::new(
                        Status::Inconclusive,
                        "probe_incomplete",
                        "no HTTPS response recorded",
                        json!({}),
                    )
                })
            },
        )
    }
}
