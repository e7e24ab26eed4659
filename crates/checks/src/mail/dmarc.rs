//! The domain publishes one valid DMARC record with an enforcing policy (quarantine or reject).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::mail::dmarc_policy::{self, Discovery};
use crate::mail::dmarc_record::{DmarcError, Policy};
use crate::{Check, Context};

/// The check.
pub struct Dmarc;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const POLICY_ENFORCED: FindingDecl = FindingDecl {
    key: "policy_enforced",
    status: Status::Pass,
    meaning: "the applicable DMARC record asks receivers to quarantine or reject",
};
const POLICY_NONE: FindingDecl = FindingDecl {
    key: "policy_none",
    status: Status::Warn,
    meaning: "the DMARC policy is p=none (monitoring only)",
};
const SUBDOMAIN_POLICY_NONE: FindingDecl = FindingDecl {
    key: "subdomain_policy_none",
    status: Status::Warn,
    meaning: "the subdomain policy is sp=none",
};
const PARTIAL_PCT: FindingDecl = FindingDecl {
    key: "partial_pct",
    status: Status::Warn,
    meaning: "the policy applies to only part of the mail (pct below 100)",
};
const DMARC_MISSING: FindingDecl = FindingDecl {
    key: "dmarc_missing",
    status: Status::Fail,
    meaning: "no DMARC record applies to the domain",
};
const MULTIPLE_DMARC_RECORDS: FindingDecl = FindingDecl {
    key: "multiple_dmarc_records",
    status: Status::Fail,
    meaning: "several DMARC records: receivers apply none",
};
const RECORD_INVALID: FindingDecl = FindingDecl {
    key: "record_invalid",
    status: Status::Fail,
    meaning: "the DMARC record is invalid, so receivers discard it",
};
const POLICY_MISSING: FindingDecl = FindingDecl {
    key: "policy_missing",
    status: Status::Fail,
    meaning: "the DMARC record has no p= tag",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.dmarc",
    family: Family::Mail,
    title: "A DMARC policy tells receivers to quarantine or reject forged mail",
    level: Level::Should,
    rationale: "DMARC ties SPF and DKIM to the address people see in the From line and tells \
                receivers what to do with mail that fails: `p=reject` or `p=quarantine` stop \
                forged mail in a government's name; `p=none` only monitors it.",
    remediation: "Publish one TXT record at `_dmarc.<domain>`, e.g. \
                  `v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.ee`. Start with \
                  `p=none` and a `rua` address to see who sends as you, then move to \
                  `quarantine` and `reject` with `pct=100`. On an organisational domain, leave \
                  out `sp=` (subdomains then get `p=`) or set `sp=reject`: `sp=none` leaves \
                  every subdomain without its own record open to forgery. This is a DNS \
                  change; web servers (nginx, Apache, IIS) need no change.",
    references: &[
        Reference {
            title: "RFC 7489 §6.3–§6.4 (DMARC record format)",
            url: "https://www.rfc-editor.org/rfc/rfc7489#section-6.3",
        },
        Reference {
            title: "RFC 7489 §6.6.3 (policy discovery: the organisational domain's sp=, else p=)",
            url: "https://www.rfc-editor.org/rfc/rfc7489#section-6.6.3",
        },
        Reference {
            title: "RFC 7489 §6.3 (sp: the policy for subdomains of the organisational domain)",
            url: "https://www.rfc-editor.org/rfc/rfc7489#section-6.3",
        },
        Reference {
            title: "internet.nl e-mail test (DMARC policy)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsDmarc],
    findings: &[
        POLICY_ENFORCED,
        POLICY_NONE,
        SUBDOMAIN_POLICY_NONE,
        PARTIAL_PCT,
        DMARC_MISSING,
        MULTIPLE_DMARC_RECORDS,
        RECORD_INVALID,
        POLICY_MISSING,
    ],
    params: &[],
};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// `p=quarantine` or `p=reject` for all mail.
    PolicyEnforced,
    /// An enforcing policy applied to only part of the mail (`pct` < 100).
    PartialPct,
    /// `p=none`.
    PolicyNone,
    /// An organisational domain whose `sp=none` leaves its subdomains unprotected.
    SubdomainPolicyNone,
    /// No DMARC record.
    DmarcMissing,
    /// More than one DMARC record (receivers then apply none).
    MultipleDmarcRecords,
    /// No `p=` tag.
    PolicyMissing,
    /// The record does not parse.
    RecordInvalid,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::PolicyEnforced => POLICY_ENFORCED,
            Finding::PartialPct => PARTIAL_PCT,
            Finding::PolicyNone => POLICY_NONE,
            Finding::SubdomainPolicyNone => SUBDOMAIN_POLICY_NONE,
            Finding::DmarcMissing => DMARC_MISSING,
            Finding::MultipleDmarcRecords => MULTIPLE_DMARC_RECORDS,
            Finding::PolicyMissing => POLICY_MISSING,
            Finding::RecordInvalid => RECORD_INVALID,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }

    fn status(self) -> Status {
        match self {
            Finding::PolicyEnforced => Status::Pass,
            Finding::PartialPct | Finding::PolicyNone | Finding::SubdomainPolicyNone => {
                Status::Warn
            }
            _ => Status::Fail,
        }
    }
}

