//! Baselines (load, validate, derive the measured reference), scoring (points, family
//! sub-scores, coverage, grades) and roll-ups (organisations, portfolio, top fixes).

mod baseline;
mod error;
mod params;
mod reference;
mod rollup;
mod scoring;

pub use baseline::{
    Baseline, ContextFigure, MAX_WEIGHT, MIN_WEIGHT, MeasuredRate, MeasuredReference, Origin, Rule,
    RuleLevel, Source, Strength,
};
pub use error::{BaselineError, Location};
pub use reference::{ReferenceProvenance, measure, sha256_hex, write_reference};
pub use rollup::{ROLLUP_RULE, by_name, roll_up};
pub use scoring::{DomainScore, SCORING_VERSION, score_domain, score_domain_detailed};

#[cfg(test)]
mod finite_tests;
#[cfg(test)]
mod rollup_tests;
#[cfg(test)]
mod tests;
