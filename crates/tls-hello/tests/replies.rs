//! Parses real replies captured from `openssl s_server` (see tools/capture_fixtures.py), plus
//! re-framed, truncated, synthetic and garbage inputs.

use govscan_tls_hello::{ProtocolVersion, ServerReply, parse_server_reply};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const ALL_FIXTURES: [&str; 12] = [
    "tls12_ecdhe_ecdsa",
    "tls13_x25519",
    "tls13_hrr",
    "tls12_handshake_failure",
    "tls13_only_gets_tls12_hello",
    "tls10_rsa",
    "tls11_rsa",
    "ssl3_refused",
    "ssl2_refused",
    "tls12_static_rsa",
    "tls12_dhe_rsa_1024",
    "tls12_dhe_rsa_ffdhe2048",
];

/// Splits a byte stream of TLS records into (content type, version, body) triples.
fn records(bytes: &[u8]) -> Vec<(u8, [u8; 2], Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        if rest.len() < 5 + len {
            break;
        }
        out.push((rest[0], [rest[1], rest[2]], rest[5..5 + len].to_vec()));
        rest = &rest[5 + len..];
    }
    out
}

/// Frames `payload` as records of `content_type` carrying at most `chunk` bytes each.
fn frame(content_type: u8, version: [u8; 2], payload: &[u8], chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for part in payload.chunks(chunk) {
        out.push(content_type);
        out.extend_from_slice(&version);
        out.extend_from_slice(&(part.len() as u16).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

fn server_hello(bytes: &[u8]) -> (ProtocolVersion, u16, Vec<u16>, bool, bool, Option<u16>) {
    match parse_server_reply(bytes) {
        ServerReply::ServerHello {
            version,
            cipher_suite,
            compression,
            extensions,
            secure_renegotiation,
            extended_master_secret,
            selected_group,
            ..
        } => {
            assert_eq!(compression, 0);
            (
                version,
                cipher_suite,
                extensions,
                secure_renegotiation,
                extended_master_secret,
                selected_group,
            )
        }
        other => panic!("expected ServerHello, got {other:?}"),
    }
}

#[test]
fn tls12_ecdhe_ecdsa_server_hello() {
    let (version, suite, exts, reneg, ems, group) = server_hello(&fixture("tls12_ecdhe_ecdsa"));
    assert_eq!(version, ProtocolVersion::Tls12);
    // The server has an ECDSA key and honours client order; our table order puts
    // ECDHE-ECDSA-AES128-SHA first among the suites it can use.
    assert_eq!(suite, 0xC009);
    assert_eq!(exts, vec![0xFF01, 0x000B, 0x0017]);
    assert!(reneg && ems);
    assert_eq!(group, None);
}

#[test]
fn tls13_server_hello_uses_supported_versions() {
    let bytes = fixture("tls13_x25519");
    // legacy_version on the wire is TLS 1.2; the negotiated 1.3 comes from supported_versions.
    assert_eq!(&bytes[9..11], &[3, 3]);
    let (version, suite, exts, reneg, ems, group) = server_hello(&bytes);
    assert_eq!(version, ProtocolVersion::Tls13);
    assert_eq!(suite, 0x1301);
    assert_eq!(exts, vec![0x002B, 0x0033]);
    assert!(!reneg && !ems);
    assert_eq!(group, Some(0x001D));
}

#[test]
fn hello_retry_request_is_its_own_variant() {
    // The hello offered only secp256r1 with an empty key_share list.
    assert_eq!(
        parse_server_reply(&fixture("tls13_hrr")),
        ServerReply::HelloRetryRequest {
            cipher_suite: 0x1301,
            selected_group: Some(0x0017),
            extensions: vec![0x002B, 0x0033],
        }
    );
}

#[test]
fn legacy_versions_and_static_rsa() {
    for (name, want) in [
        ("tls10_rsa", ProtocolVersion::Tls10),
        ("tls11_rsa", ProtocolVersion::Tls11),
        ("tls12_static_rsa", ProtocolVersion::Tls12),
    ] {
        let (version, suite, exts, reneg, ems, _) = server_hello(&fixture(name));
        assert_eq!(version, want, "{name}");
        assert_eq!(suite, 0x002F, "{name}: TLS_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(exts, vec![0xFF01, 0x0017], "{name}");
        assert!(reneg && ems, "{name}");
    }
}

#[test]
fn alerts() {
    for (name, description, label) in [
        ("tls12_handshake_failure", 40, "handshake_failure"),
        ("ssl3_refused", 40, "handshake_failure"),
        ("tls13_only_gets_tls12_hello", 70, "protocol_version"),
        ("ssl2_refused", 70, "protocol_version"),
    ] {
        assert_eq!(
            parse_server_reply(&fixture(name)),
            ServerReply::Alert {
                level: 2,
                description,
                name: label.to_owned()
            },
            "{name}"
        );
    }
}

#[test]
fn every_prefix_is_incomplete_then_the_full_answer() {
    for name in ALL_FIXTURES {
        let bytes = fixture(name);
        let full = parse_server_reply(&bytes);
        assert!(!matches!(
            full,
            ServerReply::Incomplete { .. } | ServerReply::Garbage { .. }
        ));
        let first_complete = (0..=bytes.len())
            .find(|n| {
                !matches!(
                    parse_server_reply(&bytes[..*n]),
                    ServerReply::Incomplete { .. }
                )
            })
            .unwrap_or(bytes.len());
        for n in 0..=bytes.len() {
            match parse_server_reply(&bytes[..n]) {
                ServerReply::Incomplete { needed } => {
                    assert!(needed > 0, "{name}[..{n}]");
                    assert!(
                        n + needed <= first_complete,
                        "{name}[..{n}] needed {needed}"
                    );
                }
                other => assert_eq!(other, full, "{name}[..{n}]"),
            }
        }
    }
}

#[test]
fn server_hello_fragmented_over_many_records() {
    let bytes = fixture("tls12_ecdhe_ecdsa");
    let full = parse_server_reply(&bytes);
    let handshake: Vec<u8> = records(&bytes)
        .into_iter()
        .filter(|(t, _, _)| *t == 22)
        .flat_map(|(_, _, body)| body)
        .collect();
    for chunk in [1, 3, 7, 50] {
        let reframed = frame(22, [3, 3], &handshake, chunk);
        assert_eq!(parse_server_reply(&reframed), full, "chunk {chunk}");
        // And a record boundary inside the message leaves it Incomplete until the rest arrives.
        assert!(matches!(
            parse_server_reply(&reframed[..20]),
            ServerReply::Incomplete { .. }
        ));
    }
}

#[test]
fn server_hello_and_certificate_in_one_record() {
    let bytes = fixture("tls10_rsa");
    let full = parse_server_reply(&bytes);
    let recs = records(&bytes);
    assert!(recs.len() >= 2, "fixture has separate records");
    let handshake: Vec<u8> = recs.into_iter().flat_map(|(_, _, body)| body).collect();
    let coalesced = frame(22, [3, 1], &handshake, 16384);
    assert_eq!(records(&coalesced).len(), 1);
    assert_eq!(parse_server_reply(&coalesced), full);
}

#[test]
fn downgrade_sentinel_is_reported() {
    let mut bytes = fixture("tls12_ecdhe_ecdsa");
    // record(5) + handshake header(4) + version(2) + random(32): the last 8 random bytes.
    bytes[5 + 4 + 2 + 24..5 + 4 + 2 + 32].copy_from_slice(b"DOWNGRD\x01");
    match parse_server_reply(&bytes) {
        ServerReply::ServerHello {
            downgrade_sentinel, ..
        } => assert_eq!(downgrade_sentinel, Some(ProtocolVersion::Tls12)),
        other => panic!("{other:?}"),
    }
}

/// A minimal TLS 1.0 ServerHello with the given extension block.
fn synthetic_server_hello(extensions: Option<&[u8]>) -> Vec<u8> {
    let mut body = vec![3, 1];
    body.extend_from_slice(&[7; 32]);
    body.push(0); // empty session id
    body.extend_from_slice(&[0x00, 0x0A, 0x00]); // 3DES, no compression
    if let Some(ext) = extensions {
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(ext);
    }
    let mut hs = vec![2, 0, 0, body.len() as u8];
    hs.extend_from_slice(&body);
    frame(22, [3, 1], &hs, 16384)
}

#[test]
fn server_hello_without_extensions() {
    let (version, suite, exts, reneg, ems, _) = server_hello(&synthetic_server_hello(None));
    assert_eq!((version, suite), (ProtocolVersion::Tls10, 0x000A));
    assert!(exts.is_empty() && !reneg && !ems);
    // renegotiation_info with a non-empty renegotiated_connection is not "secure renegotiation".
    let ext = [0xFF, 0x01, 0x00, 0x02, 0x01, 0xAA];
    let (_, _, exts, reneg, _, _) = server_hello(&synthetic_server_hello(Some(&ext)));
    assert_eq!(exts, vec![0xFF01]);
    assert!(!reneg);
}

#[test]
fn sslv2_server_hello_and_error() {
    // SERVER-HELLO: hit 0, cert type 1, version 0x0002, cert 3 bytes, 2 specs, conn id 16 bytes.
    let mut body = vec![4, 0, 1, 0, 2, 0, 3, 0, 6, 0, 16];
    body.extend_from_slice(&[0x30, 0x01, 0x00]);
    body.extend_from_slice(&[0x01, 0x00, 0x80, 0x07, 0x00, 0xC0]);
    body.extend_from_slice(&[9; 16]);
    let mut bytes = (0x8000u16 | body.len() as u16).to_be_bytes().to_vec();
    bytes.extend_from_slice(&body);
    assert_eq!(
        parse_server_reply(&bytes),
        ServerReply::Ssl2ServerHello {
            version: 2,
            cipher_specs: vec![0x010080, 0x0700C0]
        }
    );
    for n in 0..bytes.len() {
        assert!(matches!(
            parse_server_reply(&bytes[..n]),
            ServerReply::Incomplete { .. }
        ));
    }
    assert_eq!(
        parse_server_reply(&[0x80, 0x03, 0x00, 0x00, 0x01]),
        ServerReply::Ssl2Error { code: 1 }
    );
}

fn is_garbage(bytes: &[u8]) -> bool {
    matches!(parse_server_reply(bytes), ServerReply::Garbage { .. })
}

#[test]
fn garbage_inputs() {
    assert!(is_garbage(b"HTTP/1.1 400 Bad Request\r\n\r\n"));
    assert!(is_garbage(b"H")); // no TLS record starts with 'H'
    assert!(is_garbage(b"SSH-2.0-OpenSSH_9.6\r\n"));
    assert!(is_garbage(&[0x16, 0x04, 0x00, 0x00, 0x10])); // major version 4
    assert!(is_garbage(&[0x16, 0x03, 0x03, 0x00, 0x00])); // empty record
    assert!(is_garbage(&[0x16, 0x03, 0x03, 0xFF, 0xFF])); // record too long
    assert!(is_garbage(&[0x15, 0x03, 0x03, 0x00, 0x01, 0x02])); // 1-byte alert
    assert!(is_garbage(&[0x14, 0x03, 0x03, 0x00, 0x01, 0x01])); // CCS first
    assert!(is_garbage(&[0x17, 0x03, 0x03, 0x00, 0x01, 0x01])); // app data first
    assert!(is_garbage(&frame(22, [3, 3], &[11, 0, 0, 1, 0], 100))); // Certificate first
    assert!(is_garbage(&[0x16, 0x03, 0x03, 0x00, 0x10, 11])); // ... known from its first byte
    assert!(is_garbage(&frame(22, [3, 3], &[2, 0, 0, 1, 0], 100))); // 1-byte ServerHello
    assert!(is_garbage(&[0x81, 0x00, 0x07])); // SSLv2 header, unknown message type
    // A ServerHello whose declared length exceeds the input cap.
    assert!(is_garbage(&frame(22, [3, 3], &[2, 0x01, 0x20, 0x00], 100)));
    // Extensions whose lengths do not add up.
    let bad = [0x00, 0x17, 0x00, 0x05, 0x00];
    assert!(is_garbage(&synthetic_server_hello(Some(&bad))));
    // A long, well-formed but endless handshake message: stops at the 64 KiB cap.
    let mut endless = vec![2, 0x00, 0xFF, 0xFF];
    endless.resize(70_000, 0);
    assert!(is_garbage(&frame(22, [3, 3], &endless, 16384)));
}

#[test]
fn reply_serialises_with_a_kind_tag() {
    let json = serde_json::to_value(parse_server_reply(&fixture("tls12_handshake_failure")))
        .expect("serialise");
    assert_eq!(json["kind"], "alert");
    assert_eq!(json["name"], "handshake_failure");
}

#[test]
fn needed_is_a_lower_bound_when_an_alert_interrupts_a_fragmented_server_hello() {
    // Found by the server_reply fuzz target: a ServerHello of 204 bytes fragmented over two
    // handshake records, then an alert record. The partial alert header used to ask for the
    // 100 missing handshake bytes although the 2-byte alert body completes the reply.
    let mut hello = vec![2, 0x00, 0x00, 0xCC];
    hello.resize(104, 0);
    let mut bytes = frame(22, [3, 3], &hello, 54);
    let alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];
    for have in 0..5 {
        let mut prefix = bytes.clone();
        prefix.extend_from_slice(&alert[..have]);
        match parse_server_reply(&prefix) {
            ServerReply::Incomplete { needed } => {
                assert!(needed <= alert.len() - have, "have {have}: needed {needed}")
            }
            other => panic!("have {have}: {other:?}"),
        }
    }
    bytes.extend_from_slice(&alert);
    assert!(matches!(
        parse_server_reply(&bytes),
        ServerReply::Alert {
            description: 40,
            ..
        }
    ));
    // A partial handshake header: the rest of the header, one handshake byte, then a 7-byte
    // alert record can already answer (found by the fuzz target too) ...
    let mut prefix = frame(22, [3, 3], &hello, 54);
    prefix.extend_from_slice(&[0x16, 0x03]);
    assert!(matches!(
        parse_server_reply(&prefix),
        ServerReply::Incomplete { needed: 11 }
    ));
    prefix.extend_from_slice(&[0x03, 0x00, 0x01, 0x00]);
    prefix.extend_from_slice(&alert);
    assert!(matches!(
        parse_server_reply(&prefix),
        ServerReply::Alert { .. }
    ));
    // ... and when fewer handshake bytes are missing than that, it asks for exactly those.
    let mut nearly = vec![2, 0x00, 0x00, 0x64];
    nearly.resize(102, 0);
    let mut prefix = frame(22, [3, 3], &nearly, 54);
    prefix.push(0x16);
    assert!(matches!(
        parse_server_reply(&prefix),
        ServerReply::Incomplete { needed: 6 }
    ));
}
