//! One probe exchange: connect, send one hand-built hello, read until the first reply (or, when
//! asked, the ServerKeyExchange) is whole, and classify it. Every step is bounded in time and
//! bytes, and the reply is parsed incrementally: each byte received is examined once, however
//! the server splits its writes (a server sending one byte at a time costs linear work).

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use govscan_tls_hello::{Flight, FlightReader, ParseStats, Progress, ReadUntil, ServerReply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::net::{Failure, Pacing, connect_tcp};

/// What the server did with one hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A ServerHello, HelloRetryRequest or SSLv2 SERVER-HELLO (with the key exchange when it
    /// was asked for).
    Hello(Flight),
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
    /// The protocol dialogue before the hello (SMTP up to STARTTLS) failed.
    pub(crate) preamble: bool,
}

impl Answer {
    fn unknown(reason: impl Into<String>, silent: bool) -> Answer {
        Answer::Unknown(Unknown {
            reason: reason.into(),
            silent,
            connect: None,
            preamble: false,
        })
    }

    /// The first reply, when the server answered with a hello.
    pub(crate) fn reply(&self) -> Option<&ServerReply> {
        match self {
            Answer::Hello(flight) => Some(&flight.reply),
            _ => None,
        }
    }
}

/// Budgets of one exchange.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExchangeBudget {
    pub(crate) connect_timeout: Duration,
    pub(crate) reply_timeout: Duration,
    pub(crate) retries: u32,
}

/// What is said on a new connection before the hello: nothing (TLS on connect), or SMTP up to
/// a 220 reply to STARTTLS (RFC 3207 §4) with this EHLO name.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Preamble<'a> {
    /// The hello is the first thing sent.
    #[default]
    None,
    /// Greeting, EHLO, STARTTLS first; each reply within `step`.
    Smtp { ehlo_name: &'a str, step: Duration },
}

/// Connects to `addr`, writes `hello` and classifies the reply, read as far as `until` says.
/// Also returns the parser's work counters.
pub(crate) async fn exchange(
    addr: SocketAddr,
    hello: &[u8],
    until: ReadUntil,
    budget: ExchangeBudget,
    pacing: Pacing<'_>,
    preamble: Preamble<'_>,
) -> (Answer, ParseStats) {
    let mut stream = match connect_tcp(addr, budget.connect_timeout, budget.retries, pacing).await {
        Ok(s) => s,
        Err(failure) => {
            let answer = Answer::Unknown(Unknown {
                reason: failure.detail.clone(),
                silent: false,
                connect: Some(failure),
                preamble: false,
            });
            return (answer, ParseStats::default());
        }
    };
    if let Preamble::Smtp { ehlo_name, step } = preamble
        && let Err(failure) =
            crate::smtp::wire::starttls_preamble(&mut stream, ehlo_name, step).await
    {
        let answer = Answer::Unknown(Unknown {
            reason: format!("STARTTLS before the hello failed: {}", failure.detail),
            silent: false,
            connect: None,
            preamble: true,
        });
        return (answer, ParseStats::default());
    }
    let deadline = tokio::time::Instant::now() + budget.reply_timeout;
    let write = tokio::time::timeout_at(deadline, stream.write_all(hello)).await;
    let early = match write {
        Err(_) => Some(Answer::unknown("sending the hello timed out", true)),
        Ok(Err(e)) if is_reset(&e) => Some(Answer::Refused(
            "connection reset while sending the hello".into(),
        )),
        Ok(Err(e)) => Some(Answer::unknown(
            format!("sending the hello failed: {e}"),
            false,
        )),
        Ok(Ok(())) => None,
    };
    if let Some(answer) = early {
        return (answer, ParseStats::default());
    }
    read_reply(&mut stream, until, deadline, budget.reply_timeout).await
}

/// Reads until the [`FlightReader`] decides, EOF, an error, its byte cap or the deadline. Bytes
/// are fed to the reader as they arrive and never kept here.
async fn read_reply<R: AsyncReadExt + Unpin>(
    stream: &mut R,
    until: ReadUntil,
    deadline: tokio::time::Instant,
    budget: Duration,
) -> (Answer, ParseStats) {
    let mut reader = FlightReader::new(until);
    let mut chunk = [0u8; 4096];
    let mut received: usize = 0;
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await;
        let ended = match read {
            Err(_) if received == 0 => {
                Err(Answer::unknown(format!("no reply within {budget:?}"), true))
            }
            Err(_) => Ok(format!(
                "incomplete reply ({received} bytes) within {budget:?}"
            )),
            Ok(Err(e)) if is_reset(&e) && received == 0 => {
                Err(Answer::Refused("connection reset".into()))
            }
            Ok(Err(e)) => Ok(format!("read failed after {received} bytes: {e}")),
            Ok(Ok(0)) if received == 0 => {
                Err(Answer::Refused("connection closed without a reply".into()))
            }
            Ok(Ok(0)) => Ok(format!(
                "reply truncated: {received} bytes, then the connection closed"
            )),
            Ok(Ok(n)) => {
                received = received.saturating_add(n);
                match reader.feed(chunk.get(..n).unwrap_or_default()) {
                    Progress::Done(flight) => return (classify(flight), reader.stats()),
                    Progress::NeedMore { .. } => continue,
                }
            }
        };
        let answer = match ended {
            Err(answer) => answer,
            // The ServerHello stands even when the rest of the flight never came.
            Ok(why) => match reader.finish(&why) {
                Some(flight) => classify(flight),
                None => Answer::unknown(why, false),
            },
        };
        return (answer, reader.stats());
    }
}

