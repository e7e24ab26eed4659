//! Shards and merged scans: which part of a portfolio a scan covers. A shard scan records its
//! `K/N` and the whole target set it was cut from; a merged scan records the shards it was made
//! of and those that were missing. Ordinary scans record neither (see `docs/design/store.md`,
//! "Shards and merge").

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use govscan_model::{MergedScope, ScanScope, ShardScope, ShardSpec};

use crate::writer::insert_header;
use crate::{ScanHeader, ScanId, ScanWriter, Store, StoreError};

impl Store {
    /// [`Store::start_scan`] for a shard: the scan row, its running mark and its shard row are
    /// committed together, so a resumed shard always knows which shard it is.
    pub fn start_shard_scan(
        &mut self,
        header: &ScanHeader,
        targets_sha256: &str,
        target_count: u64,
        shard: &ShardScope,
    ) -> Result<ScanId, StoreError> {
        let Store { conn, path } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(path, "starting a shard scan", e))?;
        let id = insert_header(&tx, path, header)?;
        tx.execute(
            "INSERT INTO running_scans (scan_id, targets_sha256, target_count) VALUES (?1, ?2, ?3)",
            params![id.0, targets_sha256, target_count as i64],
        )
        .map_err(|e| StoreError::sqlite(path, "marking the scan running", e))?;
        insert_shard(&tx, path, id, shard)?;
        tx.commit()
            .map_err(|e| StoreError::sqlite(path, "committing the scan start", e))?;
        Ok(id)
    }

    /// The shard or merge record of scan `id` (running or complete); `None` for an ordinary
    /// scan.
    pub fn scan_scope(&self, id: ScanId) -> Result<Option<ScanScope>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading a scan's shard record", e);
        let shard = self
            .conn
            .query_row(
                "SELECT shard_index, shard_count, targets_sha256, target_count,
                        shard_target_count, run_id
                 FROM scan_shards WHERE scan_id = ?1",
                [id.0],
                |row| {
                    Ok(ShardScope {
                        shard: ShardSpec {
                            index: row.get(0)?,
                            count: row.get(1)?,
                        },
                        targets_sha256: row.get(2)?,
                        target_count: row.get::<_, i64>(3)?.max(0) as u64,
                        shard_target_count: row.get::<_, i64>(4)?.max(0) as u64,
                        run_id: row.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(fail)?;
        if let Some(shard) = shard {
            return Ok(Some(ScanScope::Shard(shard)));
        }
        let merged = self
            .conn
            .query_row(
                "SELECT shard_count, merged_json, missing_json, targets_sha256, target_count,
                        run_id
                 FROM merged_scans WHERE scan_id = ?1",
                [id.0],
                |row| {
                    Ok((
                        row.get::<_, u32>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, i64>(4)?,
                        row.get::<_, Option<String>>(5)?,
                    ))
                },
            )
            .optional()
            .map_err(fail)?;
        let Some((shard_count, merged, missing, targets_sha256, target_count, run_id)) = merged
        else {
            return Ok(None);
        };
        Ok(Some(ScanScope::Merged(MergedScope {
            shard_count,
            merged: self.decode(&merged, || format!("shards merged into scan {id}"))?,
            missing: self.decode(&missing, || format!("shards missing from scan {id}"))?,
            targets_sha256,
            target_count: target_count.max(0) as u64,
            run_id,
        })))
    }

    /// The position (index in the whole target list) and name of every domain stored in scan
    /// `id` (running or complete), in position order.
    pub fn domain_positions(&self, id: ScanId) -> Result<Vec<(u64, String)>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "listing stored domains", e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT position, domain FROM domain_results WHERE scan_id = ?1 ORDER BY position",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map([id.0], |row| {
                Ok((
                    row.get::<_, i64>(0)?.max(0) as u64,
                    row.get::<_, String>(1)?,
                ))
            })
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }
}

