//! govscan's command-line layer: arguments, the scan driver and exit codes (target files are
//! read by `govscan-targets`).
//! All domain logic lives in the workspace crates; this crate is glue.

pub mod check_docs;
pub mod cli;
pub mod exclude;
pub mod judge;
pub mod metrics;
pub mod shard;

pub use judge::judge_domain;
