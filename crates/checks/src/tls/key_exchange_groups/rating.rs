//! The rating behind `tls.key-exchange-groups`: every group the scan names (TLS 1.3 groups,
//! TLS 1.0–1.2 curves, the finite-field groups of the DHE probe) rated by tier, and what could
//! not be judged (a version or group never probed, a probe cut short).

use govscan_model::{DheProbe, Probed, TlsScan};
use govscan_tls_hello::dh::{MIN_DH_BITS, dh_tier};
use govscan_tls_hello::suites::{self, KeyExchange};
use govscan_tls_hello::{Tier, groups};
use serde_json::{Value, json};

use crate::tls::scan_view::{accepted, effort, label, tier_name, verdict};

/// One group the server accepted, rated.
pub(super) struct Rated {
    pub(super) tier: Tier,
    /// e.g. "secp224r1 (TLS 1.2)", "DHE 1024-bit prime (TLS 1.2)".
    pub(super) what: String,
    /// A DH prime below [`MIN_DH_BITS`].
    pub(super) too_small: bool,
}

/// The groups named in the scan, rated, and what could not be judged.
pub(super) struct Findings {
    pub(super) rated: Vec<Rated>,
    pub(super) unknown: Vec<String>,
    pub(super) evidence: Value,
}

fn group_version<'a>(scan: &'a TlsScan, g: &'a govscan_model::GroupProbe) -> &'a str {
    g.version
        .as_deref()
        .or(scan.groups_version.as_deref())
        .unwrap_or("?")
}

/// Whether an accepted TLS 1.0–1.2 (or SSL 3.0) suite has a key exchange among `kinds`.
fn classic_suite_accepted(scan: &TlsScan, kinds: &[KeyExchange]) -> bool {
    accepted(scan)
        .filter(|v| v.version != "ssl2" && v.version != "tls13")
        .flat_map(|v| &v.suites)
        .filter_map(|s| u16::try_from(s.id).ok().and_then(suites::lookup))
        .any(|s| kinds.contains(&s.key_exchange))
}

/// Whether an accepted TLS 1.0–1.2 (or SSL 3.0) suite sends finite-field DH parameters.
fn dhe_suite_accepted(scan: &TlsScan) -> bool {
    classic_suite_accepted(
        scan,
        &[KeyExchange::Dhe, KeyExchange::DhAnon, KeyExchange::DhePsk],
    )
}

/// Whether an accepted TLS 1.0–1.2 (or SSL 3.0) suite uses an ECDHE key exchange.
fn classic_ecdhe_accepted(scan: &TlsScan) -> bool {
    classic_suite_accepted(
        scan,
        &[
            KeyExchange::Ecdhe,
            KeyExchange::EcdhAnon,
            KeyExchange::EcdhePsk,
        ],
    )
}

/// Whether TLS 1.3 or an (EC)DHE suite of an earlier version is accepted.
pub(super) fn ephemeral_suite_accepted(scan: &TlsScan) -> bool {
    verdict(scan, "tls13") == Some(true) || dhe_suite_accepted(scan) || classic_ecdhe_accepted(scan)
}

/// Rates every group the scan names and lists what could not be judged, with the evidence.
pub(super) fn findings(scan: &TlsScan) -> Findings {
    let mut rated = Vec::new();
    let mut unknown = Vec::new();
    let mut rows = Vec::new();
    for g in &scan.groups {
        let version = group_version(scan, g);
        let tier = groups::security_tier(g.id);
        rows.push(json!({
            "id": format!("{:#06x}", g.id), "name": g.name, "version": label(version),
            "accepted": g.accepted, "tier": tier_name(tier),
        }));
        let what = format!("{} ({})", g.name, label(version));
        match g.accepted {
            Some(true) => rated.push(Rated {
                tier,
                what,
                too_small: false,
            }),
            Some(false) => {}
            None => unknown.push(what),
        }
    }
    // An accepted version whose groups were never probed (results written before TLS 1.0–1.2
    // curves were probed next to TLS 1.3, or a scan cut short).
    let probed_at = |keys: &[&str]| {
        scan.groups
            .iter()
            .any(|g| keys.contains(&group_version(scan, g)))
    };
    if verdict(scan, "tls13") == Some(true) && !probed_at(&["tls13"]) {
        unknown.push("the TLS 1.3 groups (not probed)".into());
    }
    if classic_ecdhe_accepted(scan) && !probed_at(&["tls12", "tls11", "tls10"]) {
        unknown.push("the TLS 1.0–1.2 curves (not probed)".into());
    }
    // A version whose acceptance is unknown may take groups nobody has seen.
    for key in ["tls13", "tls12", "tls11", "tls10"] {
        if verdict(scan, key).is_none() {
            unknown.push(format!("{} (acceptance unknown)", label(key)));
        }
    }
    let dhe = dhe_findings(scan, &mut rated, &mut unknown);
    if scan.budget_exhausted {
        unknown.push("the rest (the handshake budget ran out)".into());
    }
    let evidence = json!({
        "probed_with": scan.groups_version.as_deref().map(label), "note": scan.groups_note,
        "groups": rows, "dhe": dhe, "unknown": unknown, "probe": effort(scan),
    });
    Findings {
        rated,
        unknown,
        evidence,
    }
}

/// Rates the DH groups of the DHE probe; returns its evidence.
fn dhe_findings(scan: &TlsScan, rated: &mut Vec<Rated>, unknown: &mut Vec<String>) -> Value {
    let probe: &DheProbe = match &scan.dhe {
        Probed::Ok { value } => value,
        other => {
            let why = other.missing_reason().unwrap_or_default();
            if dhe_suite_accepted(scan) {
                unknown.push(format!("the DHE groups (not measured: {why})"));
            }
            return json!({ "not_probed": why });
        }
    };
    let version = label(&probe.version);
    let unknown_before = unknown.len();
    let mut hellos = Vec::new();
    for hello in &probe.hellos {
        let offered = if hello.offered_groups.is_empty() {
            "no supported_groups".to_owned()
        } else {
            hello.offered_groups.join(", ")
        };
        let tier = hello.group.as_ref().map(|g| dh_tier(g.named_id));
        hellos.push(json!({
            "offered": offered, "accepted": hello.accepted, "answer": hello.detail,
            "suite": hello.suite.as_ref().map(|s| &s.name),
            "prime_bits": hello.group.as_ref().map(|g| g.prime_bits),
            "named": hello.group.as_ref().and_then(|g| g.named.as_deref()),
            "tier": tier.map(tier_name),
        }));
        match (&hello.group, hello.accepted) {
            (Some(g), _) => {
                let what = match &g.named {
                    Some(name) => format!("DHE {name} ({version})"),
                    None => format!("DHE {}-bit prime ({version})", g.prime_bits),
                };
                if !rated.iter().any(|r| r.what == what) {
                    rated.push(Rated {
                        tier: dh_tier(g.named_id),
                        what,
                        too_small: g.prime_bits < MIN_DH_BITS,
                    });
                }
            }
            (None, Some(true)) => {
                unknown.push(format!("the DHE group ({version}: {})", hello.detail))
            }
            (None, None) => unknown.push(format!("DHE offering {offered} ({})", hello.detail)),
            (None, Some(false)) => {}
        }
    }
    if !probe.complete && unknown.len() == unknown_before {
        unknown.push("the DHE groups (the probe did not finish)".into());
    }
    json!({ "version": version, "hellos": hellos, "complete": probe.complete })
}
