//! Where govscan finds the data it ships (baselines, declarative checks) without a source
//! checkout. Search order, documented in `docs/operations.md`:
//!
//! 1. what the command line names (`--baseline FILE|NAME`, `--checks-dir DIR`, `--dir DIR`);
//! 2. `./checks` and `./baselines` in the working directory, when present (a checkout);
//! 3. the data directory: `$GOVSCAN_DATA_DIR` when set, otherwise `/usr/share/govscan` (the
//!    Debian package's; a build may change it with `GOVSCAN_DATA_DIR` at compile time);
//! 4. for the baseline, the built-in Estonia baseline embedded in the binary.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use govscan_score::Baseline;

use super::CliError;

/// The data directory compiled in.
const BUILT_IN_DATA_DIR: &str = match option_env!("GOVSCAN_DATA_DIR") {
    Some(dir) => dir,
    None => "/usr/share/govscan",
};

/// `$GOVSCAN_DATA_DIR`, or the data directory compiled in.
pub(super) fn data_dir() -> PathBuf {
    match std::env::var_os("GOVSCAN_DATA_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(BUILT_IN_DATA_DIR),
    }
}

/// The first of `./NAME` and `DATA/NAME` that is a directory.
fn first_dir(name: &str) -> Option<PathBuf> {
    [PathBuf::from(name), data_dir().join(name)]
        .into_iter()
        .find(|d| d.is_dir())
}

/// The declarative-check directory loaded besides any `--checks-dir`: `./checks` when it
/// exists, else the data directory's `checks/`, else none.
pub(super) fn default_checks_dirs() -> Vec<PathBuf> {
    first_dir("checks").into_iter().collect()
}

/// The baselines directory: `explicit` (`--dir`), else `./baselines` when it exists, else the
/// data directory's `baselines/`, else `baselines` (which then holds nothing: only the
/// built-in baseline is known).
pub(super) fn baselines_dir(explicit: Option<&Path>) -> PathBuf {
    match explicit {
        Some(dir) => dir.to_path_buf(),
        None => first_dir("baselines").unwrap_or_else(|| PathBuf::from("baselines")),
    }
}

/// `--baseline ARG`: a file, or the name of a baseline in the baselines directory
/// (`--baseline netherlands` reads `…/baselines/netherlands.yaml`).
pub(super) fn load_baseline(arg: &Path) -> Result<Baseline, CliError> {
    let usage = |e: govscan_score::BaselineError| CliError::usage(e);
    if arg.is_file() {
        return Baseline::load(arg).map_err(usage);
    }
    let name = arg.to_string_lossy();
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if is_name {
        let file = baselines_dir(None).join(format!("{name}.yaml"));
        if file.is_file() {
            return Baseline::load(&file).map_err(usage);
        }
        return Err(CliError::usage(anyhow!(
            "--baseline {name}: no such file, and no {} (see `govscan baseline list`)",
            file.display()
        )));
    }
    Baseline::load(arg).map_err(usage)
}
