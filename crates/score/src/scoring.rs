//! Scoring: credit per check × baseline weight, family sub-scores, coverage, the grade and
//! whether it is provisional.
//!
//! The rules in plain words are in `docs/scoring.md`; `worked_example_from_the_docs` below
//! reproduces the example printed there.

use govscan_model::{Family, FamilyScore, Outcome, Score, Status, Verdict};

use crate::baseline::{Baseline, MAX_WEIGHT, MIN_WEIGHT, RuleLevel};

/// Version of the scoring algorithm, stored with every result; bumped whenever the same
/// outcomes and baseline could give a different score. Version 2: a domain with a required
/// check not judged, or coverage below [`COVERAGE_FLOOR`], is provisional: checks not judged
/// count as not met, and the grade is at most C (a required check not judged) or B (coverage
/// only), never A or A+.
pub const SCORING_VERSION: u32 = 2;

/// The scoring versions whose baseline files this build reads. The file format did not change
/// in version 2 (only how checks not judged count), so a baseline written for 1 still loads.
pub const BASELINE_SCORING_VERSIONS: std::ops::RangeInclusive<u32> = 1..=SCORING_VERSION;

/// Below this coverage (share of the scored weight that was judged) a score is provisional.
pub const COVERAGE_FLOOR: f64 = 0.8;

/// A domain's score plus what was left out of it.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainScore {
    /// The score as stored in results.
    pub score: Score,
    /// Outcomes of checks that have no rule in the baseline (reported, not scored), in input
    /// order.
    pub unruled: Vec<String>,
    /// Rules of the baseline for which no outcome was given (counted as not judged).
    pub missing: Vec<String>,
    /// Required rules whose check has status fail, in baseline order.
    pub failed_required: Vec<String>,
    /// Required rules whose check was not judged (inconclusive or no outcome), in baseline
    /// order.
    pub unjudged_required: Vec<String>,
}

/// Scores one domain's outcomes under a baseline.
pub fn score_domain(outcomes: &[Outcome], baseline: &Baseline) -> Score {
    Tallied::of(outcomes.iter().map(Outcome::verdict), baseline).score()
}

/// Running sums for the whole domain or one family. Every weight added is first brought into
/// [`MIN_WEIGHT`]..=[`MAX_WEIGHT`] (a validated baseline's weights already are; a `Baseline`
/// changed in code may not be), so each sum is at most `MAX_WEIGHT` × the number of rules and
/// `judged`, when not zero, is at least `MIN_WEIGHT`: every quotient below is finite.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Σ credit × weight over judged checks.
    earned: f64,
    /// Σ weight over judged checks (pass, warn, fail).
    judged: f64,
    /// Σ weight over scored checks (judged + inconclusive + missing).
    scored: f64,
    judged_count: u32,
    scored_count: u32,
}

impl Tally {
    fn add(&mut self, weight: f64, credit: Option<f64>) {
        let weight = bounded_weight(weight);
        self.scored += weight;
        self.scored_count += 1;
        if let Some(credit) = credit {
            self.earned += credit * weight;
            self.judged += weight;
            self.judged_count += 1;
        }
    }

    /// 0–100 rounded to one decimal, `None` when nothing was judged. Over the judged weight,
    /// or with `lower_bound` over all scored weight (checks not judged count as not met).
    fn score(&self, lower_bound: bool) -> Option<f64> {
        let over = if lower_bound {
            self.scored
        } else {
            self.judged
        };
        (self.judged > 0.0).then(|| round1((100.0 * self.earned / over).clamp(0.0, 100.0)))
    }

