//! Web hygiene checks: redirects, HSTS, security headers, cookies, CORS, security.txt and DANE,
//! with the header parsers they use.

pub mod cookies;
pub mod cors;
pub mod csp;
pub(crate) mod csp_effect;
pub(crate) mod csp_policy;
pub(crate) mod csp_source;
pub mod dane;
pub mod frame_protection;
pub(crate) mod header_list;
pub mod hsts;
pub(crate) mod hsts_header;
pub mod hsts_preload_ready;
pub mod https_redirect;
pub mod permissions_policy;
pub mod referrer_policy;
pub mod security_txt;
pub(crate) mod security_txt_file;
pub mod server_banner;
pub(crate) mod set_cookie;
pub(crate) mod transport_trust;
pub mod x_content_type_options;

use govscan_model::{
    EndpointObservations, FailureKind, FindingDecl, HttpExchange, Observations, Outcome, Probed,
    RedirectChain, RedirectEnd, Status,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine_each, missing_probe_verdict};

/// The home page lives on another host: [`home_page`] leaves it to that host.
const PAGE_ELSEWHERE: FindingDecl = FindingDecl {
    key: "page_elsewhere",
    status: Status::NotApplicable,
    meaning: "the home page lives on another host (an offsite redirect): it is judged there",
};

/// The redirects never reach a page ([`home_page`]).
const NO_PAGE: FindingDecl = FindingDecl {
    key: "no_page",
    status: Status::Inconclusive,
    meaning: "the redirects never reach a page to judge (loop, too many, bad Location)",
};

/// The findings of [`judge_home_page`] besides the check's own: every check that judges the
/// home page includes them in its `META.findings`.
pub(crate) const HOME_PAGE_FINDINGS: &[FindingDecl] = &[PAGE_ELSEWHERE, NO_PAGE];

/// Why this endpoint offers no HTTPS at all (port 443 refused the connection), if so.
pub(crate) fn https_refused(ep: &EndpointObservations) -> Option<&str> {
    match &ep.tls {
        Probed::Failed {
            kind: FailureKind::Refused,
            detail,
        } => Some(detail),
        _ => None,
    }
}

/// A host name as written in a URL, lower case, without a trailing dot.
fn url_host(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .host_str()
        .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
}

/// The home page of one endpoint: the last response of `GET /` over https:// (after same-host
/// redirects), or over http:// when port 443 refuses connections (a site with no HTTPS at all
/// is judged on what it serves, and its missing headers are findings). Not the page when the
/// chain broke off, loops, or leads to another host: then the verdict says why.
pub(crate) fn home_page<'a>(
    domain: &str,
    ep: &'a EndpointObservations,
) -> Result<(&'a HttpExchange, bool), EndpointVerdict> {
    let (chain, plain): (&RedirectChain, bool) = match (&ep.https, https_refused(ep)) {
        (Probed::Ok { value }, _) => (value, false),
        (_, Some(_)) => match &ep.http {
            Probed::Ok { value } => (value, true),
            other => return Err(missing_probe_verdict(other)),
        },
        (other, None) => return Err(missing_probe_verdict(other)),
    };
    if let Some(verdict) = crate::endpoints::Completeness::incomplete(chain) {
        return Err(verdict);
    }
    let Some(last) = chain.last() else {
        return Err(EndpointVerdict::new(
            Status::Inconclusive,
            crate::endpoints::PROBE_INCOMPLETE,
            "no HTTP response recorded",
            json!({ "end": chain.end }),
        ));
    };
    let elsewhere = |location: &str, why: String| {
        EndpointVerdict::new(
            PAGE_ELSEWHERE.status,
            PAGE_ELSEWHERE.key,
            format!(
                "{domain} only redirects to another host ({location}): the page lives there{why}"
            ),
            json!({ "redirects_to": location, "hops": chain.hops.iter().map(|h| json!({"url": h.url, "status": h.status})).collect::<Vec<_>>() }),
        )
    };
    match &chain.end {
        RedirectEnd::Final => {}
        RedirectEnd::Offsite { location, reason } => {
            let why = if reason.is_empty() {
                String::new()
            } else {
                format!(" (not fetched: {reason})")
            };
            return Err(elsewhere(location, why));
        }
        other => {
            return Err(EndpointVerdict::new(
                NO_PAGE.status,
                NO_PAGE.key,
                format!("{} never reaches a page to judge", last.url),
                json!({ "end": other, "last_url": last.url, "last_status": last.status }),
            ));
        }
    }
    let domain_host = domain.trim_end_matches('.').to_ascii_lowercase();
    if url_host(&last.url).is_some_and(|host| host != domain_host) {
        return Err(elsewhere(
            &last.url,
            ", and it is judged as its own domain when it is a target".to_owned(),
        ));
    }
    Ok((last, plain))
}

/// Judges the home page of every endpoint (see [`home_page`]); an endpoint without one is
/// inconclusive, or not applicable when the page lives on another host. A verdict reached over
/// plain HTTP says so in its message and evidence.
pub(crate) fn judge_home_page(
    check: &str,
    obs: &Observations,
    judge: impl Fn(&HttpExchange) -> EndpointVerdict,
) -> Outcome {
    combine_each(check, &obs.endpoints, |ep| {
        match home_page(&obs.domain, ep) {
            Ok((page, false)) => judge(page),
            Ok((page, true)) => {
                let mut verdict = judge(page);
                verdict.message = format!(
                    "{} (over plain HTTP: this address offers no HTTPS)",
                    verdict.message
                );
                if let Some(map) = verdict.evidence.as_object_mut() {
                    map.insert("scheme".to_owned(), json!("http"));
                    map.insert(
                        "https".to_owned(),
                        json!(https_refused(ep).unwrap_or_default()),
                    );
                }
                verdict
            }
            Err(verdict) => verdict,
        }
    })
}
