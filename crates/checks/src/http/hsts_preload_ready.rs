//! The domain meets the HSTS preload list's entry requirements (hstspreload.org, pshtt): a
//! registrable domain, over a certificate browsers accept, with the right header and redirect.

use govscan_model::{
    CheckMeta, FailureKind, Family, FindingDecl, Level, Need, Observations, Outcome, Probed,
    Reference, Status,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine_each, missing_probe_verdict};
use crate::http::hsts_header;
use crate::http::transport_trust::{CertificateAcceptance, rejection_reason};
use crate::public_suffix;
use crate::{Check, Context};

/// The check.
pub struct HstsPreloadReady;

/// hstspreload.org's minimum max-age (one year).
const PRELOAD_MIN_MAX_AGE: u64 = 31_536_000;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.hsts-preload-ready",
    family: Family::Http,
    title: "HSTS is ready for the browsers' preload list",
    level: Level::May,
    rationale: "A preloaded domain is HTTPS-only in browsers from the very first visit, so \
                not even the first request can be downgraded. The list accepts a registrable \
                domain (`example.ee`, not `www.example.ee`: subdomains are covered by its \
                includeSubDomains) whose https:// home page, over a certificate browsers \
                accept, sends HSTS with max-age of at least one year, includeSubDomains and \
                preload, and whose http:// home page redirects to https:// on the same host.",
    remediation: "Once every subdomain serves HTTPS, send \
                  `Strict-Transport-Security: max-age=63072000; includeSubDomains; preload` and \
                  submit the registrable domain at hstspreload.org.\n\
                  nginx: `add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains; preload\" always;`\n\
                  Apache: `Header always set Strict-Transport-Security \"max-age=63072000; includeSubDomains; preload\"`\n\
                  IIS: the HSTS settings of the site (IIS 10.0 1709+).",
    references: &[
        Reference {
            title: "HSTS preload list submission requirements (a valid certificate; the registrable domain, not a subdomain)",
            url: "https://hstspreload.org/#submission-requirements",
        },
        Reference {
            title: "RFC 6797 §6.1 (Strict-Transport-Security)",
            url: "https://www.rfc-editor.org/rfc/rfc6797#section-6.1",
        },
        Reference {
            title: "RFC 6797 §8.1 (HSTS over a certificate with errors is ignored)",
            url: "https://www.rfc-editor.org/rfc/rfc6797#section-8.1",
        },
        Reference {
            title: "Public Suffix List (registrable domain = public suffix + one label)",
            url: "https://publicsuffix.org/list/",
        },
        Reference {
            title: "pshtt: HSTS preload ready",
            url: "https://github.com/cisagov/pshtt#readme",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https, Need::Http, Need::Tls],
    findings: &[
        FindingDecl {
            key: "preload_ready",
            status: Status::Pass,
            meaning: "the domain meets the HSTS preload list's requirements",
        },
        FindingDecl {
            key: "not_preload_ready",
            status: Status::Fail,
            meaning: "the domain misses a preload requirement",
        },
        FindingDecl {
            key: "not_registrable_domain",
            status: Status::NotApplicable,
            meaning: "only registrable domains can be preloaded",
        },
        FindingDecl {
            key: "certificate_not_judged",
            status: Status::Inconclusive,
            meaning: "whether browsers accept the certificate is unknown",
        },
    ],
    params: &[],
};

