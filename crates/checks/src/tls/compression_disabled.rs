//! The server refuses TLS-level compression.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status, TlsScan,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::tls::scan_view::{effort, per_tls_scan, tls13_only};
use crate::{Check, Context};

/// The check.
pub struct CompressionDisabled;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.compression-disabled",
    family: Family::Tls,
    title: "TLS compression is disabled",
    level: Level::Must,
    rationale: "Compressing before encrypting lets an attacker who can inject text learn \
                secrets such as session cookies from the size of the records (CRIME). NCSC-NL \
                requires TLS compression off; TLS 1.3 removed it.",
    remediation: "Turn TLS compression off (current libraries ship with it off).\n\
                  nginx: OpenSSL ≥ 1.1.0 disables it; on older builds upgrade.\n\
                  Apache: `SSLCompression off`.\n\
                  IIS / Windows: Schannel does not support TLS compression.",
    references: &[
        Reference {
            title: "RFC 9325 §3.3 (BCP 195): TLS compression must be disabled",
            url: "https://www.rfc-editor.org/rfc/rfc9325#section-3.3",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (compression)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "compression_refused",
            status: Status::Pass,
            meaning: "the server chooses no compression when DEFLATE is offered",
        },
        FindingDecl {
            key: "compression_accepted",
            status: Status::Fail,
            meaning: "the server chooses DEFLATE compression (CRIME)",
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

pub(crate) fn judge(scan: &TlsScan) -> EndpointVerdict {
    let evidence = json!({
        "offered": ["DEFLATE", "null"],
        "compression_accepted": scan.compression_accepted,
        "probe": effort(scan),
    });
    match scan.compression_accepted {
        Some(true) => EndpointVerdict::new(
            Status::Fail,
            "compression_accepted",
            "the server chose DEFLATE compression when it was offered",
            evidence,
        ),
        Some(false) => EndpointVerdict::new(
            Status::Pass,
            "compression_refused",
            "the server chose no compression although DEFLATE was offered",
            evidence,
        ),
        None if tls13_only(scan) => EndpointVerdict::new(
            Status::Pass,
            "tls13_only",
            "only TLS 1.3 is accepted, which has no compression",
            evidence,
        ),
        None => EndpointVerdict::new(
            Status::Inconclusive,
            "not_determined",
            "TLS compression could not be tested (no TLS 1.0–1.2 answer)",
            evidence,
        ),
    }
}

impl Check for CompressionDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        per_tls_scan(META.id, obs, judge)
    }
}
