//! Connection budgets: global, per-domain, per-network-block and per-address limits, a minimum
//! gap between connections to one address, a scan-wide rate of new connections, and TCP
//! connect with bounded retries behind the address policy (`policy.rs`), checked at connect time.

mod block;
mod slots;

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use govscan_model::{FailureKind, Probed};
use ipnet::IpNet;
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

pub(crate) use crate::counter::{ConnCounter, WaitStage};
use crate::fair::{self, DomainShare};
use crate::policy::AddressPolicy;
use block::network_block;
use slots::SlotsPerKey;

/// A failed step, classified, with a precise message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) kind: FailureKind,
    pub(crate) detail: String,
}

impl Failure {
    /// A failure of `kind`.
    pub(crate) fn new(kind: FailureKind, detail: impl Into<String>) -> Failure {
        Failure {
            kind,
            detail: detail.into(),
        }
    }

    /// As a failed probe of any type.
    pub(crate) fn probed<T>(&self) -> Probed<T> {
        Probed::failed(self.kind, self.detail.clone())
    }
}

/// Global, per-network-block and per-address connection limits and pacing.
#[derive(Debug)]
pub(crate) struct Limits {
    global: Arc<Semaphore>,
    /// Slots of each IP address (`--per-address`).
    per_address: SlotsPerKey<IpAddr>,
    /// Slots of each network block, IPv4 /24 or IPv6 /48 (`--per-network`; `block.rs`).
    per_network: SlotsPerKey<IpNet>,
    /// Least time between connection starts to one address.
    min_gap: Duration,
    /// When each address may next see a connection start (reserved slots, FIFO).
    next_start: Mutex<HashMap<IpAddr, Instant>>,
    /// The scan-wide rate of new connections, if limited.
    rate: Option<RateLimit>,
    /// Which addresses may be contacted at all.
    policy: AddressPolicy,
    /// Connections one domain may hold at once (its fair share of `global`).
    per_domain: usize,
    /// The global limit, for messages.
    global_limit: usize,
}

/// A token bucket in its GCRA form: one token per `interval`, at most `burst` saved up.
#[derive(Debug)]
struct RateLimit {
    interval: Duration,
    /// How far ahead of the even schedule a start may run (`(burst - 1) x interval`).
    tolerance: Duration,
    /// The theoretical arrival time of the next token.
    next: Mutex<Option<Instant>>,
}

impl RateLimit {
    /// `per_second` tokens a second, a bucket of a tenth of a second's worth (at least one).
    fn new(per_second: u32) -> RateLimit {
        let per_second = per_second.max(1);
        let burst = (per_second / 10).max(1);
        let interval = Duration::from_secs(1) / per_second;
        RateLimit {
            interval,
            tolerance: interval * (burst - 1),
            next: Mutex::new(None),
        }
    }

    /// Reserves the next token and returns when it may be used.
    fn reserve(&self) -> Instant {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let theoretical = next.map_or(now, |t| t.max(now));
        let start = theoretical
            .checked_sub(self.tolerance)
            .map_or(now, |t| t.max(now));
        *next = Some(theoretical + self.interval);
        start
    }
}

/// What a TCP connect needs besides the address: pacing and counting (both optional).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Pacing<'a> {
    /// The limiter whose gap and rate apply to every attempt.
    pub(crate) limits: Option<&'a Limits>,
    /// Where attempts are counted.
    pub(crate) counter: Option<&'a ConnCounter>,
}

