//! Transport-security checks: HTTPS availability and protocol versions.

pub mod https_available;
pub mod tls13_supported;
