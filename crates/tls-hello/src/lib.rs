//! Hand-built TLS/SSL ClientHellos and a bounded parser for the first server reply, so the probe
//! can learn which legacy protocol versions and cipher suites a server accepts (SSLv2 … TLS 1.3,
//! RC4, 3DES, EXPORT, NULL, anonymous, static-RSA) without a TLS library that can speak them,
//! and, reading on past a TLS 1.0–1.2 ServerHello, the (EC)DHE group of the ServerKeyExchange.
//! Nothing here performs I/O; no function panics on any input.

mod alert;
mod builder;
pub mod dh;
mod flight;
pub mod groups;
mod reader;
mod reply;
mod ssl2;
pub mod suites;
mod tier;
mod version;

pub use alert::alert_name;
pub use builder::{
    DEFAULT_RANDOM, DEFAULT_SIGNATURE_ALGORITHMS, HelloSpec, X25519_KEY_SHARE, build_client_hello,
};
pub use flight::{
    Flight, FlightReader, KeyExchangeReply, MAX_FLIGHT_BYTES, ParseStats, Progress, ReadUntil,
};
pub use reply::{MAX_REPLY_BYTES, ServerReply, parse_server_reply};
pub use ssl2::{SSL2_CIPHER_SPECS, build_sslv2_client_hello, ssl2_cipher_spec_name};
pub use tier::Tier;
pub use version::ProtocolVersion;
