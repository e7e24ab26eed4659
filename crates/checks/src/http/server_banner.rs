//! The web server does not announce its software versions (informational: always `Info`).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::finding_decls::findings;
use crate::http::{HOME_PAGE_FINDINGS, judge_home_page};
use crate::{Check, Context};

/// The check.
pub struct ServerBanner;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.server-banner",
    family: Family::Http,
    title: "Response headers do not disclose software versions",
    level: Level::May,
    rationale: "A `Server: nginx/1.18.0` or `X-Powered-By: PHP/7.4.3` header tells an attacker \
                which known vulnerabilities to try first. Hiding versions does not fix them, so \
                this is informational: the shipped baselines do not score it.",
    remediation: "nginx: `server_tokens off;`\n\
                  Apache: `ServerTokens Prod` and `ServerSignature Off`; PHP: `expose_php = Off`\n\
                  IIS: `<requestFiltering removeServerHeader=\"true\"/>` and remove \
                  `X-Powered-By` / `X-AspNet-Version` (`enableVersionHeader=\"false\"`).",
    references: &[
        Reference {
            title: "OWASP WSTG-INFO-02 Fingerprint Web Server",
            url: "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/02-Fingerprint_Web_Server",
        },
        Reference {
            title: "RFC 9110 §10.2.4 (Server)",
            url: "https://www.rfc-editor.org/rfc/rfc9110#section-10.2.4",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
    findings: findings!(
        &[
            FindingDecl {
                key: "no_version_disclosed",
                status: Status::Info,
                meaning: "the response headers disclose no software version",
            },
            FindingDecl {
                key: "version_disclosed",
                status: Status::Info,
                meaning: "a response header discloses a software version",
            },
        ],
        HOME_PAGE_FINDINGS,
    ),
    params: &[],
};

/// Headers that commonly carry product versions.
const BANNER_HEADERS: [&str; 5] = [
    "server",
    "x-powered-by",
    "x-aspnet-version",
    "x-aspnetmvc-version",
    "x-generator",
];

/// True when a banner names a version: a product token followed by `/` and a digit, or a
/// version-only header such as X-AspNet-Version.
pub(crate) fn discloses_version(name: &str, value: &str) -> bool {
    if name.ends_with("-version") {
        return value.chars().any(|c| c.is_ascii_digit());
    }
    value
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .any(|token| {
            token.split_once('/').is_some_and(|(product, version)| {
                !product.is_empty() && version.starts_with(|c: char| c.is_ascii_digit())
            }) || (token.len() > 2
                && token.contains('.')
                && token.chars().all(|c| c.is_ascii_digit() || c == '.'))
        })
}

impl Check for ServerBanner {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    /// Endpoints are judged pass/fail so that `combine` shows a disclosing endpoint first;
    /// the domain verdict is then reported as `Info` either way, so the check is never
    /// scored (the score crate does not count `Info`).
    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let mut outcome = judge_home_page(META.id, obs, |last| {
            let banners: Vec<(&str, &str)> = BANNER_HEADERS
                .iter()
                .flat_map(|h| last.header_values(h).map(move |v| (*h, v)))
                .collect();
            let disclosing: Vec<serde_json::Value> = banners
                .iter()
                .filter(|(h, v)| discloses_version(h, v))
                .map(|(h, v)| json!({ "header": h, "value": v }))
                .collect();
            let evidence = json!({
                "url": last.url,
                "banners": banners.iter().map(|(h, v)| json!({ "header": h, "value": v })).collect::<Vec<_>>(),
                "disclosing": disclosing,
            });
            if disclosing.is_empty() {
                EndpointVerdict::new(
                    Status::Pass,
                    "no_version_disclosed",
                    format!("{} discloses no software version", last.url),
                    evidence,
                )
            } else {
                EndpointVerdict::new(
                    Status::Fail,
                    "version_disclosed",
                    format!(
                        "{} discloses software versions in {} header(s)",
                        last.url,
                        disclosing.len()
                    ),
                    evidence,
                )
            }
        });
        if matches!(outcome.status, Status::Pass | Status::Fail) {
            outcome.status = Status::Info;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_recognised() {
        assert!(discloses_version("server", "nginx/1.18.0 (Ubuntu)"));
        assert!(discloses_version("server", "Microsoft-IIS/10.0"));
        assert!(discloses_version("x-powered-by", "PHP/7.4.3"));
        assert!(discloses_version("x-aspnet-version", "4.0.30319"));
        assert!(!discloses_version("server", "nginx"));
        assert!(!discloses_version("server", "cloudflare"));
        assert!(!discloses_version("x-powered-by", "Express"));
    }
}
