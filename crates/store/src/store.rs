//! Opening the scan database: pragmas, lock timeout and migrations.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use govscan_model::ScanResult;

use crate::migrate::migrate;
use crate::{ScanHeader, ScanId, ScanWriter, StoreError};

/// How long a statement waits for another connection's lock before failing with
/// [`StoreError::Locked`].
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open scan history database.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

impl Store {
    /// Opens (creating if missing) the database at `path`, switches it to WAL, turns foreign
    /// keys on, sets a 5 s busy timeout and applies any pending schema migrations — but first
    /// decides, without changing anything, that the file is govscan's (`inspect.rs`).
    ///
    /// Fails with [`StoreError::NotADatabase`] for a file that is not SQLite,
    /// [`StoreError::TooNew`] for a database from a newer govscan,
    /// [`StoreError::ForeignDatabase`] for another program's SQLite file and
    /// [`StoreError::Locked`] when another process holds the lock for too long.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        // Some lock waits on a file being created or switched to WAL by another connection
        // fail at once instead of waiting in the busy handler (SQLite refuses to wait where
        // waiting could deadlock), so the whole open is retried until the busy timeout has
        // passed. Each step is idempotent: inspecting, the pragmas, and the migrations (each
        // one its own transaction that re-reads the version).
        let path = path.as_ref();
        let deadline = std::time::Instant::now() + DEFAULT_BUSY_TIMEOUT;
        loop {
            match Store::open_once(path) {
                Err(StoreError::Locked { .. }) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                opened => return opened,
            }
        }
    }

    /// One attempt of [`Store::open`].
    fn open_once(path: &Path) -> Result<Store, StoreError> {
        let path = path.to_path_buf();
        // Decide first, read-only: a file that is not govscan's is refused unchanged.
        crate::inspect::inspect(&path)?;
        let mut conn =
            Connection::open(&path).map_err(|e| StoreError::sqlite(&path, "opening", e))?;
        conn.busy_timeout(DEFAULT_BUSY_TIMEOUT)
            .map_err(|e| StoreError::sqlite(&path, "setting the busy timeout", e))?;
        // The first statement reads the file header: a non-database fails here.
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))
            .map_err(|e| StoreError::sqlite(&path, "switching to WAL journal mode", e))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(|e| StoreError::sqlite(&path, "enabling foreign keys", e))?;
        migrate(&mut conn, &path)?;
        Ok(Store { conn, path })
    }

    /// Changes how long statements wait for another connection's lock.
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<(), StoreError> {
        self.conn
            .busy_timeout(timeout)
            .map_err(|e| StoreError::sqlite(&self.path, "setting the busy timeout", e))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts writing a scan: one write transaction that holds the header and then each domain
    /// as it is added. Nothing is visible to readers until [`ScanWriter::commit`]; dropping
    /// the writer (or the process dying) discards everything.
    pub fn begin_scan(&mut self, header: &ScanHeader) -> Result<ScanWriter<'_>, StoreError> {
        let Store { conn, path } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(path, "starting the scan transaction", e))?;
        ScanWriter::start(tx, path, header)
    }

    /// Saves a whole scan in one transaction and returns its id.
    pub fn save_scan(&mut self, scan: &ScanResult) -> Result<ScanId, StoreError> {
        let mut writer = self.begin_scan(&ScanHeader::from(scan))?;
        for domain in &scan.domains {
            writer.add_domain(domain)?;
        }
        writer.set_health(&govscan_model::ScanHealth::assess(
            scan.domains.iter().map(|d| d.outcomes.as_slice()),
        ))?;
        writer.commit()
    }

    /// Deletes a scan with its domain results and outcomes (foreign-key cascade); returns
    /// whether it existed.
    pub fn delete_scan(&mut self, id: ScanId) -> Result<bool, StoreError> {
        let deleted = self
            .conn
            .execute("DELETE FROM scans WHERE id = ?1", [id.0])
            .map_err(|e| StoreError::sqlite(&self.path, "deleting a scan", e))?;
        Ok(deleted > 0)
    }
}
