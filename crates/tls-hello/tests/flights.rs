//! The incremental flight reader on real flights captured from `openssl s_server` (see
//! tools/capture_fixtures.py): the ServerKeyExchange's DH prime or named curve, the same answer
//! however the bytes are split, and work linear in the bytes received.

use govscan_tls_hello::dh::{prime_bits, rfc7919_group};
use govscan_tls_hello::groups::{FFDHE2048, X25519};
use govscan_tls_hello::{
    Flight, FlightReader, KeyExchangeReply, Progress, ReadUntil, ServerReply, parse_server_reply,
};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const FIXTURES: [&str; 12] = [
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

/// Feeds `chunks` in order; the decision, or the `NeedMore` after the last chunk.
fn feed_chunks<'a>(until: ReadUntil, chunks: impl IntoIterator<Item = &'a [u8]>) -> Progress {
    let mut reader = FlightReader::new(until);
    let mut last = Progress::NeedMore { needed: 1 };
    for chunk in chunks {
        last = reader.feed(chunk);
        if matches!(last, Progress::Done(_)) {
            break;
        }
    }
    last
}

fn whole(until: ReadUntil, bytes: &[u8]) -> Flight {
    match feed_chunks(until, [bytes]) {
        Progress::Done(flight) => flight,
        other => panic!("{other:?}"),
    }
}

