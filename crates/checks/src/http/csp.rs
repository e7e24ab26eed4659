//! A Content-Security-Policy restricts scripts without unsafe-inline or wildcards, judged over
//! every enforced policy together (a request is allowed only if every policy allows it).

use govscan_model::{
    CheckMeta, Family, FindingDecl, HttpExchange, Level, Need, Observations, Outcome, Reference,
    Status,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::finding_decls::findings;
use crate::http::csp_policy::{self, CspPolicy};
use crate::http::{HOME_PAGE_FINDINGS, csp_effect, judge_home_page};
use crate::{Check, Context};

/// The check.
pub struct Csp;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.csp",
    family: Family::Http,
    title: "A Content-Security-Policy restricts where scripts and objects may come from",
    level: Level::Should,
    rationale: "A CSP is the browser's second line of defence against cross-site scripting: \
                injected markup cannot run script the policy does not allow. `'unsafe-inline'`, \
                `*` or scheme-only sources such as `https:` in script-src switch that defence \
                off; a missing object-src leaves plugins open and a missing frame-ancestors \
                leaves clickjacking open.",
    remediation: "Send an enforced policy, for example \
                  `Content-Security-Policy: default-src 'self'; object-src 'none'; \
                  frame-ancestors 'self'; base-uri 'self'`; move inline scripts to files or \
                  give them nonces or hashes instead of `'unsafe-inline'`.\n\
                  nginx: `add_header Content-Security-Policy \"default-src 'self'; object-src 'none'; frame-ancestors 'self'\" always;`\n\
                  Apache: `Header always set Content-Security-Policy \"default-src 'self'; object-src 'none'; frame-ancestors 'self'\"`\n\
                  IIS: a customHeaders entry `Content-Security-Policy`.",
    references: &[
        Reference {
            title: "W3C CSP Level 3 §2.2.2 (one policy per comma-separated header token) and §8.1 (the effect of multiple policies)",
            url: "https://www.w3.org/TR/CSP3/#multiple-policies",
        },
        Reference {
            title: "W3C CSP Level 3 §6.8.3 (fetch directive fallback lists: script-src-elem, script-src-attr, default-src)",
            url: "https://www.w3.org/TR/CSP3/#directive-fallback-list",
        },
        Reference {
            title: "W3C CSP Level 3 §6.7.3.2 ('unsafe-inline' is ignored with a nonce, hash or 'strict-dynamic') and §8.2 ('strict-dynamic')",
            url: "https://www.w3.org/TR/CSP3/#allow-all-inline",
        },
        Reference {
            title: "W3C CSP Level 3 §3.2 (Content-Security-Policy-Report-Only enforces nothing)",
            url: "https://www.w3.org/TR/CSP3/#cspro-header",
        },
        Reference {
            title: "MDN HTTP Observatory scoring: Content Security Policy",
            url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
    findings: findings!(
        &[
            FindingDecl {
                key: "csp_strict",
                status: Status::Pass,
                meaning: "the enforced policy restricts scripts, objects and framing",
            },
            FindingDecl {
                key: "csp_missing",
                status: Status::Fail,
                meaning: "the page sends no enforced Content-Security-Policy",
            },
            FindingDecl {
                key: "report_only",
                status: Status::Fail,
                meaning: "the policy is only Report-Only, which enforces nothing",
            },
            FindingDecl {
                key: "script_unrestricted",
                status: Status::Fail,
                meaning: "the policy does not restrict where scripts come from",
            },
            FindingDecl {
                key: "unsafe_inline",
                status: Status::Fail,
                meaning: "the policy allows inline scripts",
            },
            FindingDecl {
                key: "unsafe_inline_handlers",
                status: Status::Fail,
                meaning: "the policy allows inline event handlers",
            },
            FindingDecl {
                key: "wildcard_source",
                status: Status::Fail,
                meaning: "the policy allows scripts from any host",
            },
            FindingDecl {
                key: "unsafe_eval",
                status: Status::Warn,
                meaning: "the policy allows eval()",
            },
            FindingDecl {
                key: "object_src_missing",
                status: Status::Warn,
                meaning: "the policy does not restrict plugins (object-src)",
            },
            FindingDecl {
                key: "frame_ancestors_missing",
                status: Status::Warn,
                meaning: "the policy has no frame-ancestors",
            },
            FindingDecl {
                key: "frame_ancestors_permissive",
                status: Status::Warn,
                meaning: "frame-ancestors lets any site frame the page",
            },
        ],
        HOME_PAGE_FINDINGS,
    ),
    params: &[],
};

impl Check for Csp {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        judge_home_page(META.id, obs, judge_response)
    }
}

/// Judges the enforced policies of one response together.
fn judge_response(last: &HttpExchange) -> EndpointVerdict {
    let enforced: Vec<&str> = last.header_values("content-security-policy").collect();
    let report_only: Vec<&str> = last
        .header_values("content-security-policy-report-only")
        .collect();
    let policies: Vec<CspPolicy> = enforced
        .iter()
        .flat_map(|v| csp_policy::parse_header(v))
        .collect();
    let mut evidence = json!({
        "url": last.url,
        "content_security_policy": enforced,
        "report_only": report_only,
    });
    if policies.is_empty() {
        let (finding, message) = if report_only.is_empty() {
            (
                "csp_missing",
                format!("{} sends no Content-Security-Policy", last.url),
            )
        } else {
            (
                "report_only",
                format!(
                    "{} sends only Content-Security-Policy-Report-Only, which enforces nothing",
                    last.url
                ),
            )
        };
        return EndpointVerdict::new(Status::Fail, finding, message, evidence);
    }
    let effect = csp_effect::combine(&policies);
    let keys: Vec<&str> = effect.issues.iter().map(|i| i.key()).collect();
    evidence["issues"] = json!(keys);
    evidence["policies"] = json!(
        policies
            .iter()
            .enumerate()
            .map(|(i, p)| json!({
                "policy": i + 1,
                "directives": p.directives,
                "allows": p.grant_set().iter().map(|g| g.key()).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>()
    );
    evidence["effect"] = effect.evidence();
    let removed = if effect.removed_issues.is_empty() {
        String::new()
    } else {
        format!(
            " ({} enforced policies; weaknesses of one that another removes: {})",
            policies.len(),
            effect
                .removed_issues
                .iter()
                .map(|(i, _)| i.key())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match effect.issues.first() {
        None => EndpointVerdict::new(
            Status::Pass,
            "csp_strict",
            format!(
                "{} sends a Content-Security-Policy without known weaknesses{removed}",
                last.url
            ),
            evidence,
        ),
        Some(worst) => {
            let status = if worst.is_severe() {
                Status::Fail
            } else {
                Status::Warn
            };
            EndpointVerdict::new(
                status,
                worst.key(),
                format!(
                    "the Content-Security-Policy of {} has weaknesses that every enforced policy allows: {}{removed}",
                    last.url,
                    keys.join(", ")
                ),
                evidence,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fuzz_seeds_keep_the_harness_invariants() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/csp");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).expect("fuzz/seeds/csp exists") {
            let bytes = std::fs::read(entry.expect("dir entry").path()).expect("seed is readable");
            crate::fuzzing::csp(&String::from_utf8_lossy(&bytes));
            seen += 1;
        }
        assert!(seen > 0, "no CSP seeds in {}", dir.display());
    }
}
