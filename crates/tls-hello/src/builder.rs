//! Builds complete ClientHello records for SSL 3.0 … TLS 1.3 from a [`HelloSpec`].

use serde::{Deserialize, Serialize};

use crate::{ProtocolVersion, groups, ssl2, suites};

/// The default `random`: a fixed, recognisable non-zero pattern. A probe only needs the server's
/// first reply, so the value need not be secret; callers may supply fresh randomness instead.
pub const DEFAULT_RANDOM: [u8; 32] = *b"govscan-tls-hello probe random!!";

/// The X25519 public key sent in the TLS 1.3 key_share: Alice's public key from the RFC 7748
/// §6.1 test vector (a valid, non-low-order point). Nobody uses the resulting shared secret.
pub const X25519_KEY_SHARE: [u8; 32] = [
    0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a,
    0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a,
];

/// Signature schemes offered by default (TLS 1.2 and 1.3): ECDSA, EdDSA, RSA-PSS, PKCS#1 with
/// SHA-2, and finally the SHA-1 and DSA schemes old servers may need to answer at all.
pub const DEFAULT_SIGNATURE_ALGORITHMS: [u16; 17] = [
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B, 0x0401,
    0x0501, 0x0601, 0x0203, 0x0201, 0x0402,
];

/// Groups offered by default: the curves first, then the RFC 7919 finite-field groups.
const DEFAULT_GROUPS: [u16; 9] = [
    groups::X25519,
    groups::SECP256R1,
    groups::SECP384R1,
    groups::SECP521R1,
    groups::X448,
    groups::FFDHE2048,
    groups::FFDHE3072,
    groups::FFDHE4096,
    0x0104,
];

/// Longest lists the builder emits; longer inputs are truncated so every length field fits and
/// the hello stays bounded (about 24 KiB at most).
const MAX_SUITES: usize = 8192;
const MAX_LIST: usize = 512;
const MAX_EXTRA_EXTENSIONS: usize = 8;
const MAX_EXTRA_EXTENSION_LEN: usize = 2048;
/// Largest plaintext fragment per record (RFC 8446 §5.1).
const MAX_FRAGMENT: usize = 16384;

/// Extension type code points used by the builder and the reply parser.
pub(crate) mod ext {
    pub(crate) const SERVER_NAME: u16 = 0x0000;
    pub(crate) const SUPPORTED_GROUPS: u16 = 0x000A;
    pub(crate) const EC_POINT_FORMATS: u16 = 0x000B;
    pub(crate) const SIGNATURE_ALGORITHMS: u16 = 0x000D;
    pub(crate) const EXTENDED_MASTER_SECRET: u16 = 0x0017;
    pub(crate) const SUPPORTED_VERSIONS: u16 = 0x002B;
    pub(crate) const KEY_SHARE: u16 = 0x0033;
    pub(crate) const RENEGOTIATION_INFO: u16 = 0xFF01;
}

/// What one probe ClientHello offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelloSpec {
    /// The single protocol version offered. TLS 1.3 is offered through supported_versions with
    /// legacy_version 0x0303; [`ProtocolVersion::Ssl2`] produces an SSLv2 CLIENT-HELLO offering
    /// all [`crate::SSL2_CIPHER_SPECS`] (`cipher_suites` is then ignored).
    pub version: ProtocolVersion,
    /// Cipher suite ids, in preference order (at most 8192 are sent).
    pub cipher_suites: Vec<u16>,
    /// Named groups for supported_groups, in preference order (at most 512). For TLS 1.3 a
    /// key_share for X25519 is sent when this list contains X25519; otherwise the key_share
    /// list is empty and a TLS 1.3 server must answer with a HelloRetryRequest.
    pub groups: Vec<u16>,
    /// Host name for the server_name extension. Omitted when empty, longer than 255 bytes, or an
    /// IP literal (RFC 6066 §3 forbids IP addresses in SNI).
    pub sni: Option<String>,
    /// Signature schemes (at most 512); sent only for TLS 1.2 and 1.3, as RFC 5246 §7.4.1.4.1
    /// tells clients offering older versions not to send it.
    pub signature_algorithms: Vec<u16>,
    /// Append TLS_FALLBACK_SCSV (0x5600) to the suites, to test downgrade protection (RFC 7507).
    pub include_scsv_fallback: bool,
    /// The 32-byte ClientHello random.
    pub random: [u8; 32],
    /// legacy_session_id (at most 32 bytes are sent; empty by default).
    pub session_id: Vec<u8>,
    /// Extra raw extensions `(type, body)` appended after the standard ones (at most 8, each body
    /// at most 2048 bytes). Not sent for SSL 3.0.
    pub extra_extensions: Vec<(u16, Vec<u8>)>,
}

