//! Numbered schema migrations, embedded from `migrations/NNNN_*.sql`, tracked in `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;
use crate::inspect::APPLICATION_ID;

/// Every migration, in order; entry `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_running_scans.sql"),
    include_str!("../migrations/0003_scan_health.sql"),
    include_str!("../migrations/0004_scan_owner.sql"),
    include_str!("../migrations/0005_provisional_scores.sql"),
    // Follows the output (0004) and dashboard (0005) branches' migrations; the version is the
    // position in this list.
    include_str!("../migrations/0006_shards.sql"),
];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`], one transaction per migration.
///
/// Refuses a database from a newer govscan, and an SQLite file that has tables but no govscan
/// schema. Safe against a concurrent opener: the version is re-read under the write lock.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let current = user_version(conn, path)?;
    check_not_newer(current, path)?;
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(path, "starting a migration", e))?;
        // Another process may have migrated while we waited for the lock.
        let now = user_version(&tx, path)?;
        check_not_newer(now, path)?;
        if now >= version {
            continue;
        }
        // Checked under the lock, so a concurrent opener's fresh tables are not "foreign".
        if now == 0 && (has_tables(&tx, path)? || application_id(&tx, path)? != 0) {
            return Err(StoreError::ForeignDatabase {
                path: path.to_path_buf(),
            });
        }
        let fail = |source: rusqlite::Error| match StoreError::sqlite(path, "", source) {
            StoreError::Sqlite { source, .. } => StoreError::Migration {
                path: path.to_path_buf(),
                version,
                source,
            },
            classified => classified,
        };
        tx.execute_batch(sql).map_err(fail)?;
        // govscan's mark in the header, in the same transaction (so from migration 1 on for a
        // new file, from migration 3 for a file made before the mark existed).
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(fail)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

/// The schema version recorded in the file (0 for a new file).
pub(crate) fn user_version(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| StoreError::sqlite(path, "reading the schema version", e))
}

fn check_not_newer(found: i64, path: &Path) -> Result<(), StoreError> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn application_id(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(|e| StoreError::sqlite(path, "reading the application id", e))
}

fn has_tables(conn: &Connection, path: &Path) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')",
        [],
        |row| row.get(0),
    )
    .map_err(|e| StoreError::sqlite(path, "inspecting the schema", e))
}
