//! Top fixes: for each ruled check, the portfolio score if it passed everywhere it warns or
//! fails, computed by re-scoring, with how far the gain can be trusted.

use govscan_model::{DomainFix, DomainView, GainBound, Message, Status, TopFix, Verdict};

use crate::baseline::Baseline;
use crate::mean::mean_score;
use crate::rollup::{Scored, status_of};
use crate::scoring::{Tallied, difference};

/// For each ruled check: make it pass on every domain where it warns or fails, re-score those
/// domains, and measure the portfolio mean again. The gain is the difference of the two
/// rounded means, so "score + gain = score after" holds for the numbers printed.
pub(crate) fn top_fixes<D: DomainView>(
    scored: &[Scored<'_, D>],
    baseline: &Baseline,
) -> Vec<TopFix> {
    let current: Vec<Option<f64>> = scored.iter().map(Scored::score).collect();
    let before_mean = mean_score(current.iter().flatten().copied());
    let mut fixes: Vec<TopFix> = Vec::new();
    for check in baseline.rules.keys() {
        let mut after_scores = current.clone();
        let mut domains: Vec<DomainFix> = Vec::new();
        let (mut provisional, mut partly_judged) = (0u32, 0u32);
        for (i, s) in scored.iter().enumerate() {
            if !matches!(status_of(s.view, check), Status::Warn | Status::Fail) {
                continue;
            }
            let after = Tallied::of(with_pass(s.view, check), baseline).score_value();
            after_scores[i] = after;
            if s.gap.provisional.is_some() {
                provisional += 1;
            } else if s.gap.coverage < 1.0 {
                partly_judged += 1;
            }
            domains.push(DomainFix { index: i, after });
        }
        if domains.is_empty() {
            continue;
        }
        let after_mean = mean_score(after_scores.iter().flatten().copied());
        let gain = match (before_mean, after_mean) {
            (Some(b), Some(a)) => difference(a, b),
            (None, Some(a)) => a,
            _ => 0.0,
        };
        if gain <= 0.0 {
            continue;
        }
        let gap = |d: &DomainFix| scored.get(d.index).map(|s| s.gap);
        let gain_of =
            |d: &DomainFix| d.after.unwrap_or(0.0) - gap(d).and_then(|g| g.score).unwrap_or(0.0);
        let name_of = |d: &DomainFix| gap(d).map(|g| g.domain.as_str());
        domains.sort_by(|a, b| {
            gain_of(b)
                .total_cmp(&gain_of(a))
                .then_with(|| name_of(a).cmp(&name_of(b)))
        });
        // Every fix's list is kept for the whole report: no spare capacity.
        domains.shrink_to_fit();
        fixes.push(TopFix {
            check: check.clone(),
            gain,
            portfolio_after: after_mean,
            bound: if partly_judged > 0 {
                GainBound::Uncertain
            } else if provisional > 0 {
                GainBound::AtLeast
            } else {
                GainBound::Exact
            },
            domains_not_fully_judged: provisional + partly_judged,
            domains,
        });
    }
    fixes.sort_by(|a, b| {
        b.gain
            .total_cmp(&a.gain)
            .then_with(|| a.check.cmp(&b.check))
    });
    fixes
}

/// The domain's verdicts with `check` replaced by a pass.
fn with_pass<'a>(
    d: &'a impl DomainView,
    check: &'a str,
) -> impl Iterator<Item = Verdict<'a>> + Clone + 'a {
    d.verdicts().map(move |v| {
        if v.check == check {
            Verdict {
                check,
                status: Status::Pass,
                finding: "what_if_fixed",
                message: Message::whole("assumed fixed"),
            }
        } else {
            v
        }
    })
}
