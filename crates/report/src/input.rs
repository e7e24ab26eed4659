//! What a report is made from: the scan, its roll-ups, past scans for the trend and the previous
//! scan for "what changed". `scan --out`, `report --db` and `demo` all build one of these, so
//! they produce the same pages.

use govscan_model::{Rollups, ScanHealth, ScanResult};
use govscan_score::Baseline;
use govscan_store::ScanDiff;

/// One past scan, for the trend chart.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// A short label, e.g. the store's scan id (`#12`).
    pub label: String,
    /// Scan start, RFC 3339.
    pub started_at: String,
    /// The portfolio score (mean of scored domains), if any domain had a score.
    pub portfolio_score: Option<f64>,
    /// Domains in the scan.
    pub domains: u64,
    /// Baseline id and version, e.g. `estonia 2026.1`.
    pub baseline: String,
    /// True when most domains of the scan could not be measured because of the scanning side
    /// (see `govscan_model::health`): the trend leaves its score out and marks the scan.
    pub unhealthy: bool,
}

/// The previous scan, to explain what changed.
#[derive(Debug, Clone)]
pub struct PreviousScan<'a> {
    /// The scan.
    pub result: &'a ScanResult,
    /// Its roll-ups.
    pub rollups: Rollups,
    /// What changed from it to the scan reported on, computed once per report.
    pub diff: ScanDiff,
}

/// Everything the pages are rendered from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// The scan reported on.
    pub result: &'a ScanResult,
    /// Its roll-ups (`govscan_score::roll_up`).
    pub rollups: Rollups,
    /// Past scans, oldest first; the current scan is added if missing.
    pub history: Vec<HistoryEntry>,
    /// The scan before this one, if there is one.
    pub previous: Option<PreviousScan<'a>>,
    /// The scan's health, if assessed: an unhealthy scan gets a banner on every page.
    pub health: Option<ScanHealth>,
}

impl<'a> ReportInput<'a> {
    /// A report on one scan with no history, its roll-ups computed under `baseline` (which
    /// should be the baseline the scan was judged under).
    pub fn new(result: &'a ScanResult, baseline: &Baseline) -> ReportInput<'a> {
        ReportInput {
            result,
            rollups: govscan_score::roll_up(result, baseline),
            history: Vec::new(),
            previous: None,
            health: None,
        }
    }

    /// Adds the scan's health (an unhealthy scan gets a banner on every page and is left out
    /// of the trend line).
    pub fn with_health(mut self, health: Option<ScanHealth>) -> ReportInput<'a> {
        self.health = health;
        self
    }

    /// Adds past scans for the trend chart (oldest first).
    pub fn with_history(mut self, history: Vec<HistoryEntry>) -> ReportInput<'a> {
        self.history = history;
        self
    }

    /// Adds the previous scan, its roll-ups computed under `baseline`.
    pub fn with_previous(mut self, previous: &'a ScanResult, baseline: &Baseline) -> Self {
        let diff = govscan_store::diff::diff_scans(previous, self.result);
        self.previous = Some(PreviousScan {
            result: previous,
            rollups: govscan_score::roll_up(previous, baseline),
            diff,
        });
        self
    }

    /// Adds the previous scan with a diff computed elsewhere (e.g. one domain at a time with
    /// `govscan_store::DiffBuilder`, for scans too large to hold whole); `previous` may be a
    /// light scan (`Store::load_scan_light`), since only its roll-ups are computed from it.
    pub fn with_previous_diff(
        mut self,
        previous: &'a ScanResult,
        baseline: &Baseline,
        diff: ScanDiff,
    ) -> Self {
        self.previous = Some(PreviousScan {
            result: previous,
            rollups: govscan_score::roll_up(previous, baseline),
            diff,
        });
        self
    }

    /// The history with the current scan as its last point (added when missing, its score
    /// taken from the roll-ups), oldest first, only scans that started no later than this one.
    /// A scan that did not measure the domains (unhealthy) is kept as a row but has no score:
    /// it is not drawn as a point of the line, and its label says why.
    pub(crate) fn trend_points(&self) -> Vec<HistoryEntry> {
        self.trend_points_with_unhealthy()
            .into_iter()
            .map(|mut point| {
                if point.unhealthy {
                    point.portfolio_score = None;
                    point.label = format!(
                        "{} (not counted: the scanner failed, not the domains)",
                        point.label
                    );
                }
                point
            })
            .collect()
    }

    fn trend_points_with_unhealthy(&self) -> Vec<HistoryEntry> {
        let now = &self.result.started_at;
        let mut points: Vec<HistoryEntry> = self
            .history
            .iter()
            .filter(|h| h.started_at.as_str() <= now.as_str() && h.started_at != *now)
            .cloned()
            .collect();
        let label = self
            .history
            .iter()
            .find(|h| h.started_at == *now)
            .map_or_else(|| "this scan".to_owned(), |h| h.label.clone());
        points.push(HistoryEntry {
            label,
            started_at: now.clone(),
            portfolio_score: self.rollups.portfolio.score,
            domains: self.result.domains.len() as u64,
            baseline: format!(
                "{} {}",
                self.result.baseline.id, self.result.baseline.version
            ),
            unhealthy: self.health.as_ref().is_some_and(|h| h.unhealthy),
        });
        points
    }
}
