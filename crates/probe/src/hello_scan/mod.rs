//! The hand-built-hello TLS scan of one endpoint: versions SSLv2…TLS 1.3, suites per version,
//! server order, groups (TLS 1.3 and TLS 1.0–1.2 curves), DHE groups, secure renegotiation,
//! extended master secret and compression — in up to `lanes` connections at once (the
//! address's allowance), with a gap between handshakes and a bounded number of them. The
//! order of the steps and how they share the lanes is `plan.rs`; the cost model is
//! docs/design/performance.md. Over SMTP (`scan_starttls`) every hello gets its own session
//! up to STARTTLS, in one lane (one session per MX address at a time), and fewer hellos are
//! sent: no server-order probe, and no suite enumeration for SSL 3.0, TLS 1.0 or TLS 1.1
//! (accepting them already fails the mail check).

mod classes;
mod dhe;
mod exchange;
mod groups;
#[cfg(test)]
mod mail_tests;
mod plan;
mod versions;

use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use govscan_model::{FailureKind, Probed, TlsScan, VersionProbe};
use govscan_tls_hello::suites;
use govscan_tls_hello::{
    HelloSpec, ProtocolVersion, ReadUntil, ServerReply, ssl2_cipher_spec_name,
};

use crate::net::{ConnCounter, Limits, Pacing};
use crate::policy::AddressPolicy;
use crate::smtp::gate::SmtpGate;
use exchange::{Answer, ExchangeBudget, Preamble, exchange};

/// Consecutive sessions a mail server may refuse before STARTTLS (busy, rate-limited) before
/// the scan stops and keeps what it learned.
const MAX_PREAMBLE_FAILURES: u32 = 3;

/// How the scan reaches a mail server's TLS: SMTP up to STARTTLS before every hello.
#[derive(Clone, Copy)]
pub(crate) struct MailMode<'a> {
    /// The EHLO name.
    pub(crate) ehlo_name: &'a str,
    /// Budget of each SMTP reply.
    pub(crate) step: Duration,
    /// One session per MX address at a time, with a gap.
    pub(crate) gate: &'a SmtpGate,
}

/// The order versions are first probed in: the likeliest first, so a dead port is noticed fast.
const VERSION_ORDER: [ProtocolVersion; 6] = [
    ProtocolVersion::Tls12,
    ProtocolVersion::Tls13,
    ProtocolVersion::Tls11,
    ProtocolVersion::Tls10,
    ProtocolVersion::Ssl3,
    ProtocolVersion::Ssl2,
];

/// Consecutive silent exchanges after which the server is taken as not answering.
const MAX_SILENT: u32 = 2;

/// Budgets and politeness of one endpoint's scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// Budget for one TCP connect attempt.
    pub connect_timeout: Duration,
    /// Budget for the server's first reply to one hello.
    pub reply_timeout: Duration,
    /// Extra connect attempts for refused/timed-out connects.
    pub retries: u32,
    /// Pause between two handshakes to the same endpoint.
    pub gap: Duration,
    /// Most handshakes (connections) per endpoint.
    pub max_handshakes: u32,
    /// Most handshakes in flight at once to the endpoint (the prober passes its per-address
    /// limit, whose slots the handshakes also hold; 1 = one after the other).
    pub lanes: u32,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            connect_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(5),
            retries: 1,
            gap: Duration::from_millis(10),
            max_handshakes: 160,
            lanes: 1,
        }
    }
}

/// Scans `addr` with hand-built hellos (SNI `sni` unless it is an IP literal), at most
/// `options.lanes` connections at once. A server that refuses the connection, or stays silent to the first
/// hellos, gives a failed probe; anything less clear-cut is recorded per version as unknown.
/// `addr` is the caller's explicit choice (like `--connect`), so the address policy allows it.
pub async fn scan(addr: SocketAddr, sni: &str, options: &ScanOptions) -> Probed<TlsScan> {
    let lanes = options.lanes.max(1) as usize;
    let limits = Limits::new(lanes, lanes).with_policy(AddressPolicy::only(addr.ip()));
    let pacing = Pacing {
        limits: Some(&limits),
        counter: None,
    };
    Scanner::new(addr, sni, options, pacing).run().await
}

