//! The domain's SPF policy, evaluated as a receiver would (`include:` and `redirect=`
//! expanded, RFC 7208 §4.6.4 limits counted), rejects or soft-fails senders it does not list.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Probed, Reference, SpfTree,
    Status,
};
use serde_json::json;

use crate::dns::answered;
use crate::mail::spf_eval::{
    self, BROAD_IPV4_PREFIX, BROAD_IPV6_PREFIX, Evaluation, GrantKind, LOOKUP_LIMIT, PermKind,
    SpfResult, VOID_LIMIT,
};
use crate::mail::spf_record;
use crate::{Check, Context};

/// The check.
pub struct Spf;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const FAIL_ALL: FindingDecl = FindingDecl {
    key: "fail_all",
    status: Status::Pass,
    meaning: "the SPF policy ends in -all",
};
const SOFTFAIL_ALL: FindingDecl = FindingDecl {
    key: "softfail_all",
    status: Status::Pass,
    meaning: "the SPF policy ends in ~all",
};
const SPF_MISSING: FindingDecl = FindingDecl {
    key: "spf_missing",
    status: Status::Fail,
    meaning: "no SPF record",
};
const MULTIPLE_SPF_RECORDS: FindingDecl = FindingDecl {
    key: "multiple_spf_records",
    status: Status::Fail,
    meaning: "several SPF records: a permerror",
};
const SPF_SYNTAX_ERROR: FindingDecl = FindingDecl {
    key: "spf_syntax_error",
    status: Status::Fail,
    meaning: "the SPF record does not parse: a permerror",
};
const NO_ALL_MECHANISM: FindingDecl = FindingDecl {
    key: "no_all_mechanism",
    status: Status::Fail,
    meaning: "the SPF policy has no all mechanism",
};
const NEUTRAL_ALL: FindingDecl = FindingDecl {
    key: "neutral_all",
    status: Status::Fail,
    meaning: "the SPF policy ends in ?all",
};
const PERMISSIVE_ALL: FindingDecl = FindingDecl {
    key: "permissive_all",
    status: Status::Fail,
    meaning: "the SPF policy ends in +all: anyone may send",
};
const INCLUDE_PERMITS_ALL: FindingDecl = FindingDecl {
    key: "include_permits_all",
    status: Status::Fail,
    meaning: "an included policy permits all senders",
};
const EXISTS_MATCHES_ALL: FindingDecl = FindingDecl {
    key: "exists_matches_all",
    status: Status::Fail,
    meaning: "an exists mechanism matches every sender",
};
const BROAD_RANGE: FindingDecl = FindingDecl {
    key: "broad_range",
    status: Status::Fail,
    meaning: "the policy authorises a very broad address range",
};
const TOO_MANY_LOOKUPS: FindingDecl = FindingDecl {
    key: "too_many_lookups",
    status: Status::Fail,
    meaning: "evaluating the policy takes more than 10 DNS lookups: a permerror",
};
const TOO_MANY_VOID_LOOKUPS: FindingDecl = FindingDecl {
    key: "too_many_void_lookups",
    status: Status::Fail,
    meaning: "more than two lookups answer nothing: a permerror",
};
const TOO_MANY_MX_NAMES: FindingDecl = FindingDecl {
    key: "too_many_mx_names",
    status: Status::Fail,
    meaning: "an mx mechanism names more than 10 hosts: a permerror",
};
const TARGET_WITHOUT_SPF: FindingDecl = FindingDecl {
    key: "target_without_spf",
    status: Status::Fail,
    meaning: "an include or redirect target has no SPF record: a permerror",
};
const EXPANSION_FAILED: FindingDecl = FindingDecl {
    key: "expansion_failed",
    status: Status::Inconclusive,
    meaning: "a lookup needed to evaluate the policy failed",
};
const NOT_EXPANDED: FindingDecl = FindingDecl {
    key: "not_expanded",
    status: Status::Inconclusive,
    meaning: "the policy's includes were not followed in this scan",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.spf",
    family: Family::Mail,
    title: "An SPF record lists the allowed mail senders and rejects the rest",
    level: Level::Should,
    rationale: "SPF tells receiving mail servers which hosts may send mail for the domain. \
                Without it, with a policy that ends in `+all` or `?all`, with an include of a \
                record that lets everybody pass, or with a range covering a large part of the \
                Internet, anyone can send mail that appears to come from a government address. \
                A policy that needs more than 10 DNS lookups (or meets more than 2 names that do \
                not exist) is an error that receivers ignore. Domains that send no mail should \
                publish `v=spf1 -all`.",
    remediation: "Publish one TXT record at the domain, e.g. `v=spf1 mx include:_spf.provider.example -all` \
                  (or `v=spf1 -all` for a domain that sends no mail); end it with `-all` \
                  (or `~all` while testing); include only providers whose records end in \
                  `-all`/`~all`; list your own ranges, never ranges shorter than /8 (IPv4) or \
                  /16 (IPv6); keep the DNS-querying terms (include, a, mx, ptr, exists, \
                  redirect), counted through every include, at 10 or fewer (replace includes \
                  by the ip4/ip6 ranges they resolve to); remove terms that point at names \
                  that do not exist; merge several SPF records into one. This is a DNS change; \
                  web servers (nginx, Apache, IIS) need no change.",
    references: &[
        Reference {
            title: "RFC 7208 §4.6.4 (DNS lookup limits: 10 terms, 2 void lookups, 10 MX names)",
            url: "https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4",
        },
        Reference {
            title: "RFC 7208 §5.2 (include: the target's pass is a match) and §6.1 (redirect)",
            url: "https://www.rfc-editor.org/rfc/rfc7208#section-5.2",
        },
        Reference {
            title: "RFC 7208 §4.5 (selecting records), §4.7 (default result) and §2.6 (results)",
            url: "https://www.rfc-editor.org/rfc/rfc7208#section-4.5",
        },
        Reference {
            title: "internet.nl e-mail test (SPF)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsTxt],
    findings: &[
        FAIL_ALL,
        SOFTFAIL_ALL,
        SPF_MISSING,
        MULTIPLE_SPF_RECORDS,
        SPF_SYNTAX_ERROR,
        NO_ALL_MECHANISM,
        NEUTRAL_ALL,
        PERMISSIVE_ALL,
        INCLUDE_PERMITS_ALL,
        EXISTS_MATCHES_ALL,
        BROAD_RANGE,
        TOO_MANY_LOOKUPS,
        TOO_MANY_VOID_LOOKUPS,
        TOO_MANY_MX_NAMES,
        TARGET_WITHOUT_SPF,
        EXPANSION_FAILED,
        NOT_EXPANDED,
    ],
    params: &[],
};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// An unlisted sender gets fail (`-all`).
    FailAll,
    /// An unlisted sender gets softfail (`~all`, accepted, as internet.nl does).
    SoftfailAll,
    /// No SPF record.
    SpfMissing,
    /// More than one SPF record (permerror).
    MultipleSpfRecords,
    /// A record in the tree does not parse, or names no domain (permerror).
    SpfSyntaxError,
    /// More than 10 DNS-querying terms in the evaluation (permerror).
    TooManyLookups,
    /// More than 2 void lookups (permerror).
    TooManyVoidLookups,
    /// An `mx` term with more than 10 MX names (permerror).
    TooManyMxNames,
    /// An `include:`/`redirect=` target without exactly one SPF record (permerror).
    TargetWithoutSpf,
    /// `+all` (at the domain or a redirect target): everyone passes.
    PermissiveAll,
    /// An include of a record that lets everybody pass.
    IncludePermitsAll,
    /// A range that admits a huge share of the address space.
    BroadRange,
    /// An `exists:` name that resolves for every sender.
    ExistsMatchesAll,
    /// `?all`: no assertion.
    NeutralAll,
    /// Neither `all` nor `redirect`: the default result is neutral.
    NoAllMechanism,
    /// A DNS lookup of the expansion failed (temperror).
    ExpansionFailed,
    /// An answer the expansion needs was not recorded.
    NotExpanded,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::FailAll => FAIL_ALL,
            Finding::SoftfailAll => SOFTFAIL_ALL,
            Finding::SpfMissing => SPF_MISSING,
            Finding::MultipleSpfRecords => MULTIPLE_SPF_RECORDS,
            Finding::SpfSyntaxError => SPF_SYNTAX_ERROR,
            Finding::TooManyLookups => TOO_MANY_LOOKUPS,
            Finding::TooManyVoidLookups => TOO_MANY_VOID_LOOKUPS,
            Finding::TooManyMxNames => TOO_MANY_MX_NAMES,
            Finding::TargetWithoutSpf => TARGET_WITHOUT_SPF,
            Finding::PermissiveAll => PERMISSIVE_ALL,
            Finding::IncludePermitsAll => INCLUDE_PERMITS_ALL,
            Finding::BroadRange => BROAD_RANGE,
            Finding::ExistsMatchesAll => EXISTS_MATCHES_ALL,
            Finding::NeutralAll => NEUTRAL_ALL,
            Finding::NoAllMechanism => NO_ALL_MECHANISM,
            Finding::ExpansionFailed => EXPANSION_FAILED,
            Finding::NotExpanded => NOT_EXPANDED,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }

    fn status(self) -> Status {
        match self {
            Finding::FailAll | Finding::SoftfailAll => Status::Pass,
            Finding::ExpansionFailed | Finding::NotExpanded => Status::Inconclusive,
            _ => Status::Fail,
        }
    }

    fn of(result: &SpfResult) -> Finding {
        match result {
            SpfResult::Fail(_) => Finding::FailAll,
            SpfResult::SoftFail(_) => Finding::SoftfailAll,
            SpfResult::Pass(GrantKind::All, _) => Finding::PermissiveAll,
            SpfResult::Pass(GrantKind::Include, _) => Finding::IncludePermitsAll,
            SpfResult::Pass(GrantKind::Broad, _) => Finding::BroadRange,
            SpfResult::Pass(GrantKind::Exists, _) => Finding::ExistsMatchesAll,
            SpfResult::Neutral { default: true, .. } => Finding::NoAllMechanism,
            SpfResult::Neutral { default: false, .. } => Finding::NeutralAll,
            SpfResult::PermError(kind, _) => match kind {
                PermKind::TooManyLookups => Finding::TooManyLookups,
                PermKind::TooManyVoids => Finding::TooManyVoidLookups,
                PermKind::TooManyMxNames => Finding::TooManyMxNames,
                PermKind::Syntax | PermKind::BadDomain => Finding::SpfSyntaxError,
                PermKind::TargetWithoutRecord => Finding::TargetWithoutSpf,
            },
            SpfResult::TempError(_) => Finding::ExpansionFailed,
            SpfResult::Unknown(_) => Finding::NotExpanded,
        }
    }
}

