//! Prints a probe ClientHello as hex, for capturing test fixtures by hand:
//! `cargo run -p govscan-tls-hello --example hello_hex -- tls12 [suite-hex ...]`.

use govscan_tls_hello::{HelloSpec, ProtocolVersion, build_client_hello};

fn main() {
    let mut args = std::env::args().skip(1);
    let version = match args.next().as_deref() {
        Some("ssl2") => ProtocolVersion::Ssl2,
        Some("ssl3") => ProtocolVersion::Ssl3,
        Some("tls10") => ProtocolVersion::Tls10,
        Some("tls11") => ProtocolVersion::Tls11,
        Some("tls13") => ProtocolVersion::Tls13,
        Some("tls13-nokeyshare") => ProtocolVersion::Tls13,
        _ => ProtocolVersion::Tls12,
    };
    let no_share = std::env::args().nth(1).as_deref() == Some("tls13-nokeyshare");
    let suites: Vec<u16> = args
        .filter_map(|a| u16::from_str_radix(a.trim_start_matches("0x"), 16).ok())
        .collect();
    let mut spec = HelloSpec::new(version).with_sni("localhost");
    if !suites.is_empty() {
        spec.cipher_suites = suites;
    }
    if no_share {
        // Offer P-256 only: no X25519 key share is sent, so the server must retry.
        spec.groups = vec![govscan_tls_hello::groups::SECP256R1];
    }
    let hex: String = build_client_hello(&spec)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("{hex}");
}
