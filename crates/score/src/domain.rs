//! The one place a `DomainResult` is assembled from a domain's outcomes: scored under a
//! baseline, so that the score, grade, cap, coverage, family scores and provisional mark always
//! come from the same `score_domain` call as the outcomes they describe.

use govscan_model::{DomainResult, Observations, Outcome};

use crate::{Baseline, score_domain};

/// A domain's result: `outcomes` (every check's verdict on `observations`) scored under
/// `baseline`. `govscan::judge_domain` runs the checks and calls this; tests that hand-build
/// outcomes call it directly.
pub fn scored_domain(
    domain: String,
    organisation: Option<String>,
    outcomes: Vec<Outcome>,
    observations: Observations,
    baseline: &Baseline,
) -> DomainResult {
    let score = score_domain(&outcomes, baseline);
    DomainResult {
        domain,
        organisation,
        score: score.score,
        grade: score.grade,
        grade_cap: score.cap,
        coverage: score.coverage,
        families: score.families,
        provisional: score.provisional,
        outcomes,
        observations,
    }
}