/// What the evaluation means, in a sentence about `domain`.
fn sentence(domain: &str, ev: &Evaluation, sender: &str) -> String {
    let lookups = format!(
        "{} DNS-querying term(s), {} void lookup(s)",
        ev.lookups, ev.voids
    );
    match &ev.result {
        SpfResult::Fail(at) => {
            format!("the SPF policy of {domain} rejects {sender} ({at}; {lookups})")
        }
        SpfResult::SoftFail(at) => {
            format!("the SPF policy of {domain} soft-fails {sender} ({at}; {lookups})")
        }
        SpfResult::Pass(_, why) => {
            format!("the SPF policy of {domain} lets {sender} pass: {why}")
        }
        SpfResult::Neutral { at, default } => {
            let how = if *default { "by default" } else { "explicitly" };
            format!(
                "the SPF policy of {domain} asserts nothing about {sender} (neutral {how}: {at})"
            )
        }
        SpfResult::PermError(_, why) => {
            format!("the SPF policy of {domain} is a permerror that receivers ignore: {why}")
        }
        SpfResult::TempError(why) => format!(
            "the SPF policy of {domain} could not be expanded because a DNS lookup failed: {why}"
        ),
        SpfResult::Unknown(why) => {
            format!("the SPF policy of {domain} could not be expanded: {why}")
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
        let (tree, tree_note): (Option<&SpfTree>, Option<String>) = match &obs.dns.spf {
            Probed::Ok { value } => (Some(value), None),
            other => (None, other.missing_reason()),
        };
        let v4 = spf_eval::evaluate(&obs.domain, record, tree, spf_eval::Family::V4);
        let v6 = spf_eval::evaluate(&obs.domain, record, tree, spf_eval::Family::V6);
        // The verdict follows the worse of the two sender families.
        let (worse, sender) = if v6.result.severity() > v4.result.severity() {
            (&v6, "an unlisted IPv6 sender")
        } else {
            (&v4, "an unlisted sender")
        };
        let finding = Finding::of(&worse.result);
        let mut notes = v4.notes.clone();
        notes.extend(v6.notes.iter().filter(|n| !v4.notes.contains(n)).cloned());
        let records: Vec<serde_json::Value> = worse
            .records
            .iter()
            .map(|(name, record)| json!({ "name": name, "record": record }))
            .collect();
        let evidence = json!({
            "record": record,
            "result_ipv4": v4.result.name(),
            "result_ipv6": v6.result.name(),
            "decided_by": worse.result.to_string(),
            "dns_lookups": worse.lookups,
            "lookup_limit": LOOKUP_LIMIT,
            "void_lookups": worse.voids,
            "void_limit": VOID_LIMIT,
            "broad_prefix_limits": { "ip4": BROAD_IPV4_PREFIX, "ip6": BROAD_IPV6_PREFIX },
            "records_evaluated": records,
            "notes": notes,
            "spf_tree": tree_note.unwrap_or_else(|| "recorded".to_owned()),
        });
        let mut message = sentence(&obs.domain, worse, sender);
        if finding == Finding::NotExpanded
            && let Some(why) = evidence["spf_tree"].as_str().filter(|s| *s != "recorded")
        {
            message.push_str(&format!(" (SPF tree: {why})"));
        }
        outcome(finding, message, evidence)
    }
}
