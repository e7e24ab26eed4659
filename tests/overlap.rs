//! Scheduled scans that overlap (cron with a slow night), with real processes: a second scan on
//! a database that a live scan is writing exits 3 at once naming that scan and process, or with
//! `--wait-lock` waits for it and then runs; `--resume` never writes into a scan whose writer
//! is alive; the scan of the first process comes out whole either way.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use govscan_store::{ScanOwner, Store};

const DOMAINS: usize = 20;

/// A DNS server that never answers: every query of the scan waits for `--dns-timeout`, so a
/// scan of `DOMAINS` domains one at a time takes a while (no timing is asserted). Its TCP port
/// listens too (never accepting), so the scan sees a silent resolver — timeouts the domains
/// could cause — rather than one that is not there (the scanner's own failure, exit 3).
struct SilentResolver {
    udp: UdpSocket,
    _tcp: TcpListener,
}

impl SilentResolver {
    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.udp.local_addr()
    }
}

fn silent_resolver() -> SilentResolver {
    for _ in 0..100 {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let port = udp.local_addr().expect("addr").port();
        // The same port on TCP; another process may hold it, then try a new one.
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)) {
            return SilentResolver { udp, _tcp: tcp };
        }
    }
    panic!("no loopback port free on both UDP and TCP in 100 tries");
}

fn write_targets(dir: &Path) -> PathBuf {
    let mut text = String::from(
        "portfolio: overlap test\norganisations:\n  - name: Org\n    kind: government\n    domains:\n",
    );
    for i in 0..DOMAINS {
        text.push_str(&format!("      - name: d{i:02}.overlap.test\n"));
    }
    let path = dir.join("targets.yaml");
    std::fs::write(&path, text).expect("write targets");
    path
}

fn scan(db: &Path, targets: &Path, resolver: &SilentResolver, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_govscan"));
    cmd.args(["scan", "--quiet", "--concurrency", "1", "--retries", "0"])
        .arg("--resolver")
        .arg(resolver.local_addr().expect("addr").to_string())
        .args(["--dns-timeout", "300ms", "--domain-timeout", "10s"])
        .arg("--targets")
        .arg(targets)
        .arg("--db")
        .arg(db)
        .args(extra);
    cmd
}

fn start(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start scan")
}

/// Waits (at most 60 s) until the running scan of `child` has recorded its writer.
fn wait_until_writing(db: &Path, child: &mut Child) -> govscan_store::RunningScan {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            Instant::now() < deadline,
            "the first scan did not start in 60 s"
        );
        if let Some(status) = child.try_wait().expect("poll") {
            panic!("the first scan ended before the test could overlap it: {status}");
        }
        if db.exists()
            && let Ok(store) = Store::open(db)
            && let Ok(Some(running)) = store.resumable_scan()
            && running.owner.is_some()
        {
            return running;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn finish(child: Child) -> Output {
    child.wait_with_output().expect("wait")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_second_scan_on_a_busy_database_exits_or_waits_and_never_writes_into_the_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db");
    let targets = write_targets(dir.path());
    let resolver = silent_resolver();

    let mut first = start(scan(&db, &targets, &resolver, &[]));
    let running = wait_until_writing(&db, &mut first);
    let owner = running.owner.clone().expect("recorded");
    assert_eq!(
        owner.pid,
        first.id(),
        "the scan names the process writing it"
    );

    // A second run, no waiting: exit 3 at once, naming the scan and the process.
    let second = scan(&db, &targets, &resolver, &[]).output().expect("run");
    assert!(
        first.try_wait().expect("poll").is_none(),
        "overlapped a live scan"
    );
    assert_eq!(second.status.code(), Some(3), "{}", stderr(&second));
    let text = stderr(&second);
    assert!(
        text.contains("another govscan scan is writing to this database")
            && text.contains(&format!("scan #{}", running.id))
            && text.contains(&format!("pid {}", first.id()))
            && text.contains("--wait-lock"),
        "{text}"
    );

    // `--resume` while the writer lives: refused the same way, nothing written into its scan.
    let resumed = scan(&db, &targets, &resolver, &["--resume"])
        .output()
        .expect("run");
    assert!(
        first.try_wait().expect("poll").is_none(),
        "overlapped a live scan"
    );
    assert_eq!(resumed.status.code(), Some(3), "{}", stderr(&resumed));
    assert!(stderr(&resumed).contains("another govscan scan is writing"));

    // A third run that may wait: it waits for the first, then scans.
    let third = start(scan(&db, &targets, &resolver, &["--wait-lock", "5m"]));
    let first = finish(first);
    assert!(first.status.success(), "first: {}", stderr(&first));
    let third = finish(third);
    assert!(third.status.success(), "third: {}", stderr(&third));

    let store = Store::open(&db).expect("open");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let scans = store.list_scans().expect("list");
    assert_eq!(scans.len(), 2, "the first scan and the one that waited");
    assert_eq!(
        scans[0].id, running.id,
        "the first run's scan, completed by it"
    );
    for s in &scans {
        assert_eq!(s.domain_count, DOMAINS as u64, "scan #{} is whole", s.id);
    }
    assert_eq!(store.resumable_scan().expect("query"), None);
    assert!(
        !stderr(&third).contains("was interrupted"),
        "the waiting run saw a complete scan, not an interrupted one: {}",
        stderr(&third)
    );
}

#[test]
fn resume_refuses_a_scan_whose_recorded_writer_is_alive_and_takes_it_once_gone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db");
    let targets = write_targets(dir.path());
    let resolver = silent_resolver();

    // Leave an interrupted scan: SIGKILL a run once it writes. The kernel drops its lock.
    let mut killed = start(scan(&db, &targets, &resolver, &[]));
    let running = wait_until_writing(&db, &mut killed);
    killed.kill().expect("SIGKILL");
    killed.wait().expect("reap");

    // Record a live process that holds no lock as its writer (as a govscan from before the
    // lock would be): --resume must not write into that scan.
    let mut stranger = Command::new("sleep").arg("60").spawn().expect("sleep");
    let mut store = Store::open(&db).expect("open");
    let owner = ScanOwner::of_process(stranger.id(), "2026-11-27T02:30:00Z");
    store.set_scan_owner(running.id, &owner).expect("record");
    let stored_before = store.stored_domains(running.id).expect("names");
    drop(store);
    let refused = scan(&db, &targets, &resolver, &["--resume"])
        .output()
        .expect("run");
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains(&format!(
            "scan #{} is still being written by pid {}",
            running.id,
            stranger.id()
        )),
        "{}",
        stderr(&refused)
    );
    let store = Store::open(&db).expect("open");
    assert_eq!(
        store.stored_domains(running.id).expect("names"),
        stored_before
    );
    drop(store);

    // Once that process is gone, --resume takes the scan over and completes it.
    stranger.kill().expect("kill");
    stranger.wait().expect("reap");
    let resumed = scan(&db, &targets, &resolver, &["--resume"])
        .output()
        .expect("run");
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let store = Store::open(&db).expect("open");
    let scans = store.list_scans().expect("list");
    assert_eq!(scans.len(), 1);
    assert_eq!(scans[0].id, running.id);
    assert_eq!(scans[0].domain_count, DOMAINS as u64);
}
