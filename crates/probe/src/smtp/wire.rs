//! SMTP over a stream: read one reply (bounded by `govscan-smtp-wire`'s reader and a
//! deadline), send one command, and the greeting-EHLO-STARTTLS preamble that every session of
//! the hand-built-hello scan runs before its ClientHello.

use std::time::Duration;

use govscan_model::{FailureKind, SmtpReply};
use govscan_smtp_wire::{Command, Progress, Reply, ReplyReader, offers};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::net::Failure;

/// A reply and the bytes the server sent after it in the same reads (none, normally).
#[derive(Debug)]
pub(crate) struct Read {
    pub(crate) reply: Reply,
    pub(crate) extra: usize,
}

/// Reads one reply within `budget`.
pub(crate) async fn read_reply<S: AsyncRead + Unpin>(
    stream: &mut S,
    budget: Duration,
    what: &str,
) -> Result<Read, Failure> {
    let deadline = tokio::time::Instant::now() + budget;
    let mut reader = ReplyReader::new();
    let mut chunk = [0u8; 2048];
    loop {
        let n = match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => {
                return Err(Failure::new(
                    FailureKind::Timeout,
                    format!(
                        "no whole reply to {what} within {budget:?} ({} bytes received)",
                        reader.received()
                    ),
                ));
            }
            Ok(Err(e)) => {
                return Err(Failure::new(
                    FailureKind::Other,
                    format!("reading the reply to {what}: {e}"),
                ));
            }
            Ok(Ok(0)) => {
                return Err(Failure::new(
                    FailureKind::Other,
                    format!("SMTP reply to {what}: {}", reader.closed()),
                ));
            }
            Ok(Ok(n)) => n,
        };
        let piece = chunk.get(..n).unwrap_or_default();
        match reader.feed(piece) {
            Ok(Progress::NeedMore) => {}
            Ok(Progress::Done { reply, used }) => {
                return Ok(Read {
                    reply,
                    extra: n.saturating_sub(used),
                });
            }
            Err(e) => {
                return Err(Failure::new(
                    FailureKind::Other,
                    format!("the answer to {what} is {e}"),
                ));
            }
        }
    }
}

/// Sends one command within `budget`.
pub(crate) async fn send<S: AsyncWrite + Unpin>(
    stream: &mut S,
    command: Command<'_>,
    budget: Duration,
) -> Result<(), Failure> {
    let bytes = command.to_bytes();
    match tokio::time::timeout(budget, async {
        stream.write_all(&bytes).await?;
        stream.flush().await
    })
    .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(Failure::new(
            FailureKind::Other,
            format!("sending {command:?}: {e}"),
        )),
        Err(_) => Err(Failure::new(
            FailureKind::Timeout,
            format!("sending {command:?} timed out after {budget:?}"),
        )),
    }
}

/// The model's form of a reply.
pub(crate) fn record(reply: &Reply) -> SmtpReply {
    SmtpReply {
        code: reply.code,
        lines: reply.lines.clone(),
        truncated: reply.truncated,
    }
}

/// Greeting 220, EHLO 250 naming STARTTLS, STARTTLS 220: the stream is then ready for a
/// ClientHello. Any other answer is the reason the session could not be used.
pub(crate) async fn starttls_preamble<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    ehlo_name: &str,
    budget: Duration,
) -> Result<(), Failure> {
    let refused = |what: &str, reply: &Reply| {
        Failure::new(
            FailureKind::Other,
            format!("the mail server answered {what} with {reply}"),
        )
    };
    let greeting = read_reply(stream, budget, "the connection (greeting)")
        .await?
        .reply;
    if greeting.code != 220 {
        return Err(refused("the connection", &greeting));
    }
    send(stream, Command::Ehlo(ehlo_name), budget).await?;
    let ehlo = read_reply(stream, budget, "EHLO").await?.reply;
    if ehlo.code != 250 || !offers(&ehlo, "STARTTLS") {
        return Err(refused("EHLO", &ehlo));
    }
    send(stream, Command::StartTls, budget).await?;
    let go = read_reply(stream, budget, "STARTTLS").await?.reply;
    if go.code != 220 {
        return Err(refused("STARTTLS", &go));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_preamble_walks_to_220_and_stops_on_anything_else() {
        let (mut client, mut server) = tokio::io::duplex(4096);
        let serve = tokio::spawn(async move {
            server.write_all(b"220 mx ESMTP\r\n").await.expect("greet");
            let mut buf = [0u8; 256];
            let n = server.read(&mut buf).await.expect("ehlo");
            assert_eq!(&buf[..n], b"EHLO govscan.invalid\r\n");
            server
                .write_all(b"250-mx\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
                .await
                .expect("ehlo reply");
            let n = server.read(&mut buf).await.expect("starttls");
            assert_eq!(&buf[..n], b"STARTTLS\r\n");
            server.write_all(b"220 2.0.0 Ready\r\n").await.expect("go");
        });
        starttls_preamble(&mut client, "govscan.invalid", Duration::from_secs(5))
            .await
            .expect("ready for a hello");
        serve.await.expect("server");

        let (mut client, mut server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            let _ = server
                .write_all(b"421 4.7.0 too many connections\r\n")
                .await;
        });
        let err = starttls_preamble(&mut client, "govscan.invalid", Duration::from_secs(5))
            .await
            .expect_err("busy");
        assert!(err.detail.contains("421"), "{}", err.detail);
    }

    #[tokio::test]
    async fn silence_and_garbage_are_bounded() {
        let (mut client, _server) = tokio::io::duplex(64);
        let err = read_reply(&mut client, Duration::from_millis(50), "the connection")
            .await
            .expect_err("silent");
        assert_eq!(err.kind, FailureKind::Timeout);
        let (mut client, mut server) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            let _ = server.write_all(&[b'2'; 10_000]).await;
        });
        let err = read_reply(&mut client, Duration::from_secs(5), "the connection")
            .await
            .expect_err("endless line");
        assert!(err.detail.contains("longer than"), "{}", err.detail);
    }
}
