//! `/.well-known/security.txt` is served over HTTPS with Contact and a future Expires (RFC 9116).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Probed, Reference, Status,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine_each, missing_probe_verdict};
use crate::http::{https_refused, security_txt_file};
use crate::{Check, Context};

/// The check.
pub struct SecurityTxt;

/// RFC 9116 §2.5.5: Expires SHOULD be less than a year in the future.
const YEAR_SECONDS: i64 = 366 * 24 * 3600;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.security-txt",
    family: Family::Http,
    title: "A current security.txt tells researchers how to report vulnerabilities",
    level: Level::Should,
    rationale: "People who find a vulnerability in a government site need to know whom to \
                tell. RFC 9116 puts that in `/.well-known/security.txt` over HTTPS, with a \
                Contact and an Expires date so stale contacts are not trusted forever.",
    remediation: "Serve `/.well-known/security.txt` as `text/plain` over HTTPS with at least \
                  `Contact: mailto:security@example.ee` and `Expires: 2027-06-30T00:00:00Z` \
                  (less than a year ahead; renew it). Generator: securitytxt.org.\n\
                  nginx: `location = /.well-known/security.txt { alias /etc/nginx/security.txt; }`\n\
                  Apache: `Alias /.well-known/security.txt /var/www/security.txt`\n\
                  IIS: put the file under `.well-known` and add a text/plain MIME map for it.",
    references: &[
        Reference {
            title: "RFC 9116 (security.txt)",
            url: "https://www.rfc-editor.org/rfc/rfc9116",
        },
        Reference {
            title: "RFC 9116 §3 (the file MUST be fetched with the https scheme)",
            url: "https://www.rfc-editor.org/rfc/rfc9116#section-3",
        },
        Reference {
            title: "internet.nl web test: security.txt",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsAddresses, Need::SecurityTxt],
    findings: &[
        FindingDecl {
            key: "security_txt_valid",
            status: Status::Pass,
            meaning: "a valid /.well-known/security.txt with Contact and a current Expires",
        },
        FindingDecl {
            key: "security_txt_missing",
            status: Status::Fail,
            meaning: "there is no security.txt (not found)",
        },
        FindingDecl {
            key: "contact_missing",
            status: Status::Fail,
            meaning: "security.txt has no Contact field",
        },
        FindingDecl {
            key: "expires_missing",
            status: Status::Fail,
            meaning: "security.txt does not have exactly one Expires field",
        },
        FindingDecl {
            key: "expires_invalid",
            status: Status::Fail,
            meaning: "the Expires value is not an RFC 3339 date-time",
        },
        FindingDecl {
            key: "expired",
            status: Status::Fail,
            meaning: "the Expires date has passed",
        },
        FindingDecl {
            key: "no_https",
            status: Status::Fail,
            meaning: "the address offers no HTTPS, and security.txt must be served over HTTPS",
        },
        FindingDecl {
            key: "expires_too_far",
            status: Status::Warn,
            meaning: "Expires is more than a year away",
        },
        FindingDecl {
            key: "content_type_not_text_plain",
            status: Status::Warn,
            meaning: "security.txt is not served as text/plain",
        },
        FindingDecl {
            key: "redirected",
            status: Status::Warn,
            meaning: "security.txt is answered with a redirect",
        },
    ],
    params: &[],
};

impl Check for SecurityTxt {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        combine_each(META.id, &obs.endpoints, |ep| {
            if let Some(detail) = https_refused(ep) {
                // RFC 9116 §3: the file MUST be accessed via HTTPS; over plain HTTP it
                // cannot be trusted, so a site without HTTPS has no valid security.txt.
                return EndpointVerdict::new(
                    Status::Fail,
                    "no_https",
                    format!(
                        "{} offers no HTTPS (port 443 refused), and security.txt must be \
                             served over HTTPS",
                        ep.address
                    ),
                    json!({ "https": detail }),
                );
            }
            let exchange = match &ep.security_txt {
                Probed::Ok { value } => value,
                other => return missing_probe_verdict(other),
            };
            let content_type = exchange.header("content-type").unwrap_or("");
            let mut evidence = json!({
                "url": exchange.url,
                "status": exchange.status,
                "content_type": content_type,
            });
            if exchange.status != 200 {
                let (status, finding) = if (300..400).contains(&exchange.status) {
                    (Status::Warn, "redirected")
                } else {
                    (Status::Fail, "security_txt_missing")
                };
                return EndpointVerdict::new(
                    status,
                    finding,
                    format!("{} answered {}", exchange.url, exchange.status),
                    evidence,
                );
            }
            let body = exchange.body_text.as_deref().unwrap_or("");
            let file = security_txt_file::parse(body);
            let expires_at = file
                .expires
                .first()
                .and_then(|e| security_txt_file::expires_unix(e));
            evidence["contacts"] = json!(file.contacts);
            evidence["expires"] = json!(file.expires);
            evidence["signed"] = json!(file.signed);
            evidence["invalid_lines"] = json!(file.invalid_lines);
            let verdict = |status, finding, message: String| {
                EndpointVerdict::new(status, finding, message, evidence.clone())
            };
            if file.contacts.is_empty() {
                return verdict(
                    Status::Fail,
                    "contact_missing",
                    format!("{} has no Contact field", exchange.url),
                );
            }
            if file.expires.len() != 1 {
                return verdict(
                    Status::Fail,
                    "expires_missing",
                    format!(
                        "{} has {} Expires fields (exactly one is required)",
                        exchange.url,
                        file.expires.len()
                    ),
                );
            }
            let Some(expires_at) = expires_at else {
                return verdict(
                    Status::Fail,
                    "expires_invalid",
                    format!(
                        "{} has an Expires value that is not an RFC 3339 date-time",
                        exchange.url
                    ),
                );
            };
            if expires_at <= ctx.now_unix {
                return verdict(
                    Status::Fail,
                    "expired",
                    format!("{} expired on {}", exchange.url, file.expires[0]),
                );
            }
            if !content_type.to_ascii_lowercase().starts_with("text/plain") {
                return verdict(
                    Status::Warn,
                    "content_type_not_text_plain",
                    format!(
                        "{} is served as {content_type:?}, not text/plain",
                        exchange.url
                    ),
                );
            }
            if expires_at - ctx.now_unix > YEAR_SECONDS {
                return verdict(
                    Status::Warn,
                    "expires_too_far",
                    format!(
                        "{} expires more than a year ahead ({})",
                        exchange.url, file.expires[0]
                    ),
                );
            }
            verdict(
                Status::Pass,
                "security_txt_valid",
                format!("{} is valid until {}", exchange.url, file.expires[0]),
            )
        })
    }
}