/// As [`scan`], holding the prober's per-address and global connection slots per handshake,
/// paced by its gap and rate, and counting connections in `counter`.
pub(crate) async fn scan_limited(
    addr: SocketAddr,
    sni: &str,
    options: &ScanOptions,
    limits: &Limits,
    counter: &ConnCounter,
) -> Probed<TlsScan> {
    let pacing = Pacing {
        limits: Some(limits),
        counter: Some(counter),
    };
    Scanner::new(addr, sni, options, pacing).run().await
}

/// As [`scan_limited`], over SMTP: each hello is sent in its own SMTP session after a 220
/// reply to STARTTLS, with `mail`'s gate held for the session.
pub(crate) async fn scan_starttls(
    addr: SocketAddr,
    sni: &str,
    options: &ScanOptions,
    limits: &Limits,
    counter: &ConnCounter,
    mail: MailMode<'_>,
) -> Probed<TlsScan> {
    let pacing = Pacing {
        limits: Some(limits),
        counter: Some(counter),
    };
    let mut scanner = Scanner::new(addr, sni, options, pacing);
    scanner.mail = Some(mail);
    scanner.run().await
}

/// Why the scan stopped early.
enum Stop {
    /// The handshake budget is spent.
    Budget,
    /// The server does not answer at all (or the port is closed).
    Dead(FailureKind, String),
    /// A mail server stopped accepting sessions up to STARTTLS (why).
    Refusing(String),
}

/// One endpoint's scan. Shared by the lanes (`&self`): the handshake count, the liveness
/// bookkeeping and the gap's clock are atomics or locked.
struct Scanner<'a> {
    addr: SocketAddr,
    sni: &'a str,
    options: &'a ScanOptions,
    pacing: Pacing<'a>,
    handshakes: AtomicU32,
    silent_in_a_row: AtomicU32,
    answered_once: AtomicBool,
    gap_clock: Mutex<GapClock>,
    /// Set for a scan over SMTP.
    mail: Option<MailMode<'a>>,
    /// Sessions in a row that failed before the hello (SMTP up to STARTTLS).
    preamble_failures_in_a_row: AtomicU32,
}

/// When the last handshake to the endpoint started and when the last one ended: a new one
/// starts at least the gap after both, so one lane keeps the old one-at-a-time gap and several
/// lanes never start two handshakes closer than the gap.
#[derive(Debug, Default)]
struct GapClock {
    last_start: Option<tokio::time::Instant>,
    last_end: Option<tokio::time::Instant>,
}

/// Per-version state while scanning.
struct VersionState {
    probe: VersionProbe,
    first: Option<ServerReply>,
}

impl<'a> Scanner<'a> {
    fn new(addr: SocketAddr, sni: &'a str, options: &'a ScanOptions, pacing: Pacing<'a>) -> Self {
        Scanner {
            addr,
            sni,
            options,
            pacing,
            handshakes: AtomicU32::new(0),
            silent_in_a_row: AtomicU32::new(0),
            answered_once: AtomicBool::new(false),
            gap_clock: Mutex::new(GapClock::default()),
            mail: None,
            preamble_failures_in_a_row: AtomicU32::new(0),
        }
    }

    fn handshakes(&self) -> u32 {
        self.handshakes.load(Ordering::SeqCst)
    }

    fn answered_once(&self) -> bool {
        self.answered_once.load(Ordering::SeqCst)
    }

    /// Lanes the steps may use at once. Over SMTP one: one session per MX address at a time
    /// (issue 13), so the hellos go in the one-lane order whatever `options.lanes` says.
    fn lanes(&self) -> usize {
        if self.mail.is_some() {
            return 1;
        }
        self.options.lanes.max(1) as usize
    }

    /// Whether the suites of accepted `version` are enumerated. Over SMTP, a legacy version's
    /// are not: accepting the version already fails the mail check, and each hello costs a
    /// whole SMTP session.
    fn enumerates_suites(&self, version: ProtocolVersion) -> bool {
        self.mail.is_none() || matches!(version, ProtocolVersion::Tls12 | ProtocolVersion::Tls13)
    }

    /// Whether the server-order hello is sent (not over SMTP: one more session per version for
    /// a preference the mail checks do not judge).
    fn probes_server_order(&self) -> bool {
        self.mail.is_none()
    }

