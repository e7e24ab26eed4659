//! Numbered schema migrations, embedded from `migrations/NNNN_*.sql`, tracked in `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;

/// Every migration, in order; entry `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_running_scans.sql"),
    include_str!("../migrations/0003_scan_health.sql"),
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
        if now == 0 && has_tables(&tx, path)? {
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

fn has_tables(conn: &Connection, path: &Path) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')",
        [],
        |row| row.get(0),
    )
    .map_err(|e| StoreError::sqlite(path, "inspecting the schema", e))
}
