//! One probe exchange: connect, send one hand-built hello, read until the first reply is whole,
//! and classify it. Every step is bounded in time and bytes.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use govscan_tls_hello::{MAX_REPLY_BYTES, ServerReply, parse_server_reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::net::{Failure, Pacing, connect_tcp};

/// What the server did with one hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A ServerHello, HelloRetryRequest or SSLv2 SERVER-HELLO.
    Hello(ServerReply),
    /// An alert, an SSLv2 error, or the connection closed/reset before any byte: "no".
    Refused(String),
    /// No verdict: garbage, a truncated reply, silence, or a failed connect.
    Unknown(Unknown),
}

/// Why an exchange gave no verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unknown {
    /// For evidence.
    pub(crate) reason: String,
    /// The server sent nothing within the budget.
    pub(crate) silent: bool,
    /// The TCP connect itself failed.
    pub(crate) connect: Option<Failure>,
}

impl Answer {
    fn unknown(reason: impl Into<String>, silent: bool) -> Answer {
        Answer::Unknown(Unknown {
            reason: reason.into(),
            silent,
            connect: None,
        })
    }
}

/// Budgets of one exchange.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExchangeBudget {
    pub(crate) connect_timeout: Duration,
    pub(crate) reply_timeout: Duration,
    pub(crate) retries: u32,
}

/// Connects to `addr`, writes `hello` and classifies the first reply.
pub(crate) async fn exchange(
    addr: SocketAddr,
    hello: &[u8],
    budget: ExchangeBudget,
    pacing: Pacing<'_>,
) -> Answer {
    let mut stream = match connect_tcp(addr, budget.connect_timeout, budget.retries, pacing).await {
        Ok(s) => s,
        Err(failure) => {
            return Answer::Unknown(Unknown {
                reason: failure.detail.clone(),
                silent: false,
                connect: Some(failure),
            });
        }
    };
    let deadline = tokio::time::Instant::now() + budget.reply_timeout;
    let write = tokio::time::timeout_at(deadline, stream.write_all(hello)).await;
    match write {
        Err(_) => return Answer::unknown("sending the hello timed out", true),
        Ok(Err(e)) if is_reset(&e) => {
            return Answer::Refused("connection reset while sending the hello".into());
        }
        Ok(Err(e)) => return Answer::unknown(format!("sending the hello failed: {e}"), false),
        Ok(Ok(())) => {}
    }
    read_reply(&mut stream, deadline, budget.reply_timeout).await
}

/// Reads until [`parse_server_reply`] gives a verdict, EOF, an error, the cap or the deadline.
async fn read_reply<R: AsyncReadExt + Unpin>(
    stream: &mut R,
    deadline: tokio::time::Instant,
    budget: Duration,
) -> Answer {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await;
        let n = match read {
            Err(_) if buf.is_empty() => {
                return Answer::unknown(format!("no reply within {budget:?}"), true);
            }
            Err(_) => {
                return Answer::unknown(
                    format!("incomplete reply ({} bytes) within {budget:?}", buf.len()),
                    false,
                );
            }
            Ok(Err(e)) if is_reset(&e) && buf.is_empty() => {
                return Answer::Refused("connection reset".into());
            }
            Ok(Err(e)) => {
                return Answer::unknown(
                    format!("read failed after {} bytes: {e}", buf.len()),
                    false,
                );
            }
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            return if buf.is_empty() {
                Answer::Refused("connection closed without a reply".into())
            } else {
                Answer::unknown(
                    format!(
                        "reply truncated: {} bytes, then the connection closed",
                        buf.len()
                    ),
                    false,
                )
            };
        }
        let room = MAX_REPLY_BYTES.saturating_add(1).saturating_sub(buf.len());
        buf.extend_from_slice(chunk.get(..n.min(room)).unwrap_or_default());
        match parse_server_reply(&buf) {
            ServerReply::Incomplete { .. } if buf.len() <= MAX_REPLY_BYTES => continue,
            reply => return classify(reply),
        }
    }
}

