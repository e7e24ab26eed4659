//! The paragraph a minister can read aloud, built as a list of facts, each with the sentence
//! that says it. Every number in a sentence comes from its fact, and every fact from the
//! roll-ups and the history; the tests recompute the facts from `results.json` independently.

use govscan_model::{GainBound, Rollups, TopFix};
use serde::Serialize;

use crate::changes::ChangesView;
use crate::fixes::gain_words;
use crate::input::{PointChange, ReportInput};
use crate::moves::{moved_words, set_change};
use crate::plain::plain_words;
use crate::text::{capitalise, day, lower_first, plural, score_text};

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
    let result = input.result;
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

/// The sentence of a fact.
pub(crate) fn sentence(fact: &Fact, top_fix: Option<&TopFix>) -> String {
    match fact {
        Fact::Checked {
            day,
            domains,
            organisations,
            baseline,
            version,
        } => {
            let of = match organisations {
                0 => String::new(),
                n => format!(" of {}", plural(*n, "organisation", "organisations")),
            };
            format!(
                "On {day} govscan checked {}{of} against the {baseline} security baseline \
                 (version {version}).",
                plural(*domains as usize, "internet domain", "internet domains")
            )
        }
        Fact::Scored {
            scored,
            unscored,
            unscored_named,
        } => scored_sentence(*scored, *unscored, unscored_named),
        Fact::Score {
            score,
            grade,
            provisional,
            scored,
            unscored,
        } => {
            let together = if *scored == 1 {
                "It scores"
            } else {
                "Together they score"
            };
            let mut text = format!(
                "{together} {} out of 100, grade {grade}",
                score_text(Some(*score))
            );
            match (*provisional, *unscored) {
                (0, 0) => {}
                (0, u) => text.push_str(&format!(
                    " (provisional, since {} could not be scored)",
                    plural(u as usize, "domain", "domains")
                )),
                (p, _) => text.push_str(&format!(
                    " (provisional: {p} of the {scored} could not be fully checked, and what \
                     could not be checked counts as not met)"
                )),
            }
            text.push('.');
            text
        }
        Fact::FirstScan => "There is no earlier scan to compare it with.".to_owned(),
        Fact::NotCompared { reason } => format!("It is not compared with earlier scans: {reason}."),
        Fact::Change {
            against_day,
            before,
            now,
            delta,
            shared,
            added,
            removed,
            scored_once,
        } => {
            let moved = moved_words(*delta);
            if *added == 0 && *removed == 0 && *scored_once == 0 {
                format!(
                    "That is {moved} since the previous comparable scan, of {against_day} \
                     ({} then).",
                    score_text(Some(*before))
                )
            } else {
                let c = govscan_score::Comparison {
                    shared: *shared,
                    added: *added,
                    removed: *removed,
                    scored_once: *scored_once,
                    before: Some(*before),
                    now: Some(*now),
                    delta: Some(*delta),
                };
                format!(
                    "Compared like for like with the scan of {against_day}, the {} scored in \
                     both went from {} to {}, {moved} ({}).",
                    plural(*shared as usize, "domain", "domains"),
                    score_text(Some(*before)),
                    score_text(Some(*now)),
                    set_change(&c)
                )
            }
        }
        Fact::NoSharedScores { against_day } => format!(
            "No domain was scored both in this scan and in the scan of {against_day}, so there \
             is no like-for-like comparison."
        ),
        Fact::StrongestWeakest {
            strongest,
            strongest_score,
            weakest,
            weakest_score,
        } => format!(
            "The strongest {} {} ({}); the weakest {} {} ({}).",
            if strongest.len() == 1 { "is" } else { "are" },
            names(strongest),
            each(*strongest_score, strongest.len()),
            if weakest.len() == 1 { "is" } else { "are" },
            names(weakest),
            each(*weakest_score, weakest.len()),
        ),
        Fact::AllOrganisationsEqual {
            organisations,
            score,
        } => format!(
            "All {organisations} organisations compared score the same, {}.",
            score_text(Some(*score))
        ),
        Fact::FailingRequired { domains } => match domains {
            0 => "No domain fails a required rule.".to_owned(),
            1 => "One domain fails a required rule, so its grade is at most C.".to_owned(),
            n => format!("{n} domains fail a required rule, so their grades are at most C."),
        },
        Fact::Changes {
            new_problems,
            fixed,
        } => format!(
            "Since then {} appeared and {} fixed.",
            plural(*new_problems, "new problem", "new problems"),
            match fixed {
                0 => "none was".to_owned(),
                1 => "1 was".to_owned(),
                n => format!("{n} were"),
            }
        ),
        Fact::TopFix { check, domains, .. } => {
            let what = plain_words(check).map_or_else(
                || {
                    govscan_checks::find(check)
                        .map_or_else(|| check.clone(), |c| c.meta().title.to_owned())
                },
                |p| p.trim_end_matches('.').to_owned(),
            );
            format!(
                "The most useful single fix is to make sure, on {}, that {}: it is worth {} \
                 to the overall score{}.",
                plural(*domains, "domain", "domains"),
                lower_first(&what),
                top_fix.map_or_else(String::new, gain_words),
                match top_fix.map(|f| f.bound) {
                    Some(GainBound::Exact) | None => ", if nothing else changes",
                    Some(GainBound::AtLeast) =>
                        " (a floor: checks that could not be judged count as not met)",
                    Some(GainBound::Uncertain) =>
                        " (an estimate: some checks could not be judged and may go either way)",
                }
            )
        }
    }
}

fn scored_sentence(scored: u32, unscored: u32, named: &[(String, String)]) -> String {
    match (scored, unscored) {
        (_, 0) if scored == 1 => "It could be scored.".to_owned(),
        (_, 0) => format!("All {scored} could be scored."),
        (0, _) => format!(
            "None of them could be scored: {}.",
            reasons(named, unscored)
        ),
        _ => format!(
            "{scored} could be scored; {unscored} could not: {}.",
            reasons(named, unscored)
        ),
    }
}

/// "a.gov (why), b.gov (why) and 3 more, listed under Every domain".
fn reasons(named: &[(String, String)], total: u32) -> String {
    let mut parts: Vec<String> = named
        .iter()
        .map(|(d, why)| format!("{d} ({why})"))
        .collect();
    let more = total as usize - named.len().min(total as usize);
    if more > 0 {
        parts.push(format!("{more} more, listed under Every domain"));
    }
    names(&parts)
}

/// "a", "a and b", "a, b and c".
fn names(list: &[String]) -> String {
    match list {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "55.0" or "55.0 each".
fn each(score: f64, n: usize) -> String {
    if n == 1 {
        score_text(Some(score))
    } else {
        format!("{} each", score_text(Some(score)))
    }
}
