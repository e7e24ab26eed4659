//! One bounded run of govscan, and the results.json a scan wrote, read by domain and check.
//!
//! Every lab test binary includes this through `mod common`, and each uses part of it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Runs govscan with `args`, killed after `limit` (an error then); stdout and stderr go to
/// `govscan.stdout` and `govscan.stderr` in `logs`. Returns the exit status and stderr.
pub(crate) fn run_bounded<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(
    args: &[S],
    logs: &Path,
    limit: Duration,
) -> Result<(ExitStatus, String), String> {
    fs::create_dir_all(logs).map_err(|e| format!("create {}: {e}", logs.display()))?;
    let stdout_path = logs.join("govscan.stdout");
    let stderr_path = logs.join("govscan.stderr");
    let stdout = fs::File::create(&stdout_path).map_err(|e| e.to_string())?;
    let stderr = fs::File::create(&stderr_path).map_err(|e| e.to_string())?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("spawn govscan: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("govscan {args:?} ran longer than {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Ok((status, fs::read_to_string(&stderr_path).unwrap_or_default()))
}

/// A finished scan: where its output is, its results.json and what it said on stderr.
pub(crate) struct ScanRun {
    pub(crate) out: PathBuf,
    pub(crate) results: Value,
    pub(crate) stderr: String,
}

impl ScanRun {
    /// Runs `govscan scan` with `args` (which must write to `out`; its stdout and stderr go to
    /// `out/logs`), killed after `limit`; anything but exit status 0 and a readable
    /// results.json is an error.
    pub(crate) fn run<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(
        args: &[S],
        out: &Path,
        limit: Duration,
    ) -> Result<ScanRun, String> {
        let (status, stderr) = run_bounded(args, &out.join("logs"), limit)?;
        if status.code() != Some(0) {
            return Err(format!(
                "govscan {args:?} exited with {status}; stderr:\n{stderr}"
            ));
        }
        let path = out.join("results.json");
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let results =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(ScanRun {
            out: out.to_owned(),
            results,
            stderr,
        })
    }

    /// One domain's result.
    pub(crate) fn domain(&self, name: &str) -> &Value {
        self.results["domains"]
            .as_array()
            .and_then(|ds| ds.iter().find(|d| d["domain"] == name))
            .unwrap_or_else(|| panic!("{name} missing from {}", self.out.display()))
    }

    /// One domain's outcomes.
    pub(crate) fn outcomes(&self, name: &str) -> &Vec<Value> {
        self.domain(name)["outcomes"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: outcomes is not an array"))
    }

    /// One outcome.
    pub(crate) fn outcome(&self, domain: &str, check: &str) -> &Value {
        self.outcomes(domain)
            .iter()
            .find(|o| o["check"] == check)
            .unwrap_or_else(|| panic!("{domain}: no outcome for {check}"))
    }

    /// (status, finding, message) of one check.
    pub(crate) fn verdict(&self, domain: &str, check: &str) -> (String, String, String) {
        let o = self.outcome(domain, check);
        let text = |k: &str| o[k].as_str().unwrap_or_default().to_owned();
        (text("status"), text("finding"), text("message"))
    }
}
