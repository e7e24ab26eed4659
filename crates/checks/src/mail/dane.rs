//! Every MX host publishes DNSSEC-secure TLSA records at `_25._tcp.<host>` that authenticate
//! the certificate it presents after STARTTLS, on every address (DANE for SMTP, RFC 7672).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, MxEndpoint, MxHost, Need, Observations, Outcome, Probed,
    Reference, Status,
};
use serde_json::json;

use crate::dane::evaluate::{Input, Rollover, Verdict, evaluate};
use crate::dane::{Service, TlsaState, tlsa_state};
use crate::endpoints::EndpointVerdict;
use crate::finding_decls::findings;
use crate::mail::mx_view::{MAIL_SERVER_FINDINGS, mail_servers, per_mx_endpoint, session_missing};
use crate::{Check, Context};

/// The check.
pub struct Dane;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.dane",
    family: Family::Mail,
    title: "Mail servers are authenticated with DANE (secure TLSA records that match)",
    level: Level::Should,
    rationale: "STARTTLS alone is opportunistic: an attacker on the path can strip it or present \
                any certificate, and the sending server carries on. DANE publishes the mail \
                server's key in DNSSEC-signed TLSA records, so sending servers that support it \
                (Postfix, Exim, Microsoft 365, most Dutch and German providers) insist on TLS \
                and on that key. internet.nl requires DANE on every MX host; the Dutch \
                government mandates it, and Estonia's 2019 secure e-mail guidance lists it.",
    remediation: "Sign the MX host's zone with DNSSEC, then publish a TLSA record per MX host \
                  for the key the server uses, and a second one for the next key before a \
                  change (rollover).\n\
                  openssl: `openssl x509 -in cert.pem -noout -pubkey | openssl pkey -pubin \
                  -outform DER | openssl dgst -sha256` gives the data of \
                  `_25._tcp.mx.example.ee. IN TLSA 3 1 1 <digest>`.\n\
                  Or, with a CA-issued certificate, `2 1 1` over the issuing CA's key.\n\
                  ldns: `ldns-dane create mx.example.ee 25`.",
    references: &[
        Reference {
            title: "RFC 7672 §2.2 (TLSA records are used only from a DNSSEC-secure answer; unusable records)",
            url: "https://www.rfc-editor.org/rfc/rfc7672#section-2.2",
        },
        Reference {
            title: "RFC 7672 §3.1 (DANE-EE and DANE-TA for SMTP; PKIX usages unusable)",
            url: "https://www.rfc-editor.org/rfc/rfc7672#section-3.1",
        },
        Reference {
            title: "RFC 7671 §5 (certificate usages, selectors and matching types)",
            url: "https://www.rfc-editor.org/rfc/rfc7671#section-5",
        },
        Reference {
            title: "RFC 6698 §2.1 (the TLSA record)",
            url: "https://www.rfc-editor.org/rfc/rfc6698#section-2.1",
        },
        Reference {
            title: "internet.nl mail test: DANE existence, validity and rollover scheme",
            url: "https://internet.nl/faqs/mailauth/",
        },
    ],
    needs: &[Need::DnsMx],
    findings: findings!(
        &[
            FindingDecl {
                key: "dane_valid",
                status: Status::Pass,
                meaning: "a DNSSEC-secure TLSA record authenticates every MX host's certificate",
            },
            FindingDecl {
                key: "no_tlsa",
                status: Status::Fail,
                meaning: "an MX host publishes no TLSA record",
            },
            FindingDecl {
                key: "tlsa_insecure",
                status: Status::Fail,
                meaning: "TLSA records exist but are not DNSSEC-secure",
            },
            FindingDecl {
                key: "tlsa_bogus",
                status: Status::Fail,
                meaning: "the TLSA answer fails DNSSEC validation: validating senders hold the mail back",
            },
            FindingDecl {
                key: "tlsa_mismatch",
                status: Status::Fail,
                meaning: "no TLSA record matches the certificate an MX host presents",
            },
            FindingDecl {
                key: "tlsa_unusable",
                status: Status::Fail,
                meaning: "every TLSA record of an MX host is unusable",
            },
            FindingDecl {
                key: "dane_without_starttls",
                status: Status::Fail,
                meaning: "an MX host publishes TLSA records but does not complete STARTTLS",
            },
            FindingDecl {
                key: "certificate_unparseable",
                status: Status::Fail,
                meaning: "the MX host's certificate does not parse",
            },
            FindingDecl {
                key: "tlsa_unknown",
                status: Status::Inconclusive,
                meaning: "a TLSA lookup gave no answer",
            },
        ],
        MAIL_SERVER_FINDINGS,
    ),
    params: &[],
};