impl ScanWriter<'_> {
    /// Copies one domain of scan `id` in `from` (with its outcomes) into this scan, as stored:
    /// the JSON columns are copied as text, not decoded and encoded again, so a merged scan
    /// holds exactly what its shards held. All or nothing; a domain already in this scan is
    /// refused with [`StoreError::InvalidScan`] naming the file it came from.
    pub fn copy_domain(
        &mut self,
        from: &Store,
        id: ScanId,
        domain: &str,
    ) -> Result<(), StoreError> {
        use rusqlite::types::Value;
        let source = |e| StoreError::sqlite(&from.path, "reading a domain to copy", e);
        let row: Option<Vec<Value>> = from
            .conn
            .prepare_cached(
                "SELECT organisation, score, grade, grade_cap, coverage, families_json,
                        observations_json
                 FROM domain_results WHERE scan_id = ?1 AND domain = ?2",
            )
            .and_then(|mut stmt| {
                stmt.query_row(params![id.0, domain], |row| {
                    (0..7).map(|i| row.get::<_, Value>(i)).collect()
                })
                .optional()
            })
            .map_err(source)?;
        let Some(row) = row else {
            return Err(StoreError::BadStoredValue {
                path: from.path.clone(),
                what: format!("domain {domain} in scan {id}"),
                detail: "not stored".to_owned(),
            });
        };
        let outcomes: Vec<Vec<Value>> = {
            let mut stmt = from
                .conn
                .prepare_cached(
                    "SELECT position, check_id, status, finding, message, evidence_json
                     FROM outcomes WHERE scan_id = ?1 AND domain = ?2 ORDER BY position",
                )
                .map_err(source)?;
            let rows = stmt
                .query_map(params![id.0, domain], |row| {
                    (0..6).map(|i| row.get::<_, Value>(i)).collect()
                })
                .map_err(source)?;
            rows.collect::<Result<_, _>>().map_err(source)?
        };
        let path = self.path;
        let scan_id = self.scan_id.0;
        let position = self.next_position;
        let sp = self
            .tx
            .savepoint()
            .map_err(|e| StoreError::sqlite(path, "starting a domain savepoint", e))?;
        let exists: bool = sp
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM domain_results WHERE scan_id = ?1 AND domain = ?2)",
                params![scan_id, domain],
                |row| row.get(0),
            )
            .map_err(|e| StoreError::sqlite(path, "checking for a repeated domain", e))?;
        if exists {
            return Err(StoreError::InvalidScan {
                path: from.path.clone(),
                reason: format!("domain {domain} is already in the merged scan from another shard"),
            });
        }
        let mut values = vec![Value::Integer(scan_id), Value::Integer(position)];
        values.push(Value::Text(domain.to_owned()));
        values.extend(row);
        sp.execute(
            "INSERT INTO domain_results (scan_id, position, domain, organisation, score, grade,
                 grade_cap, coverage, families_json, observations_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            rusqlite::params_from_iter(values),
        )
        .map_err(|e| StoreError::sqlite(path, "writing a merged domain", e))?;
        for outcome in outcomes {
            let mut values = vec![Value::Integer(scan_id), Value::Text(domain.to_owned())];
            values.extend(outcome);
            sp.execute(
                "INSERT INTO outcomes (scan_id, domain, position, check_id, status, finding,
                     message, evidence_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params_from_iter(values),
            )
            .map_err(|e| StoreError::sqlite(path, "writing a merged outcome", e))?;
        }
        sp.commit()
            .map_err(|e| StoreError::sqlite(path, "releasing the domain savepoint", e))?;
        self.next_position += 1;
        Ok(())
    }

    /// Records which shards this (merged) scan was made of; written in the scan's transaction,
    /// so it becomes visible with the scan.
    pub fn record_merge(&mut self, merged: &MergedScope) -> Result<(), StoreError> {
        let path = self.path;
        let invalid = |reason: String| StoreError::InvalidScan {
            path: path.to_path_buf(),
            reason,
        };
        let merged_json = serde_json::to_string(&merged.merged)
            .map_err(|e| invalid(format!("merged shards cannot be serialised: {e}")))?;
        let missing_json = serde_json::to_string(&merged.missing)
            .map_err(|e| invalid(format!("missing shards cannot be serialised: {e}")))?;
        self.tx
            .execute(
                "INSERT INTO merged_scans (scan_id, shard_count, merged_json, missing_json,
                     targets_sha256, target_count, run_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    self.scan_id.0,
                    merged.shard_count,
                    merged_json,
                    missing_json,
                    merged.targets_sha256,
                    merged.target_count as i64,
                    merged.run_id,
                ],
            )
            .map_err(|e| StoreError::sqlite(path, "recording the merged shards", e))?;
        Ok(())
    }
}

fn insert_shard(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    id: ScanId,
    shard: &ShardScope,
) -> Result<(), StoreError> {
    if shard.shard.count == 0 || shard.shard.index == 0 || shard.shard.index > shard.shard.count {
        return Err(StoreError::InvalidScan {
            path: path.to_path_buf(),
            reason: format!("shard {} is not K/N with 1 ≤ K ≤ N", shard.shard),
        });
    }
    conn.execute(
        "INSERT INTO scan_shards (scan_id, shard_index, shard_count, targets_sha256,
             target_count, shard_target_count, run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.0,
            shard.shard.index,
            shard.shard.count,
            shard.targets_sha256,
            shard.target_count as i64,
            shard.shard_target_count as i64,
            shard.run_id,
        ],
    )
    .map_err(|e| StoreError::sqlite(path, "recording the shard", e))?;
    Ok(())
}
