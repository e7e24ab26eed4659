//! The paragraph a minister can read aloud, built as a list of facts, each with the sentence
//! that says it (`sentences`). Every number in a sentence comes from its fact, and every fact from the
//! roll-ups and the history; the tests recompute the facts from `results.json` independently.

use govscan_model::{GainBound, Rollups};
use serde::Serialize;

use crate::changes::ChangesView;
use crate::input::{PointChange, ReportInput};
use crate::text::{capitalise, day};

/// Unscored domains named one by one in the paragraph; more are counted and listed on the page.
const UNSCORED_NAMED: usize = 3;

/// What one sentence states.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub(crate) enum Fact {
    /// What was checked, when and against what.
    Checked {
        day: String,
        domains: u32,
        organisations: usize,
        baseline: String,
        version: String,
    },
    /// How many could be scored, and why the others could not.
    Scored {
        scored: u32,
        unscored: u32,
        /// (domain, why) for the first few unscored domains.
        unscored_named: Vec<(String, String)>,
    },
    /// The portfolio score and grade.
    Score {
        score: f64,
        grade: String,
        provisional: u32,
        scored: u32,
        /// Domains that could not be scored (the grade is provisional while any is).
        unscored: u32,
    },
    /// No earlier scan.
    FirstScan,
    /// Earlier scans exist, none judged the same way.
    NotCompared { reason: String },
    /// The like-for-like move.
    Change {
        against_day: String,
        before: f64,
        now: f64,
        delta: f64,
        shared: u32,
        added: u32,
        removed: u32,
        scored_once: u32,
    },
    /// A comparable earlier scan, but no domain scored in both.
    NoSharedScores { against_day: String },
    /// The strongest and weakest organisations (ties listed, by name).
    StrongestWeakest {
        strongest: Vec<String>,
        strongest_score: f64,
        weakest: Vec<String>,
        weakest_score: f64,
    },
    /// Every compared organisation has the same score.
    AllOrganisationsEqual { organisations: usize, score: f64 },
    /// Domains with a required check at status fail.
    FailingRequired { domains: u32 },
    /// Status changes since the compared scan.
    Changes { new_problems: usize, fixed: usize },
    /// The best fix.
    TopFix {
        check: String,
        domains: usize,
        gain: f64,
        bound: GainBound,
    },
}

/// A fact and the sentence that says it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Sentence {
    #[serde(flatten)]
    pub(crate) fact: Fact,
    pub(crate) text: String,
}

/// One organisation in the comparison of the paragraph: name and its score as printed.
pub(crate) struct Ranked<'a> {
    pub(crate) name: &'a str,
    pub(crate) score: f64,
}

/// The facts of the paragraph, in reading order.
pub(crate) fn facts(
    input: &ReportInput<'_>,
    change: &PointChange,
    ranked: &[Ranked<'_>],
    changes: &ChangesView,
) -> Vec<Fact> {
    let result = &input.scan.header;
    let rollups = &input.rollups;
    let portfolio = &rollups.portfolio;
    let mut facts = vec![Fact::Checked {
        day: day(&result.started_at),
        domains: portfolio.domains,
        organisations: rollups.organisations.len(),
        baseline: capitalise(&result.baseline.id),
        version: result.baseline.version.clone(),
    }];
    facts.push(Fact::Scored {
        scored: portfolio.domains_scored,
        unscored: portfolio.domains - portfolio.domains_scored,
        unscored_named: unscored(rollups).into_iter().take(UNSCORED_NAMED).collect(),
    });
    let Some(score) = portfolio.score else {
        return facts;
    };
    facts.push(Fact::Score {
        score,
        grade: govscan_score::group_grade(portfolio).to_owned(),
        provisional: portfolio.domains_provisional,
        scored: portfolio.domains_scored,
        unscored: portfolio.domains - portfolio.domains_scored,
    });
    facts.push(match change {
        PointChange::First => Fact::FirstScan,
        PointChange::NotCompared { reason } => Fact::NotCompared {
            reason: reason.clone(),
        },
        PointChange::Compared {
            against_started_at,
            comparison: c,
            ..
        } => match (c.before, c.now, c.delta) {
            (Some(before), Some(now), Some(delta)) => Fact::Change {
                against_day: day(against_started_at),
                before,
                now,
                delta,
                shared: c.shared,
                added: c.added,
                removed: c.removed,
                scored_once: c.scored_once,
            },
            _ => Fact::NoSharedScores {
                against_day: day(against_started_at),
            },
        },
    });
    if changes.has_previous {
        facts.push(Fact::Changes {
            new_problems: changes.new_failure_count,
            fixed: changes.fixed_count,
        });
    }
    if ranked.len() > 1 {
        let best = ranked.iter().map(|r| r.score).fold(f64::MIN, f64::max);
        let worst = ranked.iter().map(|r| r.score).fold(f64::MAX, f64::min);
        let named = |s: f64| -> Vec<String> {
            let mut names: Vec<String> = ranked
                .iter()
                .filter(|r| r.score == s)
                .map(|r| r.name.to_owned())
                .collect();
            names.sort();
            names
        };
        facts.push(if best == worst {
            Fact::AllOrganisationsEqual {
                organisations: ranked.len(),
                score: best,
            }
        } else {
            Fact::StrongestWeakest {
                strongest: named(best),
                strongest_score: best,
                weakest: named(worst),
                weakest_score: worst,
            }
        });
    }
    facts.push(Fact::FailingRequired {
        domains: portfolio.domains_failing_required,
    });
    if let Some(fix) = rollups.top_fixes.first() {
        facts.push(Fact::TopFix {
            check: fix.check.clone(),
            domains: fix.domains.len(),
            gain: fix.gain,
            bound: fix.bound,
        });
    }
    facts
}

/// (domain, why) of every domain without a score, in scan order.
pub(crate) fn unscored(rollups: &Rollups) -> Vec<(String, String)> {
    rollups
        .domains
        .iter()
        .filter(|d| d.score.is_none())
        .map(|d| {
            (
                d.domain.clone(),
                d.not_scored
                    .clone()
                    .unwrap_or_else(|| "nothing could be judged".to_owned()),
            )
        })
        .collect()
}
