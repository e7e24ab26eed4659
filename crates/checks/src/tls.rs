//! Transport-security checks: HTTPS availability, protocol versions, suites, groups and the
//! handshake extensions learned from hand-built hellos.

pub mod cipher_suites;
pub mod compression_disabled;
pub mod extended_master_secret;
pub mod forward_secrecy;
pub(crate) mod hello_flag;
pub mod https_available;
pub mod key_exchange_groups;
pub mod legacy_protocols_disabled;
mod scan_view;
pub mod secure_renegotiation;
pub mod tls13_supported;
