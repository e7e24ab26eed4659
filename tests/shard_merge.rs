//! `scan --shard K/N` and `merge` end to end through the binary, offline (DNS goes to a closed
//! loopback port, so every domain ends quickly and inconclusive for a reason on the scanning
//! side: such scans, and their merge, are unhealthy and exit 3): shards merge into the scan a
//! single process makes; `history`, `diff` and `report` take the merged scan like any other;
//! every refusal (missing, duplicate, unfinished shard, other targets, baseline, run) exits 2
//! naming the file; a partial merge is labelled on the dashboard; a shard resumes only as
//! itself. The same comparison against real servers is `tests/lab_shards.rs`.

mod shard_support;

use std::path::Path;

use govscan::shard::shard_of;
use govscan_store::{ScanHeader, ScanScope, Store};
use shard_support::{assert_same_outcomes, govscan, stderr, stdout};

const TARGETS: usize = 12;

/// The exit code of a complete scan (or merge) that measured only this host: every offline
/// scan here that has domains (`govscan_model::health`).
const UNHEALTHY: Option<i32> = Some(3);

/// The exit code of a shard with no targets: nothing in it failed, so it is healthy.
const EMPTY: Option<i32> = Some(0);

/// Twelve targets in twelve registrable domains (`www.agencyI.test`), spread over 4 shards.
fn write_targets(dir: &Path, extra: &str) -> String {
    let mut text = String::from(
        "portfolio: shard test\norganisations:\n  - name: Government\n    kind: government\n    domains:\n",
    );
    for i in 0..TARGETS {
        text.push_str(&format!("      - name: www.agency{i}.test\n"));
    }
    text.push_str(extra);
    let name = if extra.is_empty() {
        "targets.yaml"
    } else {
        "other-targets.yaml"
    };
    std::fs::write(dir.join(name), text).expect("write targets");
    name.to_owned()
}

fn scan(dir: &Path, targets: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "scan",
        "--quiet",
        "--resolver",
        "127.0.0.1:9",
        "--dns-timeout",
        "100ms",
        "--connect-timeout",
        "1s",
        "--domain-timeout",
        "10s",
        "--targets",
        targets,
    ];
    args.extend_from_slice(extra);
    let out = govscan(dir, &args);
    assert!(
        [UNHEALTHY, EMPTY].contains(&out.status.code()),
        "scan {extra:?}: {}",
        stderr(&out)
    );
    out
}

/// Scans shard K/4 of the targets into `shard-K.db` (run id `night`).
fn shard(dir: &Path, targets: &str, k: u32, extra: &[&str]) {
    let spec = format!("{k}/4");
    let db = format!("shard-{k}.db");
    let mut args = vec![
        "--shard",
        spec.as_str(),
        "--run-id",
        "night",
        "--db",
        db.as_str(),
    ];
    args.extend_from_slice(extra);
    scan(dir, targets, &args);
}

fn refused(dir: &Path, args: &[&str], says: &[&str]) {
    let out = govscan(dir, args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?} should exit 2: {err}");
    for phrase in says {
        assert!(
            err.contains(phrase),
            "{args:?}: expected {phrase:?} in: {err}"
        );
    }
}

