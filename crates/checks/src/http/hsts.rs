//! HTTPS responses send a valid Strict-Transport-Security header with a long max-age, over a
//! certificate browsers accept (RFC 6797 §8.1: otherwise they ignore the header).

use govscan_model::{
    CheckMeta, Family, FindingDecl, HttpExchange, Level, Need, Observations, Outcome, ParamDecl,
    ParamKind, ParamValue, Reference, Status,
};
use serde_json::{Value, json};

use crate::endpoints::{EndpointVerdict, combine};
use crate::http::hsts_header::{self, HstsPolicy};
use crate::http::transport_trust::{CertificateAcceptance, rejection_reason};
use crate::{Check, Context};

/// The check.
pub struct Hsts;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const HSTS_ENABLED: FindingDecl = FindingDecl {
    key: "hsts_enabled",
    status: Status::Pass,
    meaning: "a valid HSTS policy with max-age of at least min_max_age",
};
const MAX_AGE_BELOW_MINIMUM: FindingDecl = FindingDecl {
    key: "max_age_below_minimum",
    status: Status::Warn,
    meaning: "HSTS max-age is below min_max_age",
};
const INCLUDE_SUBDOMAINS_MISSING: FindingDecl = FindingDecl {
    key: "include_subdomains_missing",
    status: Status::Warn,
    meaning: "includeSubDomains is required and missing",
};
const HEADER_MISSING: FindingDecl = FindingDecl {
    key: "header_missing",
    status: Status::Fail,
    meaning: "no Strict-Transport-Security header",
};
const HEADER_INVALID: FindingDecl = FindingDecl {
    key: "header_invalid",
    status: Status::Fail,
    meaning: "the first Strict-Transport-Security header does not parse",
};
const MAX_AGE_ZERO: FindingDecl = FindingDecl {
    key: "max_age_zero",
    status: Status::Fail,
    meaning: "max-age=0 switches HSTS off",
};
const CERTIFICATE_REJECTED: FindingDecl = FindingDecl {
    key: "certificate_rejected",
    status: Status::Fail,
    meaning: "the header comes over a certificate browsers reject, so they ignore it",
};
const CERTIFICATE_NOT_JUDGED: FindingDecl = FindingDecl {
    key: "certificate_not_judged",
    status: Status::Inconclusive,
    meaning: "whether browsers accept the certificate is unknown",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.hsts",
    family: Family::Http,
    title: "Browsers are told to always use HTTPS (HSTS with a long max-age)",
    level: Level::Should,
    rationale: "Strict-Transport-Security makes browsers use HTTPS for the site for `max-age` \
                seconds, so a network attacker cannot strip HTTPS from a visit that starts \
                with a plain http:// link or a typed address.",
    remediation: "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every \
                  HTTPS response (add `includeSubDomains` only once every subdomain serves HTTPS).\n\
                  nginx: `add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;`\n\
                  Apache: `Header always set Strict-Transport-Security \"max-age=31536000; includeSubDomains\"`\n\
                  IIS 10 (1709+): the site's `<hsts enabled=\"true\" max-age=\"31536000\" \
                  includeSubDomains=\"true\" />` element, or a customHeaders entry.",
    references: &[
        Reference {
            title: "RFC 6797 §6.1 (Strict-Transport-Security header syntax)",
            url: "https://www.rfc-editor.org/rfc/rfc6797#section-6.1",
        },
        Reference {
            title: "RFC 6797 §8.1 (only the first header is processed, and only over secure transport without errors: HSTS over a rejected certificate is ignored)",
            url: "https://www.rfc-editor.org/rfc/rfc6797#section-8.1",
        },
        Reference {
            title: "RIA: Configuring two-way SSL in the Ubuntu Nginx web server (HSTS one year)",
            url: "https://open-eid.github.io/nginx",
        },
        Reference {
            title: "MDN HTTP Observatory scoring: Strict-Transport-Security",
            url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https, Need::Tls],
    findings: &[
        HSTS_ENABLED,
        MAX_AGE_BELOW_MINIMUM,
        INCLUDE_SUBDOMAINS_MISSING,
        HEADER_MISSING,
        HEADER_INVALID,
        MAX_AGE_ZERO,
        CERTIFICATE_REJECTED,
        CERTIFICATE_NOT_JUDGED,
    ],
    params: &[
        ParamDecl {
            name: "min_max_age",
            // Up to two years; RFC 6797 sets no maximum, browsers cap around there.
            kind: ParamKind::Integer {
                min: 0,
                max: 63_072_000,
            },
            // One year, as internet.nl and the RIA nginx guide use.
            default: ParamValue::Integer(31_536_000),
            doc: "the least max-age, in seconds, that passes (a shorter one warns)",
        },
        ParamDecl {
            name: "require_include_subdomains",
            kind: ParamKind::Bool,
            default: ParamValue::Bool(false),
            doc: "whether a policy without includeSubDomains warns",
        },
    ],
};

/// What was found on one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// A valid policy with a long enough max-age.
    HstsEnabled,
    /// Valid, but max-age is shorter than the minimum.
    MaxAgeBelowMinimum,
    /// Valid and long enough, but includeSubDomains is required and missing.
    IncludeSubdomainsMissing,
    /// No header.
    HeaderMissing,
    /// The first header does not parse.
    HeaderInvalid,
    /// max-age=0: the policy is switched off.
    MaxAgeZero,
    /// A valid header over a certificate browsers reject: they ignore it (RFC 6797 §8.1).
    CertificateRejected,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::HstsEnabled => HSTS_ENABLED,
            Finding::MaxAgeBelowMinimum => MAX_AGE_BELOW_MINIMUM,
            Finding::IncludeSubdomainsMissing => INCLUDE_SUBDOMAINS_MISSING,
            Finding::HeaderMissing => HEADER_MISSING,
            Finding::HeaderInvalid => HEADER_INVALID,
            Finding::MaxAgeZero => MAX_AGE_ZERO,
            Finding::CertificateRejected => CERTIFICATE_REJECTED,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }

    fn status(self) -> Status {
        match self {
            Finding::HstsEnabled => Status::Pass,
            Finding::MaxAgeBelowMinimum | Finding::IncludeSubdomainsMissing => Status::Warn,
            Finding::HeaderMissing
            | Finding::HeaderInvalid
            | Finding::MaxAgeZero
            | Finding::CertificateRejected => Status::Fail,
        }
    }
}

