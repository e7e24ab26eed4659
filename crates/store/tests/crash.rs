//! A process killed in the middle of writing a scan leaves no trace of it.
//!
//! The test runs its own binary again as a child (selected with `--exact` and an environment
//! variable). The child writes domains inside an open scan transaction until uncommitted pages
//! have spilled into the WAL file, signals readiness, and sleeps; the parent SIGKILLs it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use common::{domain, sample_scan, scan};
use govscan_model::Status;
use govscan_store::{ScanHeader, Store};
use rusqlite::Connection;

const CHILD_ENV: &str = "GOVSCAN_STORE_CRASH_CHILD_DB";
const TEST_NAME: &str = "a_killed_writer_leaves_no_half_written_scan";
/// Uncommitted bytes the child pushes into the WAL before it says it is ready.
const SPILL_BYTES: u64 = 3 * 1024 * 1024;

/// Kills the child if the parent's assertions fail first.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wal_len(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal))
        .map(|m| m.len())
        .unwrap_or(0)
}

/// The child's part: an open scan, many domains, then sleep until killed.
fn run_child(db: &Path) {
    let mut store = Store::open(db).expect("child open");
    let header = ScanHeader::from(&scan("2026-03-09T00:00:00Z", vec![]));
    let mut writer = store.begin_scan(&header).expect("child begin");
    let template = domain(
        "x",
        Some(40.0),
        "E",
        &[("tls.version", Status::Fail), ("http.hsts", Status::Pass)],
    );
    for i in 0..50_000 {
        let mut d = template.clone();
        d.domain = format!("crash{i}.example.gov");
        writer.add_domain(&d).expect("child add");
        if i % 100 == 0 && wal_len(db) > SPILL_BYTES {
            break;
        }
    }
    std::fs::write(db.with_extension("ready"), b"ready").expect("child marker");
    std::thread::sleep(Duration::from_secs(120));
    panic!("the parent should have killed this child");
}

#[test]
fn a_killed_writer_leaves_no_half_written_scan() {
    if let Some(db) = std::env::var_os(CHILD_ENV) {
        run_child(Path::new(&db));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("history.sqlite");
    let committed = Store::open(&db)
        .expect("open")
        .save_scan(&sample_scan("2026-03-01T00:00:00Z"))
        .expect("save");

    let exe = std::env::current_exe().expect("test binary path");
    let child = Command::new(exe)
        .args(["--exact", TEST_NAME, "--test-threads=1", "--nocapture"])
        .env(CHILD_ENV, &db)
        .spawn()
        .expect("spawn child");
    let mut child = KillOnDrop(child);
    let marker = db.with_extension("ready");
    let deadline = Instant::now() + Duration::from_secs(120);
    while !marker.exists() {
        if let Some(status) = child.0.try_wait().expect("poll child") {
            panic!("child exited before it was killed: {status}");
        }
        assert!(Instant::now() < deadline, "child never became ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        wal_len(&db) > SPILL_BYTES,
        "uncommitted pages reached the WAL file before the kill"
    );
    child.0.kill().expect("SIGKILL the child");
    let status = child.0.wait().expect("reap child");
    assert!(
        !status.success(),
        "child was killed, not finished: {status}"
    );

    let mut store = Store::open(&db).expect("reopen after the crash");
    let scans = store.list_scans().expect("list");
    assert_eq!(scans.len(), 1, "only the committed scan exists: {scans:?}");
    assert_eq!(scans[0].id, committed);
    assert_eq!(scans[0].domain_count, 2);
    let conn = Connection::open(&db).expect("raw open");
    let query = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(query("SELECT COUNT(*) FROM domain_results"), 2);
    assert_eq!(query("SELECT COUNT(*) FROM outcomes"), 5);
    assert_eq!(
        query(
            "SELECT COUNT(*) FROM domain_results d WHERE NOT EXISTS (SELECT 1 FROM scans s WHERE s.id = d.scan_id)"
        ),
        0
    );
    assert_eq!(
        query(
            "SELECT COUNT(*) FROM outcomes o WHERE NOT EXISTS
             (SELECT 1 FROM domain_results d WHERE d.scan_id = o.scan_id AND d.domain = o.domain)"
        ),
        0
    );
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok");
    let fk_problems: i64 = conn
        .prepare("PRAGMA foreign_key_check")
        .expect("fk check")
        .query_map([], |_| Ok(()))
        .expect("fk rows")
        .count() as i64;
    assert_eq!(fk_problems, 0);
    drop(conn);
    // The database is fully usable afterwards.
    let after = store
        .save_scan(&sample_scan("2026-03-10T00:00:00Z"))
        .expect("save after the crash");
    assert_eq!(store.latest_scan_id().expect("latest"), Some(after));
}
