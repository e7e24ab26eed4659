//! Scores: points per domain and per family, with the coverage that qualifies them.

use serde::{Deserialize, Serialize};

use crate::Family;

/// A domain's score under one baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// 0–100 over the checks that ran; `None` when no scored check could be judged.
    pub score: Option<f64>,
    /// Letter grade (A+ … F), or `?` when there is no score.
    pub grade: String,
    /// Why the grade was capped below what the points give, if it was.
    pub cap: Option<String>,
    /// Share (0–1) of the baseline's weight whose checks could be judged.
    pub coverage: f64,
    /// Per-family sub-scores.
    pub families: Vec<FamilyScore>,
}

/// A family sub-score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyScore {
    /// The family.
    pub family: Family,
    /// 0–100 over the family's checks that ran; `None` when none ran.
    pub score: Option<f64>,
    /// Share (0–1) of the family's weight whose checks could be judged.
    pub coverage: f64,
    /// Scored checks judged.
    pub checks_judged: u32,
    /// Scored checks in the baseline for this family.
    pub checks_total: u32,
}
