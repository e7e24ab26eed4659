//! The home page forbids framing by other sites (X-Frame-Options or CSP frame-ancestors).

use govscan_model::{CheckMeta, Family, Level, Need, Observations, Outcome, Reference, Status};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::http::{csp_policy, judge_home_page};
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
                  for old browsers `X-Frame-Options: SAMEORIGIN` (or `DENY`).\n\
                  nginx: `add_header X-Frame-Options SAMEORIGIN always;`\n\
                  Apache: `Header always set X-Frame-Options \"SAMEORIGIN\"`\n\
                  IIS: a customHeaders entry `X-Frame-Options` = `SAMEORIGIN`.",
    references: &[
        Reference {
            title: "RFC 7034 (X-Frame-Options)",
            url: "https://www.rfc-editor.org/rfc/rfc7034",
        },
        Reference {
            title: "W3C CSP Level 3 §frame-ancestors",
            url: "https://www.w3.org/TR/CSP3/#directive-frame-ancestors",
        },
        Reference {
            title: "MDN HTTP Observatory scoring: X-Frame-Options",
            url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
};

impl Check for FrameProtection {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        judge_home_page(META.id, obs, |last| {
            let xfo: Vec<&str> = last.header_values("x-frame-options").collect();
            let ancestors: Vec<Vec<String>> = last
                .header_values("content-security-policy")
                .flat_map(csp_policy::parse_header)
                .filter_map(|p| p.directives.get("frame-ancestors").cloned())
                .collect();
            let evidence = json!({
                "url": last.url,
                "x_frame_options": xfo,
                "frame_ancestors": ancestors,
            });
            let restrictive_ancestors = ancestors.iter().any(|sources| {
                !sources.is_empty()
                    && !sources
                        .iter()
                        .any(|s| s == "*" || s == "https:" || s == "http:")
            });
            let xfo_ok = xfo.len() == 1 && {
                let v = xfo[0].trim();
                v.eq_ignore_ascii_case("deny") || v.eq_ignore_ascii_case("sameorigin")
            };
            if restrictive_ancestors || xfo_ok {
                EndpointVerdict::new(
                    Status::Pass,
                    "framing_restricted",
                    format!("{} restricts who may frame it", last.url),
                    evidence,
                )
            } else if xfo.is_empty() && ancestors.is_empty() {
                EndpointVerdict::new(
                    Status::Fail,
                    "framing_unrestricted",
                    format!(
                        "{} sends neither X-Frame-Options nor CSP frame-ancestors",
                        last.url
                    ),
                    evidence,
                )
            } else {
                EndpointVerdict::new(
                    Status::Fail,
                    "framing_header_invalid",
                    format!(
                        "{} sends framing headers that do not restrict framing (X-Frame-Options must be one DENY or SAMEORIGIN; frame-ancestors must not allow every origin)",
                        last.url
                    ),
                    evidence,
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&FrameProtection);
    }
}
