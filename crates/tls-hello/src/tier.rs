//! The NCSC-NL 2025 security tiers (as coded by internet.nl) used for suites and groups.

use serde::{Deserialize, Serialize};

/// How NCSC-NL's 2025 TLS guidelines rate a parameter, as internet.nl codes them.
/// `Sufficient` and `PhaseOut` earn a notice there; `Insufficient` is a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Recommended.
    Good,
    /// Acceptable.
    Sufficient,
    /// Acceptable for now, should be removed.
    PhaseOut,
    /// Not acceptable.
    Insufficient,
    /// Not in this crate's tables (an unassigned, private or newer code point). No verdict can be
    /// drawn from it; a check should report it as unknown rather than pass it.
    Unknown,
}
