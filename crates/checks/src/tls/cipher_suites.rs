//! Every cipher suite the server accepts, at any version, is rated good or sufficient.

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, ParamDecl, ParamKind,
    ParamValue, Reference, Status, TlsScan,
};
use govscan_tls_hello::{Tier, suites};
use serde_json::{Value, json};

use crate::endpoints::EndpointVerdict;
use crate::tls::scan_view::{
    accepted, effort, label, per_tls_scan, tier_name, unknown_versions, versions_unknown_verdict,
};
use crate::{Check, Context};

/// The check.
pub struct CipherSuites;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.cipher-suites",
    family: Family::Tls,
    title: "Only good or sufficient cipher suites are accepted",
    level: Level::Must,
    rationale: "A client and server agree on the strongest suite both accept, but an attacker in \
                the middle can push old clients toward the weakest one the server still takes. \
                RC4, 3DES, NULL, EXPORT, anonymous and static-RSA suites are broken or give no \
                forward secrecy; CBC suites with SHA-1 have a long record of padding-oracle \
                attacks. Tiers follow NCSC-NL 2025 as internet.nl codes them.",
    remediation: "Accept only ECDHE (or TLS 1.3) suites with AES-GCM or ChaCha20-Poly1305.\n\
                  nginx: `ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:\
                  ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:\
                  ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;` (TLS 1.3 suites are \
                  all acceptable and on by default).\n\
                  Apache: `SSLCipherSuite` with the same list and `SSLHonorCipherOrder off`.\n\
                  IIS / Windows: order and trim the suites with the group policy \"SSL Cipher \
                  Suite Order\" or `Disable-TlsCipherSuite`, or use IIS Crypto's best-practice \
                  template.\n\
                  Parameter `phase_out` (default `warn`): the status for phase-out suites \
                  (`pass`, `warn` or `fail`).",
    references: &[
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (cipher tiers)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
        Reference {
            title: "RIA: Configuring two-way SSL in the Ubuntu Nginx web server (TLS settings)",
            url: "https://open-eid.github.io/nginx",
        },
        Reference {
            title: "Mozilla Server Side TLS (intermediate configuration)",
            url: "https://wiki.mozilla.org/Security/Server_Side_TLS",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "suites_good_or_sufficient",
            status: Status::Pass,
            meaning: "every accepted suite is rated good or sufficient",
        },
        FindingDecl {
            key: "phase_out_suites",
            status: Status::Warn,
            meaning: "a phase-out suite is accepted",
        },
        FindingDecl {
            key: "phase_out_suites",
            status: Status::Fail,
            meaning: "a phase-out suite is accepted and the baseline fails them (phase_out: fail)",
        },
        FindingDecl {
            key: "insufficient_suites",
            status: Status::Fail,
            meaning: "an insufficient suite is accepted",
        },
        FindingDecl {
            key: "no_suite_seen",
            status: Status::Inconclusive,
            meaning: "the server accepted no hand-built hello",
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
    params: &[ParamDecl {
        name: "phase_out",
        kind: ParamKind::OneOf {
            values: &["warn", "fail", "pass"],
        },
        default: ParamValue::Text("warn"),
        doc: "the status a phase-out suite gets (NCSC-NL: phase out, so warn by default)",
    }],
};

/// The tier of one accepted suite at `version` (every SSLv2 cipher spec is insufficient).
pub(crate) fn tier_of(version: &str, id: u32) -> Tier {
    if version == "ssl2" {
        return Tier::Insufficient;
    }
    u16::try_from(id).map_or(Tier::Unknown, suites::security_tier)
}

pub(crate) fn judge(scan: &TlsScan, phase_out_status: Status) -> EndpointVerdict {
    let mut rows: Vec<Value> = Vec::new();
    let mut worst: Vec<(Tier, String)> = Vec::new();
    let mut incomplete = Vec::new();
    for v in accepted(scan) {
        if !v.suites_complete {
            incomplete.push(label(&v.version));
        }
        for s in &v.suites {
            let tier = tier_of(&v.version, s.id);
            rows.push(json!({
                "version": label(&v.version), "id": format!("{:#06x}", s.id),
                "name": s.name, "tier": tier_name(tier),
            }));
            worst.push((tier, format!("{} ({})", s.name, label(&v.version))));
        }
    }
    let order: Vec<Value> = accepted(scan)
        .filter(|v| v.server_order.is_some())
        .map(|v| json!({ "version": label(&v.version), "server_enforces_order": v.server_order }))
        .collect();
    let names = |tier: Tier| -> Vec<&str> {
        worst
            .iter()
            .filter(|(t, _)| *t == tier)
            .map(|(_, n)| n.as_str())
            .collect()
    };
    let insufficient = names(Tier::Insufficient);
    let phase_out = names(Tier::PhaseOut);
    let unknown = names(Tier::Unknown);
    let unknown_versions = unknown_versions(scan);
    let unknown_labels: Vec<&str> = unknown_versions.iter().map(|k| label(k)).collect();
    let evidence = json!({
        "suites": rows, "server_order": order, "enumeration_incomplete": incomplete,
        "versions_unknown": unknown_labels, "probe": effort(scan),
    });
    if !insufficient.is_empty() {
        return EndpointVerdict::new(
            Status::Fail,
            "insufficient_suites",
            format!(
                "{} insufficient suite(s) accepted: {}",
                insufficient.len(),
                insufficient.join(", ")
            ),
            evidence,
        );
    }
    if !unknown_versions.is_empty() {
        return versions_unknown_verdict(&unknown_versions, evidence);
    }
    if rows.is_empty() {
        return EndpointVerdict::new(
            Status::Inconclusive,
            "no_suite_seen",
            "the server accepted no hand-built hello, so no suite could be rated",
            evidence,
        );
    }
    if !incomplete.is_empty() || !unknown.is_empty() {
        return EndpointVerdict::new(
            Status::Inconclusive,
            "enumeration_incomplete",
            format!(
                "suite enumeration did not finish for {}{}",
                incomplete.join(", "),
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!("; unrated: {}", unknown.join(", "))
                }
            ),
            evidence,
        );
    }
    if !phase_out.is_empty() && phase_out_status != Status::Pass {
        return EndpointVerdict::new(
            phase_out_status,
            "phase_out_suites",
            format!(
                "{} phase-out suite(s) accepted: {}",
                phase_out.len(),
                phase_out.join(", ")
            ),
            evidence,
        );
    }
    EndpointVerdict::new(
        Status::Pass,
        "suites_good_or_sufficient",
        format!(
            "all {} accepted suites are rated good or sufficient",
            rows.len()
        ),
        evidence,
    )
}

impl Check for CipherSuites {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        let phase_out = match ctx.param_str(&META, "phase_out").as_str() {
            "pass" => Status::Pass,
            "fail" => Status::Fail,
            _ => Status::Warn,
        };
        per_tls_scan(META.id, obs, |scan| judge(scan, phase_out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_of_known_suites() {
        assert_eq!(tier_of("tls13", 0x1302), Tier::Good);
        assert_eq!(tier_of("tls12", 0xC02F), Tier::Sufficient);
        assert_eq!(tier_of("tls12", 0xC027), Tier::PhaseOut);
        assert_eq!(tier_of("tls12", 0x002F), Tier::Insufficient);
        assert_eq!(tier_of("ssl2", 0x0001_0080), Tier::Insufficient);
        assert_eq!(tier_of("tls12", 0x1_0000), Tier::Unknown);
    }
}
