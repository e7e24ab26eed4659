//! The home page forbids framing by other sites, judged as a browser does: an enforced CSP
//! frame-ancestors replaces X-Frame-Options entirely; otherwise X-Frame-Options is read as the
//! HTML standard reads it (repeated values are one value).

use std::collections::BTreeSet;

use govscan_model::{
    CheckMeta, Family, FindingDecl, HttpExchange, Level, Need, Observations, Outcome, Reference,
    Status,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::finding_decls::findings;
use crate::http::csp_policy::{self, CspPolicy};
use crate::http::{HOME_PAGE_FINDINGS, csp_source, header_list, judge_home_page};
use crate::{Check, Context};

/// The check.
pub struct FrameProtection;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.frame-protection",
    family: Family::Http,
    title: "Other sites cannot frame the pages (X-Frame-Options or CSP frame-ancestors)",
    level: Level::Should,
    rationale: "A page that any site may embed in a frame can be overlaid with a decoy so that \
                visitors click buttons they cannot see (clickjacking), e.g. to confirm a \
                transaction in a citizen portal.",
    remediation: "Send `Content-Security-Policy: frame-ancestors 'self'` (or `'none'`), and \
                  for old browsers `X-Frame-Options: SAMEORIGIN` (or `DENY`). Browsers ignore \
                  X-Frame-Options when frame-ancestors is present, so a frame-ancestors of `*` \
                  or `https:` leaves the page open whatever X-Frame-Options says.\n\
                  nginx: `add_header X-Frame-Options SAMEORIGIN always;`\n\
                  Apache: `Header always set X-Frame-Options \"SAMEORIGIN\"`\n\
                  IIS: a customHeaders entry `X-Frame-Options` = `SAMEORIGIN`.",
    references: &[
        Reference {
            title: "HTML Living Standard, the `X-Frame-Options` header: ignored when an enforced CSP has frame-ancestors; repeated values are one value; conflicting values block framing",
            url: "https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header",
        },
        Reference {
            title: "W3C CSP Level 3 §6.4.2 frame-ancestors (an empty list allows no ancestor)",
            url: "https://www.w3.org/TR/CSP3/#directive-frame-ancestors",
        },
        Reference {
            title: "Fetch Living Standard §2.2.2 (get, decode, and split a header)",
            url: "https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split",
        },
        Reference {
            title: "RFC 7034 (X-Frame-Options)",
            url: "https://www.rfc-editor.org/rfc/rfc7034",
        },
        Reference {
            title: "MDN HTTP Observatory scoring: X-Frame-Options",
            url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
    findings: findings!(
        &[
            FindingDecl {
                key: "framing_restricted",
                status: Status::Pass,
                meaning: "frame-ancestors or X-Frame-Options restricts who may frame the page",
            },
            FindingDecl {
                key: "framing_unrestricted",
                status: Status::Fail,
                meaning: "nothing stops other sites from framing the page",
            },
            FindingDecl {
                key: "frame_ancestors_allows_any_site",
                status: Status::Fail,
                meaning: "frame-ancestors lets any site frame the page",
            },
            FindingDecl {
                key: "framing_header_invalid",
                status: Status::Fail,
                meaning: "X-Frame-Options has a value browsers ignore, and there is no frame-ancestors",
            },
            FindingDecl {
                key: "framing_header_conflicting",
                status: Status::Warn,
                meaning: "conflicting X-Frame-Options values (browsers disagree on what they mean)",
            },
        ],
        HOME_PAGE_FINDINGS,
    ),
    params: &[],
};

/// What an X-Frame-Options header list means to a browser (HTML "check a navigation
/// response's adherence to X-Frame-Options", steps 3 to 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XfoMeaning {
    /// No header.
    Absent,
    /// One value (repeats collapse), `deny` or `sameorigin`.
    Restricts,
    /// Several different values, one of them `deny`, `sameorigin` or `allowall`: the
    /// standard blocks every framing (also same-origin), but browsers that predate it ignore
    /// the header.
    Conflicting,
    /// Any other value or set of values: ignored, framing allowed.
    Ignored,
}

fn xfo_meaning(values: Option<&[String]>) -> XfoMeaning {
    let Some(values) = values else {
        return XfoMeaning::Absent;
    };
    let set: BTreeSet<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
    if set.len() > 1 {
        if set
            .iter()
            .any(|v| matches!(v.as_str(), "deny" | "sameorigin" | "allowall"))
        {
            return XfoMeaning::Conflicting;
        }
        return XfoMeaning::Ignored;
    }
    match set.first().map(String::as_str) {
        Some("deny" | "sameorigin") => XfoMeaning::Restricts,
        _ => XfoMeaning::Ignored,
    }
}

/// Judges one response as a browser deciding whether another site may frame it.
fn judge_response(last: &HttpExchange) -> EndpointVerdict {
    let xfo_values = header_list::get_decode_split(last, "x-frame-options");
    let policies: Vec<CspPolicy> = last
        .header_values("content-security-policy")
        .flat_map(csp_policy::parse_header)
        .collect();
    let ancestors: Vec<&Vec<String>> = policies
        .iter()
        .filter_map(|p| p.directives.get("frame-ancestors"))
        .collect();
    let xfo = xfo_meaning(xfo_values.as_deref());
    let mut evidence = json!({
        "url": last.url,
        "x_frame_options": xfo_values,
        "frame_ancestors": ancestors,
    });
    let url = &last.url;
    if !ancestors.is_empty() {
        // An enforced frame-ancestors replaces X-Frame-Options entirely; framing is allowed
        // only if every frame-ancestors allows the framing site.
        evidence["x_frame_options_ignored"] = json!(xfo_values.is_some());
        let ignored_note = if xfo_values.is_some() {
            " (its X-Frame-Options is ignored, as browsers do when frame-ancestors is present)"
        } else {
            ""
        };
        return if ancestors
            .iter()
            .all(|list| csp_source::frame_ancestors_allow_anyone(list))
        {
            EndpointVerdict::new(
                Status::Fail,
                "frame_ancestors_allows_any_site",
                format!("the CSP frame-ancestors of {url} lets any site frame it{ignored_note}"),
                evidence,
            )
        } else {
            EndpointVerdict::new(
                Status::Pass,
                "framing_restricted",
                format!("{url} restricts who may frame it with CSP frame-ancestors{ignored_note}"),
                evidence,
            )
        };
    }
    match xfo {
        XfoMeaning::Restricts => EndpointVerdict::new(
            Status::Pass,
            "framing_restricted",
            format!("{url} restricts who may frame it with X-Frame-Options"),
            evidence,
        ),
        XfoMeaning::Absent => EndpointVerdict::new(
            Status::Fail,
            "framing_unrestricted",
            format!("{url} sends neither X-Frame-Options nor CSP frame-ancestors"),
            evidence,
        ),
        XfoMeaning::Conflicting => EndpointVerdict::new(
            Status::Warn,
            "framing_header_conflicting",
            format!(
                "{url} sends conflicting X-Frame-Options values: current browsers then refuse all framing, older ones ignore the header; send one value"
            ),
            evidence,
        ),
        XfoMeaning::Ignored => EndpointVerdict::new(
            Status::Fail,
            "framing_header_invalid",
            format!(
                "{url} sends an X-Frame-Options value browsers ignore (it must be DENY or SAMEORIGIN) and no CSP frame-ancestors"
            ),
            evidence,
        ),
    }
}

impl Check for FrameProtection {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        judge_home_page(META.id, obs, judge_response)
    }
}
