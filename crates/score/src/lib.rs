//! Baselines (load, validate, derive the measured reference), scoring (points, family
//! sub-scores, coverage, grades, provisional scores), roll-ups (organisations, portfolio, top
//! fixes) and like-for-like comparisons of two scans.

mod baseline;
mod cause;
mod compare;
mod counts;
pub mod diff;
mod domain;
mod error;
mod fixes;
mod light_diff;
mod mean;
mod reference;
mod rescore;
mod rollup;
mod scoring;

pub use baseline::{
    Baseline, ContextFigure, MAX_WEIGHT, MIN_WEIGHT, MeasuredRate, MeasuredReference, Origin, Rule,
    RuleLevel, Source, Strength,
};
pub use compare::{Basis, Comparison, compare_scans, like_for_like};
pub use counts::{counts_phrase, counts_text, owners, unscored_split};
pub use diff::{
    CheckChange, DiffBuilder, DiffCounts, DomainPresence, MoveCause, ScanDiff, ScanIdentity,
    ScoreMove, diff_scans,
};
pub use domain::scored_domain;
pub use error::{BaselineError, Location};
pub use light_diff::{ScanSide, diff_light};
pub use mean::mean_score;
pub use reference::{ReferenceProvenance, measure, sha256_hex, write_reference};
pub use rescore::{Rescored, rescore};
pub use rollup::{
    ROLLUP_RULE, by_name, grade_for, group_grade, level_name, not_fully_seen, roll_up,
};
pub use scoring::{
    BASELINE_SCORING_VERSIONS, COVERAGE_FLOOR, DomainScore, SCORING_VERSION, difference, letter,
    round1, score_domain, score_domain_detailed,
};

#[cfg(test)]
mod compare_tests;
#[cfg(test)]
mod finite_tests;
#[cfg(test)]
mod rollup_tests;
#[cfg(test)]
mod tests;