/// Thresholds from the baseline.
struct Params {
    min_max_age: u64,
    require_include_subdomains: bool,
}

fn judge_response(response: &HttpExchange, params: &Params) -> (Finding, String, Value) {
    let values: Vec<&str> = response
        .header_values("strict-transport-security")
        .collect();
    let url = &response.url;
    // RFC 6797 §8.1: only the first header field is processed.
    let Some(first) = values.first() else {
        let evidence = json!({ "url": url, "status": response.status, "values": values });
        return (
            Finding::HeaderMissing,
            format!("{url} does not send Strict-Transport-Security"),
            evidence,
        );
    };
    let parsed: Result<HstsPolicy, _> = hsts_header::parse(first);
    let policy_json = parsed.as_ref().ok().map(|p| {
        json!({
            "max_age": p.max_age,
            "include_subdomains": p.include_subdomains,
            "preload": p.preload,
            "unknown_directives": p.unknown,
        })
    });
    let evidence = json!({
        "url": url,
        "status": response.status,
        "values": values,
        "policy": policy_json,
        "error": parsed.as_ref().err().map(ToString::to_string),
        "min_max_age": params.min_max_age,
        "require_include_subdomains": params.require_include_subdomains,
    });
    let (finding, message) = match &parsed {
        Err(error) => (
            Finding::HeaderInvalid,
            format!("{url} sends an invalid Strict-Transport-Security header ({error})"),
        ),
        Ok(p) if p.max_age == 0 => (
            Finding::MaxAgeZero,
            format!("{url} sends HSTS max-age=0, which switches HSTS off"),
        ),
        Ok(p) if p.max_age < params.min_max_age => (
            Finding::MaxAgeBelowMinimum,
            format!(
                "{url} sends HSTS max-age={} (below the minimum {})",
                p.max_age, params.min_max_age
            ),
        ),
        Ok(p) if params.require_include_subdomains && !p.include_subdomains => (
            Finding::IncludeSubdomainsMissing,
            format!("{url} sends HSTS without includeSubDomains"),
        ),
        Ok(p) => (
            Finding::HstsEnabled,
            format!(
                "{url} sends HSTS max-age={}{}",
                p.max_age,
                if p.include_subdomains {
                    "; includeSubDomains"
                } else {
                    ""
                }
            ),
        ),
    };
    (finding, message, evidence)
}

