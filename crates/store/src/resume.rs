//! Resumable scans: a scan row committed at the start and marked running, domains committed in
//! small batches as they finish, and a final transaction that completes it. Readers never see
//! a running scan (see `docs/design/store.md`, "Resumable scans").

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use govscan_model::DomainResult;

use crate::timestamp::sortable_utc;
use crate::writer::{insert_domain, insert_header};
use crate::{ScanHeader, ScanId, Store, StoreError};

/// SQL condition (on alias `s` for `scans`) that holds for complete scans only.
pub(crate) const COMPLETE: &str = "s.id NOT IN (SELECT scan_id FROM running_scans)";

/// A scan that was started and not completed: it may be resumed.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningScan {
    /// The scan.
    pub id: ScanId,
    /// Scan start, RFC 3339 as recorded.
    pub started_at: String,
    /// SHA-256 of the baseline it is judged under.
    pub baseline_sha256: String,
    /// The hash of the target set given when it started.
    pub targets_sha256: String,
    /// How many targets it has.
    pub target_count: u64,
    /// How many domains are already committed.
    pub stored_domains: u64,
    /// The process that last wrote it, as it recorded itself (none before schema 4).
    pub owner: Option<crate::ScanOwner>,
}

impl Store {
    /// Commits the header of a new scan marked running, and returns its id. Domains follow
    /// with [`Store::add_domains`]; [`Store::complete_scan`] makes it visible to readers.
    pub fn start_scan(
        &mut self,
        header: &ScanHeader,
        targets_sha256: &str,
        target_count: u64,
    ) -> Result<ScanId, StoreError> {
        let Store { conn, path } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(path, "starting a scan", e))?;
        let id = insert_header(&tx, path, header)?;
        tx.execute(
            "INSERT INTO running_scans (scan_id, targets_sha256, target_count) VALUES (?1, ?2, ?3)",
            params![id.0, targets_sha256, target_count as i64],
        )
        .map_err(|e| StoreError::sqlite(path, "marking the scan running", e))?;
        tx.commit()
            .map_err(|e| StoreError::sqlite(path, "committing the scan start", e))?;
        Ok(id)
    }

    /// Commits a batch of domains of running scan `id`, each at its given position (target
    /// order), all or nothing. A domain already stored in the scan is refused.
    pub fn add_domains(
        &mut self,
        id: ScanId,
        domains: &[(u64, DomainResult)],
    ) -> Result<(), StoreError> {
        let Store { conn, path } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(path, "starting a batch of domains", e))?;
        let running: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM running_scans WHERE scan_id = ?1)",
                [id.0],
                |row| row.get(0),
            )
            .map_err(|e| StoreError::sqlite(path, "checking the scan is running", e))?;
        if !running {
            return Err(StoreError::InvalidScan {
                path: path.clone(),
                reason: format!("scan {id} is not running"),
            });
        }
        for (position, domain) in domains {
            insert_domain(&tx, path, id, *position as i64, domain)?;
        }
        tx.commit()
            .map_err(|e| StoreError::sqlite(path, "committing a batch of domains", e))
    }

    /// Records the end time of running scan `id` and makes it visible, in one transaction.
    pub fn complete_scan(&mut self, id: ScanId, finished_at: &str) -> Result<(), StoreError> {
        let Store { conn, path } = self;
        sortable_utc(finished_at).map_err(|reason| StoreError::InvalidScan {
            path: path.clone(),
            reason,
        })?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(path, "starting to complete the scan", e))?;
        let removed = tx
            .execute("DELETE FROM running_scans WHERE scan_id = ?1", [id.0])
            .map_err(|e| StoreError::sqlite(path, "completing the scan", e))?;
        if removed == 0 {
            return Err(StoreError::InvalidScan {
                path: path.clone(),
                reason: format!("scan {id} is not running"),
            });
        }
        tx.execute(
            "UPDATE scans SET finished_at = ?1 WHERE id = ?2",
            params![finished_at, id.0],
        )
        .map_err(|e| StoreError::sqlite(path, "recording the scan end", e))?;
        tx.commit()
            .map_err(|e| StoreError::sqlite(path, "committing the scan end", e))
    }

    /// The most recently started running scan that no complete scan started after: the one
    /// `scan --resume` continues. `None` when there is none.
    pub fn resumable_scan(&self) -> Result<Option<RunningScan>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "finding a resumable scan", e);
        self.conn
            .query_row(
                "SELECT s.id, s.started_at, s.baseline_sha256, r.targets_sha256,
                            r.target_count,
                            (SELECT COUNT(*) FROM domain_results d WHERE d.scan_id = s.id),
                            r.owner_pid, r.owner_host, r.owner_boot_id, r.owner_start_ticks,
                            r.owner_since
                     FROM scans s JOIN running_scans r ON r.scan_id = s.id
                     WHERE NOT EXISTS (SELECT 1 FROM scans c
                         WHERE c.id NOT IN (SELECT scan_id FROM running_scans)
                           AND (c.started_at_utc > s.started_at_utc
                                OR (c.started_at_utc = s.started_at_utc AND c.id > s.id)))
                     ORDER BY s.started_at_utc DESC, s.id DESC LIMIT 1",
                [],
                |row| {
                    Ok(RunningScan {
                        id: ScanId(row.get(0)?),
                        started_at: row.get(1)?,
                        baseline_sha256: row.get(2)?,
                        targets_sha256: row.get(3)?,
                        target_count: row.get::<_, i64>(4)?.max(0) as u64,
                        stored_domains: row.get::<_, i64>(5)?.max(0) as u64,
                        owner: match row.get::<_, Option<i64>>(6)? {
                            Some(_) => Some(crate::lock::owner_from_row(row, 6)?),
                            None => None,
                        },
                    })
                },
            )
            .optional()
            .map_err(fail)
    }

    /// The header of a scan, running or complete.
    pub fn scan_header(&self, id: ScanId) -> Result<ScanHeader, StoreError> {
        self.header(id, false)
    }

    /// The names of the domains stored in a scan (running or complete), in position order.
    pub fn stored_domains(&self, id: ScanId) -> Result<Vec<String>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "listing stored domains", e);
        let mut stmt = self
            .conn
            .prepare("SELECT domain FROM domain_results WHERE scan_id = ?1 ORDER BY position")
            .map_err(fail)?;
        let rows = stmt
            .query_map([id.0], |row| row.get::<_, String>(0))
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"` for a sound file, else the problems found.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "checking integrity", e);
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").map_err(fail)?;
        let rows = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(fail)?;
        Ok(rows
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?
            .join("\n"))
    }
}
