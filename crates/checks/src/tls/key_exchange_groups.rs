//! Every key-exchange group the server accepts is rated good: the TLS 1.3 groups, the curves
//! of TLS 1.0–1.2 (probed even when TLS 1.3 is accepted), and the finite-field groups it uses
//! with DHE suites, measured from the ServerKeyExchange.

mod rating;

use govscan_model::{
    CheckMeta, Family, FindingDecl, Level, Need, Observations, Outcome, Reference, Status, TlsScan,
};
use govscan_tls_hello::Tier;
use govscan_tls_hello::dh::MIN_DH_BITS;

use crate::endpoints::EndpointVerdict;
use crate::tls::scan_view::per_tls_scan;
use crate::{Check, Context};
use rating::{Findings, Rated, ephemeral_suite_accepted, findings};

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
                ffdhe3072+ groups phase-out, and everything else (ffdhe2048, any other DH prime, \
                small or odd curves) insufficient. A DHE group below 2048 bits is below every \
                current guideline (NCSC-NL and Mozilla's intermediate profile ask for at least \
                2048; Logjam showed 1024-bit groups within reach). Groups are judged for TLS 1.3 \
                and for TLS 1.0–1.2 separately, since a server can allow a weaker curve for the \
                older versions. Hybrid ML-KEM groups count as good (their classical half is a \
                good curve).",
    remediation: "Limit the groups to X25519 and the NIST P-256/P-384 curves (plus a hybrid \
                  post-quantum group where supported), for TLS 1.2 as for TLS 1.3, and drop the \
                  DHE suites (ECDHE gives the same forward secrecy); if DHE must stay, use the \
                  RFC 7919 ffdhe3072 group or larger, never a 1024-bit one.\n\
                  nginx: `ssl_ecdh_curve X25519:prime256v1:secp384r1;` and only `ECDHE-…` suites \
                  in `ssl_ciphers` (no `ssl_dhparam`), or `ssl_dhparam` with the ffdhe3072 \
                  parameters.\n\
                  Apache: `SSLOpenSSLConfCmd Curves X25519:prime256v1:secp384r1`, and `!kDHE` in \
                  `SSLCipherSuite` (or `SSLOpenSSLConfCmd DHParameters` with ffdhe3072).\n\
                  IIS / Windows: set the ECC curve order with the group policy \"ECC Curve \
                  Order\" or `Disable-TlsEccCurve`, and disable the `TLS_DHE_*` suites \
                  (`Disable-TlsCipherSuite`).",
    references: &[
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (2025) §3.3.2.1 (ECDHE curves) and \
                    §3.3.3.1 (FFDHE: only the RFC 7919 groups ffdhe3072–8192, phase-out), as \
                    internet.nl codes them",
            url: "https://github.com/internetstandards/Internet.nl/blob/cec0e01/checks/tasks/tls/tls_constants.py",
        },
        Reference {
            title: "NCSC-NL IT Security Guidelines for TLS (key exchange groups)",
            url: "https://english.ncsc.nl/publications/publications/2021/january/19/it-security-guidelines-for-transport-layer-security-2.1",
        },
        Reference {
            title: "Mozilla Server Side TLS, intermediate configuration (DH parameters of at least \
                    2048 bits: ffdhe2048)",
            url: "https://wiki.mozilla.org/Security/Server_Side_TLS#Intermediate_compatibility_.28recommended.29",
        },
        Reference {
            title: "RFC 7919 §4 (a server picks an offered FFDHE group, or no FFDHE suite)",
            url: "https://www.rfc-editor.org/rfc/rfc7919#section-4",
        },
        Reference {
            title: "RFC 8422 §5.1 and §5.4 (curves offered in supported_groups, chosen in the \
                    ServerKeyExchange)",
            url: "https://www.rfc-editor.org/rfc/rfc8422#section-5.4",
        },
        Reference {
            title: "RFC 8446 §4.2.7 (supported groups)",
            url: "https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7",
        },
    ],
    needs: &[Need::DnsAddresses, Need::Tls],
    findings: &[
        FindingDecl {
            key: "groups_good",
            status: Status::Pass,
            meaning: "every accepted key-exchange group is rated good",
        },
        FindingDecl {
            key: "phase_out_groups",
            status: Status::Warn,
            meaning: "a phase-out group is accepted",
        },
        FindingDecl {
            key: "insufficient_groups",
            status: Status::Fail,
            meaning: "an insufficient group is accepted",
        },
        FindingDecl {
            key: "dh_group_too_small",
            status: Status::Fail,
            meaning: "finite-field DH uses a group below 2048 bits",
        },
        FindingDecl {
            key: "groups_unknown",
            status: Status::Inconclusive,
            meaning: "some groups or versions gave no clear answer",
        },
        FindingDecl {
            key: "groups_not_probed",
            status: Status::NotApplicable,
            meaning: "neither TLS 1.3 nor TLS 1.2 is accepted, so no group is rated",
        },
        FindingDecl {
            key: "no_ephemeral_key_exchange",
            status: Status::NotApplicable,
            meaning: "the server accepts no ephemeral key exchange (tls.forward-secrecy fails it)",
        },
    ],
    params: &[],
};

