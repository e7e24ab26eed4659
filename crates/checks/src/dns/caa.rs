//! The domain publishes CAA records that say which certificate authorities may issue for it.

use govscan_model::{
    CaaObservation, CaaRecord, CheckMeta, FailureKind, Family, FindingDecl, Level, Need,
    Observations, Outcome, Probed, Reference, Status,
};
use serde_json::json;

use crate::{Check, Context};

/// The check.
pub struct Caa;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const CAA_PRESENT: FindingDecl = FindingDecl {
    key: "caa_present",
    status: Status::Pass,
    meaning: "a CAA record set with an issue or issuewild property for ordinary names applies",
};
const CAA_MISSING: FindingDecl = FindingDecl {
    key: "caa_missing",
    status: Status::Fail,
    meaning: "no CAA record applies: any CA may issue",
};
const NO_ISSUE_PROPERTY: FindingDecl = FindingDecl {
    key: "no_issue_property",
    status: Status::Fail,
    meaning: "the CAA set has no issue or issuewild property, so it restricts no CA",
};
const ONLY_ISSUEWILD: FindingDecl = FindingDecl {
    key: "only_issuewild",
    status: Status::Fail,
    meaning: "the CAA set has only issuewild, which leaves ordinary names unrestricted",
};
const MALFORMED_RECORD: FindingDecl = FindingDecl {
    key: "malformed_record",
    status: Status::Warn,
    meaning: "a CAA record is malformed (a malformed issue value forbids issuance)",
};
const UNKNOWN_CRITICAL_TAG: FindingDecl = FindingDecl {
    key: "unknown_critical_tag",
    status: Status::Warn,
    meaning: "a CAA record marks an unknown property critical: no CA may issue at all",
};

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
                  `issuewild` alone restricts only wildcard certificates: always publish \
                  `issue` too. Mark no property critical (flag 128) unless every CA knows it: \
                  an unknown critical property stops all issuance.\n\
                  This is a DNS change at your DNS host, not a web-server setting (nginx, \
                  Apache and IIS need no change).",
    references: &[
        Reference {
            title: "RFC 8659 §3 (the relevant RRset: the closest ancestor with CAA; no climbing from a CNAME target)",
            url: "https://www.rfc-editor.org/rfc/rfc8659#section-3",
        },
        Reference {
            title: "RFC 8659 §4.1–§4.3 (critical flag; issue governs ordinary names, issuewild only wildcards)",
            url: "https://www.rfc-editor.org/rfc/rfc8659#section-4",
        },
        Reference {
            title: "CA/Browser Forum Baseline Requirements §3.2.2.8 (CAA records processing)",
            url: "https://cabforum.org/working-groups/server/baseline-requirements/documents/",
        },
    ],
    needs: &[Need::DnsCaa],
    findings: &[
        CAA_PRESENT,
        CAA_MISSING,
        NO_ISSUE_PROPERTY,
        ONLY_ISSUEWILD,
        MALFORMED_RECORD,
        UNKNOWN_CRITICAL_TAG,
    ],
    params: &[],
};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// Ordinary (and wildcard) issuance is restricted to the CAs named.
    CaaPresent,
    /// No CAA set at the domain or any parent.
    CaaMissing,
    /// A CAA set, but no issue/issuewild property (e.g. only iodef): no restriction.
    NoIssueProperty,
    /// Only issuewild properties: wildcard certificates are restricted, ordinary ones are not
    /// (RFC 8659 §4.3).
    OnlyIssuewild,
    /// A property the CA does not know is marked critical: no CA may issue at all
    /// (RFC 8659 §4.1), including the one the domain uses.
    UnknownCriticalTag,
    /// Some issue/issuewild/iodef value is malformed (a malformed issue value forbids
    /// issuance, RFC 8659 §4.2).
    MalformedRecord,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::CaaPresent => CAA_PRESENT,
            Finding::CaaMissing => CAA_MISSING,
            Finding::NoIssueProperty => NO_ISSUE_PROPERTY,
            Finding::OnlyIssuewild => ONLY_ISSUEWILD,
            Finding::UnknownCriticalTag => UNKNOWN_CRITICAL_TAG,
            Finding::MalformedRecord => MALFORMED_RECORD,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }
}

