//! Errors that stop a `Prober` from being built (probe failures are data, not errors).

use std::path::PathBuf;

/// Why a `Prober` could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// An extra root file could not be read or held no usable certificate.
    #[error("trust roots from {path}: {detail}")]
    Roots {
        /// The PEM file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The certificate verifier could not be built.
    #[error("certificate verifier: {0}")]
    Verifier(String),
    /// The DNS resolver could not be built.
    #[error("DNS resolver: {0}")]
    Resolver(String),
    /// A setting is out of range.
    #[error("invalid probe setting: {0}")]
    Config(String),
}
