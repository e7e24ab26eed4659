//! Connection budgets: global and per-address limits, TCP connect with bounded retries.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use govscan_model::{FailureKind, Probed};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// Global and per-address connection limits.
#[derive(Debug)]
pub(crate) struct Limits {
    global: Arc<Semaphore>,
    per_address_limit: usize,
    per_address: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
}

/// Held while a connection is open; dropping it frees both slots.
#[derive(Debug)]
pub(crate) struct ConnPermit {
    _address: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl Limits {
    /// Limits of `global` connections in flight, `per_address` per IP.
    pub(crate) fn new(global: usize, per_address: usize) -> Limits {
        Limits {
            global: Arc::new(Semaphore::new(global.min(Semaphore::MAX_PERMITS))),
            per_address_limit: per_address.min(Semaphore::MAX_PERMITS),
            per_address: Mutex::new(HashMap::new()),
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

/// Connects with `timeout` per attempt and `retries` extra attempts for refused/timed-out connects.
pub(crate) async fn connect_tcp(
    addr: SocketAddr,
    timeout: Duration,
    retries: u32,
) -> Result<TcpStream, Failure> {
    let attempts = retries.saturating_add(1);
    let mut last = Failure::new(FailureKind::Other, "no connect attempt made");
    for attempt in 1..=attempts {
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

/// Maps an OS connect error to a failure kind.
fn classify_connect_error(e: &io::Error, addr: SocketAddr) -> Failure {
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
        let err = connect_tcp(addr, Duration::from_secs(2), 1)
            .await
            .expect_err("closed port");
        assert_eq!(err.kind, FailureKind::Refused);
        assert!(err.detail.contains("2 attempt(s)"), "{}", err.detail);
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
