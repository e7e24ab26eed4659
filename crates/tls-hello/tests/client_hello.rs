//! Round-trips built hellos through a minimal ClientHello parser written for the tests.

use std::collections::BTreeMap;

use govscan_tls_hello::{
    HelloSpec, ProtocolVersion, SSL2_CIPHER_SPECS, X25519_KEY_SHARE, build_client_hello,
    build_sslv2_client_hello, groups, suites,
};

/// What the test parser reads back out of a ClientHello.
#[derive(Debug)]
struct Parsed {
    record_versions: Vec<u16>,
    client_version: u16,
    random: Vec<u8>,
    suites: Vec<u16>,
    compression: Vec<u8>,
    /// None when the hello has no extension block at all.
    extensions: Option<BTreeMap<u16, Vec<u8>>>,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([b[i], b[i + 1]])
}

fn parse_client_hello(bytes: &[u8]) -> Parsed {
    let mut record_versions = Vec::new();
    let mut hs = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        assert_eq!(rest[0], 22, "handshake record");
        record_versions.push(u16_at(rest, 1));
        let len = usize::from(u16_at(rest, 3));
        assert!(len <= 16384);
        hs.extend_from_slice(&rest[5..5 + len]);
        rest = &rest[5 + len..];
    }
    assert_eq!(hs[0], 1, "client_hello");
    let len = (usize::from(hs[1]) << 16) | (usize::from(hs[2]) << 8) | usize::from(hs[3]);
    assert_eq!(len, hs.len() - 4, "handshake length");
    let b = &hs[4..];
    let client_version = u16_at(b, 0);
    let random = b[2..34].to_vec();
    let sid_len = usize::from(b[34]);
    let mut i = 35 + sid_len;
    let suites_len = usize::from(u16_at(b, i));
    let suites = b[i + 2..i + 2 + suites_len]
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    i += 2 + suites_len;
    let comp_len = usize::from(b[i]);
    let compression = b[i + 1..i + 1 + comp_len].to_vec();
    i += 1 + comp_len;
    let extensions = (i < b.len()).then(|| {
        let ext_len = usize::from(u16_at(b, i));
        assert_eq!(i + 2 + ext_len, b.len(), "extension block fills the hello");
        let mut map = BTreeMap::new();
        let mut j = i + 2;
        while j < b.len() {
            let kind = u16_at(b, j);
            let len = usize::from(u16_at(b, j + 2));
            assert!(map.insert(kind, b[j + 4..j + 4 + len].to_vec()).is_none());
            j += 4 + len;
        }
        map
    });
    Parsed {
        record_versions,
        client_version,
        random,
        suites,
        compression,
        extensions,
    }
}

