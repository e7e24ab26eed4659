//! The zone is DNSSEC-signed with a chain of trust that validates (secure, not bogus or island).

use govscan_model::{
    CheckMeta, DnssecStatus, Family, Level, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::{Check, Context};

/// The check.
pub struct Dnssec;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "dns.dnssec",
    family: Family::Dns,
    title: "DNS answers are signed with DNSSEC and validate from the root",
    level: Level::Should,
    rationale: "Without DNSSEC a resolver cannot tell a forged answer from a real one, so a \
                cache-poisoning attacker can send citizens and mail to servers of their \
                choice. A signed zone protects only when the parent publishes its DS record \
                (otherwise it is an island nobody validates), and broken signatures make the \
                domain unreachable for validating resolvers.",
    remediation: "Sign the zone (BIND `dnssec-policy default;`, Knot `dnssec-signing: on`, \
                  PowerDNS `pdnsutil secure-zone`, or your DNS provider's DNSSEC switch), then \
                  publish the DS record at the registrar so the parent zone links to your key. \
                  Monitor signature expiry. This is a DNS change; web servers (nginx, Apache, \
                  IIS) need no change.",
    references: &[
        Reference {
            title: "RFC 4033 §5 and RFC 4035 §4.3 (DNSSEC validation states)",
            url: "https://www.rfc-editor.org/rfc/rfc4035#section-4.3",
        },
        Reference {
            title: "internet.nl: DNSSEC (domain signed and valid)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[],
};

impl Check for Dnssec {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let dnssec = match obs.dns.dnssec.as_result() {
            Ok(d) => d,
            Err(reason) => {
                return Outcome::inconclusive(META.id, format!("DNSSEC probe: {reason}"));
            }
        };
        let evidence = json!({
            "zone": dnssec.zone,
            "status": dnssec.status,
            "validator": dnssec.detail,
            "dnskey_algorithms": dnssec.dnskey_algorithms,
            "ds_records": dnssec.ds_records,
            "trust_anchor": dnssec.trust_anchor,
        });
        let signed = !dnssec.dnskey_algorithms.is_empty();
        let zone = &dnssec.zone;
        let (status, finding, message) = match dnssec.status {
            DnssecStatus::Secure => (
                Status::Pass,
                "secure",
                format!("the zone {zone} is signed and validates from the trust anchor"),
            ),
            // A zone with no DNSKEY and no DS at its parent is unsigned, whatever the
            // validator says: a validator that cannot fetch a key of an ancestor (e.g. a
            // private root that is not served) reports bogus, which would blame the domain.
            DnssecStatus::Bogus if !signed && dnssec.ds_records.is_empty() => (
                Status::Fail,
                "unsigned",
                format!(
                    "the zone {zone} publishes no DNSKEY and its parent no DS, so it is not protected by DNSSEC"
                ),
            ),
            DnssecStatus::Bogus => (
                Status::Fail,
                "bogus",
                format!("DNSSEC validation of {zone} fails: {}", dnssec.detail),
            ),
            DnssecStatus::Insecure if signed && dnssec.ds_records.is_empty() => (
                Status::Fail,
                "island",
                format!(
                    "the zone {zone} is signed but its parent has no DS record, so no resolver can validate it (an island)"
                ),
            ),
            DnssecStatus::Insecure => (
                Status::Fail,
                "unsigned",
                format!("the zone {zone} is not protected by DNSSEC (provably insecure)"),
            ),
            DnssecStatus::Indeterminate => {
                let mut outcome = Outcome::inconclusive(
                    META.id,
                    format!(
                        "the validator could not decide for {zone}: {}",
                        dnssec.detail
                    ),
                );
                outcome.evidence = evidence;
                return outcome;
            }
        };
        Outcome::new(META.id, status, finding, message, evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&Dnssec);
    }
}
