//! Reading the history back: scan list, whole scans, neighbours and per-domain trends.

use rusqlite::{OptionalExtension, params};
use serde::de::DeserializeOwned;

use govscan_model::{BaselineRef, DomainResult, Outcome, ScanResult, Status};

use crate::resume::COMPLETE;
use crate::{
    CheckHistoryPoint, DomainScoreRow, HistoryPoint, ScanHeader, ScanId, ScanSummary, Store,
    StoreError,
};

/// The columns of `domain_results` that [`Store::whole_domain`] reads, in its order.
pub(crate) const DOMAIN_COLUMNS: &str = "domain, organisation, score, grade, grade_cap, coverage, \
     families_json, observations_json, provisional";

impl Store {
    /// Every saved scan, oldest first (by start time, then id).
    pub fn list_scans(&self) -> Result<Vec<ScanSummary>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "listing scans", e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT s.id, s.started_at, s.finished_at, s.govscan_version, s.baseline_id,
                        s.baseline_version,
                        (SELECT COUNT(*) FROM domain_results d WHERE d.scan_id = s.id),
                        (SELECT AVG(d.score) FROM domain_results d WHERE d.scan_id = s.id),
                        s.baseline_sha256, s.scoring_version, s.health_json
                 FROM scans s WHERE {COMPLETE} ORDER BY s.started_at_utc, s.id"
            ))
            .map_err(fail)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(ScanSummary {
                    id: ScanId(row.get(0)?),
                    started_at: row.get(1)?,
                    finished_at: row.get(2)?,
                    govscan_version: row.get(3)?,
                    baseline_id: row.get(4)?,
                    baseline_version: row.get(5)?,
                    baseline_sha256: row.get(8)?,
                    scoring_version: row.get(9)?,
                    domain_count: row.get::<_, i64>(6)?.max(0) as u64,
                    mean_score: row.get(7)?,
                    health: row
                        .get::<_, Option<String>>(10)?
                        .and_then(|text| crate::health::parse_health(&text)),
                })
            })
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }

    /// The most recent scan (latest start time), if any.
    pub fn latest_scan_id(&self) -> Result<Option<ScanId>, StoreError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT s.id FROM scans s WHERE {COMPLETE}
                     ORDER BY s.started_at_utc DESC, s.id DESC LIMIT 1"
                ),
                [],
                |row| row.get(0).map(ScanId),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, "finding the latest scan", e))
    }

    /// The scan just before `id` in start-time order (`None` for the first scan).
    pub fn previous_scan_id(&self, id: ScanId) -> Result<Option<ScanId>, StoreError> {
        self.previous_scan_where(id, Earlier::Any)
    }

    /// The last scan before `id` (in start-time order) that measured the domains: scans in
    /// which most domains could not be measured (unhealthy) are skipped, so an alert never
    /// tells "what changed" against a scan that measured only the scanning host.
    pub fn previous_measured_scan_id(&self, id: ScanId) -> Result<Option<ScanId>, StoreError> {
        self.previous_scan_where(id, Earlier::Measured)
    }

    /// The latest scan before `id` that can be compared with it like for like: judged under the
    /// same baseline (by hash), scoring version and govscan version (`None` if there is none).
    /// Scans in between that were judged differently are skipped, never compared.
    pub fn previous_comparable_scan_id(&self, id: ScanId) -> Result<Option<ScanId>, StoreError> {
        self.previous_scan_where(id, Earlier::Comparable)
    }

    /// The latest complete scan before `id` (start time, then id) that `which` accepts; an
    /// error when `id` is not a complete scan.
    fn previous_scan_where(
        &self,
        id: ScanId,
        which: Earlier,
    ) -> Result<Option<ScanId>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, which.doing(), e);
        let start: Option<String> = self
            .conn
            .query_row(
                &format!("SELECT s.started_at_utc FROM scans s WHERE s.id = ?1 AND {COMPLETE}"),
                [id.0],
                |row| row.get(0),
            )
            .optional()
            .map_err(fail)?;
        let Some(start) = start else {
            return Err(StoreError::ScanNotFound {
                path: self.path.clone(),
                id: id.0,
            });
        };
        self.conn
            .query_row(
                &format!(
                    "SELECT s.id FROM scans s JOIN scans me ON me.id = ?2
                     WHERE (s.started_at_utc < ?1 OR (s.started_at_utc = ?1 AND s.id < ?2))
                       {} AND {COMPLETE}
                     ORDER BY s.started_at_utc DESC, s.id DESC LIMIT 1",
                    which.condition()
                ),
                params![start, id.0],
                |row| row.get(0).map(ScanId),
            )
            .optional()
            .map_err(fail)
    }

    /// Every domain of scan `id` with its stored score and whether that score is provisional,
    /// in target order: what trends and like-for-like comparisons are computed from.
    pub fn domain_scores(&self, id: ScanId) -> Result<Vec<DomainScoreRow>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading domain scores", e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT domain, score, provisional IS NOT NULL
                 FROM domain_results WHERE scan_id = ?1 ORDER BY position",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map([id.0], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }

    /// A domain's score and grade in every scan that has it, oldest first.
    pub fn domain_history(&self, domain: &str) -> Result<Vec<HistoryPoint>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading a domain's history", e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT s.id, s.started_at, d.score, d.grade
                 FROM domain_results d JOIN scans s ON s.id = d.scan_id
                 WHERE d.domain = ?1 AND {COMPLETE} ORDER BY s.started_at_utc, s.id"
            ))
            .map_err(fail)?;
        let rows = stmt
            .query_map([domain], |row| {
                Ok((ScanId(row.get(0)?), row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }

    /// One check's status and finding on one domain in every scan that ran it, oldest first.
    pub fn check_history(
        &self,
        domain: &str,
        check_id: &str,
    ) -> Result<Vec<CheckHistoryPoint>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading a check's history", e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT s.id, s.started_at, o.status, o.finding
                 FROM outcomes o JOIN scans s ON s.id = o.scan_id
                 WHERE o.domain = ?1 AND o.check_id = ?2 AND {COMPLETE}
                 ORDER BY s.started_at_utc, s.id, o.position"
            ))
            .map_err(fail)?;
        let rows = stmt
            .query_map([domain, check_id], |row| {
                Ok((
                    ScanId(row.get(0)?),
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get(3)?,
                ))
            })
            .map_err(fail)?;
        let mut points = Vec::new();
        for row in rows {
            let (id, started, status, finding) = row.map_err(fail)?;
            let status = self.status(&status, || format!("status of {check_id} on {domain}"))?;
            points.push((id, started, status, finding));
        }
        Ok(points)
    }

    /// A whole saved scan, as it was saved. A scan that is still running is not found.
    pub fn load_scan(&self, id: ScanId) -> Result<ScanResult, StoreError> {
        let header = self.header(id, true)?;
        Ok(header.into_scan(self.load_domains(id)?))
    }

    /// The header of scan `id`; with `complete_only`, a running scan is not found.
    pub(crate) fn header(&self, id: ScanId, complete_only: bool) -> Result<ScanHeader, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading a scan", e);
        let filter = if complete_only { COMPLETE } else { "1 = 1" };
        let header = self
            .conn
            .query_row(
                &format!(
                    "SELECT s.schema_version, s.govscan_version, s.scoring_version, s.started_at,
                            s.finished_at, s.baseline_id, s.baseline_version, s.baseline_sha256,
                            s.organisations_json
                     FROM scans s WHERE s.id = ?1 AND {filter}"
                ),
                [id.0],
                |row| {
                    Ok((
                        row.get::<_, u32>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, u32>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        BaselineRef {
                            id: row.get(5)?,
                            version: row.get(6)?,
                            sha256: row.get(7)?,
                        },
                        row.get::<_, String>(8)?,
                    ))
                },
            )
            .optional()
            .map_err(fail)?;
        let Some((
            schema_version,
            govscan_version,
            scoring_version,
            started_at,
            finished_at,
            baseline,
            orgs,
        )) = header
        else {
            return Err(StoreError::ScanNotFound {
                path: self.path.clone(),
                id: id.0,
            });
        };
        let organisations = self.decode(&orgs, || format!("organisations of scan {id}"))?;
        Ok(ScanHeader {
            schema_version,
            govscan_version,
            scoring_version,
            started_at,
            finished_at,
            baseline,
            organisations,
        })
    }

    /// Every domain of scan `id`, whole, in target order.
    fn load_domains(&self, id: ScanId) -> Result<Vec<DomainResult>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading domain results", e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {DOMAIN_COLUMNS} FROM domain_results WHERE scan_id = ?1 ORDER BY position"
            ))
            .map_err(fail)?;
        let mut rows = stmt.query([id.0]).map_err(fail)?;
        let mut domains = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            domains.push(self.whole_domain(id, row)?);
        }
        Ok(domains)
    }

    /// The domain of a row that selected [`DOMAIN_COLUMNS`], with its outcomes.
    pub(crate) fn whole_domain(
        &self,
        id: ScanId,
        row: &rusqlite::Row<'_>,
    ) -> Result<DomainResult, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading domain results", e);
        let domain: String = row.get(0).map_err(fail)?;
        let families: String = row.get(6).map_err(fail)?;
        let observations: String = row.get(7).map_err(fail)?;
        Ok(DomainResult {
            organisation: row.get(1).map_err(fail)?,
            score: row.get(2).map_err(fail)?,
            grade: row.get(3).map_err(fail)?,
            grade_cap: row.get(4).map_err(fail)?,
            coverage: row.get(5).map_err(fail)?,
            families: self.decode(&families, || format!("families of {domain} in scan {id}"))?,
            provisional: row.get(8).map_err(fail)?,
            observations: self.decode(&observations, || {
                format!("observations of {domain} in scan {id}")
            })?,
            outcomes: self.load_outcomes(id, &domain)?,
            domain,
        })
    }

    pub(crate) fn load_outcomes(
        &self,
        id: ScanId,
        domain: &str,
    ) -> Result<Vec<Outcome>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading outcomes", e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT check_id, status, finding, message, evidence_json
                 FROM outcomes WHERE scan_id = ?1 AND domain = ?2 ORDER BY position",
            )
            .map_err(fail)?;
        let mut rows = stmt.query(params![id.0, domain]).map_err(fail)?;
        let mut outcomes = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let check: String = row.get(0).map_err(fail)?;
            let status: String = row.get(1).map_err(fail)?;
            let evidence: String = row.get(4).map_err(fail)?;
            outcomes.push(Outcome {
                status: self.status(&status, || format!("status of {check} on {domain}"))?,
                finding: row.get(2).map_err(fail)?,
                message: row.get(3).map_err(fail)?,
                evidence: self.decode(&evidence, || {
                    format!("evidence of {check} on {domain} in scan {id}")
                })?,
                check,
            });
        }
        Ok(outcomes)
    }

    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        text: &str,
        what: impl FnOnce() -> String,
    ) -> Result<T, StoreError> {
        serde_json::from_str(text).map_err(|e| StoreError::BadStoredValue {
            path: self.path.clone(),
            what: what(),
            detail: e.to_string(),
        })
    }

    pub(crate) fn status(
        &self,
        text: &str,
        what: impl FnOnce() -> String,
    ) -> Result<Status, StoreError> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|e| {
            StoreError::BadStoredValue {
                path: self.path.clone(),
                what: what(),
                detail: e.to_string(),
            }
        })
    }
}

/// Which earlier scans [`Store::previous_scan_where`] accepts.
#[derive(Clone, Copy)]
enum Earlier {
    /// Any complete scan.
    Any,
    /// A scan that measured the domains (not unhealthy: `scans.unhealthy` is 0 for a healthy
    /// scan and for one saved before health was recorded).
    Measured,
    /// A measured scan judged like `me`: same baseline (by hash), scoring and govscan version.
    Comparable,
}

impl Earlier {
    /// The SQL condition on `s` (the earlier scan) and `me` (the scan compared).
    fn condition(self) -> &'static str {
        match self {
            Earlier::Any => "",
            Earlier::Measured => "AND s.unhealthy = 0",
            Earlier::Comparable => {
                "AND s.unhealthy = 0
                 AND s.baseline_sha256 = me.baseline_sha256
                 AND s.scoring_version = me.scoring_version
                 AND s.govscan_version = me.govscan_version"
            }
        }
    }

    /// What the query was doing, for its error.
    fn doing(self) -> &'static str {
        match self {
            Earlier::Any => "finding the previous scan",
            Earlier::Measured => "finding the previous measured scan",
            Earlier::Comparable => "finding the previous comparable scan",
        }
    }
}
