//! The domain publishes one valid DMARC record with an enforcing policy (quarantine or reject).

use govscan_model::{
    CheckMeta, Family, Level, Need, Observations, Outcome, Probed, Reference, Status,
};
use serde_json::json;

use crate::dns::answered;
use crate::mail::dmarc_record::{self, DmarcError, Policy};
use crate::{Check, Context};

/// The check.
pub struct Dmarc;

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
                  `quarantine` and `reject` with `pct=100`. This is a DNS change; web servers \
                  (nginx, Apache, IIS) need no change.",
    references: &[
        Reference {
            title: "RFC 7489 §6.3–§6.4 (DMARC record format)",
            url: "https://www.rfc-editor.org/rfc/rfc7489#section-6.3",
        },
        Reference {
            title: "RFC 7489 §6.6.3 (policy discovery)",
            url: "https://www.rfc-editor.org/rfc/rfc7489#section-6.6.3",
        },
        Reference {
            title: "internet.nl e-mail test (DMARC policy)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[Need::DnsDmarc],
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
    fn key(self) -> &'static str {
        match self {
            Finding::PolicyEnforced => "policy_enforced",
            Finding::PartialPct => "partial_pct",
            Finding::PolicyNone => "policy_none",
            Finding::DmarcMissing => "dmarc_missing",
            Finding::MultipleDmarcRecords => "multiple_dmarc_records",
            Finding::PolicyMissing => "policy_missing",
            Finding::RecordInvalid => "record_invalid",
        }
    }

    fn status(self) -> Status {
        match self {
            Finding::PolicyEnforced => Status::Pass,
            Finding::PartialPct | Finding::PolicyNone => Status::Warn,
            _ => Status::Fail,
        }
    }
}

impl Check for Dmarc {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let name = format!("_dmarc.{}", obs.domain);
        let txt = match answered(&obs.dns.dmarc) {
            Ok(txt) => txt,
            Err(reason) => {
                return Outcome::inconclusive(META.id, format!("{name} TXT lookup: {reason}"));
            }
        };
        let outcome = |finding: Finding, message: String, evidence: serde_json::Value| {
            Outcome::new(META.id, finding.status(), finding.key(), message, evidence)
        };
        let records: Vec<&String> = txt.iter().filter(|t| dmarc_record::is_dmarc(t)).collect();
        // RFC 7489 §6.6.3: with no record at the domain, the organisational domain's record
        // applies (its `sp=` if present, as the domain is below it).
        let mut fallback = json!(null);
        let mut name = name;
        let org_records: Vec<String>;
        let record = match records.as_slice() {
            [] => {
                let org = match &obs.dns.dmarc_organisational {
                    Probed::Ok { value } => value,
                    Probed::Skipped { why } => {
                        return outcome(
                            Finding::DmarcMissing,
                            format!("{name} has no DMARC record"),
                            json!({ "name": name, "txt_records": txt, "organisational_domain": why }),
                        );
                    }
                    failed => {
                        return Outcome::inconclusive(
                            META.id,
                            format!(
                                "{name} has no DMARC record and the organisational domain's lookup failed: {}",
                                failed.missing_reason().unwrap_or_default()
                            ),
                        );
                    }
                };
                org_records = org
                    .records
                    .iter()
                    .filter(|t| dmarc_record::is_dmarc(t))
                    .cloned()
                    .collect();
                let org_name = format!("_dmarc.{}", org.domain);
                match org_records.as_slice() {
                    [one] => {
                        fallback = json!({ "from": name, "to": org_name });
                        name = org_name;
                        one
                    }
                    [] => {
                        return outcome(
                            Finding::DmarcMissing,
                            format!(
                                "neither {name} nor {org_name} (organisational domain) has a DMARC record"
                            ),
                            json!({ "name": name, "txt_records": txt, "organisational_domain": org }),
                        );
                    }
                    many => {
                        return outcome(
                            Finding::MultipleDmarcRecords,
                            format!(
                                "{name} has no DMARC record and {org_name} has {}; receivers then apply no policy",
                                many.len()
                            ),
                            json!({ "name": org_name, "records": many }),
                        );
                    }
                }
            }
            [one] => *one,
            many => {
                return outcome(
                    Finding::MultipleDmarcRecords,
                    format!(
                        "{name} has {} DMARC records; receivers then apply no policy",
                        many.len()
                    ),
                    json!({ "name": name, "records": many }),
                );
            }
        };
        let parsed = match dmarc_record::parse(record) {
            Ok(parsed) => parsed,
            Err(error) => {
                let finding = match error {
                    DmarcError::MissingPolicy => Finding::PolicyMissing,
                    DmarcError::Invalid(_) => Finding::RecordInvalid,
                };
                return outcome(
                    finding,
                    format!("the DMARC record at {name} is invalid: {error}"),
                    json!({ "name": name, "record": record, "error": error.to_string() }),
                );
            }
        };
        let evidence = json!({
            "name": name,
            "record": record,
            "p": parsed.policy.as_str(),
            "sp": parsed.subdomain_policy.map(Policy::as_str),
            "pct": parsed.pct,
            "rua": parsed.rua,
            "ruf": parsed.ruf,
            "organisational_domain_fallback": fallback,
        });
        let effective = if fallback.is_null() {
            parsed.policy
        } else {
            parsed.subdomain_policy.unwrap_or(parsed.policy)
        };
        let p = effective.as_str();
        match effective {
            Policy::None => outcome(
                Finding::PolicyNone,
                format!(
                    "the DMARC policy at {name} is p=none: forged mail is monitored, not stopped"
                ),
                evidence,
            ),
            _ if parsed.pct < 100 => outcome(
                Finding::PartialPct,
                format!(
                    "the DMARC policy at {name} is p={p} but applies to only {}% of failing mail",
                    parsed.pct
                ),
                evidence,
            ),
            _ => outcome(
                Finding::PolicyEnforced,
                format!("the DMARC policy at {name} is p={p}"),
                evidence,
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
        assert_fixtures(&Dmarc);
    }
}