fn u16s(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

#[test]
fn tls12_hello_carries_everything_asked_for() {
    let mut spec = HelloSpec::new(ProtocolVersion::Tls12)
        .with_sni("example.gov")
        .with_suites([0xC02F, 0x000A, 0x0005]);
    spec.include_scsv_fallback = true;
    let p = parse_client_hello(&build_client_hello(&spec));
    assert_eq!(p.record_versions, vec![0x0301]);
    assert_eq!(p.client_version, 0x0303);
    assert_eq!(p.random, spec.random.to_vec());
    assert_eq!(
        p.suites,
        vec![0xC02F, 0x000A, 0x0005, suites::FALLBACK_SCSV]
    );
    assert_eq!(p.compression, vec![0]);
    let ext = p.extensions.expect("extensions");
    let sni = &ext[&0x0000];
    assert_eq!(&sni[5..], b"example.gov");
    assert_eq!(usize::from(u16_at(sni, 3)), "example.gov".len());
    assert_eq!(u16s(&ext[&0x000A][2..]), spec.groups);
    assert_eq!(ext[&0x000B], vec![1, 0]);
    assert_eq!(u16s(&ext[&0x000D][2..]), spec.signature_algorithms);
    assert_eq!(ext[&0xFF01], vec![0]);
    assert_eq!(ext[&0x0017], Vec::<u8>::new());
    assert!(!ext.contains_key(&0x002B) && !ext.contains_key(&0x0033));
}

#[test]
fn tls10_and_tls11_omit_signature_algorithms() {
    for (version, wire) in [
        (ProtocolVersion::Tls10, 0x0301),
        (ProtocolVersion::Tls11, 0x0302),
    ] {
        let p = parse_client_hello(&build_client_hello(&HelloSpec::new(version)));
        assert_eq!(p.client_version, wire);
        assert_eq!(p.suites, suites::ids_usable_at(version));
        let ext = p.extensions.expect("extensions");
        assert!(!ext.contains_key(&0x000D));
        assert!(ext.contains_key(&0xFF01) && ext.contains_key(&0x0017));
    }
}

#[test]
fn sslv3_hello_has_no_extension_block() {
    let p = parse_client_hello(&build_client_hello(&HelloSpec::new(ProtocolVersion::Ssl3)));
    assert_eq!(p.record_versions, vec![0x0300]);
    assert_eq!(p.client_version, 0x0300);
    assert!(p.extensions.is_none());
    assert!(p.suites.contains(&0x000A) && p.suites.contains(&0x0004));
}

#[test]
fn tls13_hello_has_supported_versions_and_x25519_share() {
    let spec = HelloSpec::new(ProtocolVersion::Tls13).with_sni("example.gov");
    let p = parse_client_hello(&build_client_hello(&spec));
    assert_eq!(p.client_version, 0x0303);
    assert_eq!(p.suites, vec![0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
    let ext = p.extensions.expect("extensions");
    assert_eq!(ext[&0x002B], vec![2, 0x03, 0x04]);
    let share = &ext[&0x0033];
    assert_eq!(usize::from(u16_at(share, 0)), share.len() - 2);
    assert_eq!(u16_at(share, 2), groups::X25519);
    assert_eq!(usize::from(u16_at(share, 4)), 32);
    assert_eq!(&share[6..], &X25519_KEY_SHARE);
    assert!(X25519_KEY_SHARE.iter().any(|b| *b != 0));
}

#[test]
fn tls13_without_x25519_sends_an_empty_key_share_list() {
    let mut spec = HelloSpec::new(ProtocolVersion::Tls13);
    spec.groups = vec![groups::SECP256R1];
    let p = parse_client_hello(&build_client_hello(&spec));
    assert_eq!(p.extensions.expect("extensions")[&0x0033], vec![0, 0]);
}

#[test]
fn sni_is_left_out_for_ip_literals() {
    let spec = HelloSpec::new(ProtocolVersion::Tls12).with_sni("127.0.0.1");
    let p = parse_client_hello(&build_client_hello(&spec));
    assert!(!p.extensions.expect("extensions").contains_key(&0x0000));
}

#[test]
fn sslv2_client_hello_layout() {
    let hello = build_sslv2_client_hello(&SSL2_CIPHER_SPECS);
    let len = usize::from(u16_at(&hello, 0) & 0x7FFF);
    assert!(hello[0] & 0x80 != 0);
    assert_eq!(len, hello.len() - 2);
    assert_eq!(hello[2], 1, "MSG-CLIENT-HELLO");
    assert_eq!(u16_at(&hello, 3), 0x0002);
    assert_eq!(usize::from(u16_at(&hello, 5)), 3 * SSL2_CIPHER_SPECS.len());
    assert_eq!(u16_at(&hello, 7), 0, "no session id");
    assert_eq!(u16_at(&hello, 9), 16, "challenge length");
    assert_eq!(&hello[11..14], &[0x01, 0x00, 0x80]);
    assert_eq!(len, 9 + 21 + 16);
    // build_client_hello delegates SSL 2.0 to the same builder.
    assert_eq!(
        build_client_hello(&HelloSpec::new(ProtocolVersion::Ssl2)),
        hello
    );
}
