//! tls checks.
