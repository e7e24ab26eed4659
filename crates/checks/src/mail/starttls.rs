//! Every MX host offers STARTTLS on port 25, on every address, and the TLS handshake after it
//! succeeds.

use govscan_model::{
    CheckMeta, FailureKind, Family, FindingDecl, Level, MxEndpoint, MxHost, Need, Observations,
    Outcome, Probed, Reference, SmtpSession, Status,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::finding_decls::findings;
use crate::mail::mx_view::{MAIL_SERVER_FINDINGS, mail_servers, per_mx_endpoint, session_missing};
use crate::{Check, Context};

/// The check.
pub struct Starttls;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.starttls",
    family: Family::Mail,
    title: "Every mail server offers STARTTLS and completes the TLS handshake",
    level: Level::Must,
    rationale: "Without STARTTLS, mail sent to the domain crosses the internet in plain text: \
                anyone on the path can read or change it. RFC 3207 lets a mail server offer \
                TLS on port 25; a server that does not, or whose handshake fails, makes every \
                sender fall back to plain text. internet.nl requires STARTTLS on every MX host \
                and the Dutch and Estonian government norms follow it.",
    remediation: "Enable STARTTLS on every MX host with a certificate and key.\n\
                  Postfix: `smtpd_tls_security_level = may`, `smtpd_tls_chain_files = \
                  /etc/postfix/key.pem, /etc/postfix/chain.pem`.\n\
                  Exim: `tls_advertise_hosts = *`, `tls_certificate`, `tls_privatekey`.\n\
                  Exchange: assign a certificate to the SMTP service \
                  (`Enable-ExchangeCertificate -Services SMTP`).\n\
                  A hosted mail service: ask the provider; every major one offers it.",
    references: &[
        Reference {
            title: "RFC 3207 §4 (the STARTTLS keyword and command, 220 to go on)",
            url: "https://www.rfc-editor.org/rfc/rfc3207#section-4",
        },
        Reference {
            title: "RFC 3207 §4.1 (a failed negotiation: the client may fall back to plain text)",
            url: "https://www.rfc-editor.org/rfc/rfc3207#section-4.1",
        },
        Reference {
            title: "internet.nl mail test: STARTTLS available (required for every MX)",
            url: "https://internet.nl/faqs/mailauth/",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (mail servers: STARTTLS)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsMx],
    findings: findings!(
        &[
            FindingDecl {
                key: "starttls_ok",
                status: Status::Pass,
                meaning: "every MX host offers STARTTLS and completes the handshake",
            },
            FindingDecl {
                key: "starttls_not_offered",
                status: Status::Fail,
                meaning: "an MX host does not offer STARTTLS",
            },
            FindingDecl {
                key: "starttls_refused",
                status: Status::Fail,
                meaning: "an MX host offers STARTTLS but refuses the command",
            },
            FindingDecl {
                key: "starttls_handshake_failed",
                status: Status::Fail,
                meaning: "an MX host accepts STARTTLS but the TLS handshake fails",
            },
            FindingDecl {
                key: "smtp_refused",
                status: Status::Fail,
                meaning: "an MX host refuses connections on port 25",
            },
            FindingDecl {
                key: "greeting_refused",
                status: Status::Inconclusive,
                meaning: "an MX host does not greet with 220, so STARTTLS could not be asked",
            },
            FindingDecl {
                key: "ehlo_not_sent",
                status: Status::Inconclusive,
                meaning: "the session ended before EHLO",
            },
            FindingDecl {
                key: "ehlo_refused",
                status: Status::Inconclusive,
                meaning: "an MX host refused EHLO",
            },
            FindingDecl {
                key: "starttls_not_sent",
                status: Status::Inconclusive,
                meaning: "the session ended before STARTTLS was sent",
            },
        ],
        MAIL_SERVER_FINDINGS,
    ),
    params: &[],
};

/// One address's verdict.
fn judge(host: &MxHost, endpoint: &MxEndpoint) -> EndpointVerdict {
    match &endpoint.smtp {
        Probed::Failed {
            kind: FailureKind::Refused,
            detail,
        } => EndpointVerdict::new(
            Status::Fail,
            "smtp_refused",
            format!(
                "{} refuses connections on port 25, so no mail can be delivered to it: {detail}",
                host.name
            ),
            json!({ "reason": detail }),
        ),
        Probed::Ok { value } => judge_session(host, value),
        other => {
            session_missing(other).unwrap_or_else(|| crate::endpoints::missing_probe_verdict(other))
        }
    }
}

fn judge_session(host: &MxHost, s: &SmtpSession) -> EndpointVerdict {
    let evidence = json!({
        "greeting": s.greeting,
        "ehlo": s.ehlo,
        "starttls_offered": s.starttls_offered,
        "starttls_reply": s.starttls,
        "tls": s.tls.value().map(|t| json!({ "version": t.version, "cipher_suite": t.cipher_suite })),
        "tls_error": s.tls.missing_reason(),
        "bytes_after_starttls": s.bytes_after_starttls,
        "quit_clean": s.quit_clean,
    });
    let verdict = |status, finding, message: String| {
        EndpointVerdict::new(status, finding, message, evidence.clone())
    };
    if s.greeting.code != 220 {
        // A 554 greeting may be aimed at this scanner (a block list); the server said nothing
        // about STARTTLS.
        return verdict(
            Status::Inconclusive,
            "greeting_refused",
            format!(
                "{} greeted with {} {}, so STARTTLS could not be asked",
                host.name,
                s.greeting.code,
                first(&s.greeting.lines)
            ),
        );
    }
    let Some(ehlo) = &s.ehlo else {
        return verdict(
            Status::Inconclusive,
            "ehlo_not_sent",
            format!("{}: EHLO was not sent", host.name),
        );
    };
    if ehlo.code != 250 {
        return verdict(
            Status::Inconclusive,
            "ehlo_refused",
            format!(
                "{} answered EHLO with {} {}",
                host.name,
                ehlo.code,
                first(&ehlo.lines)
            ),
        );
    }
    if !s.starttls_offered {
        return verdict(
            Status::Fail,
            "starttls_not_offered",
            format!(
                "{} does not offer STARTTLS: mail to it travels in plain text",
                host.name
            ),
        );
    }
    match &s.starttls {
        Some(reply) if reply.code == 220 => {}
        Some(reply) => {
            return verdict(
                Status::Fail,
                "starttls_refused",
                format!(
                    "{} offers STARTTLS but answers it with {} {}",
                    host.name,
                    reply.code,
                    first(&reply.lines)
                ),
            );
        }
        None => {
            return verdict(
                Status::Inconclusive,
                "starttls_not_sent",
                format!("{}: the session ended before STARTTLS was sent", host.name),
            );
        }
    }
    match &s.tls {
        Probed::Ok { value } => verdict(
            Status::Pass,
            "starttls_ok",
            format!(
                "{} offers STARTTLS and negotiated {} with {}",
                host.name, value.version, value.cipher_suite
            ),
        ),
        // A handshake that broke off (alert, protocol error) is the server's: senders fall
        // back to plain text. A timeout or the scanner's trouble says nothing.
        Probed::Failed {
            kind: FailureKind::Tls,
            detail,
        } => verdict(
            Status::Fail,
            "starttls_handshake_failed",
            format!(
                "{} accepts STARTTLS but the TLS handshake fails: {detail}",
                host.name
            ),
        ),
        other => verdict(
            Status::Inconclusive,
            "probe_incomplete",
            format!(
                "the TLS handshake after STARTTLS did not complete: {}",
                other.missing_reason().unwrap_or_default()
            ),
        ),
    }
}

fn first(lines: &[String]) -> &str {
    lines.first().map_or("", String::as_str)
}

impl Check for Starttls {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        match mail_servers(META.id, obs) {
            Ok(servers) => per_mx_endpoint(META.id, servers, judge),
            Err(outcome) => outcome,
        }
    }
}
