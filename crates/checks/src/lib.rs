//! Pure checks: each judges `Observations` and returns an `Outcome` with evidence. This crate
//! cannot perform I/O (it depends on no runtime, socket or resolver crate).

pub mod cert;
pub mod context;
pub mod coverage;
pub mod dane;
pub mod declarative;
pub mod dns;
pub mod endpoints;
pub(crate) mod finding_decls;
#[doc(hidden)]
pub mod fixture_format;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod mail;
pub mod net;
pub mod nuclei;
pub(crate) mod public_suffix;
pub mod registry;
pub mod runner;
pub mod tls;

pub use context::Context;
pub use declarative::CheckSet;
pub use registry::{ALL, find};
pub use runner::{evaluate_all, evaluate_one};

use govscan_model::{CheckMeta, Observations, Outcome};

/// A check: metadata plus a pure verdict over observations.
pub trait Check: Sync {
    /// What the check asserts, why, and how to fix it.
    fn meta(&self) -> &'static CheckMeta;
    /// Judges the observations. The runner has already answered `Inconclusive` when a
    /// domain-level probe named in `meta().needs` is missing; endpoint-level data is
    /// combined with [`endpoints::combine`], which never turns a failed probe into a pass.
    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome;
}

#[cfg(test)]
mod declared_findings;
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod nuclei_tests;
#[cfg(test)]
mod runner_properties;
#[cfg(test)]
mod scaffold_leftovers;
