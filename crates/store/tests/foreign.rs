//! A file that is not govscan's is refused byte-for-byte unchanged (no WAL switch, no table, no
//! header field, no journal or WAL file left beside it); govscan's own files, old and new, open
//! and carry govscan's application id.

use std::path::Path;

use govscan_store::{APPLICATION_ID, STORE_SCHEMA_VERSION, Store, StoreError};
use rusqlite::Connection;

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("file.db");
    (dir, path)
}

/// Every file in the directory with its length and a digest of its bytes.
fn snapshot(dir: &Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<(String, usize, u64)> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| {
            let e = e.expect("entry");
            let bytes = std::fs::read(e.path()).expect("read");
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut hasher);
            (
                e.file_name().to_string_lossy().into_owned(),
                bytes.len(),
                hasher.finish(),
            )
        })
        .collect();
    files.sort();
    files
}

fn assert_refused_unchanged(path: &Path, expect: fn(&StoreError) -> bool) {
    let dir = path.parent().expect("dir");
    let before = snapshot(dir);
    let err = Store::open(path).expect_err("refused");
    assert!(expect(&err), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(
        snapshot(dir),
        before,
        "the directory is byte-for-byte unchanged"
    );
}

fn is_foreign(e: &StoreError) -> bool {
    matches!(e, StoreError::ForeignDatabase { .. })
}

#[test]
fn another_programs_database_is_byte_identical_after_govscan_refuses_it() {
    let (_dir, path) = temp_db();
    let conn = Connection::open(&path).expect("raw open");
    conn.execute_batch(
        "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);
         INSERT INTO photos (name) VALUES ('a'), ('b');",
    )
    .expect("foreign schema");
    drop(conn);
    assert_refused_unchanged(&path, is_foreign);
    // Before: the file was switched to WAL (header bytes 18-19 = 2) before being refused.
    let header = std::fs::read(&path).expect("read");
    assert_eq!(
        (header[18], header[19]),
        (1, 1),
        "still a rollback-journal file"
    );
}

#[test]
fn a_foreign_database_in_wal_mode_is_left_alone() {
    let (dir, _) = temp_db();
    // A directory name that must be escaped in the SQLite URI used to read it.
    let odd = dir.path().join("we?ird #%dir");
    std::fs::create_dir(&odd).expect("mkdir");
    let path = odd.join("file.db");
    let conn = Connection::open(&path).expect("raw open");
    conn.pragma_update(None, "journal_mode", "wal")
        .expect("wal");
    conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
        .expect("schema");
    drop(conn);
    assert_refused_unchanged(&path, is_foreign);
}

#[test]
fn a_foreign_application_id_or_version_is_refused_even_without_tables() {
    for pragma in ["application_id = 1234", "user_version = 7"] {
        let (_dir, path) = temp_db();
        let conn = Connection::open(&path).expect("raw open");
        conn.execute_batch(&format!("PRAGMA {pragma}"))
            .expect("set header field");
        drop(conn);
        assert_refused_unchanged(&path, is_foreign);
    }
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_unchanged() {
    for bytes in [
        b"SQLite format 3\0 but cut short".to_vec(),
        b"#!/bin/sh\necho hello\n".to_vec(),
        vec![0u8; 4096],
    ] {
        let (_dir, path) = temp_db();
        std::fs::write(&path, &bytes).expect("write");
        assert_refused_unchanged(&path, |e| matches!(e, StoreError::NotADatabase { .. }));
        let text = Store::open(&path).expect_err("refused").to_string();
        assert!(text.contains("file is not a database"), "{text}");
    }
}

#[test]
fn new_and_empty_files_become_govscan_databases_with_its_application_id() {
    let (dir, path) = temp_db();
    Store::open(&path).expect("new file");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("touch");
    Store::open(&empty).expect("empty file");
    let blank = dir.path().join("blank.db");
    Connection::open(&blank)
        .and_then(|c| c.execute_batch("PRAGMA user_version = 0; VACUUM;"))
        .expect("an SQLite file with no tables");
    Store::open(&blank).expect("a blank SQLite file");
    for file in [path, empty, blank] {
        let conn = Connection::open(&file).expect("raw open");
        let id: i32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .expect("id");
        assert_eq!(id, APPLICATION_ID, "{}", file.display());
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, STORE_SCHEMA_VERSION);
    }
}

#[test]
fn a_govscan_database_from_before_the_application_id_is_migrated_and_kept() {
    let (_dir, path) = temp_db();
    let conn = Connection::open(&path).expect("raw open");
    conn.pragma_update(None, "journal_mode", "wal")
        .expect("wal");
    conn.execute_batch(include_str!("../migrations/0001_init.sql"))
        .expect("schema 1");
    conn.execute_batch(include_str!("../migrations/0002_running_scans.sql"))
        .expect("schema 2");
    conn.execute_batch(
        "PRAGMA user_version = 2;
         INSERT INTO scans VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000000000Z',
             '2026-01-01T00:00:00Z', '0.1.0', 1, 1, 'estonia', '1', 'x', '[]', 'complete');",
    )
    .expect("a scan");
    drop(conn);
    let store = Store::open(&path).expect("an old govscan database opens");
    assert_eq!(
        store.list_scans().expect("list").len(),
        1,
        "its scan is kept"
    );
    drop(store);
    let conn = Connection::open(&path).expect("raw open");
    let id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("id");
    assert_eq!(id, APPLICATION_ID);
}
