//! The server supports the extended master secret (RFC 7627) on every TLS 1.0–1.2 version it accepts.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status,
};

use crate::tls::hello_flag::{FlagWords, evaluate};
use crate::{Check, Context};

/// The check.
pub struct ExtendedMasterSecret;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.extended-master-secret",
    family: Family::Tls,
    title: "The extended master secret (RFC 7627) is supported",
    level: Level::Should,
    rationale: "Without the extended master secret, the TLS 1.2 session keys are not bound to \
                the full handshake, which enables the triple-handshake attack on resumption and \
                renegotiation. NCSC-NL (2025) and internet.nl require it for TLS 1.2 and older; \
                TLS 1.3 binds the keys to the handshake by design.",
    remediation: "Update the TLS library; it is on by default in OpenSSL ≥ 1.1.0 and in \
                  current Schannel.\n\
                  nginx / Apache: upgrade OpenSSL (no directive is needed).\n\
                  IIS / Windows: Windows Server 2016 or later (or KB3081320 on older \
                  versions) supports it by default.",
    references: &[
        Reference {
            title: "RFC 7627 §5.2: TLS Session Hash and Extended Master Secret Extension (client and server behavior, full handshake)",
            url: "https://www.rfc-editor.org/rfc/rfc7627",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (2025 update: extended master secret)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "extended_master_secret_supported",
            status: Status::Pass,
            meaning: "the server supports the extended master secret",
        },
        FindingDecl {
            key: "extended_master_secret_missing",
            status: Status::Fail,
            meaning: "the server does not support the extended master secret",
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

const WORDS: FlagWords = FlagWords {
    what: "the extended master secret",
    present: "extended_master_secret_supported",
    missing: "extended_master_secret_missing",
};

impl Check for ExtendedMasterSecret {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        evaluate(META.id, obs, &WORDS, |v| v.extended_master_secret)
    }
}
