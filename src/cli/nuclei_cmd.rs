//! `govscan checks import-nuclei FILE|DIR`: converts passive Nuclei templates into govscan
//! checks (`govscan_checks::nuclei`), refusing every other template with the reason.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::terminal::{errln, outln};
use super::{CliError, exit};

/// Largest template read.
const MAX_TEMPLATE_BYTES: u64 = 256 * 1024;

/// Runs the import: prints (or writes to `out`) every converted check, and one line on stderr
/// per refused template. Exit 0 when every template converted, 1 when some were refused.
pub(super) fn run(input: &Path, out: Option<&Path>) -> Result<u8, CliError> {
    let files: Vec<PathBuf> = if input.is_dir() {
        let entries = std::fs::read_dir(input)
            .with_context(|| format!("{}", input.display()))
            .map_err(CliError::usage)?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        files
    } else {
        vec![input.to_path_buf()]
    };
    if let Some(dir) = out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}", dir.display()))
            .map_err(CliError::runtime)?;
    }
    let (mut converted, mut refused) = (0u32, 0u32);
    for file in &files {
        let name = file.display().to_string();
        let len = std::fs::metadata(file)
            .with_context(|| name.clone())
            .map_err(CliError::usage)?
            .len();
        if len > MAX_TEMPLATE_BYTES {
            errln!("{name}: refused: larger than {MAX_TEMPLATE_BYTES} bytes");
            refused += 1;
            continue;
        }
        let text = std::fs::read_to_string(file)
            .with_context(|| name.clone())
            .map_err(CliError::usage)?;
        let base = file
            .file_name()
            .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
        match govscan_checks::nuclei::convert(&base, &text) {
            Ok(check) => {
                converted += 1;
                match out {
                    Some(dir) => {
                        let path = dir.join(format!("{}.yaml", check.id));
                        std::fs::write(&path, &check.yaml)
                            .with_context(|| format!("{}", path.display()))
                            .map_err(CliError::runtime)?;
                        errln!("{name}: converted to {}", path.display());
                    }
                    None => outln!("---\n{}", check.yaml),
                }
            }
            Err(reason) => {
                refused += 1;
                errln!("{name}: {reason}");
            }
        }
    }
    errln!("import-nuclei: {converted} converted, {refused} refused");
    Ok(if refused == 0 {
        exit::DONE
    } else {
        exit::FAIL_ON_TRIPPED
    })
}
