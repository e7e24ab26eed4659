//! The words of the paragraph: one sentence per fact of `summary`, every number in it taken
//! from its fact.

use govscan_model::{CheckCatalog, GainBound, TopFix};

use crate::fixes::gain_words;
use crate::moves::{moved_words, set_change};
use crate::plain::plain_words;
use crate::summary::Fact;
use crate::text::{lower_first, plural, score_text};

/// The sentence of a fact.
pub(crate) fn sentence(fact: &Fact, top_fix: Option<&TopFix>, checks: &CheckCatalog) -> String {
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
                    checks
                        .find(check)
                        .map_or_else(|| check.clone(), |m| m.title.to_owned())
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

/// "a.gov (why), b.gov (why) and 3 more, listed under Could not be scored".
fn reasons(named: &[(String, String)], total: u32) -> String {
    let mut parts: Vec<String> = named
        .iter()
        .map(|(d, why)| format!("{d} ({why})"))
        .collect();
    let more = total as usize - named.len().min(total as usize);
    if more > 0 {
        parts.push(format!("{more} more, listed under Could not be scored"));
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