/// Property tags registered with IANA (RFC 8659, RFC 8657, RFC 9495, CA/Browser Forum BR
/// §3.2.2.8, BIMI's issuevmc): a critical one of these is understood, any other blocks issuance.
const KNOWN_TAGS: &[&str] = &[
    "issue",
    "issuewild",
    "iodef",
    "contactemail",
    "contactphone",
    "issuevmc",
    "issuemail",
];

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

/// True for a critical property whose tag govscan (and so, presumably, a CA) does not know.
fn is_unknown_critical(record: &CaaRecord) -> bool {
    record.critical
        && !KNOWN_TAGS
            .iter()
            .any(|known| record.tag.eq_ignore_ascii_case(known))
}

/// A problem with one record, if any.
fn record_problem(record: &CaaRecord) -> Option<String> {
    let tag = record.tag.to_ascii_lowercase();
    match tag.as_str() {
        "issue" | "issuewild" => issue_value_problem(&record.value)
            .map(|p| format!("{p}; a malformed {tag} value forbids issuance (RFC 8659 §4.2)")),
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
        _ if is_unknown_critical(record) => Some(format!(
            "unknown property {:?} is marked critical, so no CA may issue",
            record.tag
        )),
        _ => None,
    }
}

/// Who may issue under a set of issue (or issuewild) properties, in words.
fn issuers(records: &[&CaaRecord]) -> String {
    let names: Vec<&str> = records
        .iter()
        .filter(|r| issue_value_problem(&r.value).is_none())
        .map(|r| r.value.split(';').next().unwrap_or_default().trim())
        .filter(|issuer| !issuer.is_empty())
        .collect();
    if names.is_empty() {
        "no CA".to_owned()
    } else {
        names.join(", ")
    }
}

/// Judges the relevant CAA set as a CA processing it would (RFC 8659 §4).
fn judge(caa: &CaaObservation) -> Outcome {
    let records: Vec<_> = caa
        .records
        .iter()
        .map(|r| json!({ "critical": r.critical, "tag": r.tag, "value": r.value, "problem": record_problem(r) }))
        .collect();
    let evidence = json!({ "found_at": caa.found_at, "queried": caa.queried, "records": records });
    let out = |finding: Finding, status: Status, message: String| {
        Outcome::new(META.id, status, finding.key(), message, evidence.clone())
    };
    let Some(found_at) = caa.found_at.as_deref().filter(|_| !caa.records.is_empty()) else {
        return out(
            Finding::CaaMissing,
            Status::Fail,
            format!(
                "no CAA record set at {} or its parents",
                caa.queried.join(", ")
            ),
        );
    };
    let tagged = |tag: &str| -> Vec<&CaaRecord> {
        caa.records
            .iter()
            .filter(|r| r.tag.eq_ignore_ascii_case(tag))
            .collect()
    };
    let (issue, issuewild) = (tagged("issue"), tagged("issuewild"));
    if let Some(critical) = caa.records.iter().find(|r| is_unknown_critical(r)) {
        return out(
            Finding::UnknownCriticalTag,
            Status::Warn,
            format!(
                "the CAA set at {found_at} marks the unknown property {:?} critical, so no CA may issue any certificate for the name (RFC 8659 §4.1), including the CA it uses",
                critical.tag
            ),
        );
    }
    if issue.is_empty() && issuewild.is_empty() {
        return out(
            Finding::NoIssueProperty,
            Status::Fail,
            format!(
                "the CAA set at {found_at} has no issue or issuewild property, so it restricts no CA"
            ),
        );
    }
    if issue.is_empty() {
        return out(
            Finding::OnlyIssuewild,
            Status::Fail,
            format!(
                "the CAA set at {found_at} has only issuewild, which governs wildcard certificates alone (RFC 8659 §4.3): any CA may issue an ordinary certificate for the name"
            ),
        );
    }
    if let Some(problem) = caa.records.iter().find_map(record_problem) {
        return out(
            Finding::MalformedRecord,
            Status::Warn,
            format!("the CAA set at {found_at} has a problem: {problem}"),
        );
    }
    // RFC 8659 §4.3: with an issuewild property, issue no longer governs wildcards.
    let wildcard = if issuewild.is_empty() {
        &issue
    } else {
        &issuewild
    };
    out(
        Finding::CaaPresent,
        Status::Pass,
        format!(
            "CAA at {found_at} allows ordinary certificates from {} and wildcard certificates from {}",
            issuers(&issue),
            issuers(wildcard)
        ),
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
