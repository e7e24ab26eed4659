//! Command-line interface: argument definitions, dispatch and exit codes.

mod args;
mod baseline_cmd;
mod checks_cmd;
mod data_dirs;
mod demo_cmd;
mod diff_cmd;
mod history_cmd;
mod merge_cmd;
mod metrics_out;
mod notify_cmd;
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

/// True when a panic payload is Rust's "failed printing to stdout: Broken pipe".
fn is_broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    text.contains("Broken pipe") || text.contains("os error 32")
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
        Err(e) => {
            terminal::errln!("govscan: error: {:#}", e.error);
            ExitCode::from(e.code)
        }
    }
}