impl Check for Hsts {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let params = Params {
            min_max_age: u64::try_from(ctx.param_i64(&META, "min_max_age")).unwrap_or(0),
            require_include_subdomains: ctx.param_bool(&META, "require_include_subdomains"),
        };
        combine(
            META.id,
            &obs.endpoints,
            |ep| &ep.https,
            |ep, chain| {
                // The first response (the home page as requested) and the final HTTPS response.
                let https_hops: Vec<&HttpExchange> = chain
                    .hops
                    .iter()
                    .filter(|h| h.url.starts_with("https://"))
                    .collect();
                let (Some(first), Some(last)) = (https_hops.first(), https_hops.last()) else {
                    return EndpointVerdict::new(
                        Status::Inconclusive,
                        "probe_incomplete",
                        "no HTTPS response recorded",
                        json!({ "hops": chain.hops.len() }),
                    );
                };
                let mut judged = vec![judge_response(first, &params)];
                if !std::ptr::eq(*first, *last) {
                    judged.push(judge_response(last, &params));
                }
                let worst = judged
                    .iter()
                    .min_by_key(|(f, _, _)| match f.status() {
                        Status::Fail => 0,
                        Status::Warn => 1,
                        _ => 2,
                    })
                    .map(|(f, m, _)| (*f, m.clone()));
                let acceptance = CertificateAcceptance::of(ep);
                let evidence = json!({
                    "responses": judged.iter().map(|(f, _, e)| json!({ "finding": f.key(), "evidence": e })).collect::<Vec<_>>(),
                    "certificate": acceptance.evidence(),
                });
                let Some((finding, message)) = worst else {
                    return EndpointVerdict::new(
                        Status::Inconclusive,
                        "probe_incomplete",
                        "no HTTPS response judged",
                        evidence,
                    );
                };
                if finding.status() == Status::Fail {
                    return EndpointVerdict::new(
                        finding.status(),
                        finding.key(),
                        message,
                        evidence,
                    );
                }
                // RFC 6797 §8.1: the header counts only over a certificate browsers accept.
                match acceptance {
                    CertificateAcceptance::Accepted => {
                        EndpointVerdict::new(finding.status(), finding.key(), message, evidence)
                    }
                    CertificateAcceptance::Rejected(error) => EndpointVerdict::new(
                        Status::Fail,
                        Finding::CertificateRejected.key(),
                        format!(
                            "{} sends HSTS, but browsers ignore it: {} (RFC 6797 §8.1)",
                            first.url,
                            rejection_reason(&error)
                        ),
                        evidence,
                    ),
                    CertificateAcceptance::Unknown(reason) => EndpointVerdict::new(
                        Status::Inconclusive,
                        CERTIFICATE_NOT_JUDGED.key,
                        format!(
                            "{} sends HSTS, but whether browsers accept its certificate (and so the header) is unknown: {reason}",
                            first.url
                        ),
                        evidence,
                    ),
                }
            },
        )
    }
}
