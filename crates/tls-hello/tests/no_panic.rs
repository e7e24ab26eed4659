//! Property tests: no input makes the parser or the builder panic.

use govscan_tls_hello::{
    HelloSpec, ProtocolVersion, ServerReply, build_client_hello, build_sslv2_client_hello,
    parse_server_reply,
};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/data/{name}.bin",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = parse_server_reply(&bytes);
    }

    #[test]
    fn tls_looking_bytes_never_panic(
        content_type in 20u8..=23,
        minor in 0u8..=4,
        body in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = vec![content_type, 3, minor];
        bytes.extend_from_slice(&(body.len() as u16).to_be_bytes());
        bytes.extend_from_slice(&body);
        let reply = parse_server_reply(&bytes);
        if content_type == 22 && !body.is_empty() && body[0] != 2 {
            prop_assert!(matches!(reply, ServerReply::Garbage { .. }), "{reply:?}");
        }
    }

    #[test]
    fn mutated_real_replies_never_panic(
        index in 0usize..10_000,
        value in any::<u8>(),
        cut in 0usize..1000,
    ) {
        for name in ["tls12_ecdhe_ecdsa", "tls13_x25519", "tls13_hrr"] {
            let mut bytes = fixture(name);
            let i = index % bytes.len();
            bytes[i] = value;
            bytes.truncate(bytes.len().saturating_sub(cut % 50));
            let _ = parse_server_reply(&bytes);
        }
    }

    #[test]
    fn built_hellos_are_well_framed(
        version in prop::sample::select(ProtocolVersion::ALL.to_vec()),
        suites in proptest::collection::vec(any::<u16>(), 0..300),
        groups in proptest::collection::vec(any::<u16>(), 0..40),
        sni in proptest::option::of("[a-z0-9.-]{0,300}"),
        session_id in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut spec = HelloSpec::new(version).with_suites(suites);
        spec.groups = groups;
        spec.sni = sni;
        spec.session_id = session_id;
        let hello = build_client_hello(&spec);
        if version == ProtocolVersion::Ssl2 {
            prop_assert_eq!(usize::from(u16::from_be_bytes([hello[0], hello[1]]) & 0x7FFF), hello.len() - 2);
        } else {
            // Walk the records: every length must match what follows.
            let mut rest = &hello[..];
            while !rest.is_empty() {
                prop_assert_eq!(rest[0], 22);
                let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
                prop_assert!(len <= 16384 && rest.len() >= 5 + len);
                rest = &rest[5 + len..];
            }
        }
    }

    #[test]
    fn sslv2_builder_never_panics(specs in proptest::collection::vec(any::<u32>(), 0..3000)) {
        let hello = build_sslv2_client_hello(&specs);
        prop_assert_eq!(usize::from(u16::from_be_bytes([hello[0], hello[1]]) & 0x7FFF), hello.len() - 2);
    }
}
