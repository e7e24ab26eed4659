//! A Permissions-Policy limits which powerful browser features the pages may use.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::finding_decls::findings;
use crate::http::{HOME_PAGE_FINDINGS, judge_home_page};
use crate::{Check, Context};

/// The check.
pub struct PermissionsPolicy;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.permissions-policy",
    family: Family::Http,
    title: "A Permissions-Policy limits camera, microphone, location and other browser features",
    level: Level::May,
    rationale: "A Permissions-Policy stops injected or third-party script from using the \
                camera, microphone, location or payment features in a visitor's browser.",
    remediation: "Send a policy that switches off what the site does not use, e.g. \
                  `Permissions-Policy: camera=(), microphone=(), geolocation=()`.\n\
                  nginx: `add_header Permissions-Policy \"camera=(), microphone=(), geolocation=()\" always;`\n\
                  Apache: `Header always set Permissions-Policy \"camera=(), microphone=(), geolocation=()\"`\n\
                  IIS: a customHeaders entry `Permissions-Policy`.",
    references: &[
        Reference {
            title: "W3C Permissions Policy §5.2 (Permissions-Policy header)",
            url: "https://www.w3.org/TR/permissions-policy/#permissions-policy-http-header-field",
        },
        Reference {
            title: "securityheaders.com grading (Permissions-Policy)",
            url: "https://securityheaders.com/",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
    findings: findings!(
        &[
            FindingDecl {
                key: "permissions_policy_present",
                status: Status::Pass,
                meaning: "the page sends a valid Permissions-Policy",
            },
            FindingDecl {
                key: "permissions_policy_missing",
                status: Status::Fail,
                meaning: "the page sends no Permissions-Policy",
            },
            FindingDecl {
                key: "permissions_policy_invalid",
                status: Status::Fail,
                meaning: "the Permissions-Policy does not parse, so browsers ignore it",
            },
        ],
        HOME_PAGE_FINDINGS,
    ),
    params: &[],
};

/// Parses a Permissions-Policy (a structured-field dictionary, RFC 8941): feature names with
/// allowlists `()`, `*`, `self` or `(self "https://…")`. Returns the features, or `None` when a
/// member is malformed.
pub(crate) fn parse(value: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for member in value.split(',') {
        let member = member.trim();
        if member.is_empty() {
            continue;
        }
        let (name, allow) = member.split_once('=')?;
        let name = name.trim();
        let allow = allow.trim();
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        let valid_allow =
            allow == "*" || allow == "self" || (allow.starts_with('(') && allow.ends_with(')'));
        if !valid_name || !valid_allow {
            return None;
        }
        out.push((name.to_string(), allow.to_string()));
    }
    (!out.is_empty()).then_some(out)
}

impl Check for PermissionsPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        judge_home_page(META.id, obs, |last| {
            let values: Vec<&str> = last.header_values("permissions-policy").collect();
            let joined = values.join(", ");
            let parsed = parse(&joined);
            let evidence = json!({ "url": last.url, "values": values, "features": parsed });
            match (&parsed, values.is_empty()) {
                (_, true) => EndpointVerdict::new(
                    Status::Fail,
                    "permissions_policy_missing",
                    format!("{} sends no Permissions-Policy", last.url),
                    evidence,
                ),
                (Some(features), _) => EndpointVerdict::new(
                    Status::Pass,
                    "permissions_policy_present",
                    format!(
                        "{} sends a Permissions-Policy for {} feature(s)",
                        last.url,
                        features.len()
                    ),
                    evidence,
                ),
                (None, _) => EndpointVerdict::new(
                    Status::Fail,
                    "permissions_policy_invalid",
                    format!(
                        "{} sends a Permissions-Policy that does not parse (browsers ignore it)",
                        last.url
                    ),
                    evidence,
                ),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_structured_dictionaries() {
        assert_eq!(
            parse("camera=(), geolocation=(self \"https://a.example\"), fullscreen=*")
                .map(|v| v.len()),
            Some(3)
        );
        assert_eq!(parse("camera 'none'"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("<script>=alert(1)"), None);
    }
}