pub(crate) fn judge(scan: &TlsScan) -> EndpointVerdict {
    let Findings {
        rated,
        unknown,
        evidence,
    } = findings(scan);
    let names = |keep: &dyn Fn(&Rated) -> bool| -> Vec<&str> {
        rated
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.what.as_str())
            .collect()
    };
    let too_small = names(&|r| r.too_small);
    let insufficient = names(&|r| r.tier == Tier::Insufficient);
    let phase_out = names(&|r| r.tier == Tier::PhaseOut);
    let unrated = names(&|r| r.tier == Tier::Unknown);
    if !too_small.is_empty() {
        return EndpointVerdict::new(
            Status::Fail,
            "dh_group_too_small",
            format!(
                "DHE with a group below {MIN_DH_BITS} bits: {}",
                too_small.join(", ")
            ),
            evidence,
        );
    }
    if !insufficient.is_empty() {
        return EndpointVerdict::new(
            Status::Fail,
            "insufficient_groups",
            format!(
                "insufficient group(s) accepted: {}",
                insufficient.join(", ")
            ),
            evidence,
        );
    }
    if !phase_out.is_empty() {
        return EndpointVerdict::new(
            Status::Warn,
            "phase_out_groups",
            format!("phase-out group(s) accepted: {}", phase_out.join(", ")),
            evidence,
        );
    }
    if !unknown.is_empty() || !unrated.is_empty() {
        let all: Vec<&str> = unknown
            .iter()
            .map(String::as_str)
            .chain(unrated.iter().copied())
            .collect();
        return EndpointVerdict::new(
            Status::Inconclusive,
            "groups_unknown",
            format!("no clear answer for: {}", all.join(", ")),
            evidence,
        );
    }
    if rated.is_empty() {
        if scan.groups.is_empty() {
            let why = scan
                .groups_note
                .clone()
                .unwrap_or_else(|| "groups were not probed".into());
            return EndpointVerdict::new(Status::NotApplicable, "groups_not_probed", why, evidence);
        }
        if !ephemeral_suite_accepted(scan) {
            return EndpointVerdict::new(
                Status::NotApplicable,
                "no_ephemeral_key_exchange",
                "no accepted suite uses an ephemeral key exchange, so no group is ever used \
                 (tls.forward-secrecy judges that)",
                evidence,
            );
        }
        return EndpointVerdict::new(
            Status::Inconclusive,
            "groups_unknown",
            "the server refused every group although it accepted (EC)DHE suites",
            evidence,
        );
    }
    EndpointVerdict::new(
        Status::Pass,
        "groups_good",
        format!(
            "accepted groups are all rated good: {}",
            names(&|r| r.tier == Tier::Good).join(", ")
        ),
        evidence,
    )
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

    fn message_of(fixture: &str) -> String {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/checks/tls.key-exchange-groups")
            .join(fixture);
        let (obs, ctx, _) = crate::fixtures::load(&path);
        KeyExchangeGroups.evaluate(&obs, &ctx).message
    }

    #[test]
    fn messages_name_the_group_its_size_and_version() {
        assert_eq!(
            message_of("fail_dhe_1024.json"),
            "DHE with a group below 2048 bits: DHE 1024-bit prime (TLS 1.2)"
        );
        assert!(message_of("fail_dhe_ffdhe2048_on_tls12.json").contains("DHE ffdhe2048 (TLS 1.2)"));
        assert!(
            message_of("fail_weak_tls12_curve_while_tls13_good.json")
                .contains("secp192r1 (TLS 1.2)")
        );
        assert!(
            message_of("inconclusive_dhe_not_measured.json").contains("DHE groups (not measured")
        );
        assert!(
            message_of("inconclusive_tls12_curves_not_probed.json").contains("curves (not probed)")
        );
    }
}
