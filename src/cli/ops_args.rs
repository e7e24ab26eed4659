//! Arguments of the operations commands and flags (alerts, completions, man pages), kept apart
//! from `args.rs` so that the scan's own flags stay readable.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

/// The payload shape of webhooks given without a `FORMAT:` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NotifyFormat {
    /// govscan's JSON: the diff's structure (docs/operations.md).
    Generic,
    /// Slack incoming webhook (Block Kit, mrkdwn).
    Slack,
    /// Microsoft Teams Workflows webhook (Adaptive Card).
    Teams,
    /// Mattermost incoming webhook (Markdown).
    Mattermost,
}

impl NotifyFormat {
    /// The notify crate's format.
    pub fn format(self) -> govscan_notify::Format {
        match self {
            NotifyFormat::Generic => govscan_notify::Format::Generic,
            NotifyFormat::Slack => govscan_notify::Format::Slack,
            NotifyFormat::Teams => govscan_notify::Format::Teams,
            NotifyFormat::Mattermost => govscan_notify::Format::Mattermost,
        }
    }
}

/// How alerts are built and delivered (`scan --notify`, `notify --to`).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Alerts")]
pub struct AlertOptions {
    /// Payload shape for webhooks given without a FORMAT: prefix.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = NotifyFormat::Generic)]
    pub notify_format: NotifyFormat,
    /// Where the report is published (http or https); the alert links to it.
    #[arg(long, value_name = "URL")]
    pub report_url: Option<String>,
    /// Send even when nothing changed (and after the first scan, with nothing to compare).
    #[arg(long)]
    pub notify_always: bool,
    /// Bound on one webhook attempt (resolve, connect, TLS, request, answer); sendmail gets
    /// this or 30 s, whichever is longer.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub notify_timeout: Duration,
    /// Extra webhook attempts after a failure that may pass (no answer, 408, 429, 5xx).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=5))]
    pub notify_retries: u32,
    /// Extra trusted roots (PEM) for HTTPS webhooks, e.g. an internal chat server's CA.
    #[arg(long = "notify-ca-file", value_name = "PEM")]
    pub notify_ca_files: Vec<PathBuf>,
    /// The sendmail program for mailto: destinations (run as `PROGRAM -t -i`).
    #[arg(long, value_name = "PATH", default_value = "/usr/sbin/sendmail")]
    pub sendmail: PathBuf,
}

/// `govscan notify`.
#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// The history database.
    #[arg(long, value_name = "FILE", default_value = "govscan.db")]
    pub db: PathBuf,
    /// Destination: [FORMAT:]http(s)://..., mailto:ADDRESS[,ADDRESS...] or @FILE. Repeatable.
    #[arg(long = "to", value_name = "DEST", required = true)]
    pub to: Vec<String>,
    /// The scan to report on, compared with the one before it (default: the latest).
    #[arg(long, value_name = "ID")]
    pub scan: Option<i64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Delivery options.
    #[command(flatten)]
    pub alerts: AlertOptions,
}

/// `govscan completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `govscan man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write govscan.1 and one page per subcommand (govscan-scan.1, ...) into this directory
    /// instead of printing govscan.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}
