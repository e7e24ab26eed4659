//! SMTP TLS reporting is published (`_smtp._tls` TXT, RFC 8460).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Observations, Outcome, Reference, Status,
};
use serde_json::json;

use crate::mail::mail_policy_txt;
use crate::{Check, Context};

/// The check.
pub struct TlsRpt;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.tls-rpt",
    family: Family::Mail,
    title: "Sending servers can report TLS problems with the domain's mail (TLS-RPT)",
    level: Level::May,
    rationale: "TLS-RPT asks sending servers for daily reports of failed or downgraded TLS \
                connections to the domain's mail servers, so broken certificates and \
                STARTTLS stripping are noticed.",
    remediation: "Publish `_smtp._tls.<domain> TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.ee\"`. \
                  This is a DNS change; web servers (nginx, Apache, IIS) need no change.",
    references: &[
        Reference {
            title: "RFC 8460 §3 (Reporting policy)",
            url: "https://www.rfc-editor.org/rfc/rfc8460#section-3",
        },
        Reference {
            title: "NCSC UK Mail Check: TLS-RPT",
            url: "https://www.ncsc.gov.uk/collection/email-security-and-anti-spoofing",
        },
    ],
    needs: &[],
    findings: &[
        FindingDecl {
            key: "tls_rpt_published",
            status: Status::Pass,
            meaning: "a valid TLS-RPT record is published",
        },
        FindingDecl {
            key: "tls_rpt_missing",
            status: Status::Fail,
            meaning: "no _smtp._tls TXT record",
        },
        FindingDecl {
            key: "multiple_records",
            status: Status::Fail,
            meaning: "several TLS-RPT records",
        },
        FindingDecl {
            key: "record_invalid",
            status: Status::Fail,
            meaning: "the TLS-RPT record is invalid",
        },
        FindingDecl {
            key: "no_mail_servers",
            status: Status::NotApplicable,
            meaning: "the domain has no MX host (or a null MX): nothing receives mail",
        },
    ],
    params: &[],
};

/// The `rua` URIs of a TLS-RPT record, or why it is invalid.
pub(crate) fn parse(txt: &str) -> Result<Vec<String>, String> {
    let mut fields = txt.split(';').map(str::trim).filter(|f| !f.is_empty());
    if fields.next() != Some("v=TLSRPTv1") {
        return Err("the record does not start with v=TLSRPTv1".into());
    }
    let rua = fields
        .find_map(|f| f.strip_prefix("rua="))
        .ok_or("no rua field")?;
    let uris: Vec<String> = rua.split(',').map(|u| u.trim().to_string()).collect();
    if uris.is_empty()
        || uris
            .iter()
            .any(|u| !(u.starts_with("mailto:") || u.starts_with("https://")))
    {
        return Err(format!("rua {rua:?} must be mailto: or https: URIs"));
    }
    Ok(uris)
}

impl Check for TlsRpt {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        let name = format!("_smtp._tls.{}", obs.domain);
        let (_, txt) = match mail_policy_txt(META.id, obs, &name, &obs.dns.tls_rpt, "report on") {
            Ok(found) => found,
            Err(outcome) => return outcome,
        };
        let records: Vec<&String> = txt.iter().filter(|t| t.starts_with("v=TLSRPTv1")).collect();
        let evidence = json!({ "name": name, "txt_records": txt });
        let (status, finding, message) = match records.as_slice() {
            [] => (
                Status::Fail,
                "tls_rpt_missing",
                format!("{name} has no v=TLSRPTv1 record"),
            ),
            [one] => match parse(one) {
                Ok(rua) => (
                    Status::Pass,
                    "tls_rpt_published",
                    format!("{name} asks for TLS reports at {}", rua.join(", ")),
                ),
                Err(e) => (
                    Status::Fail,
                    "record_invalid",
                    format!("the record at {name} is invalid: {e}"),
                ),
            },
            many => (
                Status::Fail,
                "multiple_records",
                format!("{name} has {} TLS-RPT records", many.len()),
            ),
        };
        Outcome::new(META.id, status, finding, message, evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn records_parse() {
        assert_eq!(
            parse("v=TLSRPTv1; rua=mailto:a@b.test").map(|v| v.len()),
            Ok(1)
        );
        assert!(parse("v=TLSRPTv1;").is_err());
        assert!(parse("v=TLSRPTv1; rua=ftp://x").is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in ".{0,200}") {
            let _ = parse(&text);
        }
    }
}
