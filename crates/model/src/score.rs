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

/// Scores rolled up from domains to organisations and the whole portfolio, with the comparison
/// to the baseline (gap to full compliance, our pass share beside the reference's) and the
/// fixes that would raise the portfolio score most. Computed by `govscan_score::roll_up`;
/// the rule is written in `docs/scoring.md`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rollups {
    /// The roll-up rule in one sentence, as applied.
    #[serde(default)]
    pub rule: String,
    /// Every domain of the portfolio.
    #[serde(default)]
    pub portfolio: GroupScore,
    /// One entry per organisation, in portfolio order.
    #[serde(default)]
    pub organisations: Vec<OrganisationScore>,
    /// Per domain: score and gap, in scan order.
    #[serde(default)]
    pub domains: Vec<DomainGap>,
    /// Per family over the portfolio, in report order.
    #[serde(default)]
    pub families: Vec<FamilyComparison>,
    /// Per ruled check over the portfolio: our counts and share beside the reference's.
    #[serde(default)]
    pub checks: Vec<CheckComparison>,
    /// Checks that, fixed on the domains where they warn or fail, raise the portfolio score
    /// most; best first, only fixes that gain something.
    #[serde(default)]
    pub top_fixes: Vec<TopFix>,
}

/// Scores of a group of domains (an organisation, its subtree, or the portfolio).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    /// Mean of the domain scores (each scored domain weighs the same); `None` when no domain
    /// has a score.
    #[serde(default)]
    pub score: Option<f64>,
    /// 100 − score: the distance to full compliance.
    #[serde(default)]
    pub gap: Option<f64>,
    /// The domain with the lowest score (first in scan order on a tie).
    #[serde(default)]
    pub worst_domain: Option<String>,
    /// Its score.
    #[serde(default)]
    pub worst_score: Option<f64>,
    /// Mean coverage over all domains of the group (a domain with no score counts 0).
    #[serde(default)]
    pub coverage: f64,
    /// Domains in the group.
    #[serde(default)]
    pub domains: u32,
    /// Domains in the group that have a score.
    #[serde(default)]
    pub domains_scored: u32,
}

/// An organisation's roll-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationScore {
    /// Organisation name.
    pub name: String,
    /// Its kind.
    pub kind: crate::OrgKind,
    /// Its parent, by name.
    #[serde(default)]
    pub parent: Option<String>,
    /// Over the organisation's own domains.
    pub own: GroupScore,
    /// Over its own domains and those of every organisation below it (a ministry and its
    /// agencies).
    pub with_children: GroupScore,
    /// Per ruled check over `with_children`: passes among judged domains.
    #[serde(default)]
    pub checks: Vec<CheckShare>,
}

/// Passes among judged domains for one check within a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckShare {
    /// Check id.
    pub check: String,
    /// Domains that passed.
    pub pass: u32,
    /// Domains judged (pass, warn or fail).
    pub judged: u32,
    /// pass ÷ judged; `None` when nothing was judged.
    #[serde(default)]
    pub share: Option<f64>,
}

/// One domain's distance to full compliance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainGap {
    /// The domain.
    pub domain: String,
    /// Owning organisation.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Its score.
    #[serde(default)]
    pub score: Option<f64>,
    /// 100 − score.
    #[serde(default)]
    pub gap: Option<f64>,
    /// Its coverage.
    #[serde(default)]
    pub coverage: f64,
}

/// A family over the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyComparison {
    /// The family.
    pub family: Family,
    /// Mean of the domains' family sub-scores.
    #[serde(default)]
    pub score: Option<f64>,
    /// 100 − score.
    #[serde(default)]
    pub gap: Option<f64>,
    /// Mean family coverage over the domains where the family was scored.
    #[serde(default)]
    pub coverage: f64,
    /// Domains with a family sub-score.
    #[serde(default)]
    pub domains_scored: u32,
}

/// One ruled check over the portfolio, beside the baseline's measured reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckComparison {
    /// Check id.
    pub check: String,
    /// The rule's level (`required`, `recommended`, `optional`).
    pub level: String,
    /// The rule's weight.
    pub weight: f64,
    /// Domains that passed.
    pub pass: u32,
    /// Domains that warned.
    pub warn: u32,
    /// Domains that failed.
    pub fail: u32,
    /// Domains where it could not be judged (or gave no outcome).
    pub inconclusive: u32,
    /// pass ÷ (pass + warn + fail); `None` when nothing was judged.
    #[serde(default)]
    pub share: Option<f64>,
    /// The reference's share (e.g. of Estonian government domains), when the baseline has one.
    #[serde(default)]
    pub reference_share: Option<f64>,
    /// How many reference domains that share is over.
    #[serde(default)]
    pub reference_n: Option<u32>,
}

/// A fix: one check made to pass on the domains where it warns or fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopFix {
    /// Check id.
    pub check: String,
    /// Portfolio score points gained (re-scored exactly, rounded to 0.1).
    pub gain: f64,
    /// The portfolio score after the fix.
    #[serde(default)]
    pub portfolio_after: Option<f64>,
    /// The domains to fix, largest individual gain first.
    pub domains: Vec<DomainFix>,
}

/// One domain's part of a fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainFix {
    /// The domain.
    pub domain: String,
    /// Its score now.
    #[serde(default)]
    pub before: Option<f64>,
    /// Its score with the check passing.
    #[serde(default)]
    pub after: Option<f64>,
}
