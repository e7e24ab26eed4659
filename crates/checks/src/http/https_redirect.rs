//! Plain http:// requests are redirected, on the first hop, to https:// on the same host, and no
//! later hop of the chain leads back to http:// (the whole chain and its landing are judged).

mod later_hops;

use govscan_model::{
    CheckMeta, EndpointObservations, FailureKind, Family, FindingDecl, Level, Need, Observations,
    Outcome, Probed, RedirectChain, RedirectEnd, Reference, Status,
};
use serde_json::json;
use url::Url;

use crate::endpoints::{EndpointVerdict, combine_each, missing_probe_verdict};
use crate::{Check, Context};
use later_hops::judge_later_hops;

/// The check.
pub struct HttpsRedirect;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const PERMANENT_REDIRECT: FindingDecl = FindingDecl {
    key: "permanent_redirect",
    status: Status::Pass,
    meaning: "http:// redirects permanently to https:// on the same host",
};
const HTTP_NOT_OFFERED: FindingDecl = FindingDecl {
    key: "http_not_offered",
    status: Status::Pass,
    meaning: "plain HTTP is not offered at all",
};
const TEMPORARY_REDIRECT: FindingDecl = FindingDecl {
    key: "temporary_redirect",
    status: Status::Warn,
    meaning: "http:// redirects to https:// with a temporary status",
};
const NO_REDIRECT: FindingDecl = FindingDecl {
    key: "no_redirect",
    status: Status::Fail,
    meaning: "http:// serves the page without redirecting to https://",
};
const FIRST_HOP_NOT_SAME_HOST_HTTPS: FindingDecl = FindingDecl {
    key: "first_hop_not_same_host_https",
    status: Status::Fail,
    meaning: "the first redirect does not go to https:// on the same host",
};
const OFFSITE: FindingDecl = FindingDecl {
    key: "offsite",
    status: Status::Fail,
    meaning: "the redirect leaves for another site before reaching https://",
};
const DOWNGRADE: FindingDecl = FindingDecl {
    key: "downgrade",
    status: Status::Fail,
    meaning: "the redirects go from https:// back to http://",
};
const FINAL_NOT_HTTPS: FindingDecl = FindingDecl {
    key: "final_not_https",
    status: Status::Fail,
    meaning: "the redirects end on a page that is not https://",
};
const BAD_LOCATION: FindingDecl = FindingDecl {
    key: "bad_location",
    status: Status::Fail,
    meaning: "a redirect has a Location that cannot be followed",
};
const REDIRECT_LOOP: FindingDecl = FindingDecl {
    key: "redirect_loop",
    status: Status::Fail,
    meaning: "the redirects loop",
};
const TOO_MANY_REDIRECTS: FindingDecl = FindingDecl {
    key: "too_many_redirects",
    status: Status::Fail,
    meaning: "the redirects go on past the limit",
};
const UNUSUAL_REDIRECT_STATUS: FindingDecl = FindingDecl {
    key: "unusual_redirect_status",
    status: Status::Fail,
    meaning: "a redirect uses a status browsers do not follow as a redirect",
};
const LATER_HOP_FAILED: FindingDecl = FindingDecl {
    key: "later_hop_failed",
    status: Status::Inconclusive,
    meaning: "a later hop of the redirect chain failed",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.https-redirect",
    family: Family::Http,
    title: "Plain HTTP visits are redirected straight to HTTPS on the same host",
    level: Level::Should,
    rationale: "Visitors who type the address or follow an old http:// link start unencrypted. \
                A permanent redirect to https:// on the same host as the very first step moves \
                them to HTTPS before anything else happens, and lets the HTTPS host set HSTS \
                for that name. Every later redirect must stay on https://: one hop back to \
                http:// (on this or another host) hands the visit to a network attacker again. \
                Closing port 80 entirely is also acceptable.",
    remediation: "Answer every http:// request with `301 Moved Permanently` (or 308) to the \
                  same host over https://, before any redirect to another host (e.g. `www.`); \
                  every later redirect must point to an https:// URL.\n\
                  nginx: `server { listen 80; listen [::]:80; server_name example.ee; \
                  return 301 https://$host$request_uri; }`\n\
                  Apache: `<VirtualHost *:80>` with `Redirect permanent / https://example.ee/`\n\
                  IIS: URL Rewrite rule with `<action type=\"Redirect\" \
                  url=\"https://{HTTP_HOST}{REQUEST_URI}\" redirectType=\"Permanent\" />`.",
    references: &[
        Reference {
            title: "RIA: Configuring two-way SSL in the Ubuntu Nginx web server (HTTP → HTTPS 301)",
            url: "https://open-eid.github.io/nginx",
        },
        Reference {
            title: "RFC 6797 §7.2 (an HSTS host should redirect HTTP requests to HTTPS)",
            url: "https://www.rfc-editor.org/rfc/rfc6797#section-7.2",
        },
        Reference {
            title: "RFC 9110 §15.4 (redirection status codes) and §10.2.2 (Location, resolved against the request URL)",
            url: "https://www.rfc-editor.org/rfc/rfc9110#section-15.4",
        },
        Reference {
            title: "Fetch Living Standard §4.4 HTTP-redirect fetch (browsers follow 301, 302, 303, 307 and 308, each hop in turn)",
            url: "https://fetch.spec.whatwg.org/#http-redirect-fetch",
        },
        Reference {
            title: "internet.nl website test (HTTPS redirect, same host first)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Http],
    findings: &[
        PERMANENT_REDIRECT,
        HTTP_NOT_OFFERED,
        TEMPORARY_REDIRECT,
        NO_REDIRECT,
        FIRST_HOP_NOT_SAME_HOST_HTTPS,
        OFFSITE,
        DOWNGRADE,
        FINAL_NOT_HTTPS,
        BAD_LOCATION,
        REDIRECT_LOOP,
        TOO_MANY_REDIRECTS,
        UNUSUAL_REDIRECT_STATUS,
        LATER_HOP_FAILED,
    ],
    params: &[],
};

/// What was found on one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// 301/308 to https:// on the same host.
    PermanentRedirect,
    /// Port 80 refuses connections while HTTPS works.
    HttpNotOffered,
    /// 302/303/307 to https:// on the same host.
    TemporaryRedirect,
    /// A 3xx status that browsers do not treat as a plain redirect (300, 304, 305, …).
    UnusualRedirectStatus,
    /// The first hop goes to http:// (or another non-https scheme).
    FirstHopNotSameHostHttps,
    /// The first hop goes to https:// on another host.
    Offsite,
    /// The http:// request is answered without a redirect.
    NoRedirect,
    /// A redirect without a usable Location.
    BadLocation,
    /// The chain returns to a URL it has visited.
    RedirectLoop,
    /// More redirects than the probe's limit.
    TooManyRedirects,
    /// A later hop redirects back to http:// (on this or another host).
    Downgrade,
    /// The chain ends on a page that is not served over https://.
    FinalNotHttps,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::PermanentRedirect => PERMANENT_REDIRECT,
            Finding::HttpNotOffered => HTTP_NOT_OFFERED,
            Finding::TemporaryRedirect => TEMPORARY_REDIRECT,
            Finding::UnusualRedirectStatus => UNUSUAL_REDIRECT_STATUS,
            Finding::FirstHopNotSameHostHttps => FIRST_HOP_NOT_SAME_HOST_HTTPS,
            Finding::Offsite => OFFSITE,
            Finding::NoRedirect => NO_REDIRECT,
            Finding::BadLocation => BAD_LOCATION,
            Finding::RedirectLoop => REDIRECT_LOOP,
            Finding::TooManyRedirects => TOO_MANY_REDIRECTS,
            Finding::Downgrade => DOWNGRADE,
            Finding::FinalNotHttps => FINAL_NOT_HTTPS,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }

    fn status(self) -> Status {
        self.decl().status
    }
}