impl HelloSpec {
    /// A spec offering every suite in [`crate::suites`] negotiable at `version`, the default
    /// groups and signature schemes, no SNI and no SCSV.
    pub fn new(version: ProtocolVersion) -> Self {
        Self {
            version,
            cipher_suites: suites::ids_usable_at(version),
            groups: DEFAULT_GROUPS.to_vec(),
            sni: None,
            signature_algorithms: DEFAULT_SIGNATURE_ALGORITHMS.to_vec(),
            include_scsv_fallback: false,
            random: DEFAULT_RANDOM,
            session_id: Vec::new(),
            extra_extensions: Vec::new(),
        }
    }

    /// The same spec with `sni` set.
    pub fn with_sni(mut self, host: impl Into<String>) -> Self {
        self.sni = Some(host.into());
        self
    }

    /// The same spec offering only `suites`.
    pub fn with_suites(mut self, suites: impl Into<Vec<u16>>) -> Self {
        self.cipher_suites = suites.into();
        self
    }
}

/// Serialises `spec` into a complete ClientHello: one or more handshake records (record version
/// 0x0300 for SSL 3.0, 0x0301 otherwise), ready to write to a socket.
///
/// Extensions, in order: server_name, supported_groups, ec_point_formats (uncompressed),
/// signature_algorithms (TLS 1.2+), renegotiation_info (empty, RFC 5746), extended_master_secret,
/// and for TLS 1.3 supported_versions (0x0304 only) and key_share; then `extra_extensions`.
/// SSL 3.0 hellos carry no extensions at all.
pub fn build_client_hello(spec: &HelloSpec) -> Vec<u8> {
    let (record_version, client_version) = match spec.version {
        ProtocolVersion::Ssl2 => return ssl2::build_sslv2_client_hello(&ssl2::SSL2_CIPHER_SPECS),
        ProtocolVersion::Ssl3 => (0x0300, 0x0300),
        ProtocolVersion::Tls13 => (0x0301, 0x0303),
        v => (0x0301, v.wire()),
    };

    let mut body = Vec::with_capacity(512);
    put_u16(&mut body, client_version);
    body.extend_from_slice(&spec.random);
    let session_id = spec.session_id.get(..32).unwrap_or(&spec.session_id);
    put_vec_u8(&mut body, session_id);

    let mut suite_bytes = Vec::with_capacity(2 * spec.cipher_suites.len() + 2);
    for id in spec.cipher_suites.iter().take(MAX_SUITES) {
        put_u16(&mut suite_bytes, *id);
    }
    if spec.include_scsv_fallback {
        put_u16(&mut suite_bytes, suites::FALLBACK_SCSV);
    }
    put_vec_u16(&mut body, &suite_bytes);
    put_vec_u8(&mut body, &[0]); // compression_methods: null only

    if spec.version != ProtocolVersion::Ssl3 {
        let extensions = build_extensions(spec);
        put_vec_u16(&mut body, &extensions);
    }

    let mut handshake = Vec::with_capacity(body.len() + 4);
    handshake.push(1); // client_hello
    put_u24(&mut handshake, body.len());
    handshake.extend_from_slice(&body);

    let mut out = Vec::with_capacity(handshake.len() + 5 * (handshake.len() / MAX_FRAGMENT + 1));
    for fragment in handshake.chunks(MAX_FRAGMENT) {
        out.push(22); // handshake
        put_u16(&mut out, record_version);
        put_vec_u16(&mut out, fragment);
    }
    out
}