/// Maps a decided flight to an answer.
pub(crate) fn classify(flight: Flight) -> Answer {
    match flight.reply {
        ServerReply::ServerHello { .. } | ServerReply::HelloRetryRequest { .. } => {
            Answer::Hello(flight)
        }
        ServerReply::Ssl2ServerHello {
            ref cipher_specs, ..
        } => {
            if cipher_specs.is_empty() {
                Answer::Refused("SSLv2 SERVER-HELLO with no cipher spec in common".into())
            } else {
                Answer::Hello(flight)
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
        let until = ReadUntil::ServerHello;
        let mut truncated: &[u8] = &[22, 3, 3, 0, 80, 2, 0];
        match read_reply(&mut truncated, until, deadline, budget).await.0 {
            Answer::Unknown(u) => assert!(u.reason.contains("truncated"), "{}", u.reason),
            other => panic!("{other:?}"),
        }
        let mut empty: &[u8] = &[];
        assert!(matches!(
            read_reply(&mut empty, until, deadline, budget).await.0,
            Answer::Refused(_)
        ));
        let mut garbage: &[u8] = b"HTTP/1.1 400 Bad Request\r\n\r\n";
        match read_reply(&mut garbage, until, deadline, budget).await.0 {
            Answer::Unknown(u) => assert!(u.reason.contains("not a TLS reply"), "{}", u.reason),
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod byte_at_a_time {
    //! A server that sends its flight one byte at a time costs one examination per byte: the
    //! reader keeps its place instead of re-parsing everything received after every read.

    use std::pin::Pin;
    use std::task::{Context, Poll};

    use govscan_tls_hello::dh::prime_bits;
    use govscan_tls_hello::{HelloSpec, KeyExchangeReply, ProtocolVersion, build_client_hello};
    use tokio::io::{AsyncRead, ReadBuf};

    use super::*;
    use crate::net::Pacing;

    /// A real DHE-RSA flight from `openssl s_server` with a 1024-bit group (ServerHello,
    /// Certificate, ServerKeyExchange, ServerHelloDone).
    const FLIGHT: &[u8] = include_bytes!("../../../tls-hello/tests/data/tls12_dhe_rsa_1024.bin");

    /// Hands out one byte per read, like a server writing one byte at a time.
    struct OneByte<'a>(&'a [u8]);

    impl AsyncRead for OneByte<'_> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            if let Some((first, rest)) = self.0.split_first() {
                buf.put_slice(&[*first]);
                self.0 = rest;
            }
            Poll::Ready(Ok(()))
        }
    }

    fn assert_dhe_1024(answer: &Answer) {
        match answer {
            Answer::Hello(Flight {
                reply: ServerReply::ServerHello { cipher_suite, .. },
                key_exchange: Some(KeyExchangeReply::Dh { prime, .. }),
            }) => {
                assert_eq!(*cipher_suite, 0x009E);
                assert_eq!(prime_bits(prime), 1024);
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn one_byte_per_read_is_parsed_once_per_byte() {
        let budget = Duration::from_secs(5);
        let deadline = tokio::time::Instant::now() + budget;
        let mut stream = OneByte(FLIGHT);
        let (answer, stats) =
            read_reply(&mut stream, ReadUntil::KeyExchange, deadline, budget).await;
        assert_dhe_1024(&answer);
        // One read per byte up to the end of the ServerKeyExchange, each byte examined once,
        // and two messages parsed (the re-parse-everything reader did ~n²/2 byte visits and
        // one ServerHello parse attempt per read).
        assert!(stats.feeds > 1000, "{stats:?}");
        assert_eq!(stats.bytes_fed, stats.feeds);
        assert_eq!(stats.bytes_examined, stats.bytes_fed);
        assert!(stats.bytes_examined <= FLIGHT.len());
        assert_eq!(stats.messages_parsed, 2);
    }

    #[tokio::test]
    async fn a_tcp_server_writing_one_byte_at_a_time_is_read_in_linear_work() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            socket.set_nodelay(true).expect("nodelay");
            let mut hello = [0u8; 4096];
            let _ = socket.read(&mut hello).await;
            for byte in FLIGHT {
                if socket.write_all(&[*byte]).await.is_err() {
                    break;
                }
                let _ = socket.flush().await;
                tokio::task::yield_now().await;
            }
            // Keep the connection open until the client is done with it.
            let _ = socket.read(&mut hello).await;
        });
        let hello =
            build_client_hello(&HelloSpec::new(ProtocolVersion::Tls12).with_suites([0x009E_u16]));
        let budget = ExchangeBudget {
            connect_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(20),
            retries: 0,
        };
        // The test server is on loopback, which only an explicit policy allows.
        let limits = crate::net::Limits::new(1, 1)
            .with_policy(crate::policy::AddressPolicy::only(addr.ip()));
        let pacing = Pacing {
            limits: Some(&limits),
            counter: None,
        };
        let (answer, stats) = exchange(
            addr,
            &hello,
            ReadUntil::KeyExchange,
            budget,
            pacing,
            Preamble::None,
        )
        .await;
        assert_dhe_1024(&answer);
        assert!(stats.feeds > 1, "the server dribbled: {stats:?}");
        assert!(stats.bytes_examined <= FLIGHT.len(), "{stats:?}");
        assert!(stats.bytes_examined <= stats.bytes_fed, "{stats:?}");
        assert_eq!(stats.messages_parsed, 2, "{stats:?}");
        server.abort();
    }
}
