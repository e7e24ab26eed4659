//! What the lab-gated integration tests share: the gate on `GOVSCAN_LAB`, the lab's run
//! directory, the flag that lets a scan reach the loopback lab, and a line on stderr that the
//! test harness does not capture.

use std::io::Write as _;
use std::path::PathBuf;

/// The flag every scan of the lab passes: the lab lives on loopback (127.10.x.x), and govscan
/// contacts no loopback or private address unless allowed.
#[allow(dead_code)] // not every lab test binary scans with it (tests/hostile.rs allows less)
pub(crate) const LAB_ALLOW: &str = "--allow-private";

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
