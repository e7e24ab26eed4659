//! Fuzzes `govscan_tls_hello::parse_server_reply`, the classifier of a server's first reply.
//!
//! Invariants: no panic; `Incomplete` asks for at least one byte and never once the cap is
//! reached, and fewer than `needed` more bytes never complete a reply; lists are bounded by
//! the input; and because the probe stops reading at the first
//! answer that is not `Incomplete`, a decision made on a prefix is the same kind of decision
//! on the whole input.
#![no_main]

use govscan_tls_hello::{MAX_REPLY_BYTES, ServerReply, parse_server_reply};
use libfuzzer_sys::fuzz_target;

fn check_bounds(bytes: &[u8], reply: &ServerReply) {
    match reply {
        ServerReply::Incomplete { needed } => {
            assert!(*needed >= 1, "Incomplete asks for no bytes");
            assert!(bytes.len() <= MAX_REPLY_BYTES, "Incomplete beyond the cap");
            assert!(
                *needed <= MAX_REPLY_BYTES + 32 * 1024,
                "absurd need {needed}"
            );
        }
        ServerReply::ServerHello { extensions, .. }
        | ServerReply::HelloRetryRequest { extensions, .. } => {
            assert!(
                extensions.len() * 4 <= bytes.len(),
                "more extensions than bytes"
            );
        }
        ServerReply::Ssl2ServerHello { cipher_specs, .. } => {
            assert!(
                cipher_specs.len() * 3 <= bytes.len(),
                "more specs than bytes"
            );
        }
        ServerReply::Alert { name, .. } => assert!(!name.is_empty()),
        ServerReply::Garbage { reason } => {
            assert!(
                !reason.is_empty() && reason.len() <= 4096,
                "reason of {} bytes",
                reason.len()
            );
        }
        ServerReply::Ssl2Error { .. } => {}
    }
}

fuzz_target!(|bytes: &[u8]| {
    let whole = parse_server_reply(bytes);
    check_bounds(bytes, &whole);
    assert_eq!(whole, parse_server_reply(bytes), "not deterministic");
    if bytes.len() < 2 {
        return;
    }
    let prefix = &bytes[..bytes.len() / 2];
    let early = parse_server_reply(prefix);
    check_bounds(prefix, &early);
    match &early {
        ServerReply::Incomplete { needed } => {
            // Fewer than `needed` further bytes cannot complete a reply (they may prove it garbage).
            let short = (prefix.len() + needed - 1).min(bytes.len());
            if short > prefix.len() {
                let reply = parse_server_reply(&bytes[..short]);
                assert!(
                    matches!(
                        reply,
                        ServerReply::Incomplete { .. } | ServerReply::Garbage { .. }
                    ),
                    "{needed} bytes needed after {} but {short} gave {reply:?}",
                    prefix.len()
                );
            }
        }
        decided => assert_eq!(
            std::mem::discriminant(decided),
            std::mem::discriminant(&whole),
            "prefix of {} bytes gave {decided:?}, whole input gave {whole:?}",
            prefix.len()
        ),
    }
});