#[test]
fn four_shards_merge_into_the_scan_one_process_makes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let targets = write_targets(dir, "");
    let per_shard: Vec<usize> = (1..=4)
        .map(|k| {
            (0..TARGETS)
                .filter(|i| shard_of(&format!("www.agency{i}.test"), 4) == k)
                .count()
        })
        .collect();
    assert!(
        per_shard.iter().filter(|&&n| n > 0).count() >= 3,
        "{per_shard:?}"
    );
    scan(dir, &targets, &["--db", "single.db"]);
    for k in 1..=4 {
        shard(dir, &targets, k, &[]);
    }
    let merge = govscan(
        dir,
        &[
            "merge",
            "--db",
            "merged.db",
            "shard-3.db",
            "shard-1.db",
            "shard-4.db",
            "shard-2.db",
        ],
    );
    assert_eq!(merge.status.code(), UNHEALTHY, "{}", stderr(&merge));
    assert!(stderr(&merge).contains("THIS SCAN DID NOT MEASURE THE DOMAINS"));
    assert!(stdout(&merge).contains("Merged 4 of 4 shards (12 domains of 12 targets, run night)"));
    assert_eq!(
        shard_support::health(&dir.join("merged.db")),
        Some((12, 12, true))
    );
    assert_same_outcomes(&dir.join("single.db"), &dir.join("merged.db"));

    // Each shard holds only its own targets and says which shard it is.
    for k in 1..=4u32 {
        let store = Store::open(dir.join(format!("shard-{k}.db"))).expect("open");
        let id = store.latest_scan_id().expect("q").expect("scan");
        assert_eq!(
            store.stored_domains(id).expect("q").len(),
            per_shard[k as usize - 1]
        );
        match store.scan_scope(id).expect("scope") {
            Some(ScanScope::Shard(s)) => {
                assert_eq!((s.shard.index, s.shard.count, s.target_count), (k, 4, 12));
                assert_eq!(s.run_id.as_deref(), Some("night"));
            }
            other => panic!("shard {k}: {other:?}"),
        }
    }

    // A merged scan is a scan like any other: history, report (no partial label), diff.
    scan(dir, &targets, &["--db", "merged.db"]);
    let history = govscan(dir, &["history", "--db", "merged.db"]);
    assert!(
        stdout(&history).contains("2 scans in merged.db"),
        "{}",
        stdout(&history)
    );
    let report = govscan(
        dir,
        &["report", "--db", "merged.db", "--scan", "1", "--out", "r"],
    );
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    let index = std::fs::read_to_string(dir.join("r/index.html")).expect("index");
    assert!(
        !index.contains("Partial scan"),
        "a whole merge is not partial"
    );
    let diff = govscan(
        dir,
        &["diff", "1", "2", "--db", "merged.db", "--format", "json"],
    );
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
}

#[test]
fn merge_refuses_shards_that_do_not_belong_together() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let targets = write_targets(dir, "");
    for k in 1..=4 {
        shard(dir, &targets, k, &[]);
    }
    // Missing shards: the indexes are named.
    refused(
        dir,
        &["merge", "--db", "out.db", "shard-1.db", "shard-3.db"],
        &["missing shards 2, 4 of 4", "--allow-partial"],
    );
    // The same file twice, and the same shard from two files.
    refused(
        dir,
        &[
            "merge",
            "--db",
            "out.db",
            "shard-1.db",
            "shard-2.db",
            "./shard-1.db",
        ],
        &["./shard-1.db: given twice"],
    );
    std::fs::copy(dir.join("shard-2.db"), dir.join("again.db")).expect("copy");
    refused(
        dir,
        &[
            "merge",
            "--db",
            "out.db",
            "shard-1.db",
            "shard-2.db",
            "again.db",
            "shard-3.db",
        ],
        &["again.db: shard 2/4 again (also in shard-2.db)"],
    );
    // The output database among the shards.
    refused(
        dir,
        &["merge", "--db", "shard-4.db", "shard-1.db", "shard-4.db"],
        &["shard-4.db: this is also the --db"],
    );
    // Other targets, baseline, run id, N.
    let other = write_targets(dir, "      - name: www.extra.test\n");
    let netherlands = format!("{}/baselines/netherlands.yaml", env!("CARGO_MANIFEST_DIR"));
    let cases: [(&str, &str, Vec<&str>, &str); 4] = [
        (
            "t.db",
            &other,
            vec!["2/4", "night"],
            "is cut from a target set of 13 targets",
        ),
        (
            "b.db",
            &targets,
            vec!["2/4", "night", "--baseline", &netherlands],
            "was judged under baseline",
        ),
        (
            "r.db",
            &targets,
            vec!["2/4", "morning"],
            "has run id \"morning\"",
        ),
        ("n.db", &targets, vec!["2/5", "night"], "is one of 5 shards"),
    ];
    for (db, targets, flags, says) in cases {
        let mut args = vec!["--db", db, "--shard", flags[0], "--run-id", flags[1]];
        args.extend_from_slice(&flags[2..]);
        scan(dir, targets, &args);
        refused(
            dir,
            &[
                "merge",
                "--db",
                "out.db",
                "shard-1.db",
                db,
                "shard-3.db",
                "shard-4.db",
            ],
            &[&format!("{db}: shard"), says],
        );
    }
    // Not a shard, not a database, a merged scan.
    scan(dir, &targets, &["--db", "plain.db"]);
    refused(
        dir,
        &["merge", "--db", "out.db", "shard-1.db", "plain.db"],
        &["plain.db: its latest scan #1 is not a shard scan"],
    );
    std::fs::write(
        dir.join("junk.db"),
        b"not sqlite at all, not even close........",
    )
    .expect("w");
    refused(dir, &["merge", "--db", "out.db", "junk.db"], &["junk.db"]);
    refused(
        dir,
        &["merge", "--db", "out.db", "nowhere.db"],
        &["nowhere.db"],
    );
    let ok = govscan(
        dir,
        &[
            "merge",
            "--db",
            "m.db",
            "shard-1.db",
            "shard-2.db",
            "shard-3.db",
            "shard-4.db",
        ],
    );
    assert_eq!(ok.status.code(), UNHEALTHY, "{}", stderr(&ok));
    refused(
        dir,
        &["merge", "--db", "out.db", "m.db"],
        &["m.db: its latest scan #1 is itself a merged scan"],
    );
    assert!(
        !dir.join("out.db").exists(),
        "no refusal creates the output database"
    );
}

