//! The cipher-suite table (IANA names and ids, with their components) and the NCSC-NL 2025
//! tier of each suite as internet.nl codes it.

mod table;

use serde::{Deserialize, Serialize};

use crate::{ProtocolVersion, Tier};

/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746): a signalling value, not a real suite.
pub const EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00FF;
/// TLS_FALLBACK_SCSV (RFC 7507): a signalling value, not a real suite.
pub const FALLBACK_SCSV: u16 = 0x5600;

/// How the session keys are agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyExchange {
    /// Static RSA key transport (no forward secrecy).
    Rsa,
    /// Static Diffie-Hellman with a certificate-bound key (no forward secrecy).
    Dh,
    /// Ephemeral finite-field Diffie-Hellman.
    Dhe,
    /// Static elliptic-curve Diffie-Hellman with a certificate-bound key (no forward secrecy).
    Ecdh,
    /// Ephemeral elliptic-curve Diffie-Hellman.
    Ecdhe,
    /// Anonymous (unauthenticated) ephemeral Diffie-Hellman.
    DhAnon,
    /// Anonymous (unauthenticated) ephemeral elliptic-curve Diffie-Hellman.
    EcdhAnon,
    /// Pre-shared key only.
    Psk,
    /// Pre-shared key plus ephemeral Diffie-Hellman.
    DhePsk,
    /// Pre-shared key plus ephemeral elliptic-curve Diffie-Hellman.
    EcdhePsk,
    /// Pre-shared key plus RSA key transport.
    RsaPsk,
    /// Secure Remote Password.
    Srp,
    /// TLS 1.3: the suite does not fix the key exchange (always ephemeral (EC)DHE or PSK-DHE here).
    Tls13,
    /// No key exchange (TLS_NULL_WITH_NULL_NULL).
    Null,
}

/// How the server is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authentication {
    /// RSA certificate.
    Rsa,
    /// DSA certificate.
    Dss,
    /// ECDSA certificate.
    Ecdsa,
    /// Pre-shared key.
    Psk,
    /// SRP password verifier.
    Srp,
    /// None at all (anonymous or NULL suites).
    Anonymous,
    /// TLS 1.3: the suite does not fix the authentication (signature_algorithms does).
    Tls13,
}

/// The bulk cipher, with its key size and mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // The variant names are the cipher names.
pub enum Cipher {
    Null,
    Rc4_40,
    Rc4_128,
    Rc2Cbc40,
    IdeaCbc,
    Des40Cbc,
    DesCbc,
    TripleDesCbc,
    SeedCbc,
    Aes128Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
    Aes128Ccm,
    Aes256Ccm,
    Aes128Ccm8,
    Aes256Ccm8,
    Camellia128Cbc,
    Camellia256Cbc,
    Camellia128Gcm,
    Camellia256Gcm,
    Aria128Cbc,
    Aria256Cbc,
    Aria128Gcm,
    Aria256Gcm,
    ChaCha20Poly1305,
}

impl Cipher {
    /// True for the AES family (any mode).
    pub const fn is_aes(self) -> bool {
        matches!(
            self,
            Self::Aes128Cbc
                | Self::Aes256Cbc
                | Self::Aes128Gcm
                | Self::Aes256Gcm
                | Self::Aes128Ccm
                | Self::Aes256Ccm
                | Self::Aes128Ccm8
                | Self::Aes256Ccm8
        )
    }

    /// True for AES-CCM with the full 16-byte tag (not CCM_8).
    const fn is_aes_ccm(self) -> bool {
        matches!(self, Self::Aes128Ccm | Self::Aes256Ccm)
    }

    /// True for AES-GCM.
    const fn is_aes_gcm(self) -> bool {
        matches!(self, Self::Aes128Gcm | Self::Aes256Gcm)
    }

    /// True for Camellia or ARIA in any mode.
    const fn is_camellia_or_aria(self) -> bool {
        matches!(
            self,
            Self::Camellia128Cbc
                | Self::Camellia256Cbc
                | Self::Camellia128Gcm
                | Self::Camellia256Gcm
                | Self::Aria128Cbc
                | Self::Aria256Cbc
                | Self::Aria128Gcm
                | Self::Aria256Gcm
        )
    }
}

/// How the cipher processes data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CipherMode {
    /// Block cipher in CBC mode with a separate MAC.
    Cbc,
    /// Authenticated encryption (GCM, CCM, ChaCha20-Poly1305).
    Aead,
    /// Stream cipher (RC4).
    Stream,
    /// No encryption.
    Null,
}

/// The record MAC (`Aead` when the cipher authenticates itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mac {
    /// HMAC-MD5.
    Md5,
    /// HMAC-SHA1.
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA384.
    Sha384,
    /// None needed: the cipher is an AEAD.
    Aead,
    /// No integrity at all (TLS_NULL_WITH_NULL_NULL).
    Null,
}

