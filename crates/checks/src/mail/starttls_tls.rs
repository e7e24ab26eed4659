//! The TLS a mail server speaks after STARTTLS meets the same bar as the web's: no SSL 3.0 or
//! TLS 1.0/1.1, no insufficient suites, forward secrecy, strong key-exchange groups, no
//! compression, secure renegotiation. Judged by the web checks' own rules over the
//! hand-built-hello scan run through STARTTLS.

use govscan_model::{
    CheckMeta, FailureKind, Family, FindingDecl, Level, MxEndpoint, MxHost, Need, Observations,
    Outcome, Probed, Reference, Status, TlsScan,
};
use serde_json::{Map, Value, json};

use crate::endpoints::{EndpointVerdict, missing_probe_verdict, rank};
use crate::finding_decls::findings;
use crate::mail::mx_view;
use crate::mail::mx_view::{
    MAIL_SERVER_FINDINGS, mail_servers, per_mx_endpoint, scanner_side, session_missing,
};
use crate::tls::{
    cipher_suites, compression_disabled, forward_secrecy, hello_flag, key_exchange_groups,
    legacy_protocols_disabled, secure_renegotiation,
};
use crate::{Check, Context};

/// The check.
pub struct StarttlsTls;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "mail.starttls-tls",
    family: Family::Mail,
    title: "Mail servers' TLS after STARTTLS is as strong as the web's",
    level: Level::Must,
    rationale: "STARTTLS only protects mail if the TLS behind it is sound: a server that still \
                accepts TLS 1.0, export or RC4 suites, static RSA key exchange, weak \
                Diffie-Hellman groups or compression can be downgraded or decrypted by anyone \
                on the path. internet.nl applies the NCSC-NL TLS guidelines to every MX host \
                exactly as to web servers.",
    remediation: "Apply the web server's TLS settings to the mail server.\n\
                  Postfix: `smtpd_tls_protocols = >=TLSv1.2`, `smtpd_tls_mandatory_protocols = \
                  >=TLSv1.2`, `smtpd_tls_ciphers = high`, `tls_high_cipherlist = \
                  ECDHE+AESGCM:ECDHE+CHACHA20`, `tls_preempt_cipherlist = yes`, \
                  `smtpd_tls_dh1024_param_file` pointing at an RFC 7919 ffdhe3072 group (or no \
                  DHE suites).\n\
                  Exim: `tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20`, \
                  `openssl_options = +no_sslv3 +no_tlsv1 +no_tlsv1_1`.\n\
                  Exchange / Windows: disable SSL 3.0, TLS 1.0 and 1.1 in SCHANNEL (IIS Crypto).",
    references: &[
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (apply to mail servers too)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
        Reference {
            title: "internet.nl mail test: TLS version, ciphers, key exchange, compression, renegotiation",
            url: "https://internet.nl/faqs/mailauth/",
        },
        Reference {
            title: "RFC 8996: Deprecating TLS 1.0 and TLS 1.1",
            url: "https://www.rfc-editor.org/rfc/rfc8996",
        },
        Reference {
            title: "RFC 3207 §4 (TLS starts after a 220 reply to STARTTLS)",
            url: "https://www.rfc-editor.org/rfc/rfc3207#section-4",
        },
    ],
    needs: &[Need::DnsMx],
    findings: findings!(
        &[
            FindingDecl {
                key: "starttls_tls_good",
                status: Status::Pass,
                meaning: "after STARTTLS only TLS 1.2/1.3 with sound suites, groups and extensions are accepted",
            },
            FindingDecl {
                key: "legacy_protocols_accepted",
                status: Status::Fail,
                meaning: "an MX host accepts a legacy protocol after STARTTLS",
            },
            FindingDecl {
                key: "compression_accepted",
                status: Status::Fail,
                meaning: "an MX host accepts TLS compression",
            },
            mx_view::NO_STARTTLS,
        ],
        MAIL_SERVER_FINDINGS,
        &[
            FindingDecl {
                key: "legacy_protocols_unknown",
                status: Status::Inconclusive,
                meaning: "whether an MX host accepts a legacy protocol gave no clear answer",
            },
            FindingDecl {
                key: "phase_out_suites",
                status: Status::Warn,
                meaning: "an MX host accepts a phase-out cipher suite",
            },
            FindingDecl {
                key: "insufficient_suites",
                status: Status::Fail,
                meaning: "an MX host accepts an insufficient cipher suite",
            },
            FindingDecl {
                key: "no_suite_seen",
                status: Status::Inconclusive,
                meaning: "an MX host accepted no hand-built hello, so no suite could be rated",
            },
            FindingDecl {
                key: "enumeration_incomplete",
                status: Status::Inconclusive,
                meaning: "suite enumeration on an MX host did not finish",
            },
            FindingDecl {
                key: "versions_unknown",
                status: Status::Inconclusive,
                meaning: "some protocol versions of an MX host gave no clear answer",
            },
            FindingDecl {
                key: "static_key_exchange",
                status: Status::Fail,
                meaning: "an MX host accepts a suite with static RSA key exchange",
            },
            FindingDecl {
                key: "insufficient_groups",
                status: Status::Fail,
                meaning: "an MX host accepts an insufficient key-exchange group",
            },
            FindingDecl {
                key: "dh_group_too_small",
                status: Status::Fail,
                meaning: "an MX host uses finite-field DH below 2048 bits",
            },
            FindingDecl {
                key: "phase_out_groups",
                status: Status::Warn,
                meaning: "an MX host accepts a phase-out key-exchange group",
            },
            FindingDecl {
                key: "groups_unknown",
                status: Status::Inconclusive,
                meaning: "key-exchange group enumeration on an MX host gave no clear answer",
            },
            FindingDecl {
                key: "secure_renegotiation_missing",
                status: Status::Fail,
                meaning: "an MX host does not support secure renegotiation",
            },
            FindingDecl {
                key: "not_determined",
                status: Status::Inconclusive,
                meaning: "the hello scan of an MX host gave no answer on compression or renegotiation",
            },
        ],
    ),
    params: &[],
};