/// Leaves an unfinished (running) shard scan, newer than the complete one, in `db`.
fn interrupt_a_newer_shard_scan(db: &Path) {
    let mut store = Store::open(db).expect("open");
    let id = store.latest_scan_id().expect("q").expect("scan");
    let Some(ScanScope::Shard(scope)) = store.scan_scope(id).expect("scope") else {
        panic!("not a shard");
    };
    let mut header: ScanHeader = store.scan_header(id).expect("header");
    header.started_at = "2099-01-01T00:00:00Z".to_owned();
    header.finished_at = header.started_at.clone();
    store
        .start_shard_scan(&header, "cut", 1, &scope)
        .expect("start");
}

/// Starts shard K/4 (run `night`) into `shard-K.db` and kills it once its scan is marked
/// running (committed before any probing), leaving it interrupted.
fn kill_a_running_shard(dir: &Path, targets: &str, k: u32) {
    let db = dir.join(format!("shard-{k}.db"));
    let mut child = std::process::Command::new(shard_support::GOVSCAN)
        .current_dir(dir)
        .args([
            "scan",
            "--quiet",
            "--concurrency",
            "1",
            "--resolver",
            "127.0.0.1:9",
        ])
        .args([
            "--dns-timeout",
            "5s",
            "--targets",
            targets,
            "--run-id",
            "night",
        ])
        .arg("--shard")
        .arg(format!("{k}/4"))
        .arg("--db")
        .arg(&db)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the shard never started"
        );
        assert!(
            child.try_wait().expect("poll").is_none(),
            "the shard finished too soon"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        let started = db.exists()
            && Store::open(&db).is_ok_and(|s| s.resumable_scan().is_ok_and(|r| r.is_some()));
        if started {
            break;
        }
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
}

#[test]
fn an_unfinished_shard_is_refused_or_left_out_of_a_partial_merge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let targets = write_targets(dir, "");
    for k in 1..=4 {
        shard(dir, &targets, k, &[]);
    }
    interrupt_a_newer_shard_scan(&dir.join("shard-2.db"));
    let all = [
        "merge",
        "--db",
        "out.db",
        "shard-1.db",
        "shard-2.db",
        "shard-3.db",
        "shard-4.db",
    ];
    refused(
        dir,
        &all,
        &[
            "shard-2.db: shard 2/4",
            "is unfinished",
            "--resume",
            "--allow-partial",
        ],
    );
    let mut partial = all.to_vec();
    partial.push("--allow-partial");
    let out = govscan(dir, &partial);
    assert_eq!(out.status.code(), UNHEALTHY, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("shard-2.db: shard 2/4"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("PARTIAL: shard 2 missing"),
        "{}",
        stdout(&out)
    );
    let store = Store::open(dir.join("out.db")).expect("open");
    let id = store.latest_scan_id().expect("q").expect("merged");
    match store.scan_scope(id).expect("scope") {
        Some(ScanScope::Merged(m)) => {
            assert_eq!(
                (m.merged, m.missing, m.target_count),
                (vec![1, 3, 4], vec![2], 12)
            );
        }
        other => panic!("{other:?}"),
    }
    let report = govscan(dir, &["report", "--db", "out.db", "--out", "r"]);
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    let index = std::fs::read_to_string(dir.join("r/index.html")).expect("index");
    assert!(
        index.contains("Partial scan.</strong> 1 of 4 shards is missing"),
        "no label"
    );
}