/// One row of the cipher-suite table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CipherSuite {
    /// The IANA code point.
    pub id: u16,
    /// The IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub name: &'static str,
    /// Key exchange.
    pub key_exchange: KeyExchange,
    /// Server authentication.
    pub authentication: Authentication,
    /// Bulk cipher.
    pub cipher: Cipher,
    /// Cipher mode.
    pub mode: CipherMode,
    /// Record MAC.
    pub mac: Mac,
    /// An export-grade (deliberately weakened, 40/56-bit) suite.
    pub export: bool,
    /// The oldest protocol version that can negotiate the suite (SHA-256/GCM suites need TLS 1.2;
    /// the five TLS 1.3 suites work only on TLS 1.3).
    pub since: ProtocolVersion,
}

impl CipherSuite {
    /// Whether the suite can be negotiated at `version`.
    pub fn usable_at(&self, version: ProtocolVersion) -> bool {
        match version {
            ProtocolVersion::Ssl2 => false,
            ProtocolVersion::Tls13 => self.since == ProtocolVersion::Tls13,
            v => self.since != ProtocolVersion::Tls13 && self.since <= v,
        }
    }
}

/// The whole table, sorted by id.
pub fn all() -> &'static [CipherSuite] {
    &table::SUITES
}

/// The table row for `id`, or `None` for an id this crate does not know.
pub fn lookup(id: u16) -> Option<&'static CipherSuite> {
    let suites = all();
    suites
        .binary_search_by_key(&id, |s| s.id)
        .ok()
        .and_then(|i| suites.get(i))
}

/// The IANA name of `id`, or `None` if unknown.
pub fn name(id: u16) -> Option<&'static str> {
    lookup(id).map(|s| s.name)
}

/// The ids of every table suite negotiable at `version`, in table (id) order. Useful as the
/// "offer everything" list of a probe hello.
pub fn ids_usable_at(version: ProtocolVersion) -> Vec<u16> {
    all()
        .iter()
        .filter(|s| s.usable_at(version))
        .map(|s| s.id)
        .collect()
}

/// Whether the suite gives forward secrecy: true only for authenticated ephemeral key exchange
/// (ECDHE, DHE, their PSK variants, and every TLS 1.3 suite). Anonymous DH is ephemeral but
/// unauthenticated, so it is reported as `false`; unknown ids are `false`.
pub fn forward_secret(id: u16) -> bool {
    lookup(id).is_some_and(|s| {
        matches!(
            s.key_exchange,
            KeyExchange::Ecdhe | KeyExchange::Dhe | KeyExchange::DhePsk | KeyExchange::EcdhePsk
        ) || s.key_exchange == KeyExchange::Tls13
    })
}

/// The NCSC-NL 2025 tier of `id` as internet.nl codes it; [`Tier::Unknown`] for ids not in the
/// table (including the signalling values 0x00FF and 0x5600).
pub fn security_tier(id: u16) -> Tier {
    lookup(id).map_or(Tier::Unknown, suite_tier)
}

/// The tier rules, applied to one table row:
/// - Good: TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256.
/// - Sufficient: TLS_AES_128_GCM_SHA256, TLS_AES_128_CCM_SHA256; ECDHE-ECDSA/ECDHE-RSA with
///   AES-GCM or ChaCha20-Poly1305; ECDHE-ECDSA with AES-CCM (16-byte tag).
/// - Phase-out: ECDHE-{ECDSA,RSA} and DHE-RSA with AES-CBC and a SHA-2 MAC; the same key
///   exchanges with Camellia or ARIA (AEAD, or CBC with a SHA-2 MAC); DHE-RSA with AES-GCM,
///   AES-CCM or ChaCha20-Poly1305.
/// - Insufficient: everything else — static RSA/DH/ECDH, anonymous, PSK/SRP, DSS, CBC with SHA-1
///   or MD5, 3DES, DES, RC4, RC2, IDEA, SEED, NULL, EXPORT, and CCM_8 (8-byte tag) everywhere.
fn suite_tier(s: &CipherSuite) -> Tier {
    use Authentication as Au;
    use KeyExchange as Kx;
    let sha2_mac = matches!(s.mac, Mac::Sha256 | Mac::Sha384);
    let aead = s.mode == CipherMode::Aead;
    match (s.key_exchange, s.authentication) {
        (Kx::Tls13, _) => match s.id {
            0x1302 | 0x1303 => Tier::Good,
            0x1301 | 0x1304 => Tier::Sufficient,
            _ => Tier::Insufficient,
        },
        (Kx::Ecdhe, Au::Ecdsa | Au::Rsa) => {
            let ccm_ok = s.authentication == Au::Ecdsa && s.cipher.is_aes_ccm();
            if s.cipher.is_aes_gcm() || s.cipher == Cipher::ChaCha20Poly1305 || ccm_ok {
                Tier::Sufficient
            } else if phase_out_cbc_or_other(s, sha2_mac, aead) {
                Tier::PhaseOut
            } else {
                Tier::Insufficient
            }
        }
        (Kx::Dhe, Au::Rsa) => {
            let modern_aead = s.cipher.is_aes_gcm()
                || s.cipher.is_aes_ccm()
                || s.cipher == Cipher::ChaCha20Poly1305;
            if modern_aead || phase_out_cbc_or_other(s, sha2_mac, aead) {
                Tier::PhaseOut
            } else {
                Tier::Insufficient
            }
        }
        _ => Tier::Insufficient,
    }
}

