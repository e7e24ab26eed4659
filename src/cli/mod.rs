//! Command-line interface: argument definitions, dispatch and exit codes.

mod args;
mod baseline_cmd;
mod checks_author;
mod checks_cmd;
mod data_dirs;
mod demo_cmd;
mod diff_cmd;
mod history_cmd;
mod merge_cmd;
mod metrics_out;
mod notify_cmd;
mod nuclei_cmd;
mod open_files;
mod ops_args;
mod ops_cmd;
mod report_cmd;
mod report_stream;
mod rescore_cmd;
mod resume;
mod scan_cmd;
mod scan_shard;
mod scan_sink;
mod summary;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command};

/// Exit codes, as documented in `--help` and the README.
pub mod exit {
    /// The command completed (a scan may still have findings).
    pub const DONE: u8 = 0;
    /// The scan completed and `--fail-on` was tripped.
    pub const FAIL_ON_TRIPPED: u8 = 1;
    /// Usage or input error: bad flag, bad target file, bad baseline.
    pub const USAGE: u8 = 2;
    /// Runtime failure: output could not be written, internal error.
    pub const RUNTIME: u8 = 3;
    /// The scan was saved, but a notification or the metrics file failed.
    pub const FOLLOW_UP_FAILED: u8 = 4;
    /// The scan completed, but most domains could not be measured because of the scanning
    /// side (offline, resolver down, no route): the same code as a runtime failure, since the
    /// scan measured this host, not the domains.
    pub const UNHEALTHY: u8 = 3;

    /// Every exit code and what it means: the one source of the list in `--help` ([`help`])
    /// and of the README's table (the test `exit_codes_are_defined_once` in tests/cli.rs
    /// compares them).
    pub const MEANINGS: [(u8, &str); 5] = [
        (
            DONE,
            "done (findings do not change the exit code unless `--fail-on` is given)",
        ),
        (FAIL_ON_TRIPPED, "done, and `--fail-on` was tripped"),
        (
            USAGE,
            "usage or input error: bad flag, target file, baseline, CA file, declarative check, \
             unwritable output directory, missing/corrupt/too-new history database, unknown scan id",
        ),
        (
            RUNTIME,
            "runtime failure: another scan is writing to the same `--db` (see `--wait-lock`), \
             history database locked, output could not be written, internal error; or an \
             unhealthy scan: most domains could not be checked because of the scanning computer \
             (offline, resolver down, no route, no free descriptors). The scan is saved and \
             reported with a banner that says what happened and what to try, and it is left out \
             of the trend (see docs/operations.md, section Scan health)",
        ),
        (
            FOLLOW_UP_FAILED,
            "the scan was saved, but a notification or the `--metrics` file failed (see stderr)",
        ),
    ];

    /// The `Exit codes:` section of `--help`, from [`MEANINGS`], wrapped at 96 columns.
    pub fn help() -> String {
        let mut text = String::from("Exit codes:");
        for (code, meaning) in MEANINGS {
            let mut line = format!("  {code} ");
            for word in meaning.split_whitespace() {
                if line.len() + 1 + word.len() > 96 {
                    text.push('\n');
                    text.push_str(&line);
                    line = String::from("    ");
                }
                line.push(' ');
                line.push_str(word);
            }
            text.push('\n');
            text.push_str(&line);
        }
        text
    }
}

/// An error that ends the command, with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    /// Exit code (see [`exit`]).
    pub code: u8,
    /// The error, with context.
    pub error: anyhow::Error,
}

impl CliError {
    /// A usage or input error (exit 2).
    pub fn usage(error: impl Into<anyhow::Error>) -> Self {
        CliError {
            code: exit::USAGE,
            error: error.into(),
        }
    }

    /// A runtime failure (exit 3).
    pub fn runtime(error: impl Into<anyhow::Error>) -> Self {
        CliError {
            code: exit::RUNTIME,
            error: error.into(),
        }
    }
}

/// An error with a hint for the operator on the line after it; the error stays its source, so
/// the cause chain survives.
#[derive(Debug, thiserror::Error)]
#[error("{error}\n({hint})")]
pub struct Hinted<E: std::error::Error + 'static> {
    /// The error.
    #[source]
    pub error: E,
    /// What the operator can do about it.
    pub hint: &'static str,
}

/// The error as one line of text, outermost first (`context: cause: …`, as anyhow's `{:#}`),
/// except that a cause whose text an outer message already shows is not repeated: many of the
/// workspace's error types print their source in their own message and also keep it as
/// `source()`, so the chain survives without saying the same thing twice.
pub fn error_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

/// True when a panic payload is the printers' [`terminal::StdoutClosed`].
fn is_broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    payload.is::<terminal::StdoutClosed>()
}

/// True when an error that ends the command is a write to a closed stdout (e.g. the streamed
/// `--format json` printer), told by `io::ErrorKind::BrokenPipe` anywhere in its chain.
fn is_closed_stdout(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Parses the process arguments, runs the command and returns its exit code.
///
/// A reader that closes stdout early (`govscan checks list | head`) ends the command quietly
/// with exit 0, as other Unix tools do, instead of a "Broken pipe" panic.
pub fn run() -> ExitCode {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(info.payload()) {
            default_hook(info);
        }
    }));
    match std::panic::catch_unwind(run_command) {
        Ok(code) => code,
        Err(payload) if is_broken_pipe(payload.as_ref()) => ExitCode::from(exit::DONE),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

fn run_command() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::DONE
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Scan(args) => scan_cmd::run(args),
        Command::Checks(args) => checks_cmd::run(args),
        Command::History(args) => history_cmd::run(args),
        Command::Diff(args) => diff_cmd::run(args),
        Command::Report(args) => report_cmd::run(args),
        Command::Demo(args) => demo_cmd::run(args),
        Command::Baseline(args) => baseline_cmd::run(args),
        Command::Rescore(args) => rescore_cmd::run(args),
        Command::Merge(args) => merge_cmd::run(args),
        Command::Notify(args) => notify_cmd::run(args),
        Command::Completions(args) => ops_cmd::completions(args),
        Command::Man(args) => ops_cmd::man(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_closed_stdout(&e.error) => ExitCode::from(exit::DONE),
        Err(e) => {
            terminal::errln!("govscan: error: {}", error_text(&e.error));
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    /// An error that prints its source in its own message, as many of the workspace's do.
    #[derive(Debug, thiserror::Error)]
    #[error("db.sqlite: cannot read: {source}")]
    struct Embeds {
        source: std::io::Error,
    }

    #[test]
    fn error_text_keeps_the_chain_and_says_each_cause_once() {
        let io = || std::io::Error::other("disk on fire");
        let plain: Result<(), _> = Err(io());
        let error = plain.context("targets.yaml").expect_err("error");
        assert_eq!(error_text(&error), "targets.yaml: disk on fire");
        assert!(
            error.chain().any(|c| c.is::<std::io::Error>()),
            "chain kept"
        );
        let embedded: Result<(), _> = Err(Embeds { source: io() });
        let error = embedded.context("writing the report").expect_err("error");
        assert_eq!(
            error_text(&error),
            "writing the report: db.sqlite: cannot read: disk on fire"
        );
        let hinted = anyhow::Error::new(Hinted {
            error: Embeds { source: io() },
            hint: "try again later",
        });
        assert_eq!(
            error_text(&hinted),
            "db.sqlite: cannot read: disk on fire\n(try again later)"
        );
        assert!(
            hinted.chain().any(|c| c.is::<std::io::Error>()),
            "chain kept"
        );
    }
}
