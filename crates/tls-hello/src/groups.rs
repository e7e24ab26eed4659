//! Named groups (supported_groups / key_share code points) with their NCSC-NL 2025 tiers as
//! internet.nl codes them.

use serde::Serialize;

use crate::Tier;

/// secp256r1 (NIST P-256).
pub const SECP256R1: u16 = 0x0017;
/// secp384r1 (NIST P-384).
pub const SECP384R1: u16 = 0x0018;
/// secp521r1 (NIST P-521).
pub const SECP521R1: u16 = 0x0019;
/// X25519.
pub const X25519: u16 = 0x001D;
/// X448.
pub const X448: u16 = 0x001E;
/// ffdhe2048 (RFC 7919).
pub const FFDHE2048: u16 = 0x0100;
/// ffdhe3072 (RFC 7919).
pub const FFDHE3072: u16 = 0x0101;
/// ffdhe4096 (RFC 7919).
pub const FFDHE4096: u16 = 0x0102;
/// X25519MLKEM768 hybrid post-quantum key agreement.
pub const X25519MLKEM768: u16 = 0x11EC;

/// What kind of key agreement a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// A short-Weierstrass elliptic curve (NIST, SECG, Brainpool).
    EllipticCurve,
    /// A Montgomery curve (X25519, X448).
    Montgomery,
    /// A finite-field Diffie-Hellman group (RFC 7919).
    FiniteField,
    /// A hybrid of a classical curve and ML-KEM.
    HybridPostQuantum,
}

/// One row of the named-group table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NamedGroup {
    /// The IANA code point.
    pub id: u16,
    /// The IANA name.
    pub name: &'static str,
    /// Kind of group.
    pub kind: GroupKind,
    /// The NCSC-NL 2025 tier (see [`security_tier`]).
    pub tier: Tier,
}

const fn row(id: u16, name: &'static str, kind: GroupKind, tier: Tier) -> NamedGroup {
    NamedGroup {
        id,
        name,
        kind,
        tier,
    }
}

use GroupKind::{
    EllipticCurve as Ec, FiniteField as Ff, HybridPostQuantum as Pq, Montgomery as Mo,
};

/// The table, sorted by id.
static GROUPS: [NamedGroup; 24] = [
    row(0x0013, "secp192r1", Ec, Tier::Insufficient),
    row(0x0014, "secp224k1", Ec, Tier::Insufficient),
    row(0x0015, "secp224r1", Ec, Tier::PhaseOut),
    row(0x0016, "secp256k1", Ec, Tier::Insufficient),
    row(SECP256R1, "secp256r1", Ec, Tier::Good),
    row(SECP384R1, "secp384r1", Ec, Tier::Good),
    row(SECP521R1, "secp521r1", Ec, Tier::Good),
    row(0x001A, "brainpoolP256r1", Ec, Tier::Good),
    row(0x001B, "brainpoolP384r1", Ec, Tier::Good),
    row(0x001C, "brainpoolP512r1", Ec, Tier::Good),
    row(X25519, "x25519", Mo, Tier::Good),
    row(X448, "x448", Mo, Tier::Good),
    row(0x001F, "brainpoolP256r1tls13", Ec, Tier::Good),
    row(0x0020, "brainpoolP384r1tls13", Ec, Tier::Good),
    row(0x0021, "brainpoolP512r1tls13", Ec, Tier::Good),
    row(FFDHE2048, "ffdhe2048", Ff, Tier::Insufficient),
    row(FFDHE3072, "ffdhe3072", Ff, Tier::PhaseOut),
    row(FFDHE4096, "ffdhe4096", Ff, Tier::PhaseOut),
    row(0x0103, "ffdhe6144", Ff, Tier::PhaseOut),
    row(0x0104, "ffdhe8192", Ff, Tier::PhaseOut),
    row(0x0200, "MLKEM512", Pq, Tier::Unknown),
    row(0x11EB, "SecP256r1MLKEM768", Pq, Tier::Good),
    row(X25519MLKEM768, "X25519MLKEM768", Pq, Tier::Good),
    row(0x11ED, "SecP384r1MLKEM1024", Pq, Tier::Good),
];

/// The whole table, sorted by id.
pub fn all() -> &'static [NamedGroup] {
    &GROUPS
}

/// The table row for `id`, or `None` if unknown.
pub fn lookup(id: u16) -> Option<&'static NamedGroup> {
    GROUPS
        .binary_search_by_key(&id, |g| g.id)
        .ok()
        .and_then(|i| GROUPS.get(i))
}

/// The IANA name of `id`, or `None` if unknown.
pub fn name(id: u16) -> Option<&'static str> {
    lookup(id).map(|g| g.name)
}

/// The NCSC-NL 2025 tier of a group as internet.nl codes it: P-256/384/521, Brainpool
/// P256/384/512r1, X25519 and X448 good; P-224 phase-out; the RFC 7919 groups ffdhe3072 and
/// larger phase-out; ffdhe2048 and other curves insufficient. The NCSC text predates the hybrid
/// ML-KEM groups; this crate rates a hybrid as good when its classical half is a good curve
/// (its security is at least that of the curve), and pure ML-KEM as [`Tier::Unknown`].
/// Ids not in the table are [`Tier::Unknown`].
pub fn security_tier(id: u16) -> Tier {
    lookup(id).map_or(Tier::Unknown, |g| g.tier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_tiered() {
        assert!(GROUPS.windows(2).all(|w| w[0].id < w[1].id));
        assert_eq!(security_tier(X25519), Tier::Good);
        assert_eq!(security_tier(0x0015), Tier::PhaseOut);
        assert_eq!(security_tier(FFDHE2048), Tier::Insufficient);
        assert_eq!(security_tier(FFDHE3072), Tier::PhaseOut);
        assert_eq!(security_tier(X25519MLKEM768), Tier::Good);
        assert_eq!(security_tier(0xABCD), Tier::Unknown);
        assert_eq!(name(SECP384R1), Some("secp384r1"));
    }
}
