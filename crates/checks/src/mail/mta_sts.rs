//! MTA-STS is published: a `_mta-sts` TXT record and an HTTPS policy in mode enforce.

use govscan_model::{
    CheckMeta, FailureKind, Family, FindingDecl, Level, MtaStsPolicyFetch, MxRecord, Observations,
    Outcome, Probed, Reference, Status,
};
use serde_json::json;

use crate::mail::mail_policy_txt;
use crate::mail::mta_sts_policy::{self, mx_matches};
use crate::{Check, Context};

/// The check.
pub struct MtaSts;

/// A `max_age` below one week weakens the policy: RFC 8461 §3.2 expects it "in the range of
/// weeks or greater" to limit attacks at policy refresh time.
const MAX_AGE_LOWER_BOUND: u64 = 604_800;

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
                  `version: STSv1`, `mode: enforce`, one `mx:` line (or `*.` pattern) per MX \
                  host and a `max_age` of at least one week (604800) and at most 31557600, \
                  as `Content-Type: text/plain` with status 200 (no redirect); start with \
                  `mode: testing` plus TLS-RPT.\n\
                  nginx: `location = /.well-known/mta-sts.txt { default_type text/plain; return 200 \"version: STSv1\\nmode: enforce\\nmx: mx.example.ee\\nmax_age: 604800\\n\"; }`",
    references: &[
        Reference {
            title: "RFC 8461 §3.2 (policy fields: version STSv1, mode, max_age up to 31557600, \"weeks or greater\", mx)",
            url: "https://www.rfc-editor.org/rfc/rfc8461#section-3.2",
        },
        Reference {
            title: "RFC 8461 §3.3 (policy fetch: HTTPS with a valid certificate, text/plain, no redirects)",
            url: "https://www.rfc-editor.org/rfc/rfc8461#section-3.3",
        },
        Reference {
            title: "RFC 8461 §4.1 (MX host validation: every MX must match an mx pattern)",
            url: "https://www.rfc-editor.org/rfc/rfc8461#section-4.1",
        },
        Reference {
            title: "NCSC UK Mail Check: MTA-STS",
            url: "https://www.ncsc.gov.uk/collection/email-security-and-anti-spoofing",
        },
    ],
    needs: &[],
    findings: &[
        FindingDecl {
            key: "mta_sts_enforced",
            status: Status::Pass,
            meaning: "an MTA-STS policy in enforce mode covers every MX host",
        },
        FindingDecl {
            key: "mode_testing",
            status: Status::Warn,
            meaning: "the MTA-STS policy is in testing mode",
        },
        FindingDecl {
            key: "max_age_short",
            status: Status::Warn,
            meaning: "the enforced policy is cached for less than a week",
        },
        FindingDecl {
            key: "mx_not_in_policy",
            status: Status::Warn,
            meaning: "an MX host is not covered by the testing-mode policy",
        },
        FindingDecl {
            key: "mx_not_in_policy",
            status: Status::Fail,
            meaning: "an MX host is not covered by the enforced policy: senders refuse it",
        },
        FindingDecl {
            key: "mode_none",
            status: Status::Fail,
            meaning: "the MTA-STS policy is mode none",
        },
        FindingDecl {
            key: "mta_sts_missing",
            status: Status::Fail,
            meaning: "no _mta-sts TXT record",
        },
        FindingDecl {
            key: "multiple_records",
            status: Status::Fail,
            meaning: "several _mta-sts TXT records",
        },
        FindingDecl {
            key: "record_invalid",
            status: Status::Fail,
            meaning: "the _mta-sts TXT record is invalid",
        },
        FindingDecl {
            key: "policy_unavailable",
            status: Status::Fail,
            meaning: "the policy file cannot be fetched",
        },
        FindingDecl {
            key: "policy_invalid",
            status: Status::Fail,
            meaning: "the policy file does not parse",
        },
        FindingDecl {
            key: "policy_not_text_plain",
            status: Status::Fail,
            meaning: "the policy file is not served as text/plain",
        },
        FindingDecl {
            key: "policy_certificate_invalid",
            status: Status::Fail,
            meaning: "the policy host's certificate is not valid",
        },
        FindingDecl {
            key: "no_mail_servers",
            status: Status::NotApplicable,
            meaning: "the domain has no MX host (or a null MX): nothing receives mail",
        },
    ],
    params: &[],
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
            // The resolver failing, a timeout or the scanner's own trouble say nothing about
            // the policy: inconclusive. No address for mta-sts.<domain> (NXDOMAIN/NODATA) while
            // the TXT record announces a policy is the domain's own fault.
            Probed::Failed { kind, detail }
                if matches!(
                    kind,
                    FailureKind::Timeout | FailureKind::Dns | FailureKind::Scanner
                ) =>
            {
                return Outcome::inconclusive(
                    META.id,
                    format!("the MTA-STS policy could not be fetched ({kind:?}): {detail}"),
                );
            }
            // This host could not fetch it (no route, no descriptors): not the domain's fault.
            failed @ Probed::Failed { kind, .. } if kind.is_scanner_side() => {
                let reason = failed.missing_reason().unwrap_or_default();
                return Outcome::inconclusive(META.id, format!("policy fetch: {reason}"));
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
        judge_policy(obs, &mx, fetch, evidence)
    }
}

