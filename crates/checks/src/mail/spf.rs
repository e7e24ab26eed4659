//! The domain publishes exactly one valid SPF record that ends in `-all` or `~all`.

use govscan_model::{CheckMeta, Family, Level, Need, Observations, Outcome, Reference, Status};
use serde_json::json;

use crate::dns::answered;
use crate::mail::spf_record::{self, Qualifier};
use crate::{Check, Context};

/// The check.
pub struct Spf;

/// RFC 7208 §4.6.4: at most 10 DNS-querying terms per evaluation.
const LOOKUP_LIMIT: usize = 10;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.spf",
    family: Family::Mail,
    title: "An SPF record lists the allowed mail senders and rejects the rest",
    level: Level::Should,
    rationale: "SPF tells receiving mail servers which hosts may send mail for the domain. \
                Without it, or with a policy that ends in `+all` or `?all`, anyone can send \
                mail that appears to come from a government address. Domains that send no \
                mail should publish `v=spf1 -all`.",
    remediation: "Publish one TXT record at the domain, e.g. `v=spf1 mx include:_spf.provider.example -all` \
                  (or `v=spf1 -all` for a domain that sends no mail); end it with `-all` \
                  (or `~all` while testing); keep the DNS-querying terms (include, a, mx, ptr, \
                  exists, redirect) at 10 or fewer; merge several SPF records into one. This is \
                  a DNS change; web servers (nginx, Apache, IIS) need no change.",
    references: &[
        Reference {
            title: "RFC 7208 (Sender Policy Framework)",
            url: "https://www.rfc-editor.org/rfc/rfc7208",
        },
        Reference {
            title: "RFC 7208 §4.5 (selecting records) and §4.6.4 (DNS lookup limits)",
            url: "https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4",
        },
        Reference {
            title: "internet.nl e-mail test (SPF)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsTxt],
};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// Ends in `-all`.
    FailAll,
    /// Ends in `~all` (accepted, as internet.nl does).
    SoftfailAll,
    /// No `all` but a `redirect=`, which this check does not follow.
    RedirectNotFollowed,
    /// No SPF record.
    SpfMissing,
    /// More than one SPF record (permerror).
    MultipleSpfRecords,
    /// The record does not parse (permerror).
    SpfSyntaxError,
    /// More than 10 DNS-querying terms at the top level (permerror).
    TooManyLookups,
    /// `+all`: everyone passes.
    PermissiveAll,
    /// `?all`: no assertion.
    NeutralAll,
    /// Neither `all` nor `redirect`: the default result is neutral.
    NoAllMechanism,
}

impl Finding {
    fn key(self) -> &'static str {
        match self {
            Finding::FailAll => "fail_all",
            Finding::SoftfailAll => "softfail_all",
            Finding::RedirectNotFollowed => "redirect_not_followed",
            Finding::SpfMissing => "spf_missing",
            Finding::MultipleSpfRecords => "multiple_spf_records",
            Finding::SpfSyntaxError => "spf_syntax_error",
            Finding::TooManyLookups => "too_many_lookups",
            Finding::PermissiveAll => "permissive_all",
            Finding::NeutralAll => "neutral_all",
            Finding::NoAllMechanism => "no_all_mechanism",
        }
    }

    fn status(self) -> Status {
        match self {
            Finding::FailAll | Finding::SoftfailAll => Status::Pass,
            Finding::RedirectNotFollowed => Status::Inconclusive,
            _ => Status::Fail,
        }
    }
}

impl Check for Spf {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let txt = match answered(&obs.dns.txt) {
            Ok(txt) => txt,
            Err(reason) => return Outcome::inconclusive(META.id, format!("TXT lookup: {reason}")),
        };
        let spf: Vec<&String> = txt.iter().filter(|t| spf_record::is_spf(t)).collect();
        let outcome = |finding: Finding, message: String, evidence: serde_json::Value| {
            Outcome::new(META.id, finding.status(), finding.key(), message, evidence)
        };
        let record = match spf.as_slice() {
            [] => {
                return outcome(
                    Finding::SpfMissing,
                    format!(
                        "{} publishes no SPF record ({} TXT records, none starts with v=spf1)",
                        obs.domain,
                        txt.len()
                    ),
                    json!({ "txt_records": txt }),
                );
            }
            [one] => *one,
            many => {
                return outcome(
                    Finding::MultipleSpfRecords,
                    format!(
                        "{} publishes {} SPF records; receivers treat that as an error (permerror)",
                        obs.domain,
                        many.len()
                    ),
                    json!({ "spf_records": many }),
                );
            }
        };
        let parsed = match spf_record::parse(record) {
            Ok(parsed) => parsed,
            Err(error) => {
                return outcome(
                    Finding::SpfSyntaxError,
                    format!(
                        "the SPF record of {} is invalid (permerror): {error}",
                        obs.domain
                    ),
                    json!({ "record": record, "error": error }),
                );
            }
        };
        let lookups = parsed.top_level_lookups();
        let all = parsed.all();
        let evidence = json!({
            "record": record,
            "all": all.map(|d| format!("{}all", d.qualifier.symbol())),
            "redirect": parsed.redirect,
            "top_level_dns_lookups": lookups,
            "lookup_limit": LOOKUP_LIMIT,
            "note": "include: and redirect= targets were not fetched or expanded; the lookup count covers this record only",
        });
        if lookups > LOOKUP_LIMIT {
            return outcome(
                Finding::TooManyLookups,
                format!(
                    "the SPF record of {} has {lookups} DNS-querying terms (limit {LOOKUP_LIMIT}), a permerror",
                    obs.domain
                ),
                evidence,
            );
        }
        let (finding, message) = match (all.map(|d| d.qualifier), &parsed.redirect) {
            (Some(Qualifier::Fail), _) => (
                Finding::FailAll,
                format!("the SPF record of {} ends in -all", obs.domain),
            ),
            (Some(Qualifier::SoftFail), _) => (
                Finding::SoftfailAll,
                format!("the SPF record of {} ends in ~all", obs.domain),
            ),
            (Some(Qualifier::Pass), _) => (
                Finding::PermissiveAll,
                format!(
                    "the SPF record of {} ends in +all, so any host may send its mail",
                    obs.domain
                ),
            ),
            (Some(Qualifier::Neutral), _) => (
                Finding::NeutralAll,
                format!(
                    "the SPF record of {} ends in ?all, which asserts nothing about other senders",
                    obs.domain
                ),
            ),
            (None, Some(target)) => (
                Finding::RedirectNotFollowed,
                format!(
                    "the SPF policy of {} is delegated with redirect={target}, which this check does not follow",
                    obs.domain
                ),
            ),
            (None, None) => (
                Finding::NoAllMechanism,
                format!(
                    "the SPF record of {} has no all mechanism, so other senders get a neutral result",
                    obs.domain
                ),
            ),
        };
        outcome(finding, message, evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&Spf);
    }
}