/// Held while a connection is open; dropping it frees its slots.
#[derive(Debug)]
pub(crate) struct ConnPermit {
    _open: Option<fair::Open>,
    _domain: Option<OwnedSemaphorePermit>,
    _address: OwnedSemaphorePermit,
    _network: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl Limits {
    /// Limits of `global` connections in flight and `per_address` per IP, no gap, no rate, and
    /// no cap per network block below the global one (see [`Limits::with_per_network`]).
    pub(crate) fn new(global: usize, per_address: usize) -> Limits {
        Limits {
            global: Arc::new(Semaphore::new(global.min(Semaphore::MAX_PERMITS))),
            per_address: SlotsPerKey::new(per_address),
            per_network: SlotsPerKey::new(global),
            min_gap: Duration::ZERO,
            next_start: Mutex::new(HashMap::new()),
            rate: None,
            policy: AddressPolicy::default(),
            per_domain: fair::per_domain_limit(global),
            global_limit: global,
        }
    }

    /// At most `per_network` connections in flight into one network block (IPv4 /24, IPv6
    /// /48), across all domains.
    pub(crate) fn with_per_network(mut self, per_network: usize) -> Limits {
        self.per_network = SlotsPerKey::new(per_network);
        // A domain's share is a quarter of the domains' common pool: the global slots, or one
        // network's when that is smaller (ProbeConfig::domains_at_once), so no single domain
        // can hold a whole network's slots.
        self.per_domain = fair::per_domain_limit(self.global_limit.min(per_network));
        self
    }

    /// What a request waiting at `stage` waits for, in words with the limits' values.
    /// `open_own` is how many connections the waiting probe's domain had open: with none, the
    /// network's or the scan's slots were all held by other domains.
    pub(crate) fn describe_wait(&self, stage: WaitStage, open_own: u32) -> String {
        let holders = if open_own == 0 {
            "all held by other domains".to_owned()
        } else {
            format!("all in use by other probes, while this domain had {open_own} of its own open")
        };
        match stage {
            WaitStage::Domain => format!(
                "one of the domain's own {} connection slots (a quarter of --concurrency or --per-network, whichever is smaller), all busy with its other probes",
                self.per_domain
            ),
            WaitStage::Address => format!(
                "a connection slot of the address (--per-address {}), held by other probes of that address",
                self.per_address.limit()
            ),
            WaitStage::Network(block) => format!(
                "one of the {} connection slots to the network {block} (--per-network), {holders}",
                self.per_network.limit()
            ),
            WaitStage::Global => format!(
                "one of the scan's {} connection slots (--concurrency), {holders}",
                self.global_limit
            ),
        }
    }

    /// Puts `policy` in front of every connection.
    pub(crate) fn with_policy(mut self, policy: AddressPolicy) -> Limits {
        self.policy = policy;
        self
    }

    /// The address policy.
    pub(crate) fn policy(&self) -> &AddressPolicy {
        &self.policy
    }

    /// A fresh fair share for one domain.
    pub(crate) fn domain_share(&self) -> Arc<DomainShare> {
        DomainShare::new(self.per_domain)
    }

    /// Adds a least gap between connection starts to one address and a scan-wide rate.
    pub(crate) fn with_pacing(mut self, min_gap: Duration, rate: Option<u32>) -> Limits {
        self.min_gap = min_gap;
        self.rate = rate.map(RateLimit::new);
        self
    }

    /// Waits until a new connection to `ip` may start: the address's gap since the previous
    /// start, then a token of the scan-wide rate. Slots are reserved before sleeping, so
    /// concurrent callers queue in order instead of all waking at once.
    pub(crate) async fn pace(&self, ip: IpAddr) {
        if !self.min_gap.is_zero() {
            let start = {
                let now = Instant::now();
                let mut map = self.next_start.lock().unwrap_or_else(|p| p.into_inner());
                let slot = map.entry(ip).or_insert(now);
                let start = (*slot).max(now);
                *slot = start + self.min_gap;
                start
            };
            tokio::time::sleep_until(start).await;
        }
        if let Some(rate) = &self.rate {
            tokio::time::sleep_until(rate.reserve()).await;
        }
    }

    /// Waits for a slot for `ip` charged to `counter`'s domain (none for a default counter):
    /// one of the domain's own slots first, then the address's, then its network block's, then
    /// a global one (so a connection waiting for an address or a block holds no global slot).
    /// Every connection takes them in this order and no probe asks for a second connection
    /// while it holds one, so no cycle of waits can form (docs/design/politeness.md, "Slot
    /// order"). The whole wait counts as the domain's waiting time ([`DomainShare::wait`]):
    /// waiting for slots that other domains hold is "starved" time, whichever limit it is.
    pub(crate) async fn acquire_for(
        &self,
        ip: IpAddr,
        counter: &ConnCounter,
    ) -> Result<ConnPermit, Failure> {
        // The mark stays set if this future is dropped while waiting (the domain's budget ran
        // out), so the unfinished probe can say it was waiting for a slot.
        let waiting = counter.share().map(DomainShare::wait);
        let closed = || {
            counter.set_waiting(None);
            Failure::new(FailureKind::Other, "connection limiter closed")
        };
        counter.set_waiting(Some(WaitStage::Domain));
        let domain = match counter.share() {
            Some(share) => Some(share.slot().await.ok_or_else(closed)?),
            None => None,
        };
        counter.set_waiting(Some(WaitStage::Address));
        let address = self
            .per_address
            .of(ip)
            .acquire_owned()
            .await
            .map_err(|_| closed())?;
        let block = network_block(ip);
        counter.set_waiting(Some(WaitStage::Network(block)));
        let network = self
            .per_network
            .of(block)
            .acquire_owned()
            .await
            .map_err(|_| closed())?;
        counter.set_waiting(Some(WaitStage::Global));
        let global = self
            .global
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| closed())?;
        counter.set_waiting(None);
        Ok(ConnPermit {
            _open: waiting.map(fair::Waiting::granted),
            _domain: domain,
            _address: address,
            _network: network,
            _global: global,
        })
    }

