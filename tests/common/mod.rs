//! What the lab-gated integration tests share: the gate on `GOVSCAN_LAB`, the lab's run
//! directory, the command line every lab scan starts with, running govscan, and a line on
//! stderr that the test harness does not capture.
//!
//! Each test binary includes this module and uses part of it, hence the `dead_code` allowances.

pub(crate) mod scan_run;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The flag every scan of the lab passes: the lab lives on loopback (127.10.x.x), and govscan
/// contacts no loopback or private address unless allowed.
#[allow(dead_code)] // not every lab test binary scans with it (tests/hostile.rs allows less)
pub(crate) const LAB_ALLOW: &str = "--allow-private";

/// The lab's authoritative DNS server (Knot), which every lab scan asks unless it tests a
/// validating resolver.
#[allow(dead_code)]
pub(crate) const LAB_RESOLVER: &str = "127.10.0.53:53";

/// The start of every lab scan's command line: `scan`, [`LAB_ALLOW`], the lab's `resolver`,
/// its CA and the DNSSEC trust `anchor`, `--quiet`, and timeouts short enough for loopback
/// (a domain's budget is `domain_timeout`). Callers add where results go and what to scan.
/// Panics (the test fails) when the lab's CA is missing: the lab is not up.
#[allow(dead_code)]
pub(crate) fn lab_scan_args(resolver: &str, anchor: &Path, domain_timeout: &str) -> Vec<String> {
    let ca = lab_dir().join("pki/ca.pem");
    assert!(
        ca.is_file(),
        "{} is missing: is the lab up (ci/lab/start)?",
        ca.display()
    );
    let path = |p: &Path| p.to_str().expect("the lab's paths are UTF-8").to_owned();
    let mut args: Vec<String> = ["scan", LAB_ALLOW, "--resolver", resolver, "--ca-file"]
        .map(str::to_owned)
        .to_vec();
    args.push(path(&ca));
    args.push("--trust-anchor".to_owned());
    args.push(path(anchor));
    args.extend(
        [
            "--quiet",
            "--connect-timeout",
            "2s",
            "--handshake-timeout",
            "3s",
            "--read-timeout",
            "3s",
            "--domain-timeout",
            domain_timeout,
        ]
        .map(str::to_owned),
    );
    args
}

/// The lab's DNSSEC trust anchor (the root of the lab's signed zones).
#[allow(dead_code)]
pub(crate) fn lab_anchor() -> PathBuf {
    lab_dir().join("trust-anchor.txt")
}

/// Runs govscan in `dir` with `args` and waits for it (each caller's scan is bounded by its
/// own timeouts).
#[allow(dead_code)]
pub(crate) fn govscan_in<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run govscan")
}

/// The repository (where `baselines/` and `examples/` are).
#[allow(dead_code)]
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Bytes a process wrote, as text for an assertion message.
#[allow(dead_code)]
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes past the test harness's output capture so a skip is always visible.
pub(crate) fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// True when the lab was promised (`GOVSCAN_LAB` set, as `ci/test` does). Otherwise says that
/// `test` is skipped and returns false; a promised lab that does not answer must fail the test.
pub(crate) fn lab_enabled(test: &str) -> bool {
    if std::env::var_os("GOVSCAN_LAB").is_none_or(|v| v.is_empty()) {
        say(&format!(
            "{test}: lab not running, skipped (run ci/lab/start as root and set GOVSCAN_LAB=1, or run ci/test)"
        ));
        return false;
    }
    true
}

/// The lab's run directory: `GOVSCAN_LAB_DIR`, or `ci/lab/run` in the repository.
pub(crate) fn lab_dir() -> PathBuf {
    match std::env::var_os("GOVSCAN_LAB_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ci/lab/run"),
    }
}
