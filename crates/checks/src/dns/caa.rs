//! The domain publishes CAA records that say which certificate authorities may issue for it.

use govscan_model::{
    CaaObservation, CaaRecord, CheckMeta, FailureKind, Family, Level, Need, Observations, Outcome,
    Probed, Reference, Status,
};
use serde_json::json;

use crate::{Check, Context};

/// The check.
pub struct Caa;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "dns.caa",
    family: Family::Dns,
    title: "CAA records restrict which certificate authorities may issue certificates",
    level: Level::May,
    rationale: "Certificate authorities must check CAA before issuing. A CAA record naming the \
                CAs you use stops every other CA from issuing a certificate for your domain, \
                which narrows mis-issuance and phishing with look-alike certificates.",
    remediation: "Publish CAA at the domain (or a parent) naming your CA(s), and an iodef \
                  contact, e.g.:\n\
                  `example.ee. CAA 0 issue \"letsencrypt.org\"`\n\
                  `example.ee. CAA 0 issuewild \";\"` (no wildcard certificates)\n\
                  `example.ee. CAA 0 iodef \"mailto:security@example.ee\"`\n\
                  This is a DNS change at your DNS host, not a web-server setting (nginx, \
                  Apache and IIS need no change).",
    references: &[
        Reference {
            title: "RFC 8659 (DNS Certification Authority Authorization)",
            url: "https://www.rfc-editor.org/rfc/rfc8659",
        },
        Reference {
            title: "CA/Browser Forum Baseline Requirements §3.2.2.8 (CAA records processing)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
    ],
    needs: &[Need::DnsCaa],
};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// A CAA set with at least one well-formed issue/issuewild property.
    CaaPresent,
    /// No CAA set at the domain or any parent.
    CaaMissing,
    /// A CAA set, but no issue/issuewild property (e.g. only iodef).
    NoIssueProperty,
    /// issue/issuewild properties present, but some record is malformed or an unknown
    /// property is marked critical (CAs then refuse to issue at all).
    MalformedRecord,
}

impl Finding {
    fn key(self) -> &'static str {
        match self {
            Finding::CaaPresent => "caa_present",
            Finding::CaaMissing => "caa_missing",
            Finding::NoIssueProperty => "no_issue_property",
            Finding::MalformedRecord => "malformed_record",
        }
    }
}

/// RFC 8659 §4.2 issuer-domain-name: LDH labels separated by dots.
fn is_issuer_domain(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Checks an issue/issuewild value: `[issuer-domain-name] [";" *(tag "=" value ";")]`.
fn issue_value_problem(value: &str) -> Option<String> {
    let (issuer, params) = match value.split_once(';') {
        Some((issuer, params)) => (issuer.trim(), Some(params)),
        None => (value.trim(), None),
    };
    if !issuer.is_empty() && !is_issuer_domain(issuer) {
        return Some(format!("issuer {issuer:?} is not a domain name"));
    }
    for param in params
        .into_iter()
        .flat_map(|p| p.split(';'))
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((tag, val)) = param.split_once('=') else {
            return Some(format!("parameter {param:?} is not tag=value"));
        };
        if tag.is_empty() || !tag.trim().bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Some(format!("parameter tag {tag:?} is not alphanumeric"));
        }
        if val.trim().bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
            return Some(format!(
                "parameter value {val:?} has characters outside %x21-7E"
            ));
        }
    }
    None
}

/// A problem with one record, if any.
fn record_problem(record: &CaaRecord) -> Option<String> {
    let tag = record.tag.to_ascii_lowercase();
    match tag.as_str() {
        "issue" | "issuewild" => issue_value_problem(&record.value),
        "iodef" => {
            let v = record.value.trim().to_ascii_lowercase();
            (!(v.starts_with("mailto:") || v.starts_with("https://") || v.starts_with("http://")))
                .then(|| {
                    format!(
                        "iodef value {:?} is not a mailto: or http(s): URL",
                        record.value
                    )
                })
        }
        _ if record.critical => Some(format!(
            "unknown property {:?} is marked critical, so no CA may issue",
            record.tag
        )),
        _ => None,
    }
}

