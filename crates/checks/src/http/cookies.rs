//! Cookies set by the site are Secure, session cookies HttpOnly, and all carry SameSite.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine};
use crate::http::set_cookie::{self, SetCookie};
use crate::{Check, Context};

/// The check.
pub struct Cookies;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.cookies",
    family: Family::Http,
    title: "Cookies are Secure, session cookies are HttpOnly, and all set SameSite",
    level: Level::Should,
    rationale: "A cookie without `Secure` is sent over plain HTTP where anyone on the network \
                can read it; a session cookie without `HttpOnly` can be stolen by any injected \
                script; without `SameSite` the browser attaches it to requests other sites \
                trigger (cross-site request forgery).",
    remediation: "Set every cookie with `Secure; SameSite=Lax` (or Strict), and session or \
                  login cookies also with `HttpOnly`.\n\
                  nginx (proxied apps): `proxy_cookie_flags ~ secure httponly samesite=lax;`\n\
                  Apache: `Header always edit Set-Cookie ^(.*)$ \"$1; Secure; HttpOnly; SameSite=Lax\"`\n\
                  IIS/ASP.NET: `<httpCookies requireSSL=\"true\" httpOnlyCookies=\"true\" sameSite=\"Lax\"/>`.",
    references: &[
        Reference {
            title: "RFC 6265 §4.1.2.5–§4.1.2.6 (Secure, HttpOnly)",
            url: "https://www.rfc-editor.org/rfc/rfc6265#section-4.1.2.5",
        },
        Reference {
            title: "MDN HTTP Observatory scoring: Cookies",
            url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
    findings: &[
        FindingDecl {
            key: "cookies_protected",
            status: Status::Pass,
            meaning: "every cookie the page sets has the protections it needs",
        },
        FindingDecl {
            key: "cookie_without_secure",
            status: Status::Fail,
            meaning: "a cookie is set without Secure",
        },
        FindingDecl {
            key: "session_cookie_without_httponly",
            status: Status::Fail,
            meaning: "a session cookie is set without HttpOnly",
        },
        FindingDecl {
            key: "cookie_without_samesite",
            status: Status::Warn,
            meaning: "a cookie is set without SameSite",
        },
        FindingDecl {
            key: "cookie_samesite_invalid",
            status: Status::Warn,
            meaning: "a cookie's SameSite value is not Lax, Strict or None",
        },
        FindingDecl {
            key: "no_cookies",
            status: Status::NotApplicable,
            meaning: "the site sets no cookie",
        },
    ],
    params: &[],
};

/// The problems of one cookie: (status, finding).
fn problems(cookie: &SetCookie) -> Vec<(Status, &'static str)> {
    let mut out = Vec::new();
    if !cookie.secure {
        out.push((Status::Fail, "cookie_without_secure"));
    }
    if set_cookie::is_session_cookie(&cookie.name) && !cookie.http_only {
        out.push((Status::Fail, "session_cookie_without_httponly"));
    }
    match cookie.same_site.as_deref() {
        None => out.push((Status::Warn, "cookie_without_samesite")),
        Some("lax" | "strict") => {}
        Some("none") => {}
        Some(_) => out.push((Status::Warn, "cookie_samesite_invalid")),
    }
    out
}

impl Check for Cookies {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.https,
            |_, chain| {
                let cookies: Vec<(String, SetCookie)> = chain
                    .hops
                    .iter()
                    .flat_map(|hop| {
                        hop.header_values("set-cookie")
                            .filter_map(set_cookie::parse)
                            .map(|c| (hop.url.clone(), c))
                    })
                    .collect();
                let url = chain
                    .hops
                    .first()
                    .map(|h| h.url.clone())
                    .unwrap_or_default();
                if cookies.is_empty() {
                    return EndpointVerdict::new(
                        Status::NotApplicable,
                        "no_cookies",
                        format!("{url} sets no cookies"),
                        json!({ "url": url, "cookies": [] }),
                    );
                }
                let mut worst: Option<(Status, &'static str)> = None;
                let listed: Vec<serde_json::Value> = cookies
                    .iter()
                    .map(|(at, c)| {
                        let found = problems(c);
                        for p in &found {
                            let worse = match worst {
                                None => true,
                                Some((Status::Warn, _)) => p.0 == Status::Fail,
                                Some(_) => false,
                            };
                            if worse {
                                worst = Some(*p);
                            }
                        }
                        json!({
                            "set_by": at,
                            "name": c.name,
                            "secure": c.secure,
                            "http_only": c.http_only,
                            "same_site": c.same_site,
                            "session_cookie": set_cookie::is_session_cookie(&c.name),
                            "problems": found.iter().map(|p| p.1).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                let evidence = json!({ "url": url, "cookies": listed });
                match worst {
                    None => EndpointVerdict::new(
                        Status::Pass,
                        "cookies_protected",
                        format!("all {} cookie(s) set by {url} are protected", cookies.len()),
                        evidence,
                    ),
                    Some((status, finding)) => EndpointVerdict::new(
                        status,
                        finding,
                        format!(
                            "cookies set by {url} lack protections ({finding}); see the evidence per cookie"
                        ),
                        evidence,
                    ),
                }
            },
        )
    }
}
