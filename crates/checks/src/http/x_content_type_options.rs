//! `X-Content-Type-Options: nosniff` is sent on the HTTPS home page, read as Fetch's
//! "determine nosniff" reads it (the first value of all the fields, split on commas).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::finding_decls::findings;
use crate::http::{HOME_PAGE_FINDINGS, header_list, judge_home_page};
use crate::{Check, Context};

/// The check.
pub struct XContentTypeOptions;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const NOSNIFF: FindingDecl = FindingDecl {
    key: "nosniff",
    status: Status::Pass,
    meaning: "the page sends X-Content-Type-Options: nosniff",
};
const HEADER_MISSING: FindingDecl = FindingDecl {
    key: "header_missing",
    status: Status::Fail,
    meaning: "no X-Content-Type-Options header",
};
const HEADER_INVALID: FindingDecl = FindingDecl {
    key: "header_invalid",
    status: Status::Fail,
    meaning: "the first X-Content-Type-Options value is not nosniff (browsers read only the first)",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.x-content-type-options",
    family: Family::Http,
    title: "Browsers are told not to guess content types (X-Content-Type-Options: nosniff)",
    level: Level::Should,
    rationale: "Without `nosniff`, a browser may treat an uploaded text file or image as script \
                or HTML (MIME sniffing), which turns harmless uploads into cross-site scripting.",
    remediation: "Send `X-Content-Type-Options: nosniff` on every response.\n\
                  nginx: `add_header X-Content-Type-Options nosniff always;`\n\
                  Apache: `Header always set X-Content-Type-Options \"nosniff\"`\n\
                  IIS: add a customHeaders entry `X-Content-Type-Options` = `nosniff`.",
    references: &[
        Reference {
            title: "Fetch Living Standard, X-Content-Type-Options header: \"determine nosniff\" reads the first value after get, decode, and split (§2.2.2)",
            url: "https://fetch.spec.whatwg.org/#determine-nosniff",
        },
        Reference {
            title: "MDN HTTP Observatory scoring: X-Content-Type-Options",
            url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Https],
    findings: findings!(
        &[NOSNIFF, HEADER_MISSING, HEADER_INVALID,],
        HOME_PAGE_FINDINGS,
    ),
    params: &[],
};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// The header is `nosniff`.
    Nosniff,
    /// The header is absent.
    Missing,
    /// The header has another value.
    InvalidValue,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::Nosniff => NOSNIFF,
            Finding::Missing => HEADER_MISSING,
            Finding::InvalidValue => HEADER_INVALID,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }
}

impl Check for XContentTypeOptions {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        judge_home_page(META.id, obs, |last| {
            let fields: Vec<&str> = last.header_values("x-content-type-options").collect();
            // Fetch "determine nosniff": only the first split value counts, so
            // `nosniff, nosniff` and two `nosniff` headers are nosniff.
            let values = header_list::get_decode_split(last, "x-content-type-options");
            let finding = match values.as_ref().and_then(|v| v.first()) {
                None => Finding::Missing,
                Some(v) if v.eq_ignore_ascii_case("nosniff") => Finding::Nosniff,
                Some(_) => Finding::InvalidValue,
            };
            let evidence = json!({
                "url": last.url,
                "status": last.status,
                "fields": fields,
                "values": values,
            });
            match finding {
                Finding::Nosniff => EndpointVerdict::new(
                    finding.decl().status,
                    finding.key(),
                    format!("{} sends X-Content-Type-Options: nosniff", last.url),
                    evidence,
                ),
                Finding::Missing => EndpointVerdict::new(
                    finding.decl().status,
                    finding.key(),
                    format!("{} does not send X-Content-Type-Options", last.url),
                    evidence,
                ),
                Finding::InvalidValue => EndpointVerdict::new(
                    finding.decl().status,
                    finding.key(),
                    format!(
                        "{} sends X-Content-Type-Options whose first value is not nosniff (browsers read only the first)",
                        last.url
                    ),
                    evidence,
                ),
            }
        })
    }
}
