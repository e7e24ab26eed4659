//! The fixes that would raise the overall score most, in plain words, each saying how far its
//! gain can be trusted: exact (if nothing else changes), a floor, or uncertain.

use govscan_model::{CheckCatalog, GainBound, Rollups, TopFix};
use serde::Serialize;

use crate::links::Links;
use crate::plain::plain_words;
use crate::text::score_text;

/// Fixes shown on the dashboard.
pub(crate) const TOP_FIXES: usize = 5;

/// Domains named under one fix on the dashboard; a minister reads a short list, and a
/// 10,000-domain portfolio would otherwise put every domain on the page five times.
const FIX_DOMAINS_SHOWN: usize = 12;

/// A fix in plain words.
#[derive(Debug, Serialize)]
pub(crate) struct FixView {
    pub(crate) rank: usize,
    pub(crate) check: String,
    pub(crate) title: String,
    /// What the check means, in plain words.
    pub(crate) plain: String,
    /// The gain as printed ("2.3").
    pub(crate) gain: String,
    /// The gain with its qualifier ("2.3 points", "at least 2.3 points", "about 2.3 points").
    pub(crate) gain_words: String,
    pub(crate) bound: GainBound,
    pub(crate) before: String,
    pub(crate) after: String,
    /// The sentence saying what the gain assumes.
    pub(crate) caveat: String,
    /// The first sentence of the remediation, for the technical team.
    pub(crate) how: String,
    pub(crate) domain_count: usize,
    /// The domains that gain most, at most [`FIX_DOMAINS_SHOWN`].
    pub(crate) domains: Vec<LinkView>,
    /// How many more domains the fix applies to than are listed (the domain table and the
    /// detail pages have them all).
    pub(crate) more_domains: usize,
}

/// A link with its text.
#[derive(Debug, Serialize)]
pub(crate) struct LinkView {
    pub(crate) text: String,
    pub(crate) href: String,
}

/// The best fixes of the roll-ups, as the dashboard shows them.
pub(crate) fn fixes(rollups: &Rollups, checks: &CheckCatalog, links: &Links) -> Vec<FixView> {
    let before = rollups.portfolio.score;
    rollups
        .top_fixes
        .iter()
        .take(TOP_FIXES)
        .enumerate()
        .map(|(i, fix)| {
            let meta = checks.find(&fix.check);
            let title = meta.map_or_else(|| fix.check.clone(), |m| m.title.to_owned());
            FixView {
                rank: i + 1,
                check: fix.check.clone(),
                plain: plain_words(&fix.check).map_or_else(|| title.clone(), str::to_owned),
                title,
                gain: format!("{:.1}", fix.gain),
                gain_words: gain_words(fix),
                bound: fix.bound,
                before: score_text(before),
                after: match fix.bound {
                    GainBound::Exact => score_text(fix.portfolio_after),
                    GainBound::AtLeast => format!("at least {}", score_text(fix.portfolio_after)),
                    GainBound::Uncertain => format!("about {}", score_text(fix.portfolio_after)),
                },
                caveat: caveat(fix),
                how: meta
                    .map(|m| first_sentence(m.remediation))
                    .unwrap_or_default(),
                domain_count: fix.domains.len(),
                more_domains: fix.domains.len().saturating_sub(FIX_DOMAINS_SHOWN),
                domains: fix
                    .domains
                    .iter()
                    .take(FIX_DOMAINS_SHOWN)
                    .filter_map(|d| rollups.fix_domain(d))
                    .map(|d| LinkView {
                        text: d.domain.clone(),
                        href: links.domain(&d.domain).unwrap_or_default().to_owned(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// "2.3 points", "at least 2.3 points", "about 2.3 points".
pub(crate) fn gain_words(fix: &TopFix) -> String {
    let points = crate::moves::points(fix.gain);
    match fix.bound {
        GainBound::Exact => points,
        GainBound::AtLeast => format!("at least {points}"),
        GainBound::Uncertain => format!("about {points}"),
    }
}

/// What the gain assumes, in one sentence.
fn caveat(fix: &TopFix) -> String {
    let n = fix.domains_not_fully_judged;
    let has = if n == 1 { "has" } else { "have" };
    match fix.bound {
        GainBound::Exact => "This assumes nothing else changes on the servers.".to_owned(),
        GainBound::AtLeast => format!(
            "A floor: on {n} of these domains, checks that could not be judged count as not \
             met; the fix may let them be judged, which can only add."
        ),
        GainBound::Uncertain => format!(
            "An estimate: {n} of these domains {has} checks that could not be judged, and the \
             fix may let them be judged either way."
        ),
    }
}

/// The first sentence of a text (up to the first ". " that does not end an abbreviation such
/// as "e.g."), without code marks.
pub(crate) fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut end = line.len();
    for (i, _) in line.match_indices(". ") {
        let before = &line[..i];
        if !(before.ends_with("e.g") || before.ends_with("i.e") || before.ends_with("etc")) {
            end = i + 1;
            break;
        }
    }
    let sentence = line[..end].replace('`', "");
    match sentence.strip_suffix(':') {
        Some(stem) => format!("{stem}."),
        None => sentence,
    }
}