/// The web checks whose rules apply, by the evidence key they report under.
pub(crate) fn judge_scan(scan: &TlsScan) -> EndpointVerdict {
    let parts = [
        ("versions", legacy_protocols_disabled::judge(scan)),
        ("cipher_suites", cipher_suites::judge(scan, Status::Warn)),
        ("forward_secrecy", forward_secrecy::judge(scan)),
        ("key_exchange_groups", key_exchange_groups::judge(scan)),
        ("compression", compression_disabled::judge(scan)),
        (
            "secure_renegotiation",
            hello_flag::judge(scan, &secure_renegotiation::WORDS, |v| {
                v.secure_renegotiation
            }),
        ),
    ];
    let mut evidence = Map::new();
    for (key, verdict) in &parts {
        evidence.insert(
            (*key).to_owned(),
            json!({
                "status": verdict.status.as_str(),
                "finding": verdict.finding,
                "message": verdict.message,
                "evidence": verdict.evidence,
            }),
        );
    }
    let bad: Vec<String> = parts
        .iter()
        .filter(|(_, v)| matches!(v.status, Status::Fail | Status::Warn | Status::Inconclusive))
        .map(|(_, v)| v.message.clone())
        .collect();
    let worst = parts
        .iter()
        .min_by_key(|(_, v)| rank(v.status))
        .map(|(_, v)| v);
    match worst {
        Some(worst) if worst.status != Status::Pass => EndpointVerdict::new(
            worst.status,
            worst.finding,
            bad.join("; "),
            Value::Object(evidence),
        ),
        _ => EndpointVerdict::new(
            Status::Pass,
            "starttls_tls_good",
            "after STARTTLS only TLS 1.2/1.3 with sound suites, groups and extensions are accepted",
            Value::Object(evidence),
        ),
    }
}

fn judge(host: &MxHost, endpoint: &MxEndpoint) -> EndpointVerdict {
    let no_tls = |why: String| {
        EndpointVerdict::new(
            mx_view::NO_STARTTLS.status,
            mx_view::NO_STARTTLS.key,
            why.clone(),
            json!({ "reason": why }),
        )
    };
    match &endpoint.smtp {
        Probed::Ok { value } if !value.starttls_offered => {
            return no_tls(format!(
                "{} offers no STARTTLS, so there is no TLS to judge (see mail.starttls)",
                host.name
            ));
        }
        Probed::Failed {
            kind: FailureKind::Refused,
            ..
        } => {
            return no_tls(format!(
                "{} refuses connections on port 25 (see mail.starttls)",
                host.name
            ));
        }
        Probed::Ok { .. } => {}
        other => {
            if let Some(verdict) = session_missing(other) {
                return verdict;
            }
        }
    }
    match &endpoint.tls_scan {
        Probed::Ok { value } => judge_scan(value),
        other => session_missing_scan(other),
    }
}

/// The verdict for a scan that gave no data: the scanner's own failure is said so.
fn session_missing_scan(scan: &Probed<TlsScan>) -> EndpointVerdict {
    match scan {
        Probed::Failed {
            kind: FailureKind::Scanner,
            detail,
        } => scanner_side(detail),
        other => missing_probe_verdict(other),
    }
}

impl Check for StarttlsTls {
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
