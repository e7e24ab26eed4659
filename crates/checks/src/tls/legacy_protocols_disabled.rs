//! SSL 2.0, SSL 3.0, TLS 1.0 and TLS 1.1 are all refused.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status, TlsScan,
};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::tls::scan_view::{
    LEGACY, effort, label, labels, per_tls_scan, verdict, versions_evidence,
};
use crate::{Check, Context};

/// The check.
pub struct LegacyProtocolsDisabled;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.legacy-protocols-disabled",
    family: Family::Tls,
    title: "Legacy protocol versions (SSL 2.0/3.0, TLS 1.0/1.1) are disabled",
    level: Level::Must,
    rationale: "SSL 2.0 and 3.0 are broken (DROWN, POODLE) and TLS 1.0/1.1 rely on SHA-1/MD5 \
                and CBC constructions with known attacks; RFC 8996 deprecates TLS 1.0 and 1.1 \
                and NCSC-NL (2025) rates all four insufficient. Estonian guidance (RIA) keeps \
                only TLS 1.2 and 1.3. A server that still accepts them can be downgraded.",
    remediation: "Offer only TLS 1.2 and TLS 1.3.\n\
                  nginx: `ssl_protocols TLSv1.2 TLSv1.3;`\n\
                  Apache: `SSLProtocol -all +TLSv1.2 +TLSv1.3`\n\
                  IIS / Windows: disable SSL 2.0, SSL 3.0, TLS 1.0 and TLS 1.1 under \
                  `HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols` \
                  (Enabled=0 for Server), or with IIS Crypto, then reboot.",
    references: &[
        Reference {
            title: "RFC 8996 §5–§6: Deprecating TLS 1.0 and TLS 1.1 (do not use TLS 1.0; do not use TLS 1.1)",
            url: "https://www.rfc-editor.org/rfc/rfc8996",
        },
        Reference {
            title: "RIA: Configuring two-way SSL in the Ubuntu Nginx web server (TLS settings)",
            url: "https://open-eid.github.io/nginx",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (versions: 1.3 good, 1.2 sufficient, older insufficient)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "legacy_protocols_refused",
            status: Status::Pass,
            meaning: "SSL 2.0, SSL 3.0, TLS 1.0 and TLS 1.1 are all refused",
        },
        FindingDecl {
            key: "legacy_protocols_accepted",
            status: Status::Fail,
            meaning: "the server accepts SSL 2.0, SSL 3.0, TLS 1.0 or TLS 1.1",
        },
        FindingDecl {
            key: "legacy_protocols_unknown",
            status: Status::Inconclusive,
            meaning: "some legacy protocol gave no clear answer",
        },
    ],
    params: &[],
};

pub(crate) fn judge(scan: &TlsScan) -> EndpointVerdict {
    let offered: Vec<&str> = LEGACY
        .iter()
        .copied()
        .filter(|k| verdict(scan, k) == Some(true))
        .collect();
    let unknown: Vec<&str> = LEGACY
        .iter()
        .copied()
        .filter(|k| verdict(scan, k).is_none())
        .collect();
    let evidence = json!({
        "versions": versions_evidence(scan),
        "legacy_accepted": offered.iter().map(|k| label(k)).collect::<Vec<_>>(),
        "legacy_unknown": unknown.iter().map(|k| label(k)).collect::<Vec<_>>(),
        "probe": effort(scan),
    });
    if !offered.is_empty() {
        EndpointVerdict::new(
            Status::Fail,
            "legacy_protocols_accepted",
            format!("the server accepts {}", labels(offered.into_iter())),
            evidence,
        )
    } else if !unknown.is_empty() {
        EndpointVerdict::new(
            Status::Inconclusive,
            "legacy_protocols_unknown",
            format!("no clear answer for {}", labels(unknown.into_iter())),
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Pass,
            "legacy_protocols_refused",
            "SSL 2.0, SSL 3.0, TLS 1.0 and TLS 1.1 are all refused",
            evidence,
        )
    }
}

impl Check for LegacyProtocolsDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        per_tls_scan(META.id, obs, judge)
    }
}
