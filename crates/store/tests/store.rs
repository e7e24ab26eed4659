//! The SQLite store: round trips, streaming writes, listing, history, and clear errors.

mod common;

use std::time::Duration;

use common::{domain, sample_scan, scan};
use govscan_model::Status;
use govscan_store::{STORE_SCHEMA_VERSION, ScanHeader, ScanId, Store, StoreError};
use rusqlite::Connection;

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    (dir, path)
}

fn count(path: &std::path::Path, table: &str) -> i64 {
    let conn = Connection::open(path).expect("raw open");
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_saved_scan_loads_back_identical() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let saved = sample_scan("2026-03-01T10:00:00.123+02:00");
    let id = store.save_scan(&saved).expect("save");
    let loaded = store.load_scan(id).expect("load");
    assert_eq!(loaded, saved);
    // And again after closing and reopening the file.
    drop(store);
    let store = Store::open(&path).expect("reopen");
    assert_eq!(store.load_scan(id).expect("load"), saved);
    assert_eq!(count(&path, "outcomes"), 5);
}

#[test]
fn a_fresh_database_is_wal_with_the_current_schema() {
    let (_dir, path) = temp_db();
    Store::open(&path).expect("open");
    assert!(path.exists());
    let conn = Connection::open(&path).expect("raw open");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, STORE_SCHEMA_VERSION);
    // Opening again is a no-op for the schema.
    Store::open(&path).expect("reopen");
}

#[test]
fn the_streaming_writer_commits_atomically_and_rolls_back_on_drop() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let full = sample_scan("2026-03-01T10:00:00Z");
    let header = ScanHeader::from(&full);
    {
        let mut writer = store.begin_scan(&header).expect("begin");
        writer.add_domain(&full.domains[0]).expect("add");
        // dropped without commit
    }
    assert_eq!(store.list_scans().expect("list"), vec![]);
    assert_eq!(count(&path, "domain_results"), 0);

    let mut writer = store.begin_scan(&header).expect("begin");
    writer.add_domain(&full.domains[0]).expect("add");
    let err = writer
        .add_domain(&full.domains[0])
        .expect_err("a repeated domain is refused");
    assert!(matches!(err, StoreError::InvalidScan { .. }), "{err}");
    assert!(
        err.to_string().contains("good.example.gov appears twice"),
        "{err}"
    );
    writer
        .add_domain(&full.domains[1])
        .expect("the writer is still usable");
    writer
        .set_finished_at("2026-03-01T10:05:00Z")
        .expect("finish time");
    let id = writer.commit().expect("commit");
    let loaded = store.load_scan(id).expect("load");
    assert_eq!(loaded.domains, full.domains);
    assert_eq!(loaded.finished_at, "2026-03-01T10:05:00Z");
}

#[test]
fn a_scan_with_a_bad_timestamp_is_refused_and_leaves_nothing() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let err = store
        .save_scan(&sample_scan("last Tuesday"))
        .expect_err("bad timestamp");
    assert!(matches!(err, StoreError::InvalidScan { .. }), "{err}");
    assert!(err.to_string().contains("last Tuesday"), "{err}");
    assert_eq!(count(&path, "scans"), 0);
}

#[test]
fn scans_list_in_start_order_with_counts_and_means() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    assert_eq!(store.latest_scan_id().expect("latest"), None);
    // Saved out of order; 11:00+02:00 is 09:00Z, before 09:30Z.
    let later = store
        .save_scan(&sample_scan("2026-03-01T09:30:00Z"))
        .expect("save");
    let earlier = store
        .save_scan(&sample_scan("2026-03-01T11:00:00+02:00"))
        .expect("save");
    let three = scan(
        "2026-03-02T00:00:00Z",
        vec![
            domain("a.example.gov", Some(80.0), "B", &[]),
            domain("b.example.gov", Some(60.0), "C", &[]),
            domain("c.example.gov", None, "?", &[]),
        ],
    );
    let last = store.save_scan(&three).expect("save");
    let list = store.list_scans().expect("list");
    let ids: Vec<ScanId> = list.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![earlier, later, last]);
    assert_eq!(list[2].domain_count, 3);
    // The mean is over scored domains only.
    assert_eq!(list[2].mean_score, Some(70.0));
    assert_eq!(list[0].mean_score, Some(92.25));
    assert_eq!(list[0].baseline_id, "estonia");
    assert_eq!(list[0].baseline_version, "2026.1");
    assert_eq!(list[0].started_at, "2026-03-01T11:00:00+02:00");

    assert_eq!(store.latest_scan_id().expect("latest"), Some(last));
    assert_eq!(store.previous_scan_id(last).expect("prev"), Some(later));
    assert_eq!(store.previous_scan_id(later).expect("prev"), Some(earlier));
    assert_eq!(store.previous_scan_id(earlier).expect("prev"), None);
    let err = store.previous_scan_id(ScanId(999)).expect_err("unknown");
    assert!(
        matches!(err, StoreError::ScanNotFound { id: 999, .. }),
        "{err}"
    );
    let err = store.load_scan(ScanId(999)).expect_err("unknown");
    assert!(err.to_string().contains("no scan with id 999"), "{err}");
}

