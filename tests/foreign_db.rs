//! The real binary given another program's SQLite file as `--db` refuses it (exit 2, naming
//! the file) and leaves it, and the directory it is in, byte-for-byte unchanged.

use std::process::Command;

#[test]
fn a_foreign_database_is_byte_identical_after_govscan_refuses_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("photos.db");
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);
         INSERT INTO photos (name) VALUES ('holiday');",
    )
    .expect("foreign schema");
    drop(conn);
    let before = std::fs::read(&db).expect("read");
    let out = dir.path().join("out");
    for args in [
        vec![
            "scan",
            "--quiet",
            "--resolver",
            "127.0.0.1:9",
            "--dns-timeout",
            "100ms",
            "a.test",
        ],
        vec!["history"],
        vec!["diff"],
        vec!["report", "--out", "report-out"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_govscan"))
            .current_dir(dir.path())
            .args(&args)
            .arg("--db")
            .arg(&db)
            .args(if args[0] == "scan" {
                vec!["--out".as_ref(), out.as_os_str()]
            } else {
                vec![]
            })
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("photos.db") && stderr.contains("did not create"),
            "{args:?}: {stderr}"
        );
        assert_eq!(std::fs::read(&db).expect("read"), before, "{args:?}");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != "out")
            .collect();
        names.sort();
        assert_eq!(names, ["photos.db"], "{args:?}: nothing created beside it");
    }
}
