//! Baselines (load, validate) and scoring (points, family sub-scores, coverage, grades).

mod baseline;
mod error;
mod scoring;

pub use baseline::{
    Baseline, ContextFigure, MeasuredRate, MeasuredReference, Origin, Rule, RuleLevel, Source,
    Strength,
};
pub use error::{BaselineError, Location};
pub use scoring::{DomainScore, SCORING_VERSION, score_domain, score_domain_detailed};

#[cfg(test)]
mod tests;