/// A host name for comparison: lower case, without a trailing dot.
fn normalised_host(url: &Url) -> Option<String> {
    url.host_str()
        .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
}

fn judge_chain(chain: &RedirectChain) -> EndpointVerdict {
    let hops: Vec<_> = chain
        .hops
        .iter()
        .map(|h| json!({ "url": h.url, "status": h.status, "location": h.header("location") }))
        .collect();
    let Some(first) = chain.hops.first() else {
        return EndpointVerdict::new(
            Status::Inconclusive,
            "probe_incomplete",
            "no HTTP response recorded",
            json!({ "end": chain.end }),
        );
    };
    let mut evidence = json!({ "hops": hops, "end": chain.end });
    let verdict = |finding: Finding, message: String, evidence: serde_json::Value| {
        EndpointVerdict::new(finding.status(), finding.key(), message, evidence)
    };
    match &chain.end {
        RedirectEnd::Loop { location } => {
            return verdict(
                Finding::RedirectLoop,
                format!("{} redirects in a loop (back to {location})", first.url),
                evidence,
            );
        }
        RedirectEnd::TooManyRedirects { limit } => {
            return verdict(
                Finding::TooManyRedirects,
                format!("{} redirects more than {limit} times", first.url),
                evidence,
            );
        }
        _ => {}
    }
    let Some(location) = first.header("location").filter(|_| first.is_redirect()) else {
        if (300..400).contains(&first.status) {
            return verdict(
                Finding::BadLocation,
                format!("{} answers {} without a Location", first.url, first.status),
                evidence,
            );
        }
        return verdict(
            Finding::NoRedirect,
            format!(
                "{} answers {} without redirecting to HTTPS",
                first.url, first.status
            ),
            evidence,
        );
    };
    let target = Url::parse(&first.url).and_then(|base| base.join(location.trim()));
    let (Ok(base), Ok(target)) = (Url::parse(&first.url), target) else {
        return verdict(
            Finding::BadLocation,
            format!(
                "{} redirects to an unusable Location {location:?}",
                first.url
            ),
            evidence,
        );
    };
    evidence["first_hop_target"] = json!(target.as_str());
    let same_host =
        normalised_host(&base).is_some() && normalised_host(&base) == normalised_host(&target);
    if target.scheme() != "https" {
        return verdict(
            Finding::FirstHopNotSameHostHttps,
            format!(
                "{} first redirects to {target}, which is not HTTPS",
                first.url
            ),
            evidence,
        );
    }
    if !same_host {
        return verdict(
            Finding::Offsite,
            format!(
                "{} first redirects to another host ({target}) instead of HTTPS on the same host",
                first.url
            ),
            evidence,
        );
    }
    let finding = match first.status {
        301 | 308 => Finding::PermanentRedirect,
        302 | 303 | 307 => Finding::TemporaryRedirect,
        // Fetch follows only 301, 302, 303, 307 and 308: the visit stays on http://.
        _ => {
            return verdict(
                Finding::UnusualRedirectStatus,
                format!(
                    "{} answers {}, which browsers do not follow as a redirect",
                    first.url, first.status
                ),
                evidence,
            );
        }
    };
    if let Some(later) = judge_later_hops(chain, &mut evidence) {
        return later;
    }
    let landing = evidence["final_url"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    verdict(
        finding,
        format!(
            "{} answers {} to {target}, and the chain stays on HTTPS to {landing}",
            first.url, first.status
        ),
        evidence,
    )
}

fn judge_endpoint(ep: &EndpointObservations) -> EndpointVerdict {
    match &ep.http {
        Probed::Ok { value } => judge_chain(value),
        Probed::Failed {
            kind: FailureKind::Refused,
            detail,
        } => {
            let https_works = ep.tls.value().is_some() || ep.https.value().is_some();
            let evidence = json!({ "http": { "failure": "refused", "detail": detail }, "https_works": https_works });
            if https_works {
                EndpointVerdict::new(
                    Finding::HttpNotOffered.status(),
                    Finding::HttpNotOffered.key(),
                    format!(
                        "{} does not offer plain HTTP (port 80 refused) and serves HTTPS",
                        ep.address
                    ),
                    evidence,
                )
            } else {
                EndpointVerdict::new(
                    Status::Inconclusive,
                    "probe_incomplete",
                    format!(
                        "{} refused port 80 and HTTPS did not work either",
                        ep.address
                    ),
                    evidence,
                )
            }
        }
        other => missing_probe_verdict(other),
    }
}

impl Check for HttpsRedirect {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine_each(META.id, &obs.endpoints, judge_endpoint)
    }
}
