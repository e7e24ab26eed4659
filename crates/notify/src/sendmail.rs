//! Handing an e-mail to the local mail system: `sendmail -t -i` (recipients from the `To:`
//! header, a line holding only "." does not end the message), the message on standard input,
//! the whole exchange bounded by a timeout after which the process is killed.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

/// Runs `program -t -i` with `message` on its standard input.
pub async fn send(program: &Path, message: &[u8], timeout: Duration) -> Result<String, String> {
    let shown = program.display();
    let mut child = tokio::process::Command::new(program)
        .args(["-t", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let exchange = async {
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(message)
                .await
                .map_err(|e| format!("writing the message to {shown}: {e}"))?;
            // Dropping stdin closes it: the end of the message.
        }
        child
            .wait_with_output()
            .await
            .map_err(|e| format!("waiting for {shown}: {e}"))
    };
    let output = tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| {
            format!(
                "{shown} did not finish within {} (killed)",
                crate::text::duration(timeout)
            )
        })??;
    if output.status.success() {
        return Ok(format!("handed to {shown}"));
    }
    let said = crate::text::plain(&String::from_utf8_lossy(&output.stderr), 300);
    Err(format!(
        "{shown} failed ({}){}",
        output.status,
        if said.trim().is_empty() {
            String::new()
        } else {
            format!(": {said}")
        }
    ))
}