/// Judges the TLSA records of `host` over the chain one address presented.
fn judge(host: &MxHost, endpoint: &MxEndpoint, now: i64) -> EndpointVerdict {
    let lookup = match tlsa_state(&host.tlsa) {
        TlsaState::Secure(lookup) => lookup,
        TlsaState::Absent(why) => {
            return EndpointVerdict::new(
                Status::Fail,
                "no_tlsa",
                format!("{} has no DANE: {why}", host.name),
                json!({ "tlsa": host.tlsa }),
            );
        }
        TlsaState::Void(finding, why) => {
            return EndpointVerdict::new(Status::Fail, finding, why, json!({ "tlsa": host.tlsa }));
        }
        TlsaState::Unknown(why) => {
            return EndpointVerdict::new(
                Status::Inconclusive,
                "tlsa_unknown",
                format!("the TLSA records of {} could not be read: {why}", host.name),
                json!({ "tlsa": host.tlsa }),
            );
        }
    };
    let base = json!({ "tlsa_name": lookup.name, "dnssec": lookup.dnssec });
    let session = match &endpoint.smtp {
        Probed::Ok { value } => value,
        other => {
            return session_missing(other)
                .unwrap_or_else(|| crate::endpoints::missing_probe_verdict(other));
        }
    };
    let tls = match &session.tls {
        Probed::Ok { value } => value,
        _ if !session.starttls_offered
            || session.starttls.as_ref().is_some_and(|r| r.code != 220) =>
        {
            return EndpointVerdict::new(
                Status::Fail,
                "dane_without_starttls",
                format!(
                    "{} publishes TLSA records but does not complete STARTTLS, so DANE senders cannot deliver to it (RFC 7672 §2.2)",
                    host.name
                ),
                base,
            );
        }
        other => return crate::endpoints::missing_probe_verdict(other),
    };
    let names = [host.name.as_str()];
    let input = Input {
        records: &lookup.records,
        service: Service::Smtp,
        names: &names,
        now,
        pkix_trusted: false,
    };
    let evaluation = match evaluate(&input, &tls.chain) {
        Ok(e) => e,
        Err(why) => {
            return EndpointVerdict::new(
                Status::Fail,
                "certificate_unparseable",
                format!("{}: {why}", host.name),
                base,
            );
        }
    };
    let mut evidence = evaluation.evidence();
    evidence["tlsa_name"] = json!(lookup.name);
    evidence["dnssec"] = json!(lookup.dnssec);
    match &evaluation.verdict {
        Verdict::Authenticated(record) => {
            let rollover = match evaluation.rollover {
                Rollover::None => {
                    "; no rollover scheme: publish the next key's record before changing keys"
                }
                _ => "",
            };
            EndpointVerdict::new(
                Status::Pass,
                "dane_valid",
                format!(
                    "TLSA {record} authenticates the certificate of {}{rollover}",
                    host.name
                ),
                evidence,
            )
        }
        Verdict::NoUsableRecords => EndpointVerdict::new(
            Status::Fail,
            "tlsa_unusable",
            format!(
                "every TLSA record of {} is unusable for SMTP, so senders treat the host as having none",
                host.name
            ),
            evidence,
        ),
        Verdict::NotAuthenticated => EndpointVerdict::new(
            Status::Fail,
            "tlsa_mismatch",
            format!(
                "no TLSA record of {} matches the certificate it presents: DANE senders will not deliver to it",
                host.name
            ),
            evidence,
        ),
    }
}

impl Check for Dane {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        match mail_servers(META.id, obs) {
            Ok(servers) => per_mx_endpoint(META.id, servers, |h, e| judge(h, e, ctx.now_unix)),
            Err(outcome) => outcome,
        }
    }
}