    async fn run(self) -> Probed<TlsScan> {
        let started = Instant::now();
        let mut scan = empty_scan();
        let result = self.run_steps(&mut scan).await;
        scan.handshakes = self.handshakes();
        scan.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        scan.versions
            .sort_by_key(|v| std::cmp::Reverse(version_rank(&v.version)));
        match result {
            Ok(()) => Probed::ok(scan),
            Err(Stop::Budget) => {
                scan.budget_exhausted = true;
                Probed::ok(scan)
            }
            Err(Stop::Refusing(why)) => {
                scan.budget_exhausted = true;
                scan.stopped = Some(why);
                Probed::ok(scan)
            }
            Err(Stop::Dead(kind, detail)) => Probed::failed(
                kind,
                format!("{detail} ({} handshake(s) sent)", self.handshakes()),
            ),
        }
    }

    /// One handshake: budget, gap, connection slots, exchange, liveness bookkeeping.
    async fn send(&self, hello: &[u8], until: ReadUntil) -> Result<Answer, Stop> {
        let max = self.options.max_handshakes;
        let before = self
            .handshakes
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .map_err(|_| Stop::Budget)?;
        if before > 0 && !self.options.gap.is_zero() {
            tokio::time::sleep_until(self.reserve_start()).await;
        }
        if let Some(counter) = self.pacing.counter {
            counter.tls();
        }
        // Over SMTP: one session per MX address at a time, with a gap, scan-wide.
        let _gate = match self.mail {
            Some(mail) => Some(mail.gate.enter(self.addr.ip()).await),
            None => None,
        };
        let no_domain = ConnCounter::default();
        let _permit = match self.pacing.limits {
            Some(limits) => Some(
                limits
                    .acquire_for(self.addr.ip(), self.pacing.counter.unwrap_or(&no_domain))
                    .await
                    .map_err(|f| Stop::Dead(f.kind, f.detail))?,
            ),
            None => None,
        };
        let budget = ExchangeBudget {
            connect_timeout: self.options.connect_timeout,
            reply_timeout: self.options.reply_timeout,
            retries: self.options.retries,
        };
        let preamble = match self.mail {
            Some(mail) => Preamble::Smtp {
                ehlo_name: mail.ehlo_name,
                step: mail.step,
            },
            None => Preamble::None,
        };
        let (answer, _work) =
            exchange(self.addr, hello, until, budget, self.pacing, preamble).await;
        self.ended();
        if let Answer::Unknown(u) = &answer
            && u.preamble
        {
            let failures = self
                .preamble_failures_in_a_row
                .fetch_add(1, Ordering::SeqCst)
                + 1;
            if failures >= MAX_PREAMBLE_FAILURES {
                return Err(Stop::Refusing(format!(
                    "the mail server refused {failures} sessions in a row before the hello: {}",
                    u.reason
                )));
            }
            return Ok(answer);
        }
        self.preamble_failures_in_a_row.store(0, Ordering::SeqCst);
        match &answer {
            Answer::Unknown(u) => {
                if let Some(failure) = &u.connect
                    && !self.answered_once()
                {
                    return Err(Stop::Dead(failure.kind, failure.detail.clone()));
                }
                if u.silent {
                    let silent = self.silent_in_a_row.fetch_add(1, Ordering::SeqCst) + 1;
                    if silent >= MAX_SILENT && !self.answered_once() {
                        return Err(Stop::Dead(
                            FailureKind::Timeout,
                            format!("the server did not answer hand-built hellos: {}", u.reason),
                        ));
                    }
                } else {
                    self.silent_in_a_row.store(0, Ordering::SeqCst);
                }
            }
            _ => {
                self.silent_in_a_row.store(0, Ordering::SeqCst);
                self.answered_once.store(true, Ordering::SeqCst);
            }
        }
        Ok(answer)
    }

    /// Reserves the next start: the gap after the last start and after the last end.
    fn reserve_start(&self) -> tokio::time::Instant {
        let gap = self.options.gap;
        let now = tokio::time::Instant::now();
        let mut clock = self.gap_clock.lock().unwrap_or_else(|p| p.into_inner());
        let start = [clock.last_start, clock.last_end]
            .into_iter()
            .flatten()
            .map(|t| t + gap)
            .fold(now, tokio::time::Instant::max);
        clock.last_start = Some(start);
        start
    }