    /// Share of scored weight that was judged; 0 when nothing was scored.
    fn coverage(&self) -> f64 {
        if self.scored > 0.0 {
            (self.judged / self.scored).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// The weight brought into the documented bounds; a weight that is not a number counts as the
/// smallest.
fn bounded_weight(weight: f64) -> f64 {
    if weight.is_nan() {
        MIN_WEIGHT
    } else {
        weight.clamp(MIN_WEIGHT, MAX_WEIGHT)
    }
}

/// How a status counts: `None` = not scored at all, `Some(None)` = scored but not judged,
/// `Some(Some(credit))` = judged.
fn credit(status: Status) -> Option<Option<f64>> {
    match status {
        Status::Pass => Some(Some(1.0)),
        Status::Warn => Some(Some(0.5)),
        Status::Fail => Some(Some(0.0)),
        Status::Inconclusive => Some(None),
        Status::Info | Status::NotApplicable => None,
    }
}

/// Scores one domain and also returns the outcomes that were not scored, the rules that had
/// no outcome, and the required rules that failed or were not judged. When a check has several
/// outcomes, the first one counts.
pub fn score_domain_detailed(outcomes: &[Outcome], baseline: &Baseline) -> DomainScore {
    let tallied = Tallied::of(outcomes.iter().map(Outcome::verdict), baseline);
    let mut unruled: Vec<String> = Vec::new();
    for outcome in outcomes {
        if !baseline.rules.contains_key(&outcome.check) && !unruled.contains(&outcome.check) {
            unruled.push(outcome.check.clone());
        }
    }
    let owned = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
    DomainScore {
        score: tallied.score(),
        unruled,
        missing: owned(&tallied.missing),
        failed_required: owned(&tallied.failed_required),
        unjudged_required: owned(&tallied.unjudged_required),
    }
}

/// What one domain's verdicts come to under a baseline: running sums for the domain and each
/// family, and the rules that had no outcome, failed, warned or were not judged (names borrowed
/// from the baseline, so tallying a domain allocates no string). When a check has several
/// outcomes, the first one counts.
#[derive(Debug, Clone)]
pub(crate) struct Tallied<'b> {
    total: Tally,
    families: Vec<(Family, Tally)>,
    /// Rules of the baseline for which no outcome was given, in baseline order.
    pub(crate) missing: Vec<&'b str>,
    /// Required rules whose check has status fail, in baseline order.
    pub(crate) failed_required: Vec<&'b str>,
    warned_required: Vec<&'b str>,
    /// Required rules whose check was not judged, in baseline order.
    pub(crate) unjudged_required: Vec<&'b str>,
}

impl<'b> Tallied<'b> {
    /// Tallies one domain's verdicts under `baseline`.
    pub(crate) fn of<'a>(
        verdicts: impl Iterator<Item = Verdict<'a>> + Clone,
        baseline: &'b Baseline,
    ) -> Tallied<'b> {
        let mut tallied = Tallied {
            total: Tally::default(),
            families: Vec::new(),
            missing: Vec::new(),
            failed_required: Vec::new(),
            warned_required: Vec::new(),
            unjudged_required: Vec::new(),
        };
        for (check, rule) in &baseline.rules {
            let status = verdicts
                .clone()
                .find(|v| v.check == check)
                .map(|v| v.status);
            let counted = match status {
                Some(status) => credit(status),
                None => {
                    tallied.missing.push(check);
                    Some(None)
                }
            };
            let Some(credit) = counted else {
                continue;
            };
            tallied.total.add(rule.weight, credit);
            if let Some(family) = check
                .split_once('.')
                .and_then(|(p, _)| Family::from_prefix(p))
            {
                match tallied.families.iter_mut().find(|(f, _)| *f == family) {
                    Some((_, tally)) => tally.add(rule.weight, credit),
                    None => {
                        let mut tally = Tally::default();
                        tally.add(rule.weight, credit);
                        tallied.families.push((family, tally));
                    }
                }
            }
            if rule.level == RuleLevel::Required {
                match status {
                    Some(Status::Fail) => tallied.failed_required.push(check),
                    Some(Status::Warn) => tallied.warned_required.push(check),
                    // Inconclusive or no outcome: not judged (n/a and info are not scored).
                    Some(Status::Inconclusive) | None => tallied.unjudged_required.push(check),
                    Some(Status::Pass | Status::Info | Status::NotApplicable) => {}
                }
            }
        }
        tallied
    }

    /// Whether checks not judged count as not met: a required check not judged, or coverage
    /// below the floor (when [`provisional_reason`] gives a reason).
    fn lower_bound(&self) -> bool {
        !self.unjudged_required.is_empty()
            || (self.total.scored > 0.0 && self.total.coverage() < COVERAGE_FLOOR)
    }

    /// 0–100 rounded to one decimal; `None` when nothing was judged.
    pub(crate) fn score_value(&self) -> Option<f64> {
        self.total.score(self.lower_bound())
    }

    /// Share of the scored weight that was judged.
    pub(crate) fn coverage(&self) -> f64 {
        self.total.coverage()
    }

    /// Whether the score is provisional: what [`Tallied::provisional`] gives a reason for.
    pub(crate) fn is_provisional(&self) -> bool {
        self.score_value().is_some() && self.lower_bound()
    }

    /// Why the score is provisional; `None` when it is firm or there is no score (without any
    /// score there is nothing provisional: the domain is not scored).
    pub(crate) fn provisional(&self) -> Option<String> {
        self.score_value()
            .and_then(|_| provisional_reason(&self.total, &self.unjudged_required))
    }

