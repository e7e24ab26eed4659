//! Errors of the scan store; every one names the database file it concerns.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

/// Anything that can go wrong opening, writing or reading the scan history.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not an SQLite database, or its pages are damaged.
    #[error("{path}: not a govscan scan database (the file is not SQLite or is corrupt): {source}")]
    NotADatabase {
        /// The database file.
        path: PathBuf,
        /// SQLite's own error.
        source: rusqlite::Error,
    },
    /// A valid SQLite database that belongs to something else (tables, but no govscan schema).
    #[error("{path}: an SQLite database that govscan did not create; refusing to add tables to it")]
    ForeignDatabase {
        /// The database file.
        path: PathBuf,
    },
    /// Another connection held the database lock for longer than the busy timeout.
    #[error("{path}: the scan database is locked by another process or connection: {source}")]
    Locked {
        /// The database file.
        path: PathBuf,
        /// SQLite's own error.
        source: rusqlite::Error,
    },
    /// The database was written by a newer govscan whose schema this build does not know.
    #[error(
        "{path}: written by a newer govscan (schema version {found}, this build knows up to \
         {known}); upgrade govscan to read it"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this build knows.
        known: i64,
    },
    /// A schema migration failed; the database is left at the previous version.
    #[error("{path}: schema migration {version} failed: {source}")]
    Migration {
        /// The database file.
        path: PathBuf,
        /// The migration that failed.
        version: i64,
        /// SQLite's own error.
        source: rusqlite::Error,
    },
    /// Any other SQLite error.
    #[error("{path}: {action}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// SQLite's own error.
        source: rusqlite::Error,
    },
    /// The scan to save is not valid (bad timestamp, a domain listed twice, …).
    #[error("{path}: cannot save scan: {reason}")]
    InvalidScan {
        /// The database file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A stored value could not be read back (bad JSON, unknown status).
    #[error("{path}: stored {what} cannot be read: {detail}")]
    BadStoredValue {
        /// The database file.
        path: PathBuf,
        /// Which value, e.g. `observations of example.gov in scan 3`.
        what: String,
        /// Why.
        detail: String,
    },
    /// Another process holds the scan lock of this database (a scan is being written).
    #[error("{path}: another govscan scan is writing to this database ({detail})")]
    ScanInProgress {
        /// The database file.
        path: PathBuf,
        /// Who holds it (scan, pid, host, since when), the lock file and how long was waited.
        detail: String,
    },
    /// The scan lock file could not be opened or locked.
    #[error("{path}: cannot take the scan lock {lock}: {source}")]
    LockFile {
        /// The database file.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No scan with that id.
    #[error("{path}: no scan with id {id}")]
    ScanNotFound {
        /// The database file.
        path: PathBuf,
        /// The id asked for.
        id: i64,
    },
}

impl StoreError {
    /// Classifies an SQLite error: not-a-database and locked get their own variants.
    pub(crate) fn sqlite(path: &Path, action: &'static str, source: rusqlite::Error) -> Self {
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                StoreError::NotADatabase { path, source }
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Locked { path, source }
            }
            _ => StoreError::Sqlite {
                path,
                action,
                source,
            },
        }
    }
}
