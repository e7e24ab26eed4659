//! The certificate an MX host presents after STARTTLS: a strong key and signature always; a
//! chain trusted for the MX host name and in date, unless DANE authenticates it. Without DANE
//! and without MTA-STS an untrusted (often self-signed) certificate is a warning, not a
//! failure, as internet.nl and NCSC-NL judge it: sending servers do not check it, so it costs
//! authentication, not encryption. Under an MTA-STS policy in enforce mode it is a failure:
//! those senders refuse delivery (RFC 8461 §4.2).

use govscan_model::{
    CheckMeta, FailureKind, Family, FindingDecl, Level, MxEndpoint, MxHost, Need, Observations,
    Outcome, Probed, Reference, Status, TlsObservation,
};
use serde_json::json;

use crate::cert::{key_strength, signature_algorithm};
use crate::dane::evaluate::{Input, evaluate};
use crate::dane::{Service, TlsaState, tlsa_state};
use crate::endpoints::{EndpointVerdict, missing_probe_verdict};
use crate::finding_decls::findings;
use crate::mail::mta_sts_policy::parse_policy;
use crate::mail::mx_view;
use crate::mail::mx_view::{MAIL_SERVER_FINDINGS, mail_servers, per_mx_endpoint, session_missing};
use crate::{Check, Context};

/// The check.
pub struct StarttlsCertificate;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.starttls-certificate",
    family: Family::Mail,
    title: "Mail servers present a sound certificate (strong key and signature; valid for the MX name unless DANE vouches for it)",
    level: Level::Should,
    rationale: "A weak key or signature lets an attacker impersonate the mail server. Beyond \
                that, mail senders only check the certificate when DANE or MTA-STS tells them \
                to: with DANE the TLSA record is the authority (RFC 7672 §3.1, a self-signed \
                certificate is fine), with MTA-STS the certificate must be publicly trusted and \
                name the MX host (RFC 8461 §4.2). Without either, internet.nl treats trust and \
                name as optional and NCSC-NL accepts self-signed certificates for mail, since \
                senders encrypt without checking; govscan warns, because such mail can be \
                intercepted by whoever presents any certificate.",
    remediation: "Use a certificate with an RSA key of at least 2048 bits (3072 preferred) or \
                  ECDSA P-256/P-384, signed with SHA-256 or better. Then either publish DANE \
                  TLSA records for it (see mail.dane), or use a publicly trusted certificate \
                  naming every MX host (Let's Encrypt works for mail servers), which MTA-STS \
                  requires.\n\
                  Postfix: `smtpd_tls_chain_files = /etc/postfix/key.pem, /etc/postfix/fullchain.pem`.\n\
                  Exim: `tls_certificate = /etc/exim4/fullchain.pem`, `tls_privatekey`.",
    references: &[
        Reference {
            title: "RFC 7672 §3.1.1 (DANE-EE: no name or validity checks on the certificate)",
            url: "https://www.rfc-editor.org/rfc/rfc7672#section-3.1.1",
        },
        Reference {
            title: "RFC 8461 §4.2 (MTA-STS: the MX certificate must be PKIX-valid for the MX host)",
            url: "https://www.rfc-editor.org/rfc/rfc8461#section-4.2",
        },
        Reference {
            title: "internet.nl mail test: certificate key and signature required; trust chain and domain name optional",
            url: "https://internet.nl/faqs/mailauth/",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (certificates; mail servers with DANE)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
        Reference {
            title: "RFC 3207 §4.1 (a sender decides what it requires of the server's certificate)",
            url: "https://www.rfc-editor.org/rfc/rfc3207#section-4.1",
        },
    ],
    needs: &[Need::DnsMx],
    findings: findings!(
        &[
            FindingDecl {
                key: "certificate_valid",
                status: Status::Pass,
                meaning: "every MX host presents a trusted, in-date certificate for its name with a strong key",
            },
            FindingDecl {
                key: "authenticated_by_dane",
                status: Status::Pass,
                meaning: "a certificate is not valid for web PKI, but DANE authenticates it",
            },
            FindingDecl {
                key: "unauthenticated_certificate",
                status: Status::Warn,
                meaning: "a certificate is not valid, and neither DANE nor MTA-STS vouches for it: senders encrypt without authenticating",
            },
            FindingDecl {
                key: "invalid_under_mta_sts",
                status: Status::Fail,
                meaning: "a certificate is not valid while MTA-STS enforce makes senders check it: they refuse to deliver",
            },
            FindingDecl {
                key: "weak_key",
                status: Status::Fail,
                meaning: "a certificate key is too short",
            },
            mx_view::NO_STARTTLS,
        ],
        MAIL_SERVER_FINDINGS,
        &[
            FindingDecl {
                key: "key_unrecognised",
                status: Status::Inconclusive,
                meaning: "a certificate key of a type govscan cannot rate",
            },
            FindingDecl {
                key: "certificate_unparseable",
                status: Status::Fail,
                meaning: "an MX host sent no certificate, or one that does not parse",
            },
            signature_algorithm::WEAK_SIGNATURE,
            signature_algorithm::SIGNATURE_UNRECOGNISED,
        ],
    ),
    params: &[],
};

