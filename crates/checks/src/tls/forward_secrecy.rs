//! Every accepted cipher suite uses an ephemeral key exchange (forward secrecy).

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status, TlsScan,
};
use govscan_tls_hello::suites;
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::tls::scan_view::{
    accepted, effort, label, per_tls_scan, unknown_versions, versions_unknown_verdict,
};
use crate::{Check, Context};

/// The check.
pub struct ForwardSecrecy;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.forward-secrecy",
    family: Family::Tls,
    title: "Every accepted suite gives forward secrecy",
    level: Level::Must,
    rationale: "With static RSA (or static DH/ECDH) key exchange, anyone who later obtains the \
                server's private key can decrypt every recorded session. Ephemeral (EC)DHE keys \
                are thrown away after each handshake, so old traffic stays safe. NCSC-NL rates \
                all non-ephemeral key exchange insufficient; TLS 1.3 always uses ephemeral keys.",
    remediation: "Remove every suite whose key exchange is plain RSA (names like \
                  `TLS_RSA_WITH_…`, OpenSSL `AES128-SHA`, `AES256-GCM-SHA384`).\n\
                  nginx: use only `ECDHE-…` suites in `ssl_ciphers`, e.g. the Mozilla \
                  intermediate list.\n\
                  Apache: `SSLCipherSuite` with `ECDHE` suites only (add `!kRSA`).\n\
                  IIS / Windows: disable the `TLS_RSA_WITH_*` suites (`Disable-TlsCipherSuite`) \
                  or use IIS Crypto's best-practice template.",
    references: &[
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (key exchange)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
        Reference {
            title: "RFC 9325 §4.1 (BCP 195): suites with forward secrecy",
            url: "https://www.rfc-editor.org/rfc/rfc9325#section-4.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "forward_secret",
            status: Status::Pass,
            meaning: "every accepted suite uses ephemeral key exchange",
        },
        FindingDecl {
            key: "static_key_exchange",
            status: Status::Fail,
            meaning: "a suite with static RSA key exchange is accepted",
        },
        FindingDecl {
            key: "enumeration_incomplete",
            status: Status::Inconclusive,
            meaning: "suite enumeration did not finish",
        },
        FindingDecl {
            key: "versions_unknown",
            status: Status::Inconclusive,
            meaning: "some protocol versions gave no clear answer",
        },
    ],
    params: &[],
};

pub(crate) fn judge(scan: &TlsScan) -> EndpointVerdict {
    let mut static_kx = Vec::new();
    let mut total = 0usize;
    let mut incomplete = Vec::new();
    for v in accepted(scan) {
        if !v.suites_complete {
            incomplete.push(label(&v.version));
        }
        for s in &v.suites {
            total += 1;
            let fs = v.version != "ssl2" && u16::try_from(s.id).is_ok_and(suites::forward_secret);
            if !fs {
                static_kx.push(format!("{} ({})", s.name, label(&v.version)));
            }
        }
    }
    let unknown_versions = unknown_versions(scan);
    let unknown_labels: Vec<&str> = unknown_versions.iter().map(|k| label(k)).collect();
    let evidence = json!({
        "suites_without_forward_secrecy": static_kx, "suites_accepted": total,
        "enumeration_incomplete": incomplete,
        "versions_unknown": unknown_labels, "probe": effort(scan),
    });
    if !static_kx.is_empty() {
        EndpointVerdict::new(
            Status::Fail,
            "static_key_exchange",
            format!(
                "{} suite(s) without forward secrecy accepted: {}",
                static_kx.len(),
                static_kx.join(", ")
            ),
            evidence,
        )
    } else if !unknown_versions.is_empty() {
        versions_unknown_verdict(&unknown_versions, evidence)
    } else if total == 0 || !incomplete.is_empty() {
        EndpointVerdict::new(
            Status::Inconclusive,
            "enumeration_incomplete",
            "the accepted suites could not all be enumerated",
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Pass,
            "forward_secret",
            format!("all {total} accepted suites use ephemeral key exchange"),
            evidence,
        )
    }
}

impl Check for ForwardSecrecy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        per_tls_scan(META.id, obs, judge)
    }
}