#[test]
fn domain_and_check_history_follow_the_scans() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let first = store
        .save_scan(&sample_scan("2026-03-01T00:00:00Z"))
        .expect("save");
    let mut second = sample_scan("2026-03-08T00:00:00Z");
    second.domains[0].score = Some(71.5);
    second.domains[0].grade = "C".into();
    second.domains[0].outcomes[1] = common::outcome("http.hsts", Status::Fail);
    let second_id = store.save_scan(&second).expect("save");

    let history = store.domain_history("good.example.gov").expect("history");
    assert_eq!(
        history,
        vec![
            (
                first,
                "2026-03-01T00:00:00Z".to_owned(),
                Some(92.25),
                "A".to_owned()
            ),
            (
                second_id,
                "2026-03-08T00:00:00Z".to_owned(),
                Some(71.5),
                "C".to_owned()
            ),
        ]
    );
    assert_eq!(
        store.domain_history("nobody.example.gov").expect("history"),
        vec![]
    );
    let checks = store
        .check_history("good.example.gov", "http.hsts")
        .expect("checks");
    let statuses: Vec<Status> = checks.iter().map(|p| p.2).collect();
    assert_eq!(statuses, vec![Status::Warn, Status::Fail]);
    assert_eq!(checks[1].3, "fail_finding");
}

#[test]
fn deleting_a_scan_cascades_to_its_rows() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let keep = store
        .save_scan(&sample_scan("2026-03-01T00:00:00Z"))
        .expect("save");
    let gone = store
        .save_scan(&sample_scan("2026-03-02T00:00:00Z"))
        .expect("save");
    assert!(store.delete_scan(gone).expect("delete"));
    assert!(!store.delete_scan(gone).expect("delete again"));
    assert_eq!(count(&path, "domain_results"), 2);
    assert_eq!(count(&path, "outcomes"), 5);
    assert_eq!(store.latest_scan_id().expect("latest"), Some(keep));
}

#[test]
fn garbage_bytes_are_not_a_database_and_the_error_names_the_file() {
    let (_dir, path) = temp_db();
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &garbage).expect("write garbage");
    let err = Store::open(&path).expect_err("garbage is not a database");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).expect("read back"),
        garbage,
        "the file is left alone"
    );
}

#[test]
fn a_database_from_a_newer_govscan_is_refused() {
    let (_dir, path) = temp_db();
    Store::open(&path).expect("open");
    let conn = Connection::open(&path).expect("raw open");
    conn.pragma_update(None, "user_version", 99)
        .expect("bump version");
    drop(conn);
    let err = Store::open(&path).expect_err("too new");
    assert!(
        matches!(err, StoreError::TooNew { found: 99, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()) && text.contains("newer govscan"),
        "{text}"
    );
}

#[test]
fn another_programs_sqlite_file_is_not_touched() {
    let (_dir, path) = temp_db();
    let conn = Connection::open(&path).expect("raw open");
    conn.execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
        .expect("foreign table");
    drop(conn);
    let err = Store::open(&path).expect_err("foreign");
    assert!(matches!(err, StoreError::ForeignDatabase { .. }), "{err:?}");
    let conn = Connection::open(&path).expect("raw open");
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .expect("tables");
    assert_eq!(tables, 1);
}

#[test]
fn a_locked_database_gives_a_clear_error_after_the_busy_timeout() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    store
        .set_busy_timeout(Duration::from_millis(200))
        .expect("timeout");
    let holder = Connection::open(&path).expect("second connection");
    holder
        .execute_batch("BEGIN EXCLUSIVE")
        .expect("exclusive lock");
    let started = std::time::Instant::now();
    let err = store
        .save_scan(&sample_scan("2026-03-01T00:00:00Z"))
        .expect_err("locked");
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "waited for the busy timeout"
    );
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()) && text.contains("locked"),
        "{text}"
    );
    // Readers are not blocked by a writer in WAL mode: opening and listing still work.
    let reader = Store::open(&path).expect("open while another connection writes");
    assert_eq!(reader.list_scans().expect("list"), vec![]);
    // Once the lock is released, writing works.
    holder.execute_batch("ROLLBACK").expect("release");
    store
        .save_scan(&sample_scan("2026-03-01T00:00:00Z"))
        .expect("save after release");
}

#[test]
fn two_processes_opening_a_new_file_at_once_both_succeed() {
    let (_dir, path) = temp_db();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path).map(|_| ()))
        })
        .collect();
    for handle in handles {
        handle.join().expect("thread").expect("open");
    }
    let conn = Connection::open(&path).expect("raw open");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, STORE_SCHEMA_VERSION);
}

#[test]
fn ten_thousand_domains_stream_through_one_transaction() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let template = domain(
        "x",
        Some(50.0),
        "D",
        &[("tls.version", Status::Pass), ("http.hsts", Status::Fail)],
    );
    let header = ScanHeader::from(&scan("2026-03-01T00:00:00Z", vec![]));
    let mut writer = store.begin_scan(&header).expect("begin");
    for i in 0..10_000 {
        let mut d = template.clone();
        d.domain = format!("d{i}.example.gov");
        d.score = Some(f64::from(i % 101));
        writer.add_domain(&d).expect("add");
    }
    let id = writer.commit().expect("commit");
    let list = store.list_scans().expect("list");
    assert_eq!(list[0].id, id);
    assert_eq!(list[0].domain_count, 10_000);
    assert_eq!(count(&path, "outcomes"), 20_000);
    let loaded = store.load_scan(id).expect("load");
    assert_eq!(loaded.domains[9_999].domain, "d9999.example.gov");
}

#[test]
fn a_damaged_stored_value_is_reported_not_panicked_on() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let id = store
        .save_scan(&sample_scan("2026-03-01T00:00:00Z"))
        .expect("save");
    let conn = Connection::open(&path).expect("raw open");
    conn.execute(
        "UPDATE domain_results SET observations_json = '{\"truncated' WHERE domain = 'bad.example.gov'",
        [],
    )
    .expect("damage");
    let err = store.load_scan(id).expect_err("damaged");
    assert!(matches!(err, StoreError::BadStoredValue { .. }), "{err:?}");
    assert!(
        err.to_string().contains("observations of bad.example.gov"),
        "{err}"
    );
}
