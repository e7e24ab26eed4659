//! Judging one domain: every check of the set over its observations, then the score under the
//! baseline. `scan`, `rescore` and `demo` all judge through [`judge_domain`], so a stored scan
//! rescored under the same baseline gives the same result as the scan did.

use govscan_checks::{CheckSet, Context};
use govscan_model::{DomainResult, Observations};
use govscan_score::{Baseline, scored_domain};

/// Runs every check of `checks` on `observations` (judged at `context`) and scores the
/// outcomes under `baseline`.
pub fn judge_domain(
    domain: String,
    organisation: Option<String>,
    observations: Observations,
    checks: &CheckSet,
    baseline: &Baseline,
    context: &Context,
) -> DomainResult {
    let outcomes = checks.evaluate_all(&observations, context);
    scored_domain(domain, organisation, outcomes, observations, baseline)
}