impl Check for HstsPreloadReady {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        if let Some(outcome) = not_a_registrable_domain(&obs.domain) {
            return outcome;
        }
        combine_each(META.id, &obs.endpoints, |ep| {
            let chain = match ep.https.value() {
                Some(chain) => chain,
                None => return missing_probe_verdict(&ep.https),
            };
            let Some(first) = chain.hops.first() else {
                return EndpointVerdict::new(
                    Status::Inconclusive,
                    "probe_incomplete",
                    "no HTTPS response recorded",
                    json!({}),
                );
            };
            let header = first.header("strict-transport-security");
            let policy = header.map(hsts_header::parse);
            // Port 80 closed is fine (nothing to downgrade); otherwise its first hop must go to
            // https:// on the same host.
            let redirects_to_https = match &ep.http {
                Probed::Ok { value: http } => Some(http.hops.first().is_some_and(|hop| {
                    hop.is_redirect()
                        && hop.header("location").is_some_and(|l| {
                            let l = l.trim_start().to_ascii_lowercase();
                            let host = format!("https://{}", obs.domain.to_ascii_lowercase());
                            l == host || l.starts_with(&format!("{host}/"))
                        })
                })),
                Probed::Failed {
                    kind: FailureKind::Refused,
                    ..
                } => Some(true),
                _ => None,
            };
            let acceptance = CertificateAcceptance::of(ep);
            let mut problems: Vec<String> = Vec::new();
            if let CertificateAcceptance::Rejected(error) = &acceptance {
                problems.push(format!(
                    "{}, so browsers ignore its HSTS header",
                    rejection_reason(error)
                ));
            }
            match &policy {
                None => problems.push("no Strict-Transport-Security header".into()),
                Some(Err(_)) => {
                    problems.push("the Strict-Transport-Security header does not parse".into())
                }
                Some(Ok(p)) => {
                    if p.max_age < PRELOAD_MIN_MAX_AGE {
                        problems.push("max-age below one year".into());
                    }
                    if !p.include_subdomains {
                        problems.push("no includeSubDomains".into());
                    }
                    if !p.preload {
                        problems.push("no preload directive".into());
                    }
                }
            }
            match redirects_to_https {
                Some(false) => problems
                    .push("http:// does not redirect to https:// on the same host first".into()),
                Some(true) => {}
                None => {
                    if problems.is_empty() {
                        return missing_probe_verdict(&ep.http);
                    }
                }
            }
            if let (CertificateAcceptance::Unknown(reason), true) =
                (&acceptance, problems.is_empty())
            {
                return EndpointVerdict::new(
                    Status::Inconclusive,
                    "certificate_not_judged",
                    format!(
                        "{} could not be judged: whether browsers accept its certificate is unknown ({reason})",
                        first.url
                    ),
                    json!({ "certificate": acceptance.evidence() }),
                );
            }
            let evidence = json!({
                "url": first.url,
                "strict_transport_security": header,
                "max_age": policy.as_ref().and_then(|p| p.as_ref().ok()).map(|p| p.max_age),
                "include_subdomains": policy.as_ref().and_then(|p| p.as_ref().ok()).map(|p| p.include_subdomains),
                "preload": policy.as_ref().and_then(|p| p.as_ref().ok()).map(|p| p.preload),
                "http_redirects_to_https": redirects_to_https,
                "certificate": acceptance.evidence(),
                "problems": problems,
            });
            if problems.is_empty() {
                EndpointVerdict::new(
                    Status::Pass,
                    "preload_ready",
                    format!("{} meets the HSTS preload requirements", first.url),
                    evidence,
                )
            } else {
                EndpointVerdict::new(
                    Status::Fail,
                    "not_preload_ready",
                    format!(
                        "{} is not ready for HSTS preloading: {}",
                        first.url,
                        problems.join("; ")
                    ),
                    evidence,
                )
            }
        })
    }
}

/// The not-applicable outcome for a name that is not a registrable domain (public suffix + one
/// label): the preload list accepts only those (a subdomain is covered by its registrable
/// domain's includeSubDomains).
fn not_a_registrable_domain(domain: &str) -> Option<Outcome> {
    let registrable = public_suffix::registrable_domain(domain);
    let name = domain.trim_end_matches('.').to_ascii_lowercase();
    if registrable.as_deref() == Some(name.as_str()) {
        return None;
    }
    let message = match &registrable {
        Some(parent) => format!(
            "{domain} is a subdomain of {parent}: the HSTS preload list takes registrable domains only (preload {parent} with includeSubDomains to cover it)"
        ),
        None => format!("{domain} is a public suffix, which cannot be preloaded"),
    };
    Some(Outcome::new(
        META.id,
        Status::NotApplicable,
        "not_registrable_domain",
        message,
        json!({ "domain": domain, "registrable_domain": registrable }),
    ))
}
