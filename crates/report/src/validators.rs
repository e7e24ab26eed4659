//! The notice on a domain page when DNSSEC validation of its zone fails: validating resolvers
//! (RFC 4035 §4.3: bogus answers become SERVFAIL) cannot reach the domain, which matters more
//! than any single check, and the reader should know which records govscan read with the CD
//! bit to judge the rest.

use govscan_model::{DnssecStatus, DomainResult};
use serde::Serialize;

/// What the notice says.
#[derive(Debug, Serialize)]
pub(crate) struct ValidatorNotice {
    /// The zone that fails validation.
    pub(crate) zone: String,
    /// Why, in words ("expired signatures (RRSIG) in x.test: …").
    pub(crate) cause: String,
    /// Record sets read again with the CD bit (`TYPE name`).
    pub(crate) read_with_cd: Vec<String>,
}

impl ValidatorNotice {
    /// The notice for a domain whose `dns.dnssec` outcome is `bogus`, else `None`.
    pub(crate) fn of(d: &DomainResult) -> Option<ValidatorNotice> {
        let outcome = d
            .outcomes
            .iter()
            .find(|o| o.check == "dns.dnssec" && o.finding == "bogus")?;
        let dnssec = d
            .observations
            .dns
            .dnssec
            .value()
            .filter(|v| v.status == DnssecStatus::Bogus);
        let (zone, cause) = match dnssec {
            Some(v) => (
                v.zone.clone(),
                match &v.bogus_reason {
                    Some(r) => format!("{} in {}: {}", r.kind.words(), r.zone, r.detail),
                    None => v.detail.clone(),
                },
            ),
            None => (d.domain.clone(), outcome.message.clone()),
        };
        Some(ValidatorNotice {
            zone,
            cause,
            read_with_cd: d.observations.dns.read_with_cd.clone(),
        })
    }
}
