//! DANE for the web (informational): TLSA records at `_443._tcp.<domain>`, DNSSEC-secure,
//! that authenticate the certificate every HTTPS address presents (RFC 6698, RFC 7671).
//! Browsers do not use DANE, so this is reported, never scored.

use govscan_model::{
    CheckMeta, EndpointObservations, Family, FindingDecl, Level, Need, Observations, Outcome,
    Probed, Reference, Status, TlsObservation,
};
use serde_json::json;

use crate::dane::evaluate::{Input, Verdict, evaluate};
use crate::dane::{Service, TlsaState, tlsa_state};
use crate::endpoints::{EndpointVerdict, combine_each, missing_probe_verdict};
use crate::{Check, Context};

/// The check.
pub struct Dane;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "http.dane",
    family: Family::Http,
    title: "The web server's certificate is published with DANE (informational)",
    level: Level::May,
    rationale: "DANE lets the domain's own DNSSEC-signed zone say which certificate or CA its \
                web server uses, independent of the hundreds of public CAs. Browsers do not \
                check it, so it does not protect visitors today; internet.nl reports it as an \
                option for web servers. Reported here for completeness, never scored.",
    remediation: "Sign the zone with DNSSEC and publish `_443._tcp.<host>. IN TLSA 3 1 1 \
                  <SHA-256 of the key>` (or `2 1 1` for the issuing CA), with the next key's \
                  record before every key change.\n\
                  ldns: `ldns-dane create www.example.ee 443`.",
    references: &[
        Reference {
            title: "RFC 6698 §2.1 (the TLSA record)",
            url: "https://www.rfc-editor.org/rfc/rfc6698#section-2.1",
        },
        Reference {
            title: "RFC 7671 §5 (certificate usages, selectors, matching types)",
            url: "https://www.rfc-editor.org/rfc/rfc7671#section-5",
        },
        Reference {
            title: "internet.nl website test: DANE existence and validity (optional)",
            url: "https://internet.nl/faqs/https/",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "dane_valid",
            status: Status::Info,
            meaning: "a DNSSEC-secure TLSA record authenticates the web server's certificate",
        },
        FindingDecl {
            key: "no_tlsa",
            status: Status::Info,
            meaning: "no TLSA record is published for the web server",
        },
        FindingDecl {
            key: "tlsa_insecure",
            status: Status::Info,
            meaning: "TLSA records exist but are not DNSSEC-secure, so clients ignore them",
        },
        FindingDecl {
            key: "tlsa_mismatch",
            status: Status::Info,
            meaning: "no TLSA record matches the certificate the server sends",
        },
        FindingDecl {
            key: "tlsa_unusable",
            status: Status::Info,
            meaning: "every TLSA record is unusable",
        },
        FindingDecl {
            key: "certificate_unparseable",
            status: Status::Info,
            meaning: "the certificate cannot be matched against TLSA records",
        },
        FindingDecl {
            key: "tlsa_unknown",
            status: Status::Inconclusive,
            meaning: "the TLSA lookup gave no answer",
        },
        FindingDecl {
            key: "tlsa_bogus",
            status: Status::Info,
            meaning: "the TLSA answer fails DNSSEC validation: DANE clients cannot read it",
        },
    ],
    params: &[],
};

fn judge(obs: &Observations, ep: &EndpointObservations, now: i64) -> EndpointVerdict {
    let info = |finding, message: String, evidence| {
        EndpointVerdict::new(Status::Info, finding, message, evidence)
    };
    let lookup = match tlsa_state(&obs.web_tlsa) {
        TlsaState::Secure(lookup) => lookup,
        TlsaState::Absent(why) => {
            return info(
                "no_tlsa",
                format!("no DANE for the web: {why}"),
                json!({ "tlsa": obs.web_tlsa }),
            );
        }
        TlsaState::Void(finding, why) => {
            return info(finding, why, json!({ "tlsa": obs.web_tlsa }));
        }
        TlsaState::Unknown(why) => {
            return EndpointVerdict::new(
                Status::Inconclusive,
                "tlsa_unknown",
                format!("the TLSA records could not be read: {why}"),
                json!({ "tlsa": obs.web_tlsa }),
            );
        }
    };
    let tls: &TlsObservation = match &ep.tls {
        Probed::Ok { value } => value,
        other => return missing_probe_verdict(other),
    };
    let names = [obs.domain.as_str()];
    let input = Input {
        records: &lookup.records,
        service: Service::Https,
        names: &names,
        now,
        pkix_trusted: tls.trust.at_scan_time.is_none(),
    };
    let evaluation = match evaluate(&input, &tls.chain) {
        Ok(e) => e,
        Err(why) => {
            let why = why.to_string();
            return info(
                "certificate_unparseable",
                why.clone(),
                json!({ "error": why }),
            );
        }
    };
    let mut evidence = evaluation.evidence();
    evidence["tlsa_name"] = json!(lookup.name);
    match &evaluation.verdict {
        Verdict::Authenticated(record) => info("dane_valid", format!("TLSA {record} authenticates the web server's certificate"), evidence),
        Verdict::NoUsableRecords => info("tlsa_unusable", "every TLSA record is unusable".to_owned(), evidence),
        Verdict::NotAuthenticated => info(
            "tlsa_mismatch",
            "no TLSA record matches the certificate the web server presents: DANE clients would refuse it".to_owned(),
            evidence,
        ),
    }
}

impl Check for Dane {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        combine_each(META.id, &obs.endpoints, |ep| judge(obs, ep, ctx.now_unix))
    }
}
