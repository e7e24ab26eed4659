//! The modern handshake (the client offers TLS 1.3 and 1.2) negotiates TLS 1.3; when that
//! handshake fails (a server speaking only TLS 1.0, say), the hand-built TLS 1.3 ClientHello of
//! the TLS scan decides.

use govscan_model::{
    CheckMeta, EndpointObservations, Family, FindingDecl, Level, Need, Observations, Outcome,
    Probed, Reference, Status, TlsObservation,
};
use serde_json::json;

use crate::endpoints::{EndpointVerdict, combine_each, missing_probe_verdict};
use crate::tls::scan_view::{accepted, label, verdict, version, versions_evidence};
use crate::{Check, Context};

/// The check.
pub struct Tls13Supported;

// The findings of the check, each stated once: META lists them, `Finding::decl` names them.
const TLS13_NEGOTIATED: FindingDecl = FindingDecl {
    key: "tls13_negotiated",
    status: Status::Pass,
    meaning: "the handshake negotiates TLS 1.3",
};
const TLS13_ACCEPTED: FindingDecl = FindingDecl {
    key: "tls13_accepted",
    status: Status::Pass,
    meaning: "the server accepted a TLS 1.3 ClientHello in the hello scan, although the modern handshake did not complete",
};
const TLS13_NOT_NEGOTIATED: FindingDecl = FindingDecl {
    key: "tls13_not_negotiated",
    status: Status::Fail,
    meaning: "TLS 1.3 was offered but an older version was negotiated",
};
const TLS13_REFUSED: FindingDecl = FindingDecl {
    key: "tls13_refused",
    status: Status::Fail,
    meaning: "the server refuses TLS 1.3",
};

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.tls13-supported",
    family: Family::Tls,
    title: "TLS 1.3 is supported",
    level: Level::Should,
    rationale: "TLS 1.3 removes the weak options of earlier versions, always gives forward \
                secrecy and encrypts more of the handshake. Estonian guidance (RIA) prefers \
                TLS 1.3 and keeps TLS 1.2 only where it is really needed; NCSC-NL rates 1.3 \
                \"good\" and 1.2 \"sufficient\".",
    remediation: "Enable TLS 1.3 next to TLS 1.2.\n\
                  nginx (OpenSSL ≥ 1.1.1): `ssl_protocols TLSv1.2 TLSv1.3;`\n\
                  Apache (OpenSSL ≥ 1.1.1): `SSLProtocol -all +TLSv1.2 +TLSv1.3`\n\
                  IIS: Windows Server 2022 or later enables TLS 1.3 by default; check that it \
                  is not disabled under `SCHANNEL\\Protocols\\TLS 1.3` in the registry.",
    references: &[
        Reference {
            title: "RIA: Configuring two-way SSL in the Ubuntu Nginx web server (TLS settings)",
            url: "https://open-eid.github.io/nginx",
        },
        Reference {
            title: "RFC 8446 (TLS 1.3); §4.2.1: a server that negotiates TLS 1.3 answers with \
                    supported_versions 0x0304",
            url: "https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS v2.1 (TLS 1.3 good, 1.2 sufficient)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        TLS13_NEGOTIATED,
        TLS13_ACCEPTED,
        TLS13_NOT_NEGOTIATED,
        TLS13_REFUSED,
    ],
    params: &[],
};

/// What was found on one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// TLS 1.3 was negotiated.
    Negotiated,
    /// A lower version was negotiated although the client offered 1.3.
    NotNegotiated,
    /// The modern handshake failed, but a hand-built TLS 1.3 ClientHello was accepted.
    AcceptedByHello,
    /// The modern handshake failed; the hand-built TLS 1.3 ClientHello was refused while an
    /// older version was accepted.
    RefusedByHello,
}

impl Finding {
    /// Its declaration (key, status, meaning) in `META.findings`.
    fn decl(self) -> FindingDecl {
        match self {
            Finding::Negotiated => TLS13_NEGOTIATED,
            Finding::NotNegotiated => TLS13_NOT_NEGOTIATED,
            Finding::AcceptedByHello => TLS13_ACCEPTED,
            Finding::RefusedByHello => TLS13_REFUSED,
        }
    }

    fn key(self) -> &'static str {
        self.decl().key
    }
}

/// The verdict from the modern handshake.
fn from_handshake(tls: &TlsObservation) -> EndpointVerdict {
    let evidence = json!({
        "negotiated_version": tls.version,
        "cipher_suite": tls.cipher_suite,
        "offered": ["TLSv1_3", "TLSv1_2"],
    });
    if tls.version == "TLSv1_3" {
        EndpointVerdict::new(
            Status::Pass,
            Finding::Negotiated.key(),
            "TLS 1.3 was negotiated",
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Fail,
            Finding::NotNegotiated.key(),
            format!(
                "{} was negotiated although TLS 1.3 was offered",
                tls.version
            ),
            evidence,
        )
    }
}

/// The verdict when the modern handshake gave nothing: the hand-built-hello scan's answer to
/// its TLS 1.3 ClientHello, if clear; otherwise inconclusive with the handshake's reason.
fn from_hello_scan(ep: &EndpointObservations) -> EndpointVerdict {
    let Probed::Ok { value: scan } = &ep.tls_scan else {
        return missing_probe_verdict(&ep.tls);
    };
    let handshake = ep.tls.missing_reason().unwrap_or_default();
    let others: Vec<&str> = accepted(scan)
        .filter(|v| v.version != "tls13")
        .map(|v| label(&v.version))
        .collect();
    let evidence = json!({
        "reason": handshake,
        "hello_scan": versions_evidence(scan),
    });
    let answer = version(scan, "tls13").map_or("", |v| v.detail.as_str());
    match verdict(scan, "tls13") {
        Some(true) => EndpointVerdict::new(
            Status::Pass,
            Finding::AcceptedByHello.key(),
            format!(
                "the server accepted a TLS 1.3 ClientHello ({answer}), although the modern \
                 handshake failed ({handshake})"
            ),
            evidence,
        ),
        Some(false) if !others.is_empty() => EndpointVerdict::new(
            Status::Fail,
            Finding::RefusedByHello.key(),
            format!(
                "the server refused TLS 1.3 ({answer}) and accepts only {}",
                others.join(", ")
            ),
            evidence,
        ),
        _ => {
            let mut verdict = missing_probe_verdict(&ep.tls);
            verdict.evidence = evidence;
            verdict
        }
    }
}

impl Check for Tls13Supported {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        combine_each(META.id, &obs.endpoints, |ep| match &ep.tls {
            Probed::Ok { value } => from_handshake(value),
            _ => from_hello_scan(ep),
        })
    }
}