impl Check for Dmarc {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let outcome = |finding: Finding, message: String, evidence: serde_json::Value| {
            Outcome::new(META.id, finding.status(), finding.key(), message, evidence)
        };
        let found = match dmarc_policy::discover(obs) {
            Discovery::Found(found) => found,
            Discovery::Missing { message, evidence } => {
                return outcome(Finding::DmarcMissing, message, evidence);
            }
            Discovery::Multiple { message, evidence } => {
                return outcome(Finding::MultipleDmarcRecords, message, evidence);
            }
            Discovery::Invalid {
                error,
                message,
                evidence,
            } => {
                let finding = match error {
                    DmarcError::MissingPolicy => Finding::PolicyMissing,
                    DmarcError::Invalid(_) => Finding::RecordInvalid,
                };
                return outcome(finding, message, evidence);
            }
            Discovery::Unknown(reason) => return Outcome::inconclusive(META.id, reason),
        };
        let parsed = &found.parsed;
        let name = &found.name;
        let organisational = found.inherited_from.is_none() && dmarc_policy::is_organisational(obs);
        // RFC 7489 §6.3: sp= governs the subdomains of an organisational domain that publish
        // no record of their own (absent: p= does).
        let subdomains = organisational.then(|| parsed.subdomain_policy.unwrap_or(parsed.policy));
        let evidence = json!({
            "name": name,
            "record": found.record,
            "p": parsed.policy.as_str(),
            "sp": parsed.subdomain_policy.map(Policy::as_str),
            "pct": parsed.pct,
            "rua": parsed.rua,
            "ruf": parsed.ruf,
            "applied_policy": found.policy.as_str(),
            "organisational_domain_fallback": found.inherited_from.as_ref().map(|from| json!({ "from": from, "to": name })),
            "organisational_domain": obs.dns.organisational_domain,
            "subdomain_policy": subdomains.map(Policy::as_str),
        });
        let p = found.policy.as_str();
        let tag = if found.inherited_from.is_some() && parsed.subdomain_policy.is_some() {
            "sp"
        } else {
            "p"
        };
        match found.policy {
            Policy::None => outcome(
                Finding::PolicyNone,
                format!(
                    "the DMARC policy at {name} is {tag}=none for {}: forged mail is monitored, not stopped",
                    obs.domain
                ),
                evidence,
            ),
            _ if parsed.pct < 100 => outcome(
                Finding::PartialPct,
                format!(
                    "the DMARC policy at {name} is {tag}={p} but applies to only {}% of failing mail",
                    parsed.pct
                ),
                evidence,
            ),
            _ if subdomains == Some(Policy::None) => outcome(
                Finding::SubdomainPolicyNone,
                format!(
                    "the DMARC policy at {name} is p={p} for {d} but sp=none for its subdomains: mail forged from any name under {d} that publishes no DMARC record of its own is not stopped",
                    d = obs.domain
                ),
                evidence,
            ),
            _ => outcome(
                Finding::PolicyEnforced,
                format!("the DMARC policy at {name} is {tag}={p} for {}", obs.domain),
                evidence,
            ),
        }
    }
}
