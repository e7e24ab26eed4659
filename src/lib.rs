//! govscan's command-line layer: arguments, target files, the scan driver and exit codes.
//! All domain logic lives in the workspace crates; this crate is glue.

pub mod cli;
pub mod exclude;
pub mod judge;
pub mod metrics;
pub mod shard;
pub mod targets;

pub use judge::judge_domain;
