//! Handing an e-mail to the local mail system: `sendmail -t -i` (recipients from the `To:`
//! header, a line holding only "." does not end the message), the message on standard input,
//! the whole exchange bounded by a timeout after which the process is killed.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::AsyncWriteExt;

/// Why the mail system did not take a message; every variant names the program.
#[derive(Debug, thiserror::Error)]
pub enum SendmailError {
    /// The program could not be started.
    #[error("cannot run {program}: {source}")]
    Spawn {
        /// The program, as configured.
        program: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Writing the message to its standard input failed.
    #[error("writing the message to {program}: {source}")]
    Write {
        /// The program, as configured.
        program: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Waiting for it to finish failed.
    #[error("waiting for {program}: {source}")]
    Wait {
        /// The program, as configured.
        program: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// It ran past the timeout and was killed.
    #[error("{program} did not finish within {} (killed)", crate::text::duration(*.timeout))]
    Timeout {
        /// The program, as configured.
        program: String,
        /// The bound it ran past.
        timeout: Duration,
    },
    /// It exited unsuccessfully; `said` is its standard error, made plain and cut short.
    #[error("{program} failed ({status}){}", if .said.trim().is_empty() { String::new() } else { format!(": {}", .said) })]
    Failed {
        /// The program, as configured.
        program: String,
        /// How it exited.
        status: ExitStatus,
        /// What it said on standard error.
        said: String,
    },
}

/// Runs `program -t -i` with `message` on its standard input; on success, "handed to
/// /usr/sbin/sendmail".
pub async fn send(
    program: &Path,
    message: &[u8],
    timeout: Duration,
) -> Result<String, SendmailError> {
    let shown = program.display().to_string();
    let mut child = tokio::process::Command::new(program)
        .args(["-t", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| SendmailError::Spawn {
            program: shown.clone(),
            source,
        })?;
    let exchange = async {
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(message)
                .await
                .map_err(|source| SendmailError::Write {
                    program: shown.clone(),
                    source,
                })?;
            // Dropping stdin closes it: the end of the message.
        }
        child
            .wait_with_output()
            .await
            .map_err(|source| SendmailError::Wait {
                program: shown.clone(),
                source,
            })
    };
    let output = tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| SendmailError::Timeout {
            program: shown.clone(),
            timeout,
        })??;
    if output.status.success() {
        return Ok(format!("handed to {shown}"));
    }
    Err(SendmailError::Failed {
        program: shown,
        status: output.status,
        said: crate::text::plain(&String::from_utf8_lossy(&output.stderr), 300),
    })
}