/// The domain's MTA-STS mode from the fetched policy (`enforce`, `testing`, `none`), if any.
fn mta_sts_mode(obs: &Observations) -> Option<String> {
    let has_record = obs
        .dns
        .mta_sts
        .value()
        .is_some_and(|txt| txt.iter().any(|t| t.starts_with("v=STSv1")));
    let fetch = obs.dns.mta_sts_policy.value()?;
    if !has_record || fetch.response.status != 200 {
        return None;
    }
    parse_policy(fetch.response.body_text.as_deref().unwrap_or("")).mode
}

/// True when the host's secure TLSA records authenticate `tls`'s chain.
fn dane_authenticates(host: &MxHost, tls: &TlsObservation, now: i64) -> bool {
    let TlsaState::Secure(lookup) = tlsa_state(&host.tlsa) else {
        return false;
    };
    let names = [host.name.as_str()];
    let input = Input {
        records: &lookup.records,
        service: Service::Smtp,
        names: &names,
        now,
        pkix_trusted: false,
    };
    evaluate(&input, &tls.chain).is_ok_and(|e| e.authenticated())
}

fn judge(host: &MxHost, endpoint: &MxEndpoint, mode: Option<&str>, now: i64) -> EndpointVerdict {
    let session = match &endpoint.smtp {
        Probed::Ok { value } => value,
        Probed::Failed {
            kind: FailureKind::Refused,
            ..
        } => {
            let why = format!(
                "{} refuses connections on port 25, so it presents no certificate (see mail.starttls)",
                host.name
            );
            return EndpointVerdict::new(
                mx_view::NO_STARTTLS.status,
                mx_view::NO_STARTTLS.key,
                why.clone(),
                json!({ "reason": why }),
            );
        }
        other => return session_missing(other).unwrap_or_else(|| missing_probe_verdict(other)),
    };
    let tls = match &session.tls {
        Probed::Ok { value } => value,
        _ if !session.starttls_offered => {
            let why = format!(
                "{} offers no STARTTLS, so it presents no certificate (see mail.starttls)",
                host.name
            );
            return EndpointVerdict::new(
                mx_view::NO_STARTTLS.status,
                mx_view::NO_STARTTLS.key,
                why.clone(),
                json!({ "reason": why }),
            );
        }
        other => return missing_probe_verdict(other),
    };
    let key = key_strength::judge(tls, 2048);
    let signature = signature_algorithm::judge(tls);
    let dane = dane_authenticates(host, tls, now);
    let mut evidence = json!({
        "key": { "status": key.status.as_str(), "finding": key.finding, "message": key.message, "evidence": key.evidence },
        "signature": { "status": signature.status.as_str(), "finding": signature.finding, "message": signature.message, "evidence": signature.evidence },
        "trust": tls.trust,
        "sni": tls.sni,
        "dane_authenticates": dane,
        "mta_sts_mode": mode,
    });
    for part in [&key, &signature] {
        if matches!(part.status, Status::Fail | Status::Inconclusive) {
            return EndpointVerdict::new(
                part.status,
                part.finding,
                format!("{}: {}", host.name, part.message),
                evidence,
            );
        }
    }
    let Some(error) = &tls.trust.at_scan_time else {
        return EndpointVerdict::new(
            Status::Pass,
            "certificate_valid",
            format!(
                "{} presents a trusted, in-date certificate for its name with a strong key",
                host.name
            ),
            evidence,
        );
    };
    let problem = match error.kind.as_str() {
        "not_valid_for_name" => format!("is not valid for the name {}", host.name),
        "expired" => "has expired".to_owned(),
        "not_valid_yet" => "is not valid yet".to_owned(),
        "unknown_issuer" => {
            "is not issued by a trusted CA (self-signed or a private CA)".to_owned()
        }
        _ => format!("is not trusted ({})", error.detail),
    };
    evidence["problem"] = json!(problem);
    if dane {
        return EndpointVerdict::new(
            Status::Pass,
            "authenticated_by_dane",
            format!(
                "the certificate of {} {problem}, but DANE authenticates it, which is what DANE senders check",
                host.name
            ),
            evidence,
        );
    }
    if mode == Some("enforce") {
        return EndpointVerdict::new(
            Status::Fail,
            "invalid_under_mta_sts",
            format!(
                "the certificate of {} {problem}, and the domain's MTA-STS policy is in enforce mode: senders that honour it will not deliver (RFC 8461 §4.2)",
                host.name
            ),
            evidence,
        );
    }
    EndpointVerdict::new(
        Status::Warn,
        "unauthenticated_certificate",
        format!(
            "the certificate of {} {problem}, and neither DANE nor MTA-STS vouches for it: senders encrypt but cannot tell this server from an impostor",
            host.name
        ),
        evidence,
    )
}

impl Check for StarttlsCertificate {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let mode = mta_sts_mode(obs);
        match mail_servers(META.id, obs) {
            Ok(servers) => per_mx_endpoint(META.id, servers, |h, e| {
                judge(h, e, mode.as_deref(), ctx.now_unix)
            }),
            Err(outcome) => outcome,
        }
    }
}