#[test]
fn a_shard_resumes_only_as_the_same_shard_and_empty_shards_merge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let targets = write_targets(dir, "");
    kill_a_running_shard(dir, &targets, 1);
    let base = [
        "scan",
        "--quiet",
        "--resolver",
        "127.0.0.1:9",
        "--dns-timeout",
        "100ms",
        "--targets",
        targets.as_str(),
        "--db",
        "shard-1.db",
        "--resume",
    ];
    let with = |extra: &[&'static str]| [&base[..], extra].concat();
    refused(
        dir,
        &with(&["--shard", "2/4", "--run-id", "night"]),
        &["shard-1.db", "was shard 1/4", "not shard 2/4"],
    );
    refused(
        dir,
        &with(&["--shard", "1/4"]),
        &["was shard 1/4 of 12 targets (run night)"],
    );
    refused(dir, &with(&[]), &["not a scan of every target"]);
    let out = govscan(dir, &with(&["--shard", "1/4", "--run-id", "night"]));
    assert_eq!(out.status.code(), UNHEALTHY, "{}", stderr(&out));

    // Flags that make no sense are refused before anything is scanned.
    refused(dir, &["scan", "--run-id", "x", "a.test"], &["--shard"]);
    refused(dir, &["scan", "--shard", "5/4", "a.test"], &["--shard"]);
    refused(
        dir,
        &["scan", "--shard", "1/4", "--no-db", "a.test"],
        &["--no-db"],
    );
    refused(
        dir,
        &["scan", "--shard", "1/4", "--run-id", "a b", "a.test"],
        &["--run-id"],
    );

    // With more shards than registrable domains some shards are empty: they still complete
    // (so the merge knows they are not missing) and merge.
    let mut dbs = Vec::new();
    for k in 1..=16u32 {
        let spec = format!("{k}/16");
        let db = format!("s16-{k}.db");
        scan(dir, &targets, &["--shard", &spec, "--db", &db]);
        dbs.push(db);
    }
    assert!(
        (1..=16).any(|k| (0..TARGETS).all(|i| shard_of(&format!("www.agency{i}.test"), 16) != k)),
        "some shard is empty"
    );
    let mut args = vec!["merge", "--db", "m16.db", "--quiet"];
    args.extend(dbs.iter().map(String::as_str));
    let out = govscan(dir, &args);
    assert_eq!(out.status.code(), UNHEALTHY, "{}", stderr(&out));
    assert_eq!(shard_support::judged(&dir.join("m16.db")).len(), TARGETS);
}

#[test]
fn merge_takes_the_scan_lock_of_its_database() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let targets = write_targets(dir, "");
    for k in 1..=4 {
        shard(dir, &targets, k, &[]);
    }
    let merge_args = [
        "merge",
        "--db",
        "out.db",
        "shard-1.db",
        "shard-2.db",
        "shard-3.db",
        "shard-4.db",
    ];
    // Another writer holds out.db (as a running scan would): the merge exits 3 at once, names
    // the lock, and writes no scan.
    let holder = Store::open(dir.join("out.db")).expect("open out.db");
    let lock = holder
        .lock_for_scan(std::time::Duration::ZERO)
        .expect("lock");
    let busy = govscan(dir, &merge_args);
    assert_eq!(busy.status.code(), Some(3), "{}", stderr(&busy));
    assert!(
        stderr(&busy).contains("--wait-lock"),
        "the refusal says how to wait: {}",
        stderr(&busy)
    );
    assert!(
        holder.list_scans().expect("list").is_empty(),
        "a refused merge writes nothing"
    );
    // Once the writer is gone, the same merge runs.
    drop(lock);
    let merged = govscan(dir, &merge_args);
    assert_eq!(merged.status.code(), UNHEALTHY, "{}", stderr(&merged));
    assert_eq!(holder.list_scans().expect("list").len(), 1);
}