    /// Records that a handshake ended now.
    fn ended(&self) {
        let now = tokio::time::Instant::now();
        let mut clock = self.gap_clock.lock().unwrap_or_else(|p| p.into_inner());
        clock.last_end = Some(clock.last_end.map_or(now, |t| t.max(now)));
    }

    fn spec(&self, version: ProtocolVersion) -> HelloSpec {
        HelloSpec::new(version).with_sni(self.sni)
    }
}

/// A scan with nothing learned yet.
fn empty_scan() -> TlsScan {
    TlsScan {
        versions: Vec::new(),
        groups: Vec::new(),
        groups_version: None,
        groups_note: None,
        compression_accepted: None,
        handshakes: 0,
        budget_exhausted: false,
        stopped: None,
        duration_ms: 0,
        dhe: Probed::skipped("not reached: the scan stopped before the DHE probe"),
    }
}

/// What a hello reply means for a probe of `offered`.
enum HelloVerdict {
    Accepted(u16),
    Refused(String),
    Unknown(String),
}

fn judge_hello(reply: &ServerReply, offered: ProtocolVersion) -> HelloVerdict {
    match reply {
        ServerReply::ServerHello {
            version,
            cipher_suite,
            ..
        } => {
            if *version == offered {
                HelloVerdict::Accepted(*cipher_suite)
            } else if *version < offered {
                HelloVerdict::Refused(format!("the server answered with {version} instead"))
            } else {
                HelloVerdict::Unknown(format!(
                    "the server answered with {version}, which was not offered"
                ))
            }
        }
        ServerReply::HelloRetryRequest { cipher_suite, .. }
            if offered == ProtocolVersion::Tls13 =>
        {
            HelloVerdict::Accepted(*cipher_suite)
        }
        ServerReply::Ssl2ServerHello { cipher_specs, .. } if offered == ProtocolVersion::Ssl2 => {
            // The first spec stands for the answer; all specs are recorded by the caller.
            match cipher_specs.first() {
                Some(spec) => HelloVerdict::Accepted((*spec & 0xFFFF) as u16),
                None => HelloVerdict::Refused("no SSLv2 cipher spec in common".into()),
            }
        }
        other => HelloVerdict::Unknown(format!("unexpected reply {}", reply_kind(other))),
    }
}

fn reply_kind(reply: &ServerReply) -> &'static str {
    match reply {
        ServerReply::ServerHello { .. } => "ServerHello",
        ServerReply::HelloRetryRequest { .. } => "HelloRetryRequest",
        ServerReply::Alert { .. } => "alert",
        ServerReply::Ssl2ServerHello { .. } => "SSLv2 SERVER-HELLO",
        ServerReply::Ssl2Error { .. } => "SSLv2 ERROR",
        ServerReply::Incomplete { .. } => "incomplete",
        ServerReply::Garbage { .. } => "garbage",
    }
}

fn suite_name(version: ProtocolVersion, id: impl Into<u32>) -> String {
    let id: u32 = id.into();
    let name = if version == ProtocolVersion::Ssl2 {
        ssl2_cipher_spec_name(id)
    } else {
        u16::try_from(id).ok().and_then(suites::name)
    };
    name.map_or_else(|| format!("unknown {id:#06x}"), str::to_string)
}

/// The model's name of a version.
pub(crate) fn version_key(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::Ssl2 => "ssl2",
        ProtocolVersion::Ssl3 => "ssl3",
        ProtocolVersion::Tls10 => "tls10",
        ProtocolVersion::Tls11 => "tls11",
        ProtocolVersion::Tls12 => "tls12",
        ProtocolVersion::Tls13 => "tls13",
    }
}

fn version_of(key: &str) -> Option<ProtocolVersion> {
    ProtocolVersion::ALL
        .into_iter()
        .find(|v| version_key(*v) == key)
}

fn version_rank(key: &str) -> usize {
    ProtocolVersion::ALL
        .iter()
        .position(|v| version_key(*v) == key)
        .unwrap_or(0)
}
