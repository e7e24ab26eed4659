//! A scan killed part-way leaves the history database consistent and invisible to readers, and
//! `govscan scan --resume` finishes it without probing the saved domains again.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use govscan_store::Store;

const DOMAINS: usize = 40;

fn write_targets(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from(
        "portfolio: resume test\norganisations:\n  - name: Org\n    kind: government\n    domains:\n",
    );
    for i in 0..DOMAINS {
        // Nothing answers DNS on 127.0.0.1:9: every domain ends quickly and inconclusive.
        text.push_str(&format!("      - name: d{i:02}.resume.test\n"));
    }
    let path = dir.join("targets.yaml");
    std::fs::write(&path, text).expect("write targets");
    path
}

/// The exit code of a completed scan that could not measure its domains (these scans are
/// offline): see `govscan_model::health`.
const UNHEALTHY: Option<i32> = Some(3);

fn scan(db: &Path, targets: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_govscan"));
    cmd.args(["scan", "--quiet", "--concurrency", "1"])
        .args(["--resolver", "127.0.0.1:9", "--dns-timeout", "100ms"])
        .arg("--targets")
        .arg(targets)
        .arg("--db")
        .arg(db)
        .args(extra);
    cmd
}

/// probed_at of every domain stored in the only (running or complete) scan, read directly.
fn stored_probe_times(db: &Path) -> BTreeMap<String, String> {
    let store = Store::open(db).expect("open");
    let Some(running) = store.resumable_scan().expect("query") else {
        return BTreeMap::new();
    };
    store
        .stored_domains(running.id)
        .expect("names")
        .into_iter()
        .map(|name| {
            let d = store.load_domain(running.id, &name).expect("domain");
            (name, d.observations.probed_at)
        })
        .collect()
}

#[test]
fn a_killed_scan_is_invisible_and_resume_finishes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db");
    let targets = write_targets(dir.path());

    let mut child = scan(&db, &targets, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start scan");
    // Kill it once some domains are committed, well before the end.
    let deadline = Instant::now() + Duration::from_secs(60);
    let before = loop {
        assert!(Instant::now() < deadline, "no domain was committed in 60 s");
        if let Some(status) = child.try_wait().expect("poll") {
            panic!("the scan finished before it could be killed: {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
        if !db.exists() {
            continue;
        }
        let stored = stored_probe_times(&db);
        if stored.len() >= 3 {
            break stored;
        }
    };
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let before = {
        // Domains committed between our read and the kill count as saved too.
        let after_kill = stored_probe_times(&db);
        assert!(after_kill.len() >= before.len());
        assert!(after_kill.len() < DOMAINS, "killed part-way");
        after_kill
    };

    let store = Store::open(&db).expect("open");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    assert!(store.list_scans().expect("list").is_empty(), "not listed");
    assert_eq!(store.latest_scan_id().expect("latest"), None);
    drop(store);
    let history = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(["history", "--db"])
        .arg(&db)
        .output()
        .expect("history");
    let listed = String::from_utf8_lossy(&history.stdout);
    assert!(!listed.contains("#1"), "history lists no scan: {listed}");

    // A different target set cannot resume it.
    let other = dir.path().join("other.yaml");
    std::fs::write(
        &other,
        "portfolio: other\norganisations:\n  - name: Org\n    kind: government\n    domains:\n      - name: other.resume.test\n",
    )
    .expect("write");
    let refused = scan(&db, &other, &["--resume"]).output().expect("run");
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("different target set"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let out = dir.path().join("report");
    let resumed = scan(&db, &targets, &["--resume", "--out"])
        .arg(&out)
        .output()
        .expect("resume");
    // The scan is offline (its resolver is a closed port), so it measured this host, not the
    // domains: it completes, is saved, and exits 3 (scan health).
    assert_eq!(
        resumed.status.code(),
        UNHEALTHY,
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );

    let store = Store::open(&db).expect("open");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let scans = store.list_scans().expect("list");
    assert_eq!(scans.len(), 1, "exactly one scan");
    assert_eq!(scans[0].domain_count, DOMAINS as u64);
    let full = store.load_scan(scans[0].id).expect("load");
    let names: Vec<String> = full.domains.iter().map(|d| d.domain.clone()).collect();
    let expected: Vec<String> = (0..DOMAINS)
        .map(|i| format!("d{i:02}.resume.test"))
        .collect();
    assert_eq!(names, expected, "target order");
    for d in &full.domains {
        if let Some(probed_at) = before.get(&d.domain) {
            assert_eq!(
                &d.observations.probed_at, probed_at,
                "{} probed again",
                d.domain
            );
        }
    }
    assert_eq!(store.resumable_scan().expect("query"), None);
    // The report covers every domain, in target order.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).expect("read"))
            .expect("json");
    let reported: Vec<&str> = json["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .filter_map(|d| d["domain"].as_str())
        .collect();
    assert_eq!(reported, expected);
    let again = scan(&db, &targets, &["--resume"]).output().expect("run");
    assert_eq!(again.status.code(), Some(2), "nothing left to resume");
}

#[test]
fn a_new_scan_beside_an_interrupted_one_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db");
    let targets = write_targets(dir.path());
    let mut store = Store::open(&db).expect("open");
    let header = govscan_store::ScanHeader {
        schema_version: 1,
        govscan_version: "0".into(),
        scoring_version: 1,
        started_at: "2026-01-01T00:00:00Z".into(),
        finished_at: "2026-01-01T00:00:00Z".into(),
        baseline: govscan_model::BaselineRef {
            id: "x".into(),
            version: "1".into(),
            sha256: "0".into(),
        },
        organisations: Vec::new(),
    };
    store.start_scan(&header, "h", 1).expect("start");
    drop(store);
    let output = scan(&db, &targets, &[]).output().expect("run");
    assert_eq!(
        output.status.code(),
        UNHEALTHY,
        "an offline scan completes unhealthy"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("was interrupted") && stderr.contains("--resume"),
        "{stderr}"
    );
    let store = Store::open(&db).expect("open");
    assert_eq!(store.list_scans().expect("list").len(), 1);
    assert_eq!(store.resumable_scan().expect("query"), None, "superseded");
}
