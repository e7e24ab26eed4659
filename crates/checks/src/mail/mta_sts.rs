//! MTA-STS is published: a `_mta-sts` TXT record and an HTTPS policy in mode enforce.

use govscan_model::{
    CheckMeta, FailureKind, Family, Level, Observations, Outcome, Probed, Reference, Status,
};
use serde_json::json;

use crate::mail::mail_policy_txt;
use crate::mail::mta_sts_policy::{self, mx_matches};
use crate::{Check, Context};

/// The check.
pub struct MtaSts;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.mta-sts",
    family: Family::Mail,
    title: "Mail servers require TLS from senders (MTA-STS in enforce mode)",
    level: Level::Should,
    rationale: "SMTP encryption is opportunistic: an attacker on the path can strip STARTTLS \
                and read mail sent to the domain. MTA-STS tells sending servers to insist on \
                TLS with a valid certificate for the listed MX hosts.",
    remediation: "Publish `_mta-sts.<domain> TXT \"v=STSv1; id=20260101\"` and serve \
                  `https://mta-sts.<domain>/.well-known/mta-sts.txt` (valid certificate) with \
                  `version: STSv1`, `mode: enforce`, one `mx:` line per MX host and \
                  `max_age: 604800`; start with `mode: testing` plus TLS-RPT.\n\
                  nginx: `location = /.well-known/mta-sts.txt { default_type text/plain; return 200 \"version: STSv1\\nmode: enforce\\nmx: mx.example.ee\\nmax_age: 604800\\n\"; }`",
    references: &[
        Reference {
            title: "RFC 8461 (SMTP MTA Strict Transport Security)",
            url: "https://www.rfc-editor.org/rfc/rfc8461",
        },
        Reference {
            title: "NCSC UK Mail Check: MTA-STS",
            url: "https://www.ncsc.gov.uk/collection/email-security-and-anti-spoofing",
        },
    ],
    needs: &[],
};

impl Check for MtaSts {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let name = format!("_mta-sts.{}", obs.domain);
        let (mx, txt) = match mail_policy_txt(META.id, obs, &name, &obs.dns.mta_sts, "protect") {
            Ok(found) => found,
            Err(outcome) => return outcome,
        };
        let records: Vec<&String> = txt.iter().filter(|t| t.starts_with("v=STSv1")).collect();
        let mut evidence = json!({ "name": name, "txt_records": txt, "mx": mx });
        let out = |status, finding, message: String, evidence: &serde_json::Value| {
            Outcome::new(META.id, status, finding, message, evidence.clone())
        };
        let record = match records.as_slice() {
            [] => {
                return out(
                    Status::Fail,
                    "mta_sts_missing",
                    format!("{name} has no v=STSv1 record"),
                    &evidence,
                );
            }
            [one] => *one,
            many => {
                return out(
                    Status::Fail,
                    "multiple_records",
                    format!("{name} has {} v=STSv1 records", many.len()),
                    &evidence,
                );
            }
        };
        if let Err(e) = mta_sts_policy::parse_record(record) {
            return out(
                Status::Fail,
                "record_invalid",
                format!("the record at {name} is invalid: {e}"),
                &evidence,
            );
        }
        let fetch = match &obs.dns.mta_sts_policy {
            Probed::Ok { value } => value,
            Probed::Failed {
                kind: FailureKind::Timeout,
                detail,
            } => {
                return Outcome::inconclusive(META.id, format!("policy fetch timed out: {detail}"));
            }
            Probed::Failed {
                kind: FailureKind::Blocked,
                detail,
            } => {
                // Not contacted by govscan's address policy: nothing is known about the policy.
                let mut outcome = Outcome::inconclusive(
                    META.id,
                    format!("the MTA-STS policy was not fetched: {detail}"),
                );
                outcome.finding = "address_blocked".to_owned();
                evidence["policy_error"] = json!(detail);
                outcome.evidence = evidence;
                return outcome;
            }
            Probed::Failed { kind, detail } => {
                evidence["policy_error"] = json!(format!("{kind:?}: {detail}"));
                return out(
                    Status::Fail,
                    "policy_unavailable",
                    format!(
                        "the MTA-STS policy of {} cannot be fetched: {detail}",
                        obs.domain
                    ),
                    &evidence,
                );
            }
            Probed::Skipped { why } => {
                return Outcome::inconclusive(META.id, format!("policy not fetched: {why}"));
            }
        };
        let body = fetch.response.body_text.as_deref().unwrap_or("");
        let policy = mta_sts_policy::parse_policy(body);
        evidence["policy_url"] = json!(fetch.response.url);
        evidence["policy_status"] = json!(fetch.response.status);
        evidence["certificate_error"] = json!(fetch.certificate_error);
        evidence["policy"] = json!({
            "version": policy.version, "mode": policy.mode, "mx": policy.mx, "max_age": policy.max_age,
        });
        if let Some(err) = &fetch.certificate_error {
            return out(
                Status::Fail,
                "policy_certificate_invalid",
                format!(
                    "the certificate of mta-sts.{} is not valid ({}), so senders ignore the policy",
                    obs.domain, err.kind
                ),
                &evidence,
            );
        }
        if fetch.response.status != 200 || policy.version.as_deref() != Some("STSv1") {
            return out(
                Status::Fail,
                "policy_invalid",
                format!(
                    "{} does not serve a valid STSv1 policy (status {})",
                    fetch.response.url, fetch.response.status
                ),
                &evidence,
            );
        }
        let uncovered: Vec<&str> = mx
            .iter()
            .filter(|m| !m.exchange.is_empty())
            .filter(|m| !policy.mx.iter().any(|p| mx_matches(p, &m.exchange)))
            .map(|m| m.exchange.as_str())
            .collect();
        evidence["mx_not_in_policy"] = json!(uncovered);
        match policy.mode.as_deref() {
            Some("enforce") if uncovered.is_empty() => out(
                Status::Pass,
                "mta_sts_enforced",
                format!("{} publishes an MTA-STS policy in enforce mode", obs.domain),
                &evidence,
            ),
            Some("enforce") => out(
                Status::Fail,
                "mx_not_in_policy",
                format!(
                    "the MTA-STS policy of {} does not list MX host(s) {}; mail to them would fail",
                    obs.domain,
                    uncovered.join(", ")
                ),
                &evidence,
            ),
            Some("testing") => out(
                Status::Warn,
                "mode_testing",
                format!(
                    "the MTA-STS policy of {} is in testing mode: failures are reported, not prevented",
                    obs.domain
                ),
                &evidence,
            ),
            other => out(
                Status::Fail,
                "mode_not_enforce",
                format!(
                    "the MTA-STS policy of {} has mode {:?}",
                    obs.domain,
                    other.unwrap_or("(none)")
                ),
                &evidence,
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
        assert_fixtures(&MtaSts);
    }
}
