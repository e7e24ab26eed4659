//! Connection budgets: global and per-address limits, a minimum gap between connections to
//! one address, a scan-wide rate of new connections, and TCP connect with bounded retries.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use govscan_model::{ConnectionCount, FailureKind, Probed};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

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

/// Global and per-address connection limits and pacing.
#[derive(Debug)]
pub(crate) struct Limits {
    global: Arc<Semaphore>,
    per_address_limit: usize,
    per_address: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
    /// Least time between connection starts to one address.
    min_gap: Duration,
    /// When each address may next see a connection start (reserved slots, FIFO).
    next_start: Mutex<HashMap<IpAddr, Instant>>,
    /// The scan-wide rate of new connections, if limited.
    rate: Option<RateLimit>,
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

/// Connections made for one endpoint, counted as they start (shared by its probes).
#[derive(Debug, Default)]
pub(crate) struct ConnCounter {
    tcp: AtomicU32,
    tls: AtomicU32,
}

impl ConnCounter {
    /// One more TCP connect attempt.
    pub(crate) fn tcp(&self) {
        self.tcp.fetch_add(1, Ordering::Relaxed);
    }

    /// One more TLS handshake (rustls or hand-built hello).
    pub(crate) fn tls(&self) {
        self.tls.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub(crate) fn snapshot(&self) -> ConnectionCount {
        ConnectionCount {
            tcp_connects: self.tcp.load(Ordering::Relaxed),
            tls_handshakes: self.tls.load(Ordering::Relaxed),
        }
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

/// Held while a connection is open; dropping it frees both slots.
#[derive(Debug)]
pub(crate) struct ConnPermit {
    _address: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl Limits {
    /// Limits of `global` connections in flight, `per_address` per IP, no gap, no rate.
    pub(crate) fn new(global: usize, per_address: usize) -> Limits {
        Limits {
            global: Arc::new(Semaphore::new(global.min(Semaphore::MAX_PERMITS))),
            per_address_limit: per_address.min(Semaphore::MAX_PERMITS),
            per_address: Mutex::new(HashMap::new()),
            min_gap: Duration::ZERO,
            next_start: Mutex::new(HashMap::new()),
            rate: None,
        }
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

    /// Waits for a slot for `ip` (per-address first, so a waiting connection holds no global slot).
    pub(crate) async fn acquire(&self, ip: IpAddr) -> Result<ConnPermit, Failure> {
        let address_sem = {
            // A poisoned map is still a valid map; keep going.
            let mut map = self.per_address.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(ip)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_address_limit)))
                .clone()
        };
        let closed = |_| Failure::new(FailureKind::Other, "connection limiter closed");
        let address = address_sem.acquire_owned().await.map_err(closed)?;
        let global = self.global.clone().acquire_owned().await.map_err(closed)?;
        Ok(ConnPermit {
            _address: address,
            _global: global,
        })
    }
}

/// Connects with `timeout` per attempt and `retries` extra attempts for refused/timed-out
/// connects; every attempt is paced and counted.
pub(crate) async fn connect_tcp(
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
            format!("TCP connect to {addr} failed on this host's side: {why}"),
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
mod tests {
    use super::*;

    #[tokio::test]
    async fn closed_port_is_refused_after_the_retries() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let counter = ConnCounter::default();
        let pacing = Pacing {
            limits: None,
            counter: Some(&counter),
        };
        let err = connect_tcp(addr, Duration::from_secs(2), 1, pacing)
            .await
            .expect_err("closed port");
        assert_eq!(err.kind, FailureKind::Refused);
        assert!(err.detail.contains("2 attempt(s)"), "{}", err.detail);
        assert_eq!(
            counter.snapshot().tcp_connects,
            2,
            "both attempts are counted"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn min_gap_spaces_connection_starts_to_one_address() {
        let limits = Limits::new(8, 8).with_pacing(Duration::from_millis(500), None);
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        let other: IpAddr = "127.0.0.2".parse().expect("ip");
        let t0 = Instant::now();
        limits.pace(ip).await;
        limits.pace(ip).await;
        limits.pace(ip).await;
        assert_eq!(
            t0.elapsed(),
            Duration::from_millis(1000),
            "two gaps of 500 ms"
        );
        let t1 = Instant::now();
        limits.pace(other).await;
        assert_eq!(
            t1.elapsed(),
            Duration::ZERO,
            "another address has its own gap"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limit_spaces_new_connections_scan_wide() {
        // 10 a second: a bucket of one token, then one every 100 ms, whatever the address.
        let limits = Limits::new(8, 8).with_pacing(Duration::ZERO, Some(10));
        let t0 = Instant::now();
        for i in 0..5u8 {
            limits.pace(IpAddr::from([127, 0, 0, i])).await;
        }
        assert_eq!(t0.elapsed(), Duration::from_millis(400));
        // 100 a second: a bucket of ten, so ten start at once.
        let limits = Limits::new(8, 8).with_pacing(Duration::ZERO, Some(100));
        let t0 = Instant::now();
        for i in 0..10u8 {
            limits.pace(IpAddr::from([127, 0, 0, i])).await;
        }
        assert_eq!(t0.elapsed(), Duration::ZERO);
        limits.pace(IpAddr::from([127, 0, 0, 1])).await;
        assert_eq!(t0.elapsed(), Duration::from_millis(10));
    }

    #[tokio::test]
    async fn per_address_limit_blocks_the_next_connection() {
        let limits = Limits::new(4, 1);
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        let held = limits.acquire(ip).await.expect("first");
        let second = tokio::time::timeout(Duration::from_millis(100), limits.acquire(ip)).await;
        assert!(
            second.is_err(),
            "second connection to the same address must wait"
        );
        let other = tokio::time::timeout(
            Duration::from_millis(100),
            limits.acquire("127.0.0.2".parse().expect("ip")),
        )
        .await;
        assert!(other.is_ok(), "another address is not blocked");
        drop(held);
        assert!(
            tokio::time::timeout(Duration::from_millis(100), limits.acquire(ip))
                .await
                .is_ok()
        );
    }
}
