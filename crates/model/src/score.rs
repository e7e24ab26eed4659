//! Scores: points per domain and per family, with the coverage that qualifies them.

use schemars::JsonSchema;
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
    /// Why the score and grade are provisional (a required check was not judged, or coverage
    /// is below the floor), `None` when they rest on everything the baseline asks. A
    /// provisional score counts every check not judged as not met, and its grade is never A
    /// or A+ (`docs/scoring.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisional: Option<String>,
}

/// A family sub-score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FamilyScore {
    /// The family.
    pub family: Family,
    /// 0–100 over the family's checks that ran; `null` when none ran.
    #[schemars(range(min = 0, max = 100))]
    pub score: Option<f64>,
    /// Share (0–1) of the family's weight whose checks could be judged.
    #[schemars(range(min = 0, max = 1))]
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
    /// The domain with the lowest score; on a tie, the first by name.
    #[serde(default)]
    pub worst_domain: Option<String>,
    /// Its score.
    #[serde(default)]
    pub worst_score: Option<f64>,
    /// How many other domains of the group have the same (lowest) score.
    #[serde(default)]
    pub worst_ties: u32,
    /// Mean coverage over all domains of the group (a domain with no score counts 0).
    #[serde(default)]
    pub coverage: f64,
    /// Domains in the group.
    #[serde(default)]
    pub domains: u32,
    /// Domains in the group that have a score.
    #[serde(default)]
    pub domains_scored: u32,
    /// Scored domains whose score is provisional (a required check not judged, or coverage
    /// below the floor).
    #[serde(default)]
    pub domains_provisional: u32,
    /// Domains with at least one required check at status fail, whatever their grade.
    #[serde(default)]
    pub domains_failing_required: u32,
    /// Domains of the group not scanned at their owners' request (`--exclude`). They are among
    /// `domains` and not among `domains_scored` (nothing of them was judged, so the group's
    /// grade stays provisional, as for any unscored domain); the report names them apart.
    #[serde(default)]
    pub domains_excluded: u32,
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
    /// Its grade under the baseline.
    #[serde(default)]
    pub grade: String,
    /// Why its score is provisional, if it is.
    #[serde(default)]
    pub provisional: Option<String>,
    /// Required checks at status fail.
    #[serde(default)]
    pub failed_required: Vec<String>,
    /// Required checks that could not be judged (inconclusive or no outcome).
    #[serde(default)]
    pub unjudged_required: Vec<String>,
    /// Why there is no score, when there is none.
    #[serde(default)]
    pub not_scored: Option<String>,
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
    /// How the rule's source words the point (`must`, `should`, `may`): not the level.
    #[serde(default)]
    pub strength: String,
    /// Where the source comes from: `estonia` or `external`.
    #[serde(default)]
    pub origin: String,
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
    /// Portfolio score points gained: the rounded score after minus the rounded score before.
    pub gain: f64,
    /// The portfolio score after the fix.
    #[serde(default)]
    pub portfolio_after: Option<f64>,
    /// How far the gain can be trusted (see [`GainBound`]).
    #[serde(default)]
    pub bound: GainBound,
    /// Domains of the fix with checks that could not be judged.
    #[serde(default)]
    pub domains_not_fully_judged: u32,
    /// The domains to fix, largest individual gain first.
    pub domains: Vec<DomainFix>,
}

/// One domain's part of a fix. The domain is named by its place in [`Rollups::domains`] (whose
/// entry has its name and its score now), not by a copy of its name: a fix of a 100,000-domain
/// portfolio may list most of them, and every fix is kept for the whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainFix {
    /// The domain's index in [`Rollups::domains`].
    pub index: usize,
    /// Its score with the check passing.
    #[serde(default)]
    pub after: Option<f64>,
}

impl Rollups {
    /// The domain a fix lists (its entry in [`Rollups::domains`]).
    pub fn fix_domain(&self, fix: &DomainFix) -> Option<&DomainGap> {
        self.domains.get(fix.index)
    }
}

/// How far a fix's gain can be trusted. Every gain assumes nothing else changes on the servers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GainBound {
    /// Every domain of the fix was fully judged: the re-score is the gain.
    #[default]
    Exact,
    /// Some domains are provisional (checks not judged count as not met): checks that the fix
    /// lets be judged can only add, so the gain is a floor.
    AtLeast,
    /// Some fully scored domains have checks that could not be judged; the fix may let them be
    /// judged either way, so the gain may be higher or lower.
    Uncertain,
}
