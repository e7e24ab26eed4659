//! The scan result: what `results.json` holds (documented in `docs/results-format.md`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{FamilyScore, Observations, Organisation, Outcome};

/// Version of the `results.json` layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Which baseline judged a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineRef {
    /// Baseline id, e.g. `estonia`.
    pub id: String,
    /// Baseline version, e.g. `2026.1`.
    pub version: String,
    /// SHA-256 of the baseline file's bytes, lower-case hex.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: String,
}

/// A whole scan: what `results.json` holds (`govscan scan --out DIR` writes it; documented in
/// `docs/results-format.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScanResult {
    /// The layout of this file: 1 (bumped on any incompatible change).
    #[schemars(extend("const" = SCHEMA_VERSION))]
    pub schema_version: u32,
    /// The govscan version that wrote it.
    pub govscan_version: String,
    /// The scoring algorithm version (`docs/scoring.md`).
    #[schemars(range(min = 1))]
    pub scoring_version: u32,
    /// Scan start, RFC 3339 UTC.
    #[schemars(extend("format" = "date-time"))]
    pub started_at: String,
    /// Scan end, RFC 3339 UTC.
    #[schemars(extend("format" = "date-time"))]
    pub finished_at: String,
    /// The baseline used.
    pub baseline: BaselineRef,
    /// Organisations of the portfolio.
    pub organisations: Vec<Organisation>,
    /// One entry per domain, in target order.
    pub domains: Vec<DomainResult>,
}

/// Everything about a scan except its domains: what the store writes first, and what a
/// [`crate::LightScan`] keeps of the scan whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanHeader {
    /// `results.json` layout version at write time.
    pub schema_version: u32,
    /// The govscan version that ran the scan.
    pub govscan_version: String,
    /// The scoring algorithm version.
    pub scoring_version: u32,
    /// Scan start, RFC 3339.
    pub started_at: String,
    /// Scan end, RFC 3339.
    pub finished_at: String,
    /// The baseline used.
    pub baseline: BaselineRef,
    /// Organisations of the portfolio.
    pub organisations: Vec<Organisation>,
}

impl ScanHeader {
    /// The whole scan made of this header and `domains`.
    pub fn into_scan(self, domains: Vec<DomainResult>) -> ScanResult {
        ScanResult {
            schema_version: self.schema_version,
            govscan_version: self.govscan_version,
            scoring_version: self.scoring_version,
            started_at: self.started_at,
            finished_at: self.finished_at,
            baseline: self.baseline,
            organisations: self.organisations,
            domains,
        }
    }
}

impl From<&ScanResult> for ScanHeader {
    fn from(scan: &ScanResult) -> Self {
        ScanHeader {
            schema_version: scan.schema_version,
            govscan_version: scan.govscan_version.clone(),
            scoring_version: scan.scoring_version,
            started_at: scan.started_at.clone(),
            finished_at: scan.finished_at.clone(),
            baseline: scan.baseline.clone(),
            organisations: scan.organisations.clone(),
        }
    }
}

/// Everything about one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DomainResult {
    /// The domain.
    pub domain: String,
    /// Owning organisation, by name.
    pub organisation: Option<String>,
    /// 0–100; `null` when nothing scored could be judged (the domain "could not be scored").
    #[schemars(range(min = 0, max = 100))]
    pub score: Option<f64>,
    /// Letter grade: `A+` … `F`, or `?` when there is no score.
    #[schemars(extend("enum" = ["A+", "A", "B", "C", "D", "E", "F", "?"]))]
    pub grade: String,
    /// Why the grade was capped, if it was.
    pub grade_cap: Option<String>,
    /// Share (0–1) of the baseline's weight that could be judged.
    #[schemars(range(min = 0, max = 1))]
    pub coverage: f64,
    /// Per-family sub-scores.
    pub families: Vec<FamilyScore>,
    /// Why the score and grade are provisional, if they are: a required check not judged, or
    /// coverage below the floor. A provisional score counts every check not judged as not met;
    /// its grade is at most C while a required check is not judged and never A or A+
    /// (`docs/scoring.md`). Absent when the score is firm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisional: Option<String>,
    /// One outcome per check, in registry order.
    pub outcomes: Vec<Outcome>,
    /// What the probe saw.
    pub observations: Observations,
}

impl DomainResult {
    /// True when the domain was on the `--exclude` list: not scanned, at its owner's request
    /// (every outcome has the finding `excluded`; also holds in the store's light view).
    pub fn is_excluded(&self) -> bool {
        verdicts_excluded(self.outcomes.iter().map(crate::Outcome::verdict))
    }
}

/// True when `verdicts` are those of a domain on the exclude list (of a whole result or a
/// light view): every outcome says `excluded` (nothing was contacted or judged).
pub fn verdicts_excluded<'a>(verdicts: impl IntoIterator<Item = crate::Verdict<'a>>) -> bool {
    let mut any = false;
    for verdict in verdicts {
        if verdict.finding != "excluded" {
            return false;
        }
        any = true;
    }
    any
}