#[test]
fn dhe_flights_show_the_prime_size_and_the_named_group() {
    for (name, bits, named) in [
        ("tls12_dhe_rsa_1024", 1024, None),
        ("tls12_dhe_rsa_ffdhe2048", 2048, Some(FFDHE2048)),
    ] {
        let flight = whole(ReadUntil::KeyExchange, &fixture(name));
        assert!(
            matches!(
                flight.reply,
                ServerReply::ServerHello {
                    cipher_suite: 0x009E,
                    ..
                }
            ),
            "{name}: {:?}",
            flight.reply
        );
        match flight.key_exchange {
            Some(KeyExchangeReply::Dh { prime, generator }) => {
                assert_eq!(prime_bits(&prime), bits, "{name}");
                assert_eq!(rfc7919_group(&prime, &generator), named, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        // Without reading on, the same bytes give the same ServerHello and nothing more.
        let short = whole(ReadUntil::ServerHello, &fixture(name));
        assert_eq!(short.reply, flight.reply);
        assert_eq!(short.key_exchange, None);
    }
}

#[test]
fn ecdhe_flight_shows_the_named_curve() {
    let flight = whole(ReadUntil::KeyExchange, &fixture("tls12_ecdhe_ecdsa"));
    assert_eq!(
        flight.key_exchange,
        Some(KeyExchangeReply::Ec { curve: X25519 })
    );
}

#[test]
fn tls13_and_refusals_do_not_read_on() {
    for name in [
        "tls13_x25519",
        "tls13_hrr",
        "tls12_handshake_failure",
        "tls12_static_rsa",
    ] {
        let flight = whole(ReadUntil::KeyExchange, &fixture(name));
        assert_eq!(flight.key_exchange, None, "{name}");
        assert_eq!(flight.reply, parse_server_reply(&fixture(name)), "{name}");
    }
}

#[test]
fn one_byte_at_a_time_is_linear_and_gives_the_same_answer() {
    for until in [ReadUntil::ServerHello, ReadUntil::KeyExchange] {
        for name in FIXTURES {
            let bytes = fixture(name);
            let expected = whole(until, &bytes);
            let mut reader = FlightReader::new(until);
            let mut decided = None;
            for (i, byte) in bytes.iter().enumerate() {
                if let Progress::Done(flight) = reader.feed(std::slice::from_ref(byte)) {
                    decided = Some((i, flight));
                    break;
                }
            }
            let (at, flight) = decided.unwrap_or_else(|| panic!("{name}: never decided"));
            assert_eq!(flight, expected, "{name} {until:?}");
            let stats = reader.stats();
            // Every byte up to the decision was looked at exactly once, and at most the
            // ServerHello and the ServerKeyExchange were parsed as messages.
            assert_eq!(stats.bytes_examined, at + 1, "{name} {until:?}");
            assert_eq!(stats.bytes_fed, at + 1);
            assert!(stats.messages_parsed <= 2, "{name}: {stats:?}");
        }
    }
}

proptest! {
    #[test]
    fn any_split_gives_the_same_answer(
        bytes in proptest::collection::vec(any::<u8>(), 0..3000),
        cuts in proptest::collection::vec(0usize..3000, 0..20),
        read_on in any::<bool>(),
    ) {
        let until = if read_on { ReadUntil::KeyExchange } else { ReadUntil::ServerHello };
        check_splits(until, &bytes, cuts)?;
    }

    #[test]
    fn mutated_real_flights_split_anywhere_give_the_same_answer(
        which in 0usize..FIXTURES.len(),
        index in 0usize..10_000,
        value in any::<u8>(),
        cuts in proptest::collection::vec(0usize..2000, 0..20),
        read_on in any::<bool>(),
    ) {
        let mut bytes = fixture(FIXTURES[which]);
        let i = index % bytes.len();
        bytes[i] = value;
        let until = if read_on { ReadUntil::KeyExchange } else { ReadUntil::ServerHello };
        check_splits(until, &bytes, cuts)?;
    }
}

fn check_splits(until: ReadUntil, bytes: &[u8], mut cuts: Vec<usize>) -> Result<(), TestCaseError> {
    cuts.retain(|c| *c <= bytes.len());
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain([bytes.len()]) {
        chunks.push(&bytes[from..cut]);
        from = cut;
    }
    let once = feed_chunks(until, [bytes]);
    let split = feed_chunks(until, chunks);
    match (&once, &split) {
        // Garbage quotes the first bytes received so far, which depends on the split.
        (
            Progress::Done(Flight {
                reply: ServerReply::Garbage { .. },
                key_exchange: None,
            }),
            Progress::Done(Flight {
                reply: ServerReply::Garbage { .. },
                key_exchange: None,
            }),
        ) => {}
        (Progress::Done(a), Progress::Done(b)) => prop_assert_eq!(a, b),
        (Progress::NeedMore { .. }, Progress::NeedMore { .. }) => {}
        _ => prop_assert!(false, "whole {once:?} but split {split:?}"),
    }
    Ok(())
}

/// The `server_reply` fuzz target's invariants (fuzz/fuzz_targets/server_reply.rs), checked on
/// the committed fuzz seeds and on random inputs, since the parser under them is now the
/// incremental reader.
fn check_reply_invariants(bytes: &[u8]) -> Result<(), TestCaseError> {
    let whole = parse_server_reply(bytes);
    if let ServerReply::Incomplete { needed } = whole {
        prop_assert!(needed >= 1);
    }
    if bytes.len() < 2 {
        return Ok(());
    }
    let prefix = &bytes[..bytes.len() / 2];
    match parse_server_reply(prefix) {
        ServerReply::Incomplete { needed } => {
            let short = (prefix.len() + needed - 1).min(bytes.len());
            if short > prefix.len() {
                let reply = parse_server_reply(&bytes[..short]);
                prop_assert!(
                    matches!(
                        reply,
                        ServerReply::Incomplete { .. } | ServerReply::Garbage { .. }
                    ),
                    "{needed} needed after {} but {short} gave {reply:?}",
                    prefix.len()
                );
            }
        }
        decided => prop_assert_eq!(
            std::mem::discriminant(&decided),
            std::mem::discriminant(&whole),
            "prefix gave {:?}, whole {:?}",
            decided,
            whole
        ),
    }
    Ok(())
}

#[test]
fn the_fuzz_seeds_keep_the_reply_invariants() {
    let dir = format!(
        "{}/../../fuzz/seeds/server_reply",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("seed");
        check_reply_invariants(&bytes).expect("invariants");
        seen += 1;
    }
    assert!(seen > 0);
}

proptest! {
    #[test]
    fn tls_shaped_records_keep_the_reply_invariants(
        records in proptest::collection::vec(
            (20u8..=23, 0u8..=4, proptest::collection::vec(any::<u8>(), 0..300)),
            1..6,
        ),
        first_byte in prop::sample::select(vec![2u8, 11, 12, 14]),
    ) {
        let mut bytes = Vec::new();
        for (i, (t, minor, mut body)) in records.into_iter().enumerate() {
            if i == 0 && t == 22 && !body.is_empty() {
                body[0] = first_byte;
            }
            bytes.extend_from_slice(&[t, 3, minor]);
            bytes.extend_from_slice(&(body.len() as u16).to_be_bytes());
            bytes.extend_from_slice(&body);
        }
        check_reply_invariants(&bytes)?;
    }

    #[test]
    fn mutated_fixtures_keep_the_reply_invariants(
        which in 0usize..FIXTURES.len(),
        index in 0usize..10_000,
        value in any::<u8>(),
        cut in 0usize..2000,
    ) {
        let mut bytes = fixture(FIXTURES[which]);
        let i = index % bytes.len();
        bytes[i] = value;
        bytes.truncate(bytes.len().saturating_sub(cut));
        check_reply_invariants(&bytes)?;
    }
}