/// Judges a fetched policy file (RFC 8461 §3.2, §3.3, §4.1) against the domain's MX hosts.
fn judge_policy(
    obs: &Observations,
    mx: &[MxRecord],
    fetch: &MtaStsPolicyFetch,
    mut evidence: serde_json::Value,
) -> Outcome {
    let out = |status, finding, message: String, evidence: &serde_json::Value| {
        Outcome::new(META.id, status, finding, message, evidence.clone())
    };
    let d = &obs.domain;
    let body = fetch.response.body_text.as_deref().unwrap_or("");
    let policy = mta_sts_policy::parse_policy(body);
    let content_type = fetch.response.header("content-type");
    let problems = policy.problems();
    evidence["policy_url"] = json!(fetch.response.url);
    evidence["policy_status"] = json!(fetch.response.status);
    evidence["content_type"] = json!(content_type);
    evidence["certificate_error"] = json!(fetch.certificate_error);
    evidence["policy"] = json!({
        "version": policy.version, "mode": policy.mode, "mx": policy.mx, "max_age": policy.max_age,
    });
    evidence["policy_problems"] = json!(problems);
    evidence["max_age_lower_bound"] = json!(MAX_AGE_LOWER_BOUND);
    if let Some(err) = &fetch.certificate_error {
        return out(
            Status::Fail,
            "policy_certificate_invalid",
            format!(
                "the certificate of mta-sts.{d} is not valid ({}), so senders ignore the policy (RFC 8461 §3.3)",
                err.kind
            ),
            &evidence,
        );
    }
    if fetch.response.status != 200 {
        return out(
            Status::Fail,
            "policy_invalid",
            format!(
                "{} answers status {} instead of the policy (senders follow no redirect, RFC 8461 §3.3)",
                fetch.response.url, fetch.response.status
            ),
            &evidence,
        );
    }
    if !content_type.is_some_and(mta_sts_policy::is_text_plain) {
        return out(
            Status::Fail,
            "policy_not_text_plain",
            format!(
                "{} is served as {}, not text/plain, so senders that validate the media type ignore it (RFC 8461 §3.3)",
                fetch.response.url,
                content_type.unwrap_or("(no Content-Type)")
            ),
            &evidence,
        );
    }
    if !problems.is_empty() {
        return out(
            Status::Fail,
            "policy_invalid",
            format!(
                "the MTA-STS policy at {} is invalid, so senders ignore it: {} (RFC 8461 §3.2)",
                fetch.response.url,
                problems.join("; ")
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
    let max_age = policy.max_age_seconds().unwrap_or_default();
    match policy.mode.as_deref() {
        Some("none") => out(
            Status::Fail,
            "mode_none",
            format!(
                "the MTA-STS policy of {d} has mode none: it withdraws MTA-STS, senders apply no protection"
            ),
            &evidence,
        ),
        Some("enforce") if !uncovered.is_empty() => out(
            Status::Fail,
            "mx_not_in_policy",
            format!(
                "the MTA-STS policy of {d} does not list MX host(s) {} (RFC 8461 §4.1): senders that enforce it refuse to deliver there",
                uncovered.join(", ")
            ),
            &evidence,
        ),
        Some("testing") if !uncovered.is_empty() => out(
            Status::Warn,
            "mx_not_in_policy",
            format!(
                "the MTA-STS policy of {d} is in testing mode and does not list MX host(s) {}: switching to enforce would stop mail to them",
                uncovered.join(", ")
            ),
            &evidence,
        ),
        Some("testing") => out(
            Status::Warn,
            "mode_testing",
            format!(
                "the MTA-STS policy of {d} is in testing mode: failures are reported, not prevented"
            ),
            &evidence,
        ),
        _ if max_age < MAX_AGE_LOWER_BOUND => out(
            Status::Warn,
            "max_age_short",
            format!(
                "the MTA-STS policy of {d} is enforced but cached for only {max_age} s (below one week): RFC 8461 §3.2 expects weeks or more, so an attacker at refresh time has more chances"
            ),
            &evidence,
        ),
        _ => out(
            Status::Pass,
            "mta_sts_enforced",
            format!(
                "{d} publishes a valid MTA-STS policy in enforce mode covering every MX host, cached for {max_age} s"
            ),
            &evidence,
        ),
    }
}
