//! The DMARC record that applies to a domain, found as a receiver finds it (RFC 7489 §6.6.3):
//! the domain's own `_dmarc` record; when it has none, the organisational domain's, whose
//! `sp=` (else `p=`) then governs the domain. Shared by `mail.dmarc`, `mail.null-mx` and the
//! declarative `dmarc_record` source, so that every check reads the same record the same way.

use govscan_model::{Observations, Probed};
use serde_json::{Value, json};

use crate::dns::answered;
use crate::mail::dmarc_record::{self, DmarcError, DmarcRecord, Policy};

/// The applicable record, valid.
#[derive(Debug, Clone)]
pub(crate) struct Applicable {
    /// Where it was found (`_dmarc.<domain>` or `_dmarc.<organisational domain>`).
    pub(crate) name: String,
    /// The record as published.
    pub(crate) record: String,
    /// The record, parsed.
    pub(crate) parsed: DmarcRecord,
    /// `Some(_dmarc.<domain>)` when the domain has no record and the organisational domain's
    /// applies.
    pub(crate) inherited_from: Option<String>,
    /// The policy for mail from the domain: `p=` of its own record, or `sp=` (else `p=`) of
    /// the organisational domain's.
    pub(crate) policy: Policy,
}

/// What policy discovery found.
#[derive(Debug, Clone)]
pub(crate) enum Discovery {
    /// A single valid record applies.
    Found(Box<Applicable>),
    /// No record at the domain nor at its organisational domain: no DMARC.
    Missing {
        /// A sentence naming where it looked.
        message: String,
        /// What was seen.
        evidence: Value,
    },
    /// More than one record where discovery stopped: receivers apply no DMARC (step 5).
    Multiple {
        /// A sentence naming the name and count.
        message: String,
        /// What was seen.
        evidence: Value,
    },
    /// One record, which does not parse.
    Invalid {
        /// Why it does not parse.
        error: DmarcError,
        /// A sentence naming the name and the problem.
        message: String,
        /// What was seen.
        evidence: Value,
    },
    /// A lookup failed, so discovery cannot finish.
    Unknown(String),
}

/// RFC 7489 §6.6.3, steps 1–6, over the recorded lookups.
pub(crate) fn discover(obs: &Observations) -> Discovery {
    let own_name = format!("_dmarc.{}", obs.domain);
    let txt = match answered(&obs.dns.dmarc) {
        Ok(txt) => txt,
        Err(reason) => return Discovery::Unknown(format!("{own_name} TXT lookup: {reason}")),
    };
    let own: Vec<&String> = txt.iter().filter(|t| dmarc_record::is_dmarc(t)).collect();
    let (name, record, inherited_from) = match own.as_slice() {
        [one] => (own_name, (*one).clone(), None),
        [] => {
            let org = match &obs.dns.dmarc_organisational {
                Probed::Ok { value } => value,
                Probed::Skipped { why } => {
                    return Discovery::Missing {
                        message: format!("{own_name} has no DMARC record"),
                        evidence: json!({ "name": own_name, "txt_records": txt, "organisational_domain": why }),
                    };
                }
                failed => {
                    return Discovery::Unknown(format!(
                        "{own_name} has no DMARC record and the organisational domain's lookup failed: {}",
                        failed.missing_reason().unwrap_or_default()
                    ));
                }
            };
            let org_name = format!("_dmarc.{}", org.domain);
            let org_records: Vec<&String> = org
                .records
                .iter()
                .filter(|t| dmarc_record::is_dmarc(t))
                .collect();
            match org_records.as_slice() {
                [one] => (org_name, (*one).clone(), Some(own_name)),
                [] => {
                    return Discovery::Missing {
                        message: format!(
                            "neither {own_name} nor {org_name} (organisational domain) has a DMARC record"
                        ),
                        evidence: json!({ "name": own_name, "txt_records": txt, "organisational_domain": org }),
                    };
                }
                many => {
                    return Discovery::Multiple {
                        message: format!(
                            "{own_name} has no DMARC record and {org_name} has {}; receivers then apply no policy",
                            many.len()
                        ),
                        evidence: json!({ "name": org_name, "records": many }),
                    };
                }
            }
        }
        many => {
            return Discovery::Multiple {
                message: format!(
                    "{own_name} has {} DMARC records; receivers then apply no policy",
                    many.len()
                ),
                evidence: json!({ "name": own_name, "records": many }),
            };
        }
    };
    match dmarc_record::parse(&record) {
        Ok(parsed) => {
            let policy = match inherited_from {
                Some(_) => parsed.subdomain_policy.unwrap_or(parsed.policy),
                None => parsed.policy,
            };
            Discovery::Found(Box::new(Applicable {
                name,
                record,
                parsed,
                inherited_from,
                policy,
            }))
        }
        Err(error) => Discovery::Invalid {
            message: format!("the DMARC record at {name} is invalid: {error}"),
            evidence: json!({ "name": name, "record": record, "error": error.to_string() }),
            error,
        },
    }
}

