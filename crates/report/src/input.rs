//! What a report is made from: the scan, its roll-ups, past scans for the trend and the previous
//! scan for "what changed". `scan --out`, `report --db` and `demo` all build one of these, so
//! they produce the same pages. Comparisons are like for like (`docs/scoring.md`): only with a
//! scan judged the same way, and only over the domains both scans scored.

use std::borrow::Cow;
use std::collections::BTreeSet;

use govscan_model::{CheckCatalog, LightScan, Rollups, ScanHeader, ScanHealth, ScanResult};
use govscan_model::{ScanScope, ScanView};
use govscan_score::ScanDiff;
use govscan_score::{Baseline, Basis, Comparison, Rescored, grade_for, like_for_like, mean_score};

use crate::history::{History, HistoryEntry, TrendEntry, count};
use crate::text::day_time;

/// The previous scan, to explain what changed.
#[derive(Debug, Clone)]
pub struct PreviousScan {
    /// The scan's header.
    pub header: ScanHeader,
    /// Its domains rescored under the baseline of the report (`govscan_score::rescore`).
    pub domains: Vec<Rescored>,
    /// What changed from it to the scan reported on, computed once per report.
    pub diff: ScanDiff,
}

/// Everything the pages are rendered from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// The scan reported on, light: what the dashboard, the organisation pages and the
    /// roll-ups are made from.
    pub scan: Cow<'a, LightScan>,
    /// The whole scan, when it is held in memory ([`ReportInput::new`]); `None` for a light
    /// input ([`ReportInput::from_light`]), whose domain pages and exports load one domain at a
    /// time (`write_report_streamed`).
    pub whole: Option<&'a ScanResult>,
    /// Its roll-ups (`govscan_score::roll_up`).
    pub rollups: Rollups,
    /// Past scans, oldest first ([`ReportInput::add_history`]); the current scan is added if
    /// missing.
    pub(crate) history: History,
    /// The scan to compare with: it should be the latest earlier scan judged the same way
    /// (`Store::previous_comparable_scan_id`); one judged differently is shown as "not
    /// compared", never as a move.
    pub previous: Option<PreviousScan>,
    /// Which part of the portfolio the scan covers, for a shard or merged scan; a shard, or
    /// a merge with shards missing, is labelled partial on the dashboard.
    pub scope: Option<ScanScope>,
    /// The scan's health, if assessed: an unhealthy scan gets a banner on every page.
    pub health: Option<ScanHealth>,
    /// The metadata of the checks the scan ran (built-in and declarative, from the check set
    /// the scan, rescore or report command loaded): titles, levels and remedies on the pages
    /// and the exports come from here, never from a global registry.
    pub checks: CheckCatalog,
}

/// How one trend point (or the headline) compares with an earlier scan.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PointChange {
    /// No earlier scan at all.
    First,
    /// There are earlier scans, but none judged the same way; the reason concerns the scan
    /// just before.
    NotCompared {
        /// Why, finishing "not compared: …".
        reason: String,
    },
    /// Compared like for like with an earlier scan.
    Compared {
        /// That scan's label.
        against: String,
        /// Its start, RFC 3339.
        against_started_at: String,
        /// Whether it is the scan just before (else scans judged differently lie between).
        adjacent: bool,
        /// The comparison.
        comparison: Comparison,
    },
}

/// One point of the trend, with its comparison.
#[derive(Debug, Clone)]
pub(crate) struct TrendPoint {
    pub(crate) entry: TrendEntry,
    pub(crate) score: Option<f64>,
    pub(crate) grade: &'static str,
    pub(crate) change: PointChange,
    /// The baseline or scoring version differs from the point before: the line breaks here.
    pub(crate) new_scale: bool,
}

