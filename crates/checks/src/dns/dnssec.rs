//! The zone is DNSSEC-signed with a chain of trust that validates (secure, not bogus or island).

use govscan_model::{
    CheckMeta, DnssecObservation, DnssecStatus, Family, FindingDecl, Level, Observations, Outcome,
    Reference, Status,
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
            title: "RFC 4035 §4.3 (secure, insecure, bogus and indeterminate; a bogus answer is SERVFAIL to the client)",
            url: "https://www.rfc-editor.org/rfc/rfc4035#section-4.3",
        },
        Reference {
            title: "RFC 4035 §5 (authenticating from the closest trust anchor: §5.2 DS to DNSKEY, §5.3.1 signature validity period, §5.3.3 signature check)",
            url: "https://www.rfc-editor.org/rfc/rfc4035#section-5",
        },
        Reference {
            title: "RFC 4035 §3.2.2 (the CD bit: how govscan still reads a bogus zone behind a validating resolver)",
            url: "https://www.rfc-editor.org/rfc/rfc4035#section-3.2.2",
        },
        Reference {
            title: "RFC 4033 §5 (no trust anchor covers the name)",
            url: "https://www.rfc-editor.org/rfc/rfc4033#section-5",
        },
        Reference {
            title: "internet.nl: DNSSEC (domain signed and valid)",
            url: "https://internet.nl/",
        },
    ],
    needs: &[],
    findings: &[
        FindingDecl {
            key: "secure",
            status: Status::Pass,
            meaning: "a validating resolver proves the domain's answers (secure chain of trust)",
        },
        FindingDecl {
            key: "unsigned",
            status: Status::Fail,
            meaning: "the zone is not signed",
        },
        FindingDecl {
            key: "island",
            status: Status::Fail,
            meaning: "the zone is signed but its parent holds no DS record (no chain of trust)",
        },
        FindingDecl {
            key: "bogus",
            status: Status::Fail,
            meaning: "validation fails: resolvers that validate refuse the domain's answers",
        },
        FindingDecl {
            key: "no_anchor",
            status: Status::Inconclusive,
            meaning: "the validating resolver has no trust anchor, so no verdict",
        },
    ],
    params: &[],
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
        let read_with_cd = &obs.dns.read_with_cd;
        let evidence = json!({
            "zone": dnssec.zone,
            "status": dnssec.status,
            "validator": dnssec.detail,
            "bogus_reason": dnssec.bogus_reason,
            "anchor_zone": dnssec.anchor_zone,
            "no_anchor": dnssec.no_anchor,
            "dnskey_algorithms": dnssec.dnskey_algorithms,
            "ds_records": dnssec.ds_records,
            "trust_anchor": dnssec.trust_anchor,
            "read_with_cd": read_with_cd,
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
            // private root that is not served) reports bogus or cannot decide, which would
            // blame the domain or hide that it is unsigned.
            DnssecStatus::Bogus | DnssecStatus::Indeterminate
                if !signed && dnssec.ds_records.is_empty() =>
            {
                (
                    Status::Fail,
                    "unsigned",
                    format!(
                        "the zone {zone} publishes no DNSKEY and its parent no DS, so it is not protected by DNSSEC"
                    ),
                )
            }
            DnssecStatus::Bogus => (Status::Fail, "bogus", bogus_message(dnssec, read_with_cd)),
            DnssecStatus::Insecure if dnssec.no_anchor && signed => {
                let mut outcome = Outcome::inconclusive(
                    META.id,
                    format!(
                        "the zone {zone} is signed, but no configured trust anchor covers it, so its chain of trust cannot be judged ({})",
                        dnssec.trust_anchor
                    ),
                );
                outcome.finding = "no_anchor".to_string();
                outcome.evidence = evidence;
                return outcome;
            }
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

/// The bogus verdict in words: what is broken, and what it means for the domain's users.
fn bogus_message(dnssec: &DnssecObservation, read_with_cd: &[String]) -> String {
    let cause = match &dnssec.bogus_reason {
        Some(reason) => format!(
            "{} in {}: {}",
            reason.kind.words(),
            reason.zone,
            reason.detail
        ),
        None => dnssec.detail.clone(),
    };
    let mut message = format!(
        "DNSSEC validation of {} fails ({cause}); validating resolvers (those of most ISPs and public resolvers) answer SERVFAIL, so the domain is unreachable for their users",
        dnssec.zone
    );
    if !read_with_cd.is_empty() {
        message.push_str(&format!(
            "; govscan read {} record set(s) with checking disabled (CD bit) to judge the other checks",
            read_with_cd.len()
        ));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bogus_zone_names_the_reason_the_users_and_the_cd_reads() {
        let dnssec = DnssecObservation {
            zone: "expiredsig.test".into(),
            status: DnssecStatus::Bogus,
            detail: "bogus".into(),
            dnskey_algorithms: vec![13],
            ds_records: vec!["1 13 2 AA".into()],
            trust_anchor: "t".into(),
            anchor_zone: Some("test".into()),
            no_anchor: false,
            bogus_reason: Some(govscan_model::BogusReason {
                kind: govscan_model::BogusKind::ExpiredSignature,
                zone: "expiredsig.test".into(),
                detail: "the RRSIG over the DNSKEY set expired on 2025-02-01".into(),
            }),
        };
        let message = bogus_message(&dnssec, &["A expiredsig.test".into()]);
        assert!(
            message.contains("expired signatures (RRSIG) in expiredsig.test"),
            "{message}"
        );
        assert!(message.contains("expired on 2025-02-01"), "{message}");
        assert!(message.contains("answer SERVFAIL"), "{message}");
        assert!(
            message.contains("1 record set(s) with checking disabled"),
            "{message}"
        );
    }
}
