//! Scan history for govscan: every scan saved in SQLite (in one transaction, or resumably in
//! batches behind a "running" mark, so a killed process never leaves half a scan visible), read
//! back whole, light or one domain at a time, listed and traced per domain (the scan-to-scan
//! diff is pure and lives in `govscan_score::diff`); shard scans and scans merged from shards
//! record which part of the portfolio they cover. Schema and guarantees: `docs/design/store.md`.

mod error;
mod failures;
mod health;
mod inspect;
mod light;
mod lock;
mod migrate;
mod read;
mod resume;
mod shard;
mod store;
mod timestamp;
mod writer;

use serde::{Deserialize, Serialize};

use govscan_model::{ScanHealth, Status};

pub use error::StoreError;
pub use inspect::APPLICATION_ID;
pub use lock::{Liveness, ScanLock, ScanOwner};
pub use migrate::SCHEMA_VERSION as STORE_SCHEMA_VERSION;
pub use resume::RunningScan;
// The scope types and the scan header live in the model (the report reads them too); the store
// re-exports them.
pub use govscan_model::{MergedScope, ScanHeader, ScanScope, ShardScope, ShardSpec};
pub use store::{DEFAULT_BUSY_TIMEOUT, Store};
pub use writer::ScanWriter;

/// The id of a saved scan (the `scans.id` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ScanId(pub i64);

impl std::fmt::Display for ScanId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One line of [`Store::list_scans`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanSummary {
    /// The scan.
    pub id: ScanId,
    /// Scan start, RFC 3339 as recorded.
    pub started_at: String,
    /// Scan end, RFC 3339 as recorded.
    pub finished_at: String,
    /// The govscan version that ran it.
    pub govscan_version: String,
    /// Baseline id.
    pub baseline_id: String,
    /// Baseline version.
    pub baseline_version: String,
    /// SHA-256 of the baseline file.
    pub baseline_sha256: String,
    /// The scoring algorithm version.
    pub scoring_version: u32,
    /// Domains in the scan.
    pub domain_count: u64,
    /// Mean score over the domains that have one, unrounded (SQL `AVG`); `None` when none has.
    /// Reports compute the portfolio score from [`Store::domain_scores`] with the roll-up rule
    /// instead, so that every number on a page is rounded once, the same way.
    pub mean_score: Option<f64>,
    /// The scan's health; `None` when it was never assessed (scans saved by an older govscan).
    #[serde(default)]
    pub health: Option<ScanHealth>,
}

impl ScanSummary {
    /// True when most domains of the scan could not be measured because of the scanning side.
    pub fn unhealthy(&self) -> bool {
        self.health.as_ref().is_some_and(|h| h.unhealthy)
    }
}

/// One point of [`Store::domain_history`]: scan, its start, the domain's score and grade.
pub type HistoryPoint = (ScanId, String, Option<f64>, String);

/// One row of [`Store::domain_scores`]: domain, stored score, whether it is provisional.
pub type DomainScoreRow = (String, Option<f64>, bool);

/// One point of [`Store::check_history`]: scan, its start, the check's status and finding.
pub type CheckHistoryPoint = (ScanId, String, Status, String);