impl<'a> ReportInput<'a> {
    /// A report on one whole scan with no history, its roll-ups computed under `baseline`
    /// (which should be the baseline the scan was judged under), its checks described by
    /// `checks` (the catalogue of the check set that judged it).
    pub fn new(
        result: &'a ScanResult,
        baseline: &Baseline,
        checks: CheckCatalog,
    ) -> ReportInput<'a> {
        ReportInput {
            whole: Some(result),
            ..ReportInput::with_scan(Cow::Owned(LightScan::from(result)), baseline, checks)
        }
    }

    /// A report on a scan given in light form (`Store::load_scan_light`), written with
    /// `write_report_streamed` (see [`ReportInput::new`] for the rest).
    pub fn from_light(
        scan: &'a LightScan,
        baseline: &Baseline,
        checks: CheckCatalog,
    ) -> ReportInput<'a> {
        ReportInput::with_scan(Cow::Borrowed(scan), baseline, checks)
    }

    fn with_scan(
        scan: Cow<'a, LightScan>,
        baseline: &Baseline,
        checks: CheckCatalog,
    ) -> ReportInput<'a> {
        ReportInput {
            rollups: govscan_score::roll_up(scan.as_ref(), baseline),
            scan,
            whole: None,
            history: History::default(),
            previous: None,
            scope: None,
            health: None,
            checks,
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
        for entry in history {
            self.add_history(entry);
        }
        self
    }

    /// Adds the next past scan for the trend chart (oldest first). Its domain scores are kept
    /// only while it is the latest scan of its basis, so past scans can be added one at a time
    /// without holding every past scan's scores.
    pub fn add_history(&mut self, entry: HistoryEntry) {
        self.history.add(entry, &self.scan.header.started_at);
    }

    /// Records which part of the portfolio the scan covers (`Store::scan_scope`).
    pub fn with_scope(mut self, scope: Option<ScanScope>) -> ReportInput<'a> {
        self.scope = scope;
        self
    }

    /// Adds the previous scan (whole), its domains rescored under `baseline`, and the diff
    /// from it to this scan. The diff needs this scan whole ([`ReportInput::new`]): a light
    /// input gets an empty diff here, and its changes through [`Self::with_previous_diff`].
    pub fn with_previous(self, previous: &ScanResult, baseline: &Baseline) -> Self {
        let header = ScanHeader::from(previous);
        let diff = match self.whole {
            Some(whole) => govscan_score::diff_scans(previous, whole),
            None => govscan_score::DiffBuilder::new(&header, &self.scan.header).finish(),
        };
        self.with_previous_diff(previous, header, baseline, diff)
    }

    /// Adds the previous scan, whole or light, with a diff computed elsewhere (e.g. one
    /// domain at a time with `govscan_score::DiffBuilder`, for scans too large to hold whole);
    /// only its header and its domains' scores under `baseline` are kept, so it need not outlive
    /// the input.
    pub fn with_previous_diff(
        mut self,
        previous: &(impl ScanView + ?Sized),
        header: ScanHeader,
        baseline: &Baseline,
        diff: ScanDiff,
    ) -> Self {
        self.previous = Some(PreviousScan {
            header,
            domains: govscan_score::rescore(previous, baseline),
            diff,
        });
        self
    }

    /// The checks the baseline scores (has a rule for).
    pub(crate) fn ruled_checks(&self) -> BTreeSet<&str> {
        self.rollups
            .checks
            .iter()
            .map(|c| c.check.as_str())
            .collect()
    }

    /// What judged the numbers on the pages: the scan's baseline and govscan version, and this
    /// build's scoring version (the roll-ups are computed with it, also for a scan stored under
    /// an older one, whose trend points and previous scans are then not compared).
    pub(crate) fn current_basis(&self) -> Basis {
        Basis {
            scoring_version: govscan_score::SCORING_VERSION,
            ..Basis::of_header(&self.scan.header)
        }
    }

    /// Why the previous scan given is not compared with this one, if it is not.
    pub(crate) fn previous_incomparable(&self) -> Option<String> {
        let previous = self.previous.as_ref()?;
        self.current_basis()
            .incomparable_with(&Basis::of_header(&previous.header))
    }

    /// Why this scan is not compared with the scan before it, when it is not: the previous
    /// scan given was judged differently, or (none given) no earlier scan of the history was
    /// judged the same way.
    pub(crate) fn not_compared_reason(&self) -> Option<String> {
        if self.previous.is_some() {
            return self.previous_incomparable();
        }
        let basis = self.current_basis();
        let earlier: Vec<&TrendEntry> = self.history.before(&self.scan.header.started_at).collect();
        let just_before = earlier.last()?;
        if earlier
            .iter()
            .any(|h| basis.incomparable_with(&h.basis).is_none())
        {
            return None;
        }
        basis.incomparable_with(&just_before.basis)
    }

    /// The previous scan when it can be compared like for like.
    pub(crate) fn comparable_previous(&self) -> Option<&PreviousScan> {
        self.previous
            .as_ref()
            .filter(|_| self.previous_incomparable().is_none())
    }

    /// This scan as a trend point (scores from the roll-ups, the numbers every page shows),
    /// compared with the previous scan given, else with the history.
    fn current_entry(&self) -> TrendEntry {
        let now = &self.scan.header.started_at;
        let scores = || {
            self.rollups
                .domains
                .iter()
                .map(|d| (d.domain.as_str(), d.score))
        };
        let basis = self.current_basis();
        let unhealthy = self.health.as_ref().is_some_and(|h| h.unhealthy);
        let change = match self.previous {
            _ if unhealthy => None,
            Some(_) => Some(self.headline_change(scores())),
            None => Some(self.history.change_of(&basis, scores())),
        };
        TrendEntry {
            label: self.label_of(now).unwrap_or_else(|| "this scan".to_owned()),
            started_at: now.clone(),
            basis,
            domains: self.rollups.domains.len(),
            domains_scored: scores().filter(|(_, s)| s.is_some()).count(),
            portfolio_score: mean_score(scores().filter_map(|(_, s)| s)),
            provisional: self.rollups.portfolio.domains_provisional,
            unhealthy,
            change,
        }
    }

    /// The label of a scan in the history (by start).
    fn label_of(&self, started_at: &str) -> Option<String> {
        self.history
            .entries()
            .iter()
            .find(|h| h.started_at == started_at)
            .map(|h| h.label.clone())
    }

    /// The trend: earlier scans, then this one (scores from its roll-ups), oldest first, each
    /// compared like for like with the latest earlier point judged the same way. This scan's
    /// comparison is the headline's: with the previous scan given, else from the history.
    pub(crate) fn trend_points(&self) -> Vec<TrendPoint> {
        let mut entries: Vec<TrendEntry> = self
            .history
            .before(&self.scan.header.started_at)
            .cloned()
            .collect();
        entries.push(self.current_entry());
        let mut points: Vec<TrendPoint> = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            if entry.unhealthy {
                // Kept as a row, never drawn or compared: it measured the scanning host.
                let mut entry = entry.clone();
                entry.label = format!(
                    "{} (not counted: the scanner failed, not the domains)",
                    entry.label
                );
                points.push(TrendPoint {
                    score: None,
                    grade: grade_for(None, 0),
                    new_scale: false,
                    change: PointChange::NotCompared {
                        reason: "the scanner failed, not the domains".to_owned(),
                    },
                    entry,
                });
                continue;
            }
            let unscored = count(entry.domains - entry.domains_scored);
            points.push(TrendPoint {
                score: entry.portfolio_score,
                grade: grade_for(entry.portfolio_score, entry.provisional + unscored),
                new_scale: i > 0 && !entries[i - 1].basis.same_scale(&entry.basis),
                change: entry.change.clone().unwrap_or(PointChange::First),
                entry: entry.clone(),
            });
        }
        points
    }

    /// This scan (domain scores `now`) against the previous scan given.
    fn headline_change<'s>(
        &'s self,
        now: impl Iterator<Item = (&'s str, Option<f64>)>,
    ) -> PointChange {
        let Some(previous) = &self.previous else {
            return PointChange::First;
        };
        if let Some(reason) = self.previous_incomparable() {
            return PointChange::NotCompared { reason };
        }
        let before = &previous.header.started_at;
        let current = &self.scan.header.started_at;
        let adjacent = !self.history.entries().iter().any(|h| {
            h.started_at.as_str() > before.as_str() && h.started_at.as_str() < current.as_str()
        });
        PointChange::Compared {
            against: self.label_of(before).unwrap_or_else(|| day_time(before)),
            against_started_at: before.clone(),
            adjacent,
            comparison: like_for_like(
                previous
                    .domains
                    .iter()
                    .map(|d| (d.domain.as_str(), d.score)),
                now,
            ),
        }
    }
}
