//! One SMTP session with an MX address: connect on port 25 (through the probe's limits and
//! pacing), read the greeting, EHLO, STARTTLS if offered, a rustls handshake with the MX host
//! name as SNI, and QUIT (over TLS when it was negotiated). Every step has a deadline; replies
//! are bounded in size.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use govscan_model::{FailureKind, Probed, SmtpSession};
use govscan_smtp_wire::{Command, offers};
use tokio::io::{AsyncRead, AsyncWrite};

use super::wire::{read_reply, record, send};
use crate::Inner;
use crate::net::{ConnCounter, Failure, Pacing, connect_tcp};
use crate::session::tls_handshake_on;

/// A session's result, and whether the TCP connect itself failed (the port-25 question).
pub(crate) struct Attempt {
    pub(crate) smtp: Probed<SmtpSession>,
    /// The connect's failure, when the session never got a connection.
    pub(crate) connect_failed: Option<Failure>,
    /// The TCP connect succeeded (port 25 answered).
    pub(crate) connected: bool,
}

/// Runs one session with `ip` as MX host `host`.
pub(crate) async fn run(inner: &Inner, host: &str, ip: IpAddr, counter: &ConnCounter) -> Attempt {
    let config = &inner.config;
    let addr = SocketAddr::new(ip, config.smtp.port);
    let started = Instant::now();
    let permit = match inner.limits.acquire_for(ip, counter).await {
        Ok(permit) => permit,
        Err(f) => {
            return Attempt {
                smtp: f.probed(),
                connect_failed: None,
                connected: false,
            };
        }
    };
    let pacing = Pacing {
        limits: Some(&inner.limits),
        counter: Some(counter),
    };
    let tcp = match connect_tcp(addr, config.connect_timeout, config.retries, pacing).await {
        Ok(tcp) => tcp,
        Err(failure) => {
            return Attempt {
                smtp: failure.probed(),
                connect_failed: Some(failure),
                connected: false,
            };
        }
    };
    let smtp = match dialogue(inner, host, addr, counter, tcp).await {
        Ok(mut session) => {
            session.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            Probed::ok(session)
        }
        Err(failure) => failure.probed(),
    };
    drop(permit);
    Attempt {
        smtp,
        connect_failed: None,
        connected: true,
    }
}

/// Greeting, EHLO, STARTTLS, TLS, QUIT over a connected stream.
async fn dialogue(
    inner: &Inner,
    host: &str,
    addr: SocketAddr,
    counter: &ConnCounter,
    mut tcp: tokio::net::TcpStream,
) -> Result<SmtpSession, Failure> {
    let step = inner.config.read_timeout;
    let ehlo_name = inner.config.smtp.ehlo_name.as_str();
    let greeting = read_reply(&mut tcp, step, "the connection (greeting)")
        .await?
        .reply;
    let mut session = SmtpSession {
        greeting: record(&greeting),
        ehlo: None,
        starttls_offered: false,
        starttls: None,
        bytes_after_starttls: 0,
        tls: Probed::skipped("STARTTLS was not reached"),
        quit_clean: false,
        duration_ms: 0,
    };
    if greeting.code != 220 {
        session.tls = Probed::skipped(format!("the greeting was {greeting}, not 220"));
        session.quit_clean = quit(&mut tcp, step).await;
        return Ok(session);
    }
    send(&mut tcp, Command::Ehlo(ehlo_name), step).await?;
    let ehlo = read_reply(&mut tcp, step, "EHLO").await?.reply;
    session.ehlo = Some(record(&ehlo));
    session.starttls_offered = ehlo.code == 250 && offers(&ehlo, "STARTTLS");
    if !session.starttls_offered {
        session.tls = Probed::skipped("the server does not offer STARTTLS");
        session.quit_clean = quit(&mut tcp, step).await;
        return Ok(session);
    }
    send(&mut tcp, Command::StartTls, step).await?;
    let go = read_reply(&mut tcp, step, "STARTTLS").await?;
    session.starttls = Some(record(&go.reply));
    session.bytes_after_starttls = u32::try_from(go.extra).unwrap_or(u32::MAX);
    if go.reply.code != 220 {
        session.tls = Probed::skipped(format!("STARTTLS was answered with {}", go.reply));
        session.quit_clean = quit(&mut tcp, step).await;
        return Ok(session);
    }
    match tls_handshake_on(inner, host, counter, tcp, addr, &[]).await {
        Ok((mut tls, observation)) => {
            session.tls = Probed::ok(observation);
            session.quit_clean = quit(&mut tls, step).await;
        }
        Err(failure) => session.tls = failure.probed(),
    }
    Ok(session)
}

/// Sends QUIT and reads the reply; true on 221 (RFC 5321 §4.1.1.10).
async fn quit<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    step: std::time::Duration,
) -> bool {
    if send(stream, Command::Quit, step).await.is_err() {
        return false;
    }
    matches!(read_reply(stream, step, "QUIT").await, Ok(r) if r.reply.code == 221)
}

/// The kinds of connect failure that say nothing certain about the server when port 25 may be
/// blocked from here.
pub(crate) fn port25_doubt(kind: FailureKind) -> bool {
    matches!(
        kind,
        FailureKind::Refused | FailureKind::Timeout | FailureKind::Unreachable
    )
}