fn judge(caa: &CaaObservation) -> Outcome {
    let records: Vec<_> = caa
        .records
        .iter()
        .map(|r| json!({ "critical": r.critical, "tag": r.tag, "value": r.value, "problem": record_problem(r) }))
        .collect();
    let evidence = json!({ "found_at": caa.found_at, "queried": caa.queried, "records": records });
    let Some(found_at) = caa.found_at.as_deref().filter(|_| !caa.records.is_empty()) else {
        return Outcome::new(
            META.id,
            Status::Fail,
            Finding::CaaMissing.key(),
            format!(
                "no CAA record set at {} or its parents",
                caa.queried.join(", ")
            ),
            evidence,
        );
    };
    let issue_records: Vec<&CaaRecord> = caa
        .records
        .iter()
        .filter(|r| r.tag.eq_ignore_ascii_case("issue") || r.tag.eq_ignore_ascii_case("issuewild"))
        .collect();
    let problems: Vec<String> = caa.records.iter().filter_map(record_problem).collect();
    if issue_records.is_empty() {
        return Outcome::new(
            META.id,
            Status::Fail,
            Finding::NoIssueProperty.key(),
            format!(
                "the CAA set at {found_at} has no issue or issuewild property, so it restricts no CA"
            ),
            evidence,
        );
    }
    if let Some(problem) = problems.first() {
        return Outcome::new(
            META.id,
            Status::Warn,
            Finding::MalformedRecord.key(),
            format!("the CAA set at {found_at} has a problem: {problem}"),
            evidence,
        );
    }
    let issuers: Vec<String> = issue_records
        .iter()
        .map(|r| {
            let issuer = r.value.split(';').next().unwrap_or_default().trim();
            let issuer = if issuer.is_empty() { "no CA" } else { issuer };
            format!("{} {issuer}", r.tag.to_ascii_lowercase())
        })
        .collect();
    Outcome::new(
        META.id,
        Status::Pass,
        Finding::CaaPresent.key(),
        format!("CAA at {found_at} allows: {}", issuers.join(", ")),
        evidence,
    )
}

impl Check for Caa {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        match &obs.dns.caa {
            Probed::Ok { value } => judge(value),
            // NXDOMAIN/NODATA on the whole climb: no CAA anywhere.
            Probed::Failed {
                kind: FailureKind::NoData,
                detail,
            } => Outcome::new(
                META.id,
                Status::Fail,
                Finding::CaaMissing.key(),
                format!("no CAA record set found ({detail})"),
                json!({ "found_at": null, "records": [], "lookup": detail }),
            ),
            other => Outcome::inconclusive(
                META.id,
                format!("CAA lookup: {}", other.missing_reason().unwrap_or_default()),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&Caa);
    }

    fn record(critical: bool, tag: &str, value: &str) -> CaaRecord {
        CaaRecord {
            critical,
            tag: tag.into(),
            value: value.into(),
        }
    }

    #[test]
    fn record_grammar() {
        assert_eq!(
            record_problem(&record(false, "issue", "letsencrypt.org")),
            None
        );
        assert_eq!(
            record_problem(&record(
                false,
                "ISSUE",
                "ca.example; account=123; policy=ev"
            )),
            None
        );
        assert_eq!(record_problem(&record(false, "issuewild", ";")), None);
        assert_eq!(record_problem(&record(false, "issue", "")), None);
        assert!(record_problem(&record(false, "issue", "not a domain")).is_some());
        assert!(record_problem(&record(false, "issue", "-ca.example")).is_some());
        assert!(record_problem(&record(false, "issue", "ca..example")).is_some());
        assert!(record_problem(&record(false, "issue", "ca.example; novalue")).is_some());
        assert!(record_problem(&record(false, "issue", "ca.example; a b=c")).is_some());
        assert!(record_problem(&record(false, "issue", "ca.example; a=\u{e4}")).is_some());
        assert_eq!(
            record_problem(&record(false, "iodef", "mailto:sec@example.ee")),
            None
        );
        assert!(record_problem(&record(false, "iodef", "sec@example.ee")).is_some());
        assert_eq!(record_problem(&record(false, "contactemail", "x")), None);
        assert!(record_problem(&record(true, "futuretag", "x")).is_some());
    }
}
