//! What the DHE probe of the hand-built-hello TLS scan saw: the finite-field groups a server
//! uses with its DHE suites, read from the ServerKeyExchange (part of [`crate::TlsScan`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Probed, SuiteSeen};

/// Hellos offering only DHE suites at one TLS 1.0–1.2 version, and the groups the server chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DheProbe {
    /// The version the hellos offered (`tls12`, `tls11`, `tls10`).
    #[schemars(extend("enum" = ["tls10", "tls11", "tls12"]))]
    pub version: String,
    /// One entry per hello, in the order sent: first without supported_groups (a client that
    /// knows no RFC 7919 group gets the server's own group), then offering the RFC 7919 groups
    /// (removing each one the server picks, while it keeps picking offered groups).
    pub hellos: Vec<DheHello>,
    /// True when every hello got a clear answer (a refusal, or a readable ServerKeyExchange)
    /// and the handshake budget did not cut the probe short.
    pub complete: bool,
}

/// One DHE-only hello and what the server did with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DheHello {
    /// The named groups offered in supported_groups (empty: the extension was left out).
    pub offered_groups: Vec<String>,
    /// `true` a DHE suite was chosen, `false` refused, `null` unknown.
    pub accepted: Option<bool>,
    /// The server's answer (e.g. "ServerHello TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "alert
    /// handshake_failure", "no ServerKeyExchange: …").
    pub detail: String,
    /// The suite chosen, when accepted.
    pub suite: Option<SuiteSeen>,
    /// The group from the ServerKeyExchange, when it could be read.
    pub group: Option<DhGroup>,
}

/// A finite-field Diffie-Hellman group as the ServerKeyExchange carried it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DhGroup {
    /// Significant bits of the prime `dh_p`.
    pub prime_bits: u32,
    /// The RFC 7919 group this prime and generator are (e.g. `ffdhe2048`), if any.
    pub named: Option<String>,
    /// Its code point, if named.
    pub named_id: Option<u16>,
}

/// The `dhe` of a TLS scan recorded before the DHE probe existed.
pub(crate) fn dhe_absent() -> Probed<DheProbe> {
    Probed::skipped("not recorded (results written before the DHE probe existed)")
}