/// Maps a parsed reply to an answer.
pub(crate) fn classify(reply: ServerReply) -> Answer {
    match reply {
        ServerReply::ServerHello { .. } | ServerReply::HelloRetryRequest { .. } => {
            Answer::Hello(reply)
        }
        ServerReply::Ssl2ServerHello {
            ref cipher_specs, ..
        } => {
            if cipher_specs.is_empty() {
                Answer::Refused("SSLv2 SERVER-HELLO with no cipher spec in common".into())
            } else {
                Answer::Hello(reply)
            }
        }
        ServerReply::Alert { name, level, .. } => Answer::Refused(format!(
            "alert {name}{}",
            if level == 1 { " (warning)" } else { "" }
        )),
        ServerReply::Ssl2Error { code } => Answer::Refused(format!("SSLv2 error {code:#06x}")),
        ServerReply::Incomplete { needed } => Answer::unknown(
            format!("incomplete reply (needs {needed} more bytes)"),
            false,
        ),
        ServerReply::Garbage { reason } => {
            Answer::unknown(format!("not a TLS reply: {reason}"), false)
        }
    }
}

fn is_reset(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

/// Rewrites a single-record ClientHello so its compression methods are `[DEFLATE, null]`
/// instead of `[null]`, fixing the record and handshake lengths; `None` if the bytes are not a
/// single-record TLS ClientHello with the expected layout.
pub(crate) fn offer_deflate(hello: &[u8]) -> Option<Vec<u8>> {
    let record_len = usize::from(u16::from_be_bytes([*hello.get(3)?, *hello.get(4)?]));
    if *hello.first()? != 22 || hello.len() != 5 + record_len || *hello.get(5)? != 1 {
        return None;
    }
    // body: version(2) random(32) session_id(1+n) suites(2+m) compression(1+k) ...
    let sid_at = 5 + 4 + 2 + 32;
    let sid_len = usize::from(*hello.get(sid_at)?);
    let suites_at = sid_at + 1 + sid_len;
    let suites_len = usize::from(u16::from_be_bytes([
        *hello.get(suites_at)?,
        *hello.get(suites_at + 1)?,
    ]));
    let comp_at = suites_at + 2 + suites_len;
    if hello.get(comp_at..comp_at + 2)? != [1, 0] {
        return None;
    }
    let mut out = Vec::with_capacity(hello.len() + 1);
    out.extend_from_slice(hello.get(..comp_at)?);
    out.extend_from_slice(&[2, 1, 0]);
    out.extend_from_slice(hello.get(comp_at + 2..)?);
    let new_record = u16::try_from(record_len + 1).ok()?;
    out[3..5].copy_from_slice(&new_record.to_be_bytes());
    let hs_len = u32::try_from(record_len + 1 - 4).ok()?.to_be_bytes();
    out[6..9].copy_from_slice(&hs_len[1..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use govscan_tls_hello::{HelloSpec, ProtocolVersion, build_client_hello};

    #[test]
    fn deflate_offer_keeps_lengths_consistent() {
        let hello =
            build_client_hello(&HelloSpec::new(ProtocolVersion::Tls12).with_suites([0xC02F]));
        let patched = offer_deflate(&hello).expect("patched");
        assert_eq!(patched.len(), hello.len() + 1);
        let rec = usize::from(u16::from_be_bytes([patched[3], patched[4]]));
        assert_eq!(rec + 5, patched.len());
        let hs = (usize::from(patched[6]) << 16)
            | (usize::from(patched[7]) << 8)
            | usize::from(patched[8]);
        assert_eq!(hs + 4, rec);
        // compression vector sits after version, random, empty session id and one suite
        let comp_at = 5 + 4 + 2 + 32 + 1 + 2 + 2;
        assert_eq!(&patched[comp_at..comp_at + 3], &[2, 1, 0]);
        assert_eq!(offer_deflate(b"garbage"), None);
        assert_eq!(
            offer_deflate(&patched),
            None,
            "already patched: layout differs"
        );
    }

    #[tokio::test]
    async fn truncated_and_silent_replies_are_unknown() {
        let budget = Duration::from_millis(200);
        let deadline = tokio::time::Instant::now() + budget;
        let mut truncated: &[u8] = &[22, 3, 3, 0, 80, 2, 0];
        match read_reply(&mut truncated, deadline, budget).await {
            Answer::Unknown(u) => assert!(u.reason.contains("truncated"), "{}", u.reason),
            other => panic!("{other:?}"),
        }
        let mut empty: &[u8] = &[];
        assert!(matches!(
            read_reply(&mut empty, deadline, budget).await,
            Answer::Refused(_)
        ));
        let mut garbage: &[u8] = b"HTTP/1.1 400 Bad Request\r\n\r\n";
        match read_reply(&mut garbage, deadline, budget).await {
            Answer::Unknown(u) => assert!(u.reason.contains("not a TLS reply"), "{}", u.reason),
            other => panic!("{other:?}"),
        }
    }
}