/// The extension block (without its outer length) for TLS 1.0–1.3.
fn build_extensions(spec: &HelloSpec) -> Vec<u8> {
    let mut exts = Vec::with_capacity(256);
    if let Some(host) = spec.sni.as_deref().filter(|h| sni_allowed(h)) {
        let mut entry = vec![0u8]; // name_type host_name
        put_vec_u16(&mut entry, host.as_bytes());
        let mut list = Vec::with_capacity(entry.len() + 2);
        put_vec_u16(&mut list, &entry);
        put_extension(&mut exts, ext::SERVER_NAME, &list);
    }
    if !spec.groups.is_empty() {
        let list = u16_list(&spec.groups);
        let mut body = Vec::with_capacity(list.len() + 2);
        put_vec_u16(&mut body, &list);
        put_extension(&mut exts, ext::SUPPORTED_GROUPS, &body);
    }
    put_extension(&mut exts, ext::EC_POINT_FORMATS, &[1, 0]);
    if spec.version >= ProtocolVersion::Tls12 && !spec.signature_algorithms.is_empty() {
        let list = u16_list(&spec.signature_algorithms);
        let mut body = Vec::with_capacity(list.len() + 2);
        put_vec_u16(&mut body, &list);
        put_extension(&mut exts, ext::SIGNATURE_ALGORITHMS, &body);
    }
    put_extension(&mut exts, ext::RENEGOTIATION_INFO, &[0]);
    put_extension(&mut exts, ext::EXTENDED_MASTER_SECRET, &[]);
    if spec.version == ProtocolVersion::Tls13 {
        put_extension(&mut exts, ext::SUPPORTED_VERSIONS, &[2, 0x03, 0x04]);
        let mut shares = Vec::with_capacity(36);
        if spec.groups.contains(&groups::X25519) {
            put_u16(&mut shares, groups::X25519);
            put_vec_u16(&mut shares, &X25519_KEY_SHARE);
        }
        let mut body = Vec::with_capacity(shares.len() + 2);
        put_vec_u16(&mut body, &shares);
        put_extension(&mut exts, ext::KEY_SHARE, &body);
    }
    for (kind, data) in spec.extra_extensions.iter().take(MAX_EXTRA_EXTENSIONS) {
        let data = data.get(..MAX_EXTRA_EXTENSION_LEN).unwrap_or(data);
        put_extension(&mut exts, *kind, data);
    }
    exts
}

/// Whether `host` may go into server_name: non-empty, at most 255 bytes, not an IP literal.
fn sni_allowed(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_err()
}

/// Big-endian bytes of at most [`MAX_LIST`] u16 values.
fn u16_list(values: &[u16]) -> Vec<u8> {
    values
        .iter()
        .take(MAX_LIST)
        .flat_map(|v| v.to_be_bytes())
        .collect()
}

fn put_extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_vec_u16(out, data);
}

fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// Writes a 24-bit length. Invariant: callers pass lengths below 2^24 (the hello is capped far
/// lower by the MAX_* limits), so the top byte dropped here is always zero.
fn put_u24(out: &mut Vec<u8>, value: usize) {
    let bytes = (value as u32).to_be_bytes();
    out.extend_from_slice(&bytes[1..]);
}

/// Writes `data` with a one-byte length. Invariant: callers pass at most 255 bytes.
fn put_vec_u8(out: &mut Vec<u8>, data: &[u8]) {
    let data = data.get(..255).unwrap_or(data);
    out.push(data.len() as u8);
    out.extend_from_slice(data);
}

/// Writes `data` with a two-byte length, truncating at 65535 bytes (unreachable given the caps).
fn put_vec_u16(out: &mut Vec<u8>, data: &[u8]) {
    let data = data.get(..usize::from(u16::MAX)).unwrap_or(data);
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslv3_has_no_extensions_and_ssl3_record_version() {
        let spec = HelloSpec::new(ProtocolVersion::Ssl3).with_suites([0x000A]);
        let hello = build_client_hello(&spec);
        assert_eq!(&hello[..3], &[22, 3, 0]);
        // record(5) + hs header(4) + version(2) + random(32) + sid(1) + suites(2+2) + comp(2)
        assert_eq!(hello.len(), 5 + 4 + 2 + 32 + 1 + 4 + 2);
        assert_eq!(&hello[9..11], &[3, 0]);
    }

    #[test]
    fn sni_filter() {
        assert!(sni_allowed("example.gov"));
        assert!(!sni_allowed(""));
        assert!(!sni_allowed("192.0.2.1"));
        assert!(!sni_allowed("[2001:db8::1]"));
        assert!(!sni_allowed(&"a".repeat(256)));
    }

    #[test]
    fn huge_suite_lists_fragment_into_records() {
        let spec = HelloSpec::new(ProtocolVersion::Tls12).with_suites(vec![0xC02F; 20_000]);
        let hello = build_client_hello(&spec);
        assert_eq!(hello[0], 22);
        let first_len = usize::from(u16::from_be_bytes([hello[3], hello[4]]));
        assert_eq!(first_len, MAX_FRAGMENT);
        assert_eq!(hello[5 + MAX_FRAGMENT], 22);
    }
}
