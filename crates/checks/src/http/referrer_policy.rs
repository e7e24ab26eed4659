//! A Referrer-Policy keeps full URLs from leaking to other sites.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::finding_decls::findings;
use crate::http::{HOME_PAGE_FINDINGS, judge_home_page};
use crate::{Check, Context};

/// The check.
pub struct ReferrerPolicy;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.referrer-policy",
    family: Family::Http,
    title: "A Referrer-Policy keeps page addresses from leaking to other sites",
    level: Level::Should,
    rationale: "Addresses of government pages can carry case numbers, search terms or tokens. \
                Without a strict Referrer-Policy a browser may send the full address to every \
                site a page links to or loads from.",
    remediation: "Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer`, \
                  `same-origin`, `strict-origin`).\n\
                  nginx: `add_header Referrer-Policy strict-origin-when-cross-origin always;`\n\
                  Apache: `Header always set Referrer-Policy \"strict-origin-when-cross-origin\"`\n\
                  IIS: a customHeaders entry `Referrer-Policy`.",
    references: &[
        Reference {
            title: "W3C Referrer Policy §4 (policy values)",
            url: "https://www.w3.org/TR/referrer-policy/#referrer-policies",
        },
        Reference {
            title: "MDN HTTP Observatory scoring: Referrer Policy",
            url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
    findings: findings!(
        &[
            FindingDecl {
                key: "referrer_policy_strict",
                status: Status::Pass,
                meaning: "the Referrer-Policy does not send full addresses to other sites",
            },
            FindingDecl {
                key: "referrer_policy_missing",
                status: Status::Warn,
                meaning: "no Referrer-Policy: browsers use their own default",
            },
            FindingDecl {
                key: "referrer_policy_leaky",
                status: Status::Fail,
                meaning: "the Referrer-Policy sends full addresses to other sites",
            },
            FindingDecl {
                key: "referrer_policy_invalid",
                status: Status::Fail,
                meaning: "the Referrer-Policy has no valid value",
            },
        ],
        HOME_PAGE_FINDINGS,
    ),
    params: &[],
};

/// Policies that never send the full URL cross-origin or over plain HTTP.
const SAFE: [&str; 4] = [
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
];
/// Every policy token the spec defines.
const KNOWN: [&str; 8] = [
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

/// The effective policy of the header values: the last known token wins (spec §8.1).
pub(crate) fn effective_policy<'a>(values: impl Iterator<Item = &'a str>) -> Option<String> {
    values
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| KNOWN.contains(&t.as_str()))
        .last()
}

impl Check for ReferrerPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        judge_home_page(META.id, obs, |last| {
            let values: Vec<&str> = last.header_values("referrer-policy").collect();
            let policy = effective_policy(values.iter().copied());
            let evidence = json!({ "url": last.url, "values": values, "effective": policy });
            match policy {
                Some(p) if SAFE.contains(&p.as_str()) => EndpointVerdict::new(
                    Status::Pass,
                    "referrer_policy_strict",
                    format!("{} sends Referrer-Policy: {p}", last.url),
                    evidence,
                ),
                Some(p) => EndpointVerdict::new(
                    Status::Fail,
                    "referrer_policy_leaky",
                    format!(
                        "{} sends Referrer-Policy: {p}, which sends full addresses to other sites",
                        last.url
                    ),
                    evidence,
                ),
                None if values.is_empty() => EndpointVerdict::new(
                    Status::Warn,
                    "referrer_policy_missing",
                    format!(
                        "{} sends no Referrer-Policy (browsers then use their own default)",
                        last.url
                    ),
                    evidence,
                ),
                None => EndpointVerdict::new(
                    Status::Fail,
                    "referrer_policy_invalid",
                    format!("{} sends a Referrer-Policy with no valid value", last.url),
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
    fn the_last_known_token_wins() {
        assert_eq!(
            effective_policy(["no-referrer, bogus", "unsafe-url"].into_iter()).as_deref(),
            Some("unsafe-url")
        );
        assert_eq!(
            effective_policy(["origin, STRICT-origin , x"].into_iter()).as_deref(),
            Some("strict-origin")
        );
        assert_eq!(effective_policy(["<script>"].into_iter()), None);
    }
}
