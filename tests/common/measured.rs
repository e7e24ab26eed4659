//! One measured run of `govscan scan` for the hostile suites: its results.json, wall time, peak
//! resident set and output size. Included with `#[path]` by the tests that need it.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A finished scan and what it cost.
pub(crate) struct Measured {
    pub(crate) results: Value,
    pub(crate) elapsed: Duration,
    pub(crate) peak_rss_kb: u64,
    pub(crate) results_bytes: u64,
}

/// Peak resident set (VmHWM, kB) of a running process, if readable.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs govscan with `args` (which must write `out/results.json`), killing it after
/// `hard_limit`; a non-zero exit is an error carrying its stderr.
pub(crate) fn run(args: &[String], out: &Path, hard_limit: Duration) -> Result<Measured, String> {
    let stderr_path = out.join("govscan.stderr");
    let stderr = fs::File::create(&stderr_path).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("spawn govscan: {e}"))?;
    let mut peak = 0;
    let status = loop {
        if let Some(rss) = peak_rss_kb(child.id()) {
            peak = peak.max(rss);
        }
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > hard_limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("govscan ran longer than {hard_limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    if status.code() != Some(0) {
        let text = fs::read_to_string(&stderr_path).unwrap_or_default();
        return Err(format!("govscan exited with {status}; stderr:\n{text}"));
    }
    let path = out.join("results.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let results = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Measured {
        results,
        elapsed,
        peak_rss_kb: peak,
        results_bytes: text.len() as u64,
    })
}

impl Measured {
    /// One domain's result.
    pub(crate) fn domain(&self, name: &str) -> &Value {
        self.results["domains"]
            .as_array()
            .and_then(|ds| ds.iter().find(|d| d["domain"] == name))
            .unwrap_or_else(|| panic!("{name} missing from results.json"))
    }

    /// One domain's outcomes.
    pub(crate) fn outcomes(&self, name: &str) -> &Vec<Value> {
        self.domain(name)["outcomes"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: outcomes is not an array"))
    }

    /// One outcome.
    pub(crate) fn outcome(&self, name: &str, check: &str) -> &Value {
        self.outcomes(name)
            .iter()
            .find(|o| o["check"] == check)
            .unwrap_or_else(|| panic!("{name}: no outcome for {check}"))
    }
}
