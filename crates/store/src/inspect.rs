//! Is this file govscan's? Decided before anything is changed: from the file's header bytes,
//! then through a read-only SQLite connection. A file that is not govscan's (not SQLite, another
//! program's database, a newer govscan's) is refused byte-for-byte unchanged: no WAL switch, no
//! table, no header field is written (`docs/design/store.md`, "Opening").

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::StoreError;
use crate::migrate::SCHEMA_VERSION;
use crate::store::DEFAULT_BUSY_TIMEOUT;

/// `PRAGMA application_id` of a govscan database: the ASCII bytes `GvSc` (0x47765363). Set by
/// every migration from schema 3 on (and so on every new database); databases older than that have 0 and are
/// recognised by their schema instead.
pub const APPLICATION_ID: i32 = 0x4776_5363;

/// The 16 bytes every SQLite 3 database file starts with.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Byte offset of the application id (big-endian u32) in the database header.
const APPLICATION_ID_OFFSET: usize = 68;
/// The tables every govscan schema has had since version 1.
const GOVSCAN_TABLES: [&str; 3] = ["scans", "domain_results", "outcomes"];

/// What the file at the path is, as far as opening it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// No file, an empty file, or an SQLite database with no tables and no ids: govscan may
    /// create its schema there.
    New,
    /// A govscan database this build can open (migrations may follow).
    Govscan,
}

/// Decides whether the file at `path` may be opened read-write as a govscan database; changes
/// nothing either way.
pub(crate) fn inspect(path: &Path) -> Result<Kind, StoreError> {
    let mut header = Vec::with_capacity(100);
    match std::fs::File::open(path) {
        Ok(file) => {
            file.take(100)
                .read_to_end(&mut header)
                .map_err(|e| io_failure(path, "reading the file header", e))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Kind::New),
        // A directory, no permission, ...: let SQLite give its own error on open.
        Err(_) => return Ok(Kind::Govscan),
    }
    if header.is_empty() {
        return Ok(Kind::New);
    }
    if header.len() < 100 || !header.starts_with(SQLITE_MAGIC) {
        return Err(not_a_database(path));
    }
    let id_bytes: [u8; 4] = header[APPLICATION_ID_OFFSET..APPLICATION_ID_OFFSET + 4]
        .try_into()
        .map_err(|_| not_a_database(path))?;
    let header_id = i32::from_be_bytes(id_bytes);
    if header_id != 0 && header_id != APPLICATION_ID {
        return Err(foreign(path));
    }
    // Bytes 18 and 19 are 2 in a WAL-mode file. With no `-wal` file beside it, the main file
    // holds every page, and an ordinary read-only connection would create `-wal` and `-shm`
    // files (and leave them): read it as immutable instead, which creates nothing.
    let wal_mode = header[18] == 2 && header[19] == 2;
    let immutable = wal_mode && !sidecar(path, "-wal").exists();
    read_only_verdict(path, immutable)
}

/// `path` with `suffix` appended to its file name (`file.db-wal`).
fn sidecar(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// An SQLite URI for `path` that opens it immutable (nothing is locked or created).
fn immutable_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from("file:");
    for &byte in path.as_os_str().as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/._-~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// The verdict from a read-only connection (which sees a WAL's newer pages than the header).
fn read_only_verdict(path: &Path, immutable: bool) -> Result<Kind, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_URI)
    } else {
        Connection::open_with_flags(path, flags)
    }
    .map_err(|e| StoreError::sqlite(path, "opening read-only", e))?;
    conn.busy_timeout(DEFAULT_BUSY_TIMEOUT)
        .map_err(|e| StoreError::sqlite(path, "setting the busy timeout", e))?;
    let read = |pragma: &str| -> Result<i64, StoreError> {
        conn.pragma_query_value(None, pragma, |row| row.get(0))
            .map_err(|e| StoreError::sqlite(path, "reading the database header", e))
    };
    let application_id = read("application_id")?;
    let version = read("user_version")?;
    let tables: Vec<String> = {
        let fail = |e| StoreError::sqlite(path, "inspecting the schema", e);
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .map_err(fail)?;
        stmt.query_map([], |row| row.get(0))
            .map_err(fail)?
            .collect::<Result<_, _>>()
            .map_err(fail)?
    };
    let has_govscan_tables = GOVSCAN_TABLES
        .iter()
        .all(|t| tables.iter().any(|name| name == t));
    match application_id {
        id if id == i64::from(APPLICATION_ID) => too_new_or(path, version, Kind::Govscan),
        0 if tables.is_empty() && version == 0 => Ok(Kind::New),
        // A govscan database from before the application id (schema 1 or 2).
        0 if version >= 1 && has_govscan_tables => too_new_or(path, version, Kind::Govscan),
        _ => Err(foreign(path)),
    }
}

fn too_new_or(path: &Path, version: i64, kind: Kind) -> Result<Kind, StoreError> {
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    Ok(kind)
}

fn foreign(path: &Path) -> StoreError {
    StoreError::ForeignDatabase {
        path: path.to_path_buf(),
    }
}

/// The error SQLite itself gives for a file that is not a database.
fn not_a_database(path: &Path) -> StoreError {
    StoreError::NotADatabase {
        path: path.to_path_buf(),
        source: rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_NOTADB),
            None,
        ),
    }
}

fn io_failure(path: &Path, action: &'static str, e: std::io::Error) -> StoreError {
    StoreError::Sqlite {
        path: path.to_path_buf(),
        action,
        source: rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
            Some(e.to_string()),
        ),
    }
}
