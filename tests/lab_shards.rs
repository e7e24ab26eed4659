//! Four shard processes against the scale lab (`ci/bench-lab`, real nginx and Knot DNS on
//! 127.20.0.0/24), merged, judge every domain exactly as one process scanning all targets does:
//! outcome for outcome (status and finding per domain and check, score, grade; timings
//! ignored). Runs when `GOVSCAN_BENCH_LAB` is set, as `ci/test` does after starting the lab with
//! `BENCH_ZONES=12 ci/bench-lab/start 48 4` (sites spread over 12 registrable domains, so all
//! four shards have targets).

mod shard_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use shard_support::{GOVSCAN, assert_same_outcomes, govscan, judged, stderr};

/// Writes past the test harness's output capture so a skip is always visible.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The bench lab's run directory: `GOVSCAN_BENCH_LAB_DIR`, or `ci/bench-lab/run`.
fn bench_lab_dir() -> PathBuf {
    match std::env::var_os("GOVSCAN_BENCH_LAB_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ci/bench-lab/run"),
    }
}

/// The scan flags every process gets: the lab's DNS and CA, generous timeouts (four scanners
/// share a loaded machine; a timeout would differ between runs and is not what is compared).
fn scan_args(lab: &Path) -> Vec<String> {
    let mut args: Vec<String> = [
        "scan",
        "--quiet",
        "--allow-private",
        "--resolver",
        "127.20.0.53:53",
        "--connect-timeout",
        "20s",
        "--handshake-timeout",
        "20s",
        "--read-timeout",
        "30s",
        "--dns-timeout",
        "10s",
        "--domain-timeout",
        "600s",
    ]
    .map(str::to_owned)
    .to_vec();
    args.push("--ca-file".to_owned());
    args.push(lab.join("pki/ca.pem").display().to_string());
    args.push("--targets".to_owned());
    args.push(lab.join("targets.yaml").display().to_string());
    args
}

#[test]
fn four_shard_processes_merge_into_the_single_process_scan() {
    if std::env::var_os("GOVSCAN_BENCH_LAB").is_none_or(|v| v.is_empty()) {
        say(
            "four_shard_processes_merge_into_the_single_process_scan: bench lab not running, \
             skipped (run `BENCH_ZONES=12 ci/bench-lab/start 48 4` as root and set \
             GOVSCAN_BENCH_LAB=1, or run ci/test)",
        );
        return;
    }
    let lab = bench_lab_dir();
    assert!(
        lab.join("targets.yaml").is_file(),
        "GOVSCAN_BENCH_LAB is set but {} has no targets.yaml: start the bench lab",
        lab.display()
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let args = scan_args(&lab);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();

    let single = govscan(dir, &[&refs[..], &["--db", "single.db"]].concat());
    assert_eq!(
        single.status.code(),
        Some(0),
        "single scan: {}",
        stderr(&single)
    );

    // Four shard processes at once, as four Kubernetes pods or CI jobs would run.
    let children: Vec<_> = (1..=4)
        .map(|k| {
            Command::new(GOVSCAN)
                .current_dir(dir)
                .args(&args)
                .args(["--shard", &format!("{k}/4"), "--run-id", "lab"])
                .args(["--db", &format!("shard-{k}.db")])
                .output_in_thread()
        })
        .collect();
    for (k, child) in children.into_iter().enumerate() {
        let out = child.join().expect("shard thread");
        assert_eq!(
            out.status.code(),
            Some(0),
            "shard {}: {}",
            k + 1,
            stderr(&out)
        );
    }
    let sizes: Vec<usize> = (1..=4)
        .map(|k| judged(&dir.join(format!("shard-{k}.db"))).len())
        .collect();
    assert!(
        sizes.iter().filter(|&&n| n > 0).count() >= 3,
        "shard sizes {sizes:?}: start the bench lab with BENCH_ZONES=12 so the sites span \
         several registrable domains"
    );

    let merge = govscan(
        dir,
        &[
            "merge",
            "--db",
            "merged.db",
            "shard-1.db",
            "shard-2.db",
            "shard-3.db",
            "shard-4.db",
        ],
    );
    assert_eq!(merge.status.code(), Some(0), "merge: {}", stderr(&merge));
    let total = judged(&dir.join("single.db")).len();
    assert!(total >= 8, "the lab scan judged {total} domains");
    assert_eq!(
        sizes.iter().sum::<usize>(),
        total,
        "every domain in exactly one shard"
    );
    assert_same_outcomes(&dir.join("single.db"), &dir.join("merged.db"));
    say(&format!(
        "lab shards: {total} domains, shard sizes {sizes:?}, merged scan equals the single scan"
    ));
}

/// Runs a command to completion on its own thread (so several run at once).
trait OutputInThread {
    fn output_in_thread(self) -> std::thread::JoinHandle<std::process::Output>;
}

impl OutputInThread for &mut Command {
    fn output_in_thread(self) -> std::thread::JoinHandle<std::process::Output> {
        let child = self
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start shard");
        std::thread::spawn(move || child.wait_with_output().expect("wait shard"))
    }
}
