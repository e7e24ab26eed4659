//! `govscan completions SHELL` and `govscan man`: shell completion scripts (clap_complete) and
//! roff manual pages (clap_mangen), generated from the same argument definitions as `--help`,
//! so they never drift. The Debian package ships their output (`ci/package`).

use std::path::Path;

use anyhow::Context as _;
use clap::CommandFactory as _;

use super::args::{Cli, CompletionsArgs, ManArgs};
use super::{CliError, exit};

/// Prints the completion script for one shell.
pub(super) fn completions(args: CompletionsArgs) -> Result<u8, CliError> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "govscan", &mut std::io::stdout());
    Ok(exit::DONE)
}

/// Prints govscan.1, or writes it and one page per subcommand into `--out DIR`.
pub(super) fn man(args: ManArgs) -> Result<u8, CliError> {
    let command = Cli::command();
    match args.out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(CliError::runtime)?;
            std::io::Write::write_all(&mut std::io::stdout(), &page).map_err(CliError::runtime)?;
        }
        Some(dir) => write_pages(&dir).map_err(CliError::runtime)?,
    }
    Ok(exit::DONE)
}

/// govscan.1 and govscan-SUBCOMMAND.1 for every subcommand, into `dir`.
fn write_pages(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut command = Cli::command();
    command.build();
    clap_mangen::generate_to(command, dir)
        .with_context(|| format!("writing pages to {}", dir.display()))
}
