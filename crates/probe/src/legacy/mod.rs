//! The hand-built-hello TLS scan of one endpoint: versions SSLv2…TLS 1.3, suites per version,
//! server order, groups (TLS 1.3 and TLS 1.0–1.2 curves), DHE groups, secure renegotiation,
//! extended master secret and compression — serially, with a gap between handshakes and a
//! bounded number of them.

mod dhe;
mod exchange;
mod groups;
mod versions;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use govscan_model::{FailureKind, Probed, TlsScan, VersionProbe};
use govscan_tls_hello::suites;
use govscan_tls_hello::{
    HelloSpec, ProtocolVersion, ReadUntil, ServerReply, ssl2_cipher_spec_name,
};

use crate::net::{ConnCounter, Limits, Pacing};
use crate::policy::AddressPolicy;
use exchange::{Answer, ExchangeBudget, exchange};

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
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            connect_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(5),
            retries: 1,
            gap: Duration::from_millis(10),
            max_handshakes: 160,
        }
    }
}

/// Scans `addr` with hand-built hellos (SNI `sni` unless it is an IP literal). Serial: one
/// connection at a time. A server that refuses the connection, or stays silent to the first
/// hellos, gives a failed probe; anything less clear-cut is recorded per version as unknown.
/// `addr` is the caller's explicit choice (like `--connect`), so the address policy allows it.
pub async fn scan(addr: SocketAddr, sni: &str, options: &ScanOptions) -> Probed<TlsScan> {
    let limits = Limits::new(1, 1).with_policy(AddressPolicy::only(addr.ip()));
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

/// Why the scan stopped early.
enum Stop {
    /// The handshake budget is spent.
    Budget,
    /// The server does not answer at all (or the port is closed).
    Dead(FailureKind, String),
}

struct Scanner<'a> {
    addr: SocketAddr,
    sni: &'a str,
    options: &'a ScanOptions,
    pacing: Pacing<'a>,
    handshakes: u32,
    silent_in_a_row: u32,
    answered_once: bool,
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
            handshakes: 0,
            silent_in_a_row: 0,
            answered_once: false,
        }
    }

    async fn run(mut self) -> Probed<TlsScan> {
        let started = Instant::now();
        let mut scan = TlsScan {
            versions: Vec::new(),
            groups: Vec::new(),
            groups_version: None,
            groups_note: None,
            compression_accepted: None,
            handshakes: 0,
            budget_exhausted: false,
            duration_ms: 0,
            dhe: Probed::skipped("not reached: the scan stopped before the DHE probe"),
        };
        let result = self.run_steps(&mut scan).await;
        scan.handshakes = self.handshakes;
        scan.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        scan.versions
            .sort_by_key(|v| std::cmp::Reverse(version_rank(&v.version)));
        match result {
            Ok(()) => Probed::ok(scan),
            Err(Stop::Budget) => {
                scan.budget_exhausted = true;
                Probed::ok(scan)
            }
            Err(Stop::Dead(kind, detail)) => Probed::failed(
                kind,
                format!("{detail} ({} handshake(s) sent)", self.handshakes),
            ),
        }
    }

    async fn run_steps(&mut self, scan: &mut TlsScan) -> Result<(), Stop> {
        let mut states: Vec<VersionState> = Vec::new();
        let mut stop = None;
        for version in VERSION_ORDER {
            match self.probe_version(version).await {
                Ok(state) => states.push(state),
                Err(s) => {
                    stop = Some(s);
                    break;
                }
            }
        }
        // Keep whatever was learned, even when the scan stops early.
        let result = match stop {
            Some(s) => Err(s),
            None => self.details(&mut states, scan).await,
        };
        scan.versions = states.into_iter().map(|s| s.probe).collect();
        result
    }

    /// Suites, order, compression and groups, after the versions are known.
    async fn details(
        &mut self,
        states: &mut [VersionState],
        scan: &mut TlsScan,
    ) -> Result<(), Stop> {
        states.sort_by_key(|s| std::cmp::Reverse(version_rank(&s.probe.version)));
        for state in states.iter_mut() {
            if state.probe.accepted == Some(true) {
                self.enumerate_suites(state).await?;
                self.server_order(state).await?;
            }
        }
        let highest_classic = states
            .iter()
            .filter(|s| s.probe.accepted == Some(true))
            .filter_map(|s| version_of(&s.probe.version))
            .find(|v| {
                matches!(
                    v,
                    ProtocolVersion::Tls10 | ProtocolVersion::Tls11 | ProtocolVersion::Tls12
                )
            });
        if let Some(version) = highest_classic {
            scan.compression_accepted = self.compression(version).await?;
        }
        let accepted = |v: ProtocolVersion| {
            states
                .iter()
                .any(|s| s.probe.accepted == Some(true) && s.probe.version == version_key(v))
        };
        if accepted(ProtocolVersion::Tls13) {
            self.groups_tls13(scan).await?;
        }
        if let Some(version) = highest_classic {
            self.curves(version, scan).await?;
        }
        if scan.groups_version.is_none() {
            scan.groups_note = Some("no version from TLS 1.0 to TLS 1.3 is accepted".into());
        }
        self.dhe(states, scan).await
    }

    /// One handshake: budget, gap, connection slots, exchange, liveness bookkeeping.
    async fn send(&mut self, hello: &[u8], until: ReadUntil) -> Result<Answer, Stop> {
        if self.handshakes >= self.options.max_handshakes {
            return Err(Stop::Budget);
        }
        if self.handshakes > 0 && !self.options.gap.is_zero() {
            tokio::time::sleep(self.options.gap).await;
        }
        self.handshakes += 1;
        if let Some(counter) = self.pacing.counter {
            counter.tls();
        }
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
        let (answer, _work) = exchange(self.addr, hello, until, budget, self.pacing).await;
        match &answer {
            Answer::Unknown(u) => {
                if let Some(failure) = &u.connect
                    && !self.answered_once
                {
                    return Err(Stop::Dead(failure.kind, failure.detail.clone()));
                }
                if u.silent {
                    self.silent_in_a_row += 1;
                    if self.silent_in_a_row >= MAX_SILENT && !self.answered_once {
                        return Err(Stop::Dead(
                            FailureKind::Timeout,
                            format!("the server did not answer hand-built hellos: {}", u.reason),
                        ));
                    }
                } else {
                    self.silent_in_a_row = 0;
                }
            }
            _ => {
                self.silent_in_a_row = 0;
                self.answered_once = true;
            }
        }
        Ok(answer)
    }

    fn spec(&self, version: ProtocolVersion) -> HelloSpec {
        HelloSpec::new(version).with_sni(self.sni)
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