    /// The grade and why it was capped, if it was.
    pub(crate) fn grade(&self) -> (String, Option<String>) {
        grade(
            self.score_value(),
            &self.failed_required,
            &self.warned_required,
            &self.unjudged_required,
            provisional_reason(&self.total, &self.unjudged_required).as_deref(),
        )
    }

    /// The family sub-scores, in [`Family::ALL`] order.
    pub(crate) fn families(&self) -> Vec<FamilyScore> {
        let lower_bound = self.lower_bound();
        Family::ALL
            .into_iter()
            .filter_map(|family| {
                let (_, tally) = self.families.iter().find(|(f, _)| *f == family)?;
                Some(FamilyScore {
                    family,
                    score: tally.score(lower_bound),
                    coverage: tally.coverage(),
                    checks_judged: tally.judged_count,
                    checks_total: tally.scored_count,
                })
            })
            .collect()
    }

    /// The score as stored in results.
    pub(crate) fn score(&self) -> Score {
        let (grade, cap) = self.grade();
        Score {
            score: self.score_value(),
            grade,
            cap,
            coverage: self.coverage(),
            families: self.families(),
            provisional: self.provisional(),
        }
    }
}

/// Why a score is provisional: required checks not judged, or coverage below the floor.
fn provisional_reason(total: &Tally, unjudged_required: &[&str]) -> Option<String> {
    let mut reasons = Vec::new();
    match unjudged_required {
        [] => {}
        [one] => reasons.push(format!("1 required check could not be judged ({one})")),
        many => reasons.push(format!(
            "{} required checks could not be judged ({})",
            many.len(),
            many.join(", ")
        )),
    }
    let coverage = total.coverage();
    if total.scored > 0.0 && coverage < COVERAGE_FLOOR {
        reasons.push(format!(
            "coverage {} % is below the {:.0} % floor",
            // Rounded down like every percentage in the reports, so a coverage just under the
            // floor never reads as the floor itself.
            (coverage * 100.0 + 1e-9).floor(),
            COVERAGE_FLOOR * 100.0
        ));
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The letter for a score, and why it was capped below what the points give, if it was.
/// A provisional grade is a floor like its score: a required check not judged might fail,
/// and a failed one caps at C, so it caps at C too; a coverage below the floor alone keeps
/// A and A+ away. Either way, judging what was not judged can only raise the grade.
fn grade(
    score: Option<f64>,
    failed_required: &[&str],
    warned_required: &[&str],
    unjudged_required: &[&str],
    provisional: Option<&str>,
) -> (String, Option<String>) {
    let Some(score) = score else {
        return ("?".to_owned(), None);
    };
    let by_points = letter(score);
    if !failed_required.is_empty() && rank(by_points) < rank("C") {
        let reason = format!("required check failed: {}", failed_required.join(", "));
        return ("C".to_owned(), Some(reason));
    }
    if !unjudged_required.is_empty() && rank(by_points) < rank("C") {
        let reason = format!(
            "a required check that could not be judged may fail, and a failed one caps the \
             grade at C: {}",
            unjudged_required.join(", ")
        );
        return ("C".to_owned(), Some(reason));
    }
    if let Some(why) = provisional
        && rank(by_points) < rank("B")
    {
        let reason = format!("a provisional grade is never A or A+: {why}");
        return ("B".to_owned(), Some(reason));
    }
    if by_points == "A+" && !warned_required.is_empty() {
        let reason = format!(
            "A+ needs no warning on required checks; warned: {}",
            warned_required.join(", ")
        );
        return ("A".to_owned(), Some(reason));
    }
    (by_points.to_owned(), None)
}

/// The letter the points alone give.
pub fn letter(score: f64) -> &'static str {
    match score {
        s if s >= 95.0 => "A+",
        s if s >= 90.0 => "A",
        s if s >= 80.0 => "B",
        s if s >= 70.0 => "C",
        s if s >= 60.0 => "D",
        s if s >= 50.0 => "E",
        _ => "F",
    }
}

/// Order of grades, best first.
const GRADES: [&str; 7] = ["A+", "A", "B", "C", "D", "E", "F"];

fn rank(grade: &str) -> usize {
    GRADES
        .iter()
        .position(|g| *g == grade)
        .unwrap_or(GRADES.len())
}

/// Rounds to one decimal: the one rounding every score and mean gets, once
/// (`docs/scoring.md`, "Rounding").
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `a − b` for two scores already rounded to one decimal, computed in tenths so that the
/// difference printed is exactly the difference of the numbers printed.
pub fn difference(a: f64, b: f64) -> f64 {
    let tenths = |x: f64| (x * 10.0).round() as i64;
    (tenths(a) - tenths(b)) as f64 / 10.0
}
