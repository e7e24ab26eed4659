//! The `govscan` binary: parses the command line and hands over to [`govscan::cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    govscan::cli::run()
}
