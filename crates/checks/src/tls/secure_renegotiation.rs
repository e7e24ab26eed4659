//! The server supports secure renegotiation (RFC 5746) on every TLS 1.0–1.2 version it accepts.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};

use crate::tls::hello_flag::{FlagWords, evaluate};
use crate::{Check, Context};

/// The check.
pub struct SecureRenegotiation;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.secure-renegotiation",
    family: Family::Tls,
    title: "Secure renegotiation (RFC 5746) is supported",
    level: Level::Must,
    rationale: "Without the RFC 5746 renegotiation_info extension, an attacker can splice their \
                own request in front of a victim's session (CVE-2009-3555). Every maintained \
                TLS library supports it; its absence marks a very old or broken stack. NCSC-NL \
                requires it; TLS 1.3 has no renegotiation at all.",
    remediation: "Update the TLS library (OpenSSL ≥ 0.9.8m, any current Schannel); secure \
                  renegotiation is then on by default.\n\
                  nginx / Apache: upgrade OpenSSL; there is no setting to turn RFC 5746 on.\n\
                  IIS / Windows: install current updates (MS10-049); do not set \
                  `AllowInsecureRenegoClients`/`AllowInsecureRenegoServers` in SCHANNEL.",
    references: &[
        Reference {
            title: "RFC 5746 §3.6: TLS Renegotiation Indication Extension (server behavior, initial handshake)",
            url: "https://www.rfc-editor.org/rfc/rfc5746",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (renegotiation)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "secure_renegotiation_supported",
            status: Status::Pass,
            meaning: "the server supports secure renegotiation (RFC 5746)",
        },
        FindingDecl {
            key: "secure_renegotiation_missing",
            status: Status::Fail,
            meaning: "the server does not support secure renegotiation",
        },
        FindingDecl {
            key: "tls13_only",
            status: Status::Pass,
            meaning: "the server speaks only TLS 1.3, where the weakness cannot occur",
        },
        FindingDecl {
            key: "not_determined",
            status: Status::Inconclusive,
            meaning: "the hello scan gave no answer on this point",
        },
    ],
    params: &[],
};

pub(crate) const WORDS: FlagWords = FlagWords {
    what: "secure renegotiation",
    present: "secure_renegotiation_supported",
    missing: "secure_renegotiation_missing",
};

impl Check for SecureRenegotiation {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        evaluate(META.id, obs, &WORDS, |v| v.secure_renegotiation)
    }
}
