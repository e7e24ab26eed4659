//! `govscan completions SHELL` and `govscan man`: shell completion scripts (clap_complete) and
//! roff manual pages (clap_mangen), generated from the same argument definitions as `--help`,
//! so they never drift. The Debian package ships their output (`ci/package`).

use std::path::Path;

use anyhow::Context as _;
use clap::CommandFactory as _;

use super::args::{Cli, CompletionsArgs, ManArgs};
use super::{CliError, exit};

/// FILES and ENVIRONMENT sections of govscan(1): where shipped data is found.
const FILES_SECTION: &str = r".SH FILES
.TP
\fB./checks\fR, \fB./baselines\fR
Declarative checks and baselines in the working directory (a source checkout); used when
present.
.TP
\fB/usr/share/govscan/checks\fR, \fB/usr/share/govscan/baselines\fR
The shipped declarative checks and baselines (Debian package), used when the working
directory has none. The Estonia baseline is also built into the binary.
.TP
\fB/usr/share/doc/govscan/examples/targets.yaml\fR
An example target file.
.TP
\fBgovscan.db\fR
The history database (SQLite) in the working directory, unless \fB\-\-db\fR names another.
.SH ENVIRONMENT
.TP
\fBGOVSCAN_DATA_DIR\fR
Use this directory instead of /usr/share/govscan for the shipped checks and baselines.
";

/// Prints the completion script for one shell.
pub(super) fn completions(args: CompletionsArgs) -> Result<u8, CliError> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "govscan", &mut std::io::stdout());
    Ok(exit::DONE)
}

/// Prints govscan.1, or writes it and one page per subcommand into `--out DIR`.
pub(super) fn man(args: ManArgs) -> Result<u8, CliError> {
    match args.out {
        None => {
            let page = main_page().map_err(CliError::runtime)?;
            std::io::Write::write_all(&mut std::io::stdout(), &page).map_err(CliError::runtime)?;
        }
        Some(dir) => write_pages(&dir).map_err(CliError::runtime)?,
    }
    Ok(exit::DONE)
}

/// govscan(1): clap_mangen's sections, with FILES and ENVIRONMENT before VERSION.
fn main_page() -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(Cli::command());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    man.render_extra_section(&mut page)?;
    page.extend_from_slice(FILES_SECTION.as_bytes());
    man.render_version_section(&mut page)?;
    Ok(page)
}

/// govscan.1 and govscan-SUBCOMMAND.1 for every subcommand, into `dir`.
fn write_pages(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("writing pages to {}", dir.display()))?;
    let main = dir.join("govscan.1");
    std::fs::write(&main, main_page()?).with_context(|| format!("writing {}", main.display()))
}
