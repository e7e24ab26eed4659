//! Scan health in the history: assessed from a scan's stored outcomes (running or complete),
//! recorded with the scan, read back for the report, the history list and the trend.

use rusqlite::{OptionalExtension, params};

use govscan_model::{SCANNER_FAILURE, SMTP_UNREACHABLE, ScanHealth};

use crate::{ScanId, Store, StoreError};

impl Store {
    /// The health of scan `id` (running or complete), from its stored outcomes.
    pub fn assess_health(&self, id: ScanId) -> Result<ScanHealth, StoreError> {
        assess(&self.conn, &self.path, id)
    }

    /// Records the health of scan `id`.
    pub fn set_health(&mut self, id: ScanId, health: &ScanHealth) -> Result<(), StoreError> {
        write_health(&self.conn, &self.path, id, health)
    }

    /// The recorded health of scan `id`; `None` when it was never assessed (scans saved by
    /// an older govscan).
    pub fn scan_health(&self, id: ScanId) -> Result<Option<ScanHealth>, StoreError> {
        let fail = |e| StoreError::sqlite(&self.path, "reading the scan's health", e);
        let json: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT health_json FROM scans WHERE id = ?1",
                [id.0],
                |row| row.get(0),
            )
            .optional()
            .map_err(fail)?;
        let Some(json) = json else {
            return Err(StoreError::ScanNotFound {
                path: self.path.clone(),
                id: id.0,
            });
        };
        Ok(json.and_then(|text| parse_health(&text)))
    }
}

/// The health of scan `id` from its stored outcomes (inside whatever transaction `conn` is in).
pub(crate) fn assess(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    id: ScanId,
) -> Result<ScanHealth, StoreError> {
    let fail = |e| StoreError::sqlite(path, "assessing the scan's health", e);
    let mut stmt = conn
        .prepare(
            "SELECT
                COALESCE(SUM(CASE WHEN o.status = 'inconclusive' AND o.finding = ?2
                                  THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN o.status NOT IN ('info', 'not_applicable')
                                  THEN 1 ELSE 0 END), 0)
             FROM domain_results d
             LEFT JOIN outcomes o ON o.scan_id = d.scan_id AND o.domain = d.domain
             WHERE d.scan_id = ?1
             GROUP BY d.domain",
        )
        .map_err(fail)?;
    let counts = stmt
        .query_map(params![id.0, SCANNER_FAILURE], |row| {
            Ok((
                row.get::<_, i64>(0)?.max(0) as u64,
                row.get::<_, i64>(1)?.max(0) as u64,
            ))
        })
        .map_err(fail)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    // Every scanner-side message, streamed (a big scan has one per check and domain):
    // the causes are counted over all of them, a few examples kept.
    let mut stmt = conn
        .prepare(
            "SELECT message FROM outcomes
             WHERE scan_id = ?1 AND status = 'inconclusive' AND finding = ?2
             ORDER BY rowid",
        )
        .map_err(fail)?;
    let mut rows = stmt.query(params![id.0, SCANNER_FAILURE]).map_err(fail)?;
    let mut read_error = None;
    let messages = std::iter::from_fn(|| match rows.next() {
        Ok(Some(row)) => match row.get::<_, String>(0) {
            Ok(message) => Some((message, 1)),
            Err(e) => {
                read_error = Some(e);
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            read_error = Some(e);
            None
        }
    });
    let health = ScanHealth::from_messages(counts, messages);
    if let Some(e) = read_error {
        return Err(fail(e));
    }
    drop(rows);
    let smtp_unreachable: i64 = conn
        .query_row(
            "SELECT COUNT(DISTINCT domain) FROM outcomes WHERE scan_id = ?1 AND finding = ?2",
            params![id.0, SMTP_UNREACHABLE],
            |row| row.get(0),
        )
        .map_err(fail)?;
    Ok(ScanHealth {
        smtp_unreachable: smtp_unreachable.max(0) as u64,
        ..health
    })
}

/// Writes `health` on the scan row (inside whatever transaction `conn` is in).
pub(crate) fn write_health(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    id: ScanId,
    health: &ScanHealth,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(health).map_err(|e| StoreError::InvalidScan {
        path: path.to_path_buf(),
        reason: format!("the scan's health cannot be serialised: {e}"),
    })?;
    conn.execute(
        "UPDATE scans SET health_json = ?1, unhealthy = ?2 WHERE id = ?3",
        params![json, i64::from(health.unhealthy), id.0],
    )
    .map_err(|e| StoreError::sqlite(path, "recording the scan's health", e))?;
    Ok(())
}

/// A stored health; an unreadable one (a newer govscan's shape) reads as not assessed.
pub(crate) fn parse_health(text: &str) -> Option<ScanHealth> {
    serde_json::from_str(text).ok()
}