/// Phase-out ciphers for an (EC)DHE suite: AES-CBC with a SHA-2 MAC, or Camellia/ARIA as AEAD or
/// CBC with a SHA-2 MAC.
fn phase_out_cbc_or_other(s: &CipherSuite, sha2_mac: bool, aead: bool) -> bool {
    let aes_cbc_sha2 = s.cipher.is_aes() && s.mode == CipherMode::Cbc && sha2_mac;
    let camellia_aria = s.cipher.is_camellia_or_aria() && (aead || sha2_mac);
    aes_cbc_sha2 || camellia_aria
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(all().windows(2).all(|w| w[0].id < w[1].id));
        assert!(all().len() >= 120, "only {} suites", all().len());
    }

    #[test]
    fn names_agree_with_columns() {
        for s in all() {
            assert_eq!(s.export, s.name.contains("EXPORT"), "{}", s.name);
            if s.name.contains("_RC4_") {
                assert_eq!(s.mode, CipherMode::Stream, "{}", s.name);
            }
            if s.name.contains("_GCM_") || s.name.contains("CHACHA20") {
                assert_eq!(s.mode, CipherMode::Aead, "{}", s.name);
            }
            if s.name.contains("_anon_") {
                assert_eq!(s.authentication, Authentication::Anonymous, "{}", s.name);
            }
        }
    }

    #[test]
    fn tiers_follow_ncsc_2025() {
        let cases = [
            (0x1302, Tier::Good),
            (0x1303, Tier::Good),
            (0x1301, Tier::Sufficient),
            (0x1304, Tier::Sufficient),
            (0x1305, Tier::Insufficient),
            (0xC02B, Tier::Sufficient),
            (0xC030, Tier::Sufficient),
            (0xCCA8, Tier::Sufficient),
            (0xC0AC, Tier::Sufficient),   // ECDHE-ECDSA AES-128-CCM
            (0xC0AE, Tier::Insufficient), // ECDHE-ECDSA AES-128-CCM_8
            (0xC027, Tier::PhaseOut),     // ECDHE-RSA AES-128-CBC-SHA256
            (0xC013, Tier::Insufficient), // ECDHE-RSA AES-128-CBC-SHA
            (0x009E, Tier::PhaseOut),     // DHE-RSA AES-128-GCM
            (0xCCAA, Tier::PhaseOut),     // DHE-RSA ChaCha20
            (0x0067, Tier::PhaseOut),     // DHE-RSA AES-128-CBC-SHA256
            (0x0033, Tier::Insufficient), // DHE-RSA AES-128-CBC-SHA
            (0xC061, Tier::PhaseOut),     // ECDHE-RSA ARIA-256-GCM
            (0xC077, Tier::PhaseOut),     // ECDHE-RSA CAMELLIA-256-CBC-SHA384
            (0x0088, Tier::Insufficient), // DHE-RSA CAMELLIA-256-CBC-SHA
            (0x00A2, Tier::Insufficient), // DHE-DSS AES-128-GCM
            (0x009C, Tier::Insufficient), // static RSA AES-128-GCM
            (0x000A, Tier::Insufficient), // 3DES
            (0xC012, Tier::Insufficient), // ECDHE-RSA 3DES
            (0x0005, Tier::Insufficient), // RC4
            (0xC011, Tier::Insufficient), // ECDHE-RSA RC4
            (0x0003, Tier::Insufficient), // EXPORT
            (0x0002, Tier::Insufficient), // NULL
            (0xC010, Tier::Insufficient), // ECDHE-RSA NULL
            (0x00A6, Tier::Insufficient), // DH_anon AES-GCM
            (0x5600, Tier::Unknown),
            (0xFFFF, Tier::Unknown),
        ];
        for (id, tier) in cases {
            assert_eq!(security_tier(id), tier, "{id:#06x} {:?}", name(id));
        }
    }

    #[test]
    fn forward_secrecy() {
        assert!(forward_secret(0xC02F));
        assert!(forward_secret(0x009E));
        assert!(forward_secret(0x1301));
        assert!(!forward_secret(0x002F));
        assert!(!forward_secret(0x00A6));
        assert!(!forward_secret(0xC004));
        assert!(!forward_secret(0x1234));
    }

    #[test]
    fn usable_versions() {
        let tls13 = ids_usable_at(ProtocolVersion::Tls13);
        assert_eq!(tls13, vec![0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
        let ssl3 = ids_usable_at(ProtocolVersion::Ssl3);
        assert!(ssl3.contains(&0x000A) && !ssl3.contains(&0xC02F) && !ssl3.contains(&0xC013));
        let tls10 = ids_usable_at(ProtocolVersion::Tls10);
        assert!(tls10.contains(&0xC013) && !tls10.contains(&0xC027));
        assert!(ids_usable_at(ProtocolVersion::Ssl2).is_empty());
    }
}
