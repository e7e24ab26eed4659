//! Streaming one scan into the database inside a single transaction.

use std::path::Path;

use rusqlite::{Connection, Transaction, params};

use govscan_model::DomainResult;

use crate::timestamp::sortable_utc;
use crate::{ScanHeader, ScanId, StoreError};

/// A scan being written. Domains go to the database as they are added (memory stays bounded
/// by one domain), inside one transaction that [`ScanWriter::commit`] ends. Dropping the
/// writer without committing rolls everything back.
#[derive(Debug)]
pub struct ScanWriter<'s> {
    pub(crate) tx: Transaction<'s>,
    pub(crate) path: &'s Path,
    pub(crate) scan_id: ScanId,
    pub(crate) next_position: i64,
}

impl<'s> ScanWriter<'s> {
    /// Inserts the header row inside `tx`.
    pub(crate) fn start(
        tx: Transaction<'s>,
        path: &'s Path,
        header: &ScanHeader,
    ) -> Result<ScanWriter<'s>, StoreError> {
        let scan_id = insert_header(&tx, path, header)?;
        Ok(ScanWriter {
            tx,
            path,
            scan_id,
            next_position: 0,
        })
    }

    /// The id the scan will have once committed.
    pub fn scan_id(&self) -> ScanId {
        self.scan_id
    }

    /// Replaces the recorded end time (for a header written before the scan finished).
    pub fn set_finished_at(&mut self, finished_at: &str) -> Result<(), StoreError> {
        sortable_utc(finished_at).map_err(|reason| StoreError::InvalidScan {
            path: self.path.to_path_buf(),
            reason,
        })?;
        self.tx
            .execute(
                "UPDATE scans SET finished_at = ?1 WHERE id = ?2",
                params![finished_at, self.scan_id.0],
            )
            .map_err(|e| StoreError::sqlite(self.path, "updating the scan end time", e))?;
        Ok(())
    }

    /// Writes one domain with its outcomes, all or nothing (a savepoint): on any error the
    /// domain leaves no rows and the writer stays usable. A domain already in this scan is
    /// refused with [`StoreError::InvalidScan`].
    pub fn add_domain(&mut self, result: &DomainResult) -> Result<(), StoreError> {
        let path = self.path;
        let sp = self
            .tx
            .savepoint()
            .map_err(|e| StoreError::sqlite(path, "starting a domain savepoint", e))?;
        insert_domain(&sp, path, self.scan_id, self.next_position, result)?;
        sp.commit()
            .map_err(|e| StoreError::sqlite(path, "releasing the domain savepoint", e))?;
        self.next_position += 1;
        Ok(())
    }

    /// The health of the scan being written, from the outcomes added so far (a merged scan is
    /// assessed like a scanned one).
    pub fn assess_health(&self) -> Result<govscan_model::ScanHealth, StoreError> {
        crate::health::assess(&self.tx, self.path, self.scan_id)
    }

    /// Records the scan's health (in the same transaction).
    pub fn set_health(&mut self, health: &govscan_model::ScanHealth) -> Result<(), StoreError> {
        crate::health::write_health(&self.tx, self.path, self.scan_id, health)
    }

    /// Makes the scan visible, atomically, and returns its id.
    pub fn commit(self) -> Result<ScanId, StoreError> {
        let path = self.path;
        self.tx
            .commit()
            .map_err(|e| StoreError::sqlite(path, "committing the scan", e))?;
        Ok(self.scan_id)
    }
}

/// Inserts one domain row and its outcome rows at `position` (the caller provides the
/// transaction or savepoint that makes them all-or-nothing). A domain already in the scan is
/// refused with [`StoreError::InvalidScan`].
pub(crate) fn insert_domain(
    conn: &Connection,
    path: &Path,
    scan_id: ScanId,
    position: i64,
    result: &DomainResult,
) -> Result<(), StoreError> {
    let scan_id = scan_id.0;
    let invalid = |reason: String| StoreError::InvalidScan {
        path: path.to_path_buf(),
        reason,
    };
    let families = serde_json::to_string(&result.families).map_err(|e| {
        invalid(format!(
            "families of {} cannot be serialised: {e}",
            result.domain
        ))
    })?;
    let observations = serde_json::to_string(&result.observations).map_err(|e| {
        invalid(format!(
            "observations of {} cannot be serialised: {e}",
            result.domain
        ))
    })?;
    let exists: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM domain_results WHERE scan_id = ?1 AND domain = ?2)",
        )
        .and_then(|mut stmt| stmt.query_row(params![scan_id, result.domain], |row| row.get(0)))
        .map_err(|e| StoreError::sqlite(path, "checking for a repeated domain", e))?;
    if exists {
        return Err(invalid(format!(
            "domain {} appears twice in the scan",
            result.domain
        )));
    }
    conn.prepare_cached(
        "INSERT INTO domain_results (scan_id, position, domain, organisation, score,
                 grade, grade_cap, coverage, families_json, observations_json, provisional)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            scan_id,
            position,
            result.domain,
            result.organisation,
            result.score,
            result.grade,
            result.grade_cap,
            result.coverage,
            families,
            observations,
            result.provisional,
        ])
    })
    .map_err(|e| StoreError::sqlite(path, "writing a domain result", e))?;
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO outcomes (scan_id, domain, position, check_id, status, finding,
                 message, evidence_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(|e| StoreError::sqlite(path, "preparing the outcome insert", e))?;
    for (outcome_position, outcome) in result.outcomes.iter().enumerate() {
        let evidence = serde_json::to_string(&outcome.evidence).map_err(|e| {
            invalid(format!(
                "evidence of {} on {} cannot be serialised: {e}",
                outcome.check, result.domain
            ))
        })?;
        insert
            .execute(params![
                scan_id,
                result.domain,
                outcome_position as i64,
                outcome.check,
                outcome.status.as_str(),
                outcome.finding,
                outcome.message,
                evidence,
            ])
            .map_err(|e| StoreError::sqlite(path, "writing an outcome", e))?;
    }
    Ok(())
}

/// Inserts the scan row of `header` and returns its id.
pub(crate) fn insert_header(
    conn: &Connection,
    path: &Path,
    header: &ScanHeader,
) -> Result<ScanId, StoreError> {
    let invalid = |reason: String| StoreError::InvalidScan {
        path: path.to_path_buf(),
        reason,
    };
    let started_utc = sortable_utc(&header.started_at).map_err(invalid)?;
    sortable_utc(&header.finished_at).map_err(invalid)?;
    let organisations = serde_json::to_string(&header.organisations)
        .map_err(|e| invalid(format!("organisations cannot be serialised: {e}")))?;
    conn.execute(
        "INSERT INTO scans (started_at, started_at_utc, finished_at, govscan_version,
             schema_version, scoring_version, baseline_id, baseline_version, baseline_sha256,
             organisations_json, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'complete')",
        params![
            header.started_at,
            started_utc,
            header.finished_at,
            header.govscan_version,
            header.schema_version,
            header.scoring_version,
            header.baseline.id,
            header.baseline.version,
            header.baseline.sha256,
            organisations,
        ],
    )
    .map_err(|e| StoreError::sqlite(path, "writing the scan header", e))?;
    Ok(ScanId(conn.last_insert_rowid()))
}
