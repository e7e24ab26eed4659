//! Every key-exchange group (curve or finite-field group) the server accepts is rated good.

use govscan_model::{
    CheckMeta, Family, Level, Need, Observations, Outcome, Reference, Status, TlsScan,
};
use govscan_tls_hello::{Tier, groups};
use serde_json::json;

use crate::endpoints::EndpointVerdict;
use crate::tls::scan_view::{effort, label, per_tls_scan, tier_name};
use crate::{Check, Context};

/// The check.
pub struct KeyExchangeGroups;

/// Metadata.
pub static META: CheckMeta = CheckMeta {
    id: "tls.key-exchange-groups",
    family: Family::Tls,
    title: "Only strong key-exchange groups are accepted",
    level: Level::Must,
    rationale: "The ephemeral key exchange is only as strong as its group. NCSC-NL (2025) rates \
                X25519, X448, P-256/384/521 and the Brainpool curves good, P-224 and the RFC 7919 \
                ffdhe3072+ groups phase-out, and everything else (ffdhe2048, small or odd \
                curves) insufficient. Hybrid ML-KEM groups count as good (their classical half \
                is a good curve).",
    remediation: "Limit the groups to X25519 and the NIST P-256/P-384 curves (plus a hybrid \
                  post-quantum group where supported).\n\
                  nginx: `ssl_ecdh_curve X25519:prime256v1:secp384r1;`\n\
                  Apache: `SSLOpenSSLConfCmd Curves X25519:prime256v1:secp384r1`\n\
                  IIS / Windows: set the ECC curve order with the group policy \"ECC Curve \
                  Order\" or `Disable-TlsEccCurve`.",
    references: &[
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (key exchange groups)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
        Reference {
            title: "RFC 8446 §4.2.7 (supported groups)",
            url: "https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
};

fn judge(scan: &TlsScan) -> EndpointVerdict {
    let rows: Vec<_> = scan
        .groups
        .iter()
        .map(|g| json!({ "id": format!("{:#06x}", g.id), "name": g.name, "accepted": g.accepted, "tier": tier_name(groups::security_tier(g.id)) }))
        .collect();
    let accepted_with = |tier: Tier| -> Vec<&str> {
        scan.groups
            .iter()
            .filter(|g| g.accepted == Some(true) && groups::security_tier(g.id) == tier)
            .map(|g| g.name.as_str())
            .collect()
    };
    let unknown: Vec<&str> = scan
        .groups
        .iter()
        .filter(|g| g.accepted.is_none())
        .map(|g| g.name.as_str())
        .collect();
    let any_accepted = scan.groups.iter().any(|g| g.accepted == Some(true));
    let evidence = json!({
        "probed_with": scan.groups_version.as_deref().map(label), "note": scan.groups_note,
        "groups": rows, "probe": effort(scan),
    });
    let insufficient = accepted_with(Tier::Insufficient);
    let phase_out = accepted_with(Tier::PhaseOut);
    let unrated = accepted_with(Tier::Unknown);
    if scan.groups.is_empty() {
        let why = scan
            .groups_note
            .clone()
            .unwrap_or_else(|| "groups were not probed".into());
        let status = if scan.budget_exhausted {
            Status::Inconclusive
        } else {
            Status::NotApplicable
        };
        return EndpointVerdict::new(status, "groups_not_probed", why, evidence);
    }
    if !insufficient.is_empty() {
        EndpointVerdict::new(
            Status::Fail,
            "insufficient_groups",
            format!(
                "insufficient group(s) accepted: {}",
                insufficient.join(", ")
            ),
            evidence,
        )
    } else if !phase_out.is_empty() {
        EndpointVerdict::new(
            Status::Warn,
            "phase_out_groups",
            format!("phase-out group(s) accepted: {}", phase_out.join(", ")),
            evidence,
        )
    } else if !unknown.is_empty() || !any_accepted || !unrated.is_empty() {
        EndpointVerdict::new(
            Status::Inconclusive,
            "groups_unknown",
            format!(
                "no clear answer for group(s): {}",
                unknown
                    .iter()
                    .chain(unrated.iter())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            evidence,
        )
    } else {
        EndpointVerdict::new(
            Status::Pass,
            "groups_good",
            format!(
                "accepted groups are all rated good: {}",
                accepted_with(Tier::Good).join(", ")
            ),
            evidence,
        )
    }
}

impl Check for KeyExchangeGroups {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, obs: &Observations, _ctx: &Context) -> Outcome {
        per_tls_scan(META.id, obs, judge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::assert_fixtures;

    #[test]
    fn fixtures() {
        assert_fixtures(&KeyExchangeGroups);
    }
}
