//! `govscan checks import-nuclei FILE|DIR`: converts passive Nuclei templates into govscan
//! checks, refusing every other template with the reason.

use std::path::Path;

use anyhow::anyhow;

use super::CliError;

/// Runs the import.
pub(super) fn run(_input: &Path, _out: Option<&Path>) -> Result<u8, CliError> {
    Err(CliError::usage(anyhow!("import-nuclei: not built yet")))
}