    /// The address policy's verdict on `ip` as a probe failure.
    pub(crate) fn admit(&self, ip: IpAddr) -> Result<(), Failure> {
        admit(&self.policy, ip)
    }
}

/// `policy`'s verdict on `ip`: a refusal is a `Blocked` failure (nothing was sent).
fn admit(policy: &AddressPolicy, ip: IpAddr) -> Result<(), Failure> {
    policy
        .check(ip)
        .map_err(|refusal| Failure::new(FailureKind::Blocked, refusal.reason))
}

/// Connects with `timeout` per attempt and `retries` extra attempts for refused/timed-out
/// connects; every attempt is paced and counted. The address policy of `pacing.limits` (the
/// strict default policy without limits) is checked on the exact address first: a blocked
/// address is never contacted.
pub(crate) async fn connect_tcp(
    addr: SocketAddr,
    timeout: Duration,
    retries: u32,
    pacing: Pacing<'_>,
) -> Result<TcpStream, Failure> {
    match pacing.limits {
        Some(limits) => limits.admit(addr.ip())?,
        None => admit(&AddressPolicy::default(), addr.ip())?,
    }
    connect_admitted(addr, timeout, retries, pacing).await
}

/// Connects to the DNS resolver the operator chose (`--resolver`, or the system's): the one
/// destination the address policy does not govern (design/politeness.md), since it is the
/// scanner's own infrastructure, not a target. One attempt, no pacing.
pub(crate) async fn connect_resolver(
    addr: SocketAddr,
    timeout: Duration,
) -> Result<TcpStream, Failure> {
    connect_admitted(addr, timeout, 0, Pacing::default()).await
}

/// The connect loop behind [`connect_tcp`], for an address already admitted.
async fn connect_admitted(
    addr: SocketAddr,
    timeout: Duration,
    retries: u32,
    pacing: Pacing<'_>,
) -> Result<TcpStream, Failure> {
    let attempts = retries.saturating_add(1);
    let mut last = Failure::new(FailureKind::Other, "no connect attempt made");
    for attempt in 1..=attempts {
        if let Some(limits) = pacing.limits {
            limits.pace(addr.ip()).await;
        }
        if let Some(counter) = pacing.counter {
            counter.tcp();
        }
        let result = tokio::time::timeout(timeout, TcpStream::connect(addr)).await;
        last = match result {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => classify_connect_error(&e, addr),
            Err(_) => Failure::new(
                FailureKind::Timeout,
                format!("TCP connect to {addr} timed out after {timeout:?} (connect_timeout)"),
            ),
        };
        let retryable = matches!(last.kind, FailureKind::Refused | FailureKind::Timeout);
        if !retryable || attempt == attempts {
            break;
        }
        tokio::time::sleep(Duration::from_millis(150 * u64::from(attempt))).await;
    }
    last.detail = format!("{} ({attempts} attempt(s))", last.detail);
    Err(last)
}

/// Maps an OS connect error to a failure kind; an error that lies with this host (no route
/// for the family, no descriptors, no local address) is the scanner's, never the target's.
fn classify_connect_error(e: &io::Error, addr: SocketAddr) -> Failure {
    if let Some(why) = crate::scanner_side::local_cause(e, addr.ip()) {
        return Failure::new(
            FailureKind::Scanner,
            format!("TCP connect to {addr} failed on the scanner's side, not the target's: {why}"),
        );
    }
    match e.kind() {
        io::ErrorKind::ConnectionRefused => Failure::new(
            FailureKind::Refused,
            format!("TCP connect to {addr} refused (ECONNREFUSED)"),
        ),
        io::ErrorKind::TimedOut => Failure::new(
            FailureKind::Timeout,
            format!("TCP connect to {addr} timed out in the OS: {e}"),
        ),
        io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::AddrNotAvailable
        | io::ErrorKind::NetworkDown => Failure::new(
            FailureKind::Unreachable,
            format!("TCP connect to {addr} failed: {e}"),
        ),
        _ => Failure::new(
            FailureKind::Unreachable,
            format!("TCP connect to {addr} failed: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests;