/// True when the domain is known to be its own organisational domain (its `sp=` then governs
/// every subdomain that publishes no record).
pub(crate) fn is_organisational(obs: &Observations) -> bool {
    obs.dns.organisational_domain.as_deref() == Some(obs.domain.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{base_observations, merge_patch};

    fn obs(patch: Value) -> Observations {
        let mut value = base_observations();
        merge_patch(&mut value, &patch);
        serde_json::from_value(value).expect("observations")
    }

    fn org(records: &[&str]) -> Value {
        json!({"state": "ok", "value": {"domain": "example.test", "records": records}})
    }

    #[test]
    fn a_subdomain_without_a_record_gets_the_organisational_sp_else_p() {
        let sub = |records: &[&str]| {
            obs(
                json!({"domain": "www.example.test", "dns": {"dmarc_organisational": org(records)}}),
            )
        };
        let Discovery::Found(found) = discover(&sub(&["v=DMARC1; p=reject; sp=quarantine"])) else {
            panic!("not found");
        };
        assert_eq!(found.policy, Policy::Quarantine);
        assert_eq!(found.name, "_dmarc.example.test");
        assert_eq!(
            found.inherited_from.as_deref(),
            Some("_dmarc.www.example.test")
        );
        let Discovery::Found(found) = discover(&sub(&["v=DMARC1; p=reject"])) else {
            panic!("not found");
        };
        assert_eq!(found.policy, Policy::Reject);
        assert!(matches!(
            discover(&sub(&["v=DMARC1; p=reject", "v=DMARC1; p=none"])),
            Discovery::Multiple { .. }
        ));
        assert!(matches!(
            discover(&sub(&["v=DMARC1; p=bogus"])),
            Discovery::Invalid { .. }
        ));
        assert!(matches!(discover(&sub(&[])), Discovery::Missing { .. }));
    }

    #[test]
    fn an_own_record_applies_with_its_p_even_when_it_has_sp() {
        let own = obs(json!({"dns": {
            "dmarc": {"state": "ok", "value": ["v=DMARC1; p=reject; sp=none"]},
            "organisational_domain": "example.test",
        }}));
        let Discovery::Found(found) = discover(&own) else {
            panic!("not found");
        };
        assert_eq!(found.policy, Policy::Reject);
        assert_eq!(found.inherited_from, None);
        assert!(is_organisational(&own));
    }

    #[test]
    fn failed_lookups_leave_discovery_unfinished() {
        let servfail = json!({"state": "failed", "kind": "dns", "detail": "SERVFAIL"});
        assert!(matches!(
            discover(&obs(json!({"dns": {"dmarc": servfail}}))),
            Discovery::Unknown(_)
        ));
        assert!(matches!(
            discover(&obs(json!({"dns": {"dmarc_organisational": servfail}}))),
            Discovery::Unknown(_)
        ));
        // Multiple records at the domain stop discovery (step 5), whatever the organisation has.
        let two = obs(json!({"dns": {
            "dmarc": {"state": "ok", "value": ["v=DMARC1; p=reject", "v=DMARC1; p=none"]},
            "dmarc_organisational": servfail,
        }}));
        assert!(matches!(discover(&two), Discovery::Multiple { .. }));
    }
}
