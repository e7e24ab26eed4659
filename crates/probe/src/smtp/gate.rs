//! Politeness towards mail servers, scan-wide: at most one SMTP session per MX address at a
//! time, a gap between the end of one session and the start of the next; and what this scan
//! has learned about port 25 from here (has any mail server accepted a connection?), so that a
//! blocked port 25 is reported as the scanner's condition and not as every domain's failure.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedMutexGuard, watch};
use tokio::time::Instant;

/// Distinct MX addresses that must fail to connect, with none connecting, before the scan
/// stops trying port 25 altogether.
pub(crate) const PORT25_GIVE_UP: usize = 10;

/// One session's hold on an MX address; dropping it records when the session ended.
pub(crate) struct GateGuard(OwnedMutexGuard<Option<Instant>>);

impl Drop for GateGuard {
    fn drop(&mut self) {
        *self.0 = Some(Instant::now());
    }
}

/// The per-address locks and the gap.
#[derive(Debug)]
pub(crate) struct SmtpGate {
    gap: Duration,
    locks: Mutex<HashMap<IpAddr, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
}

impl SmtpGate {
    /// A gate keeping `gap` between sessions to one address.
    pub(crate) fn new(gap: Duration) -> SmtpGate {
        SmtpGate {
            gap,
            locks: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until no other session to `ip` is open and the gap since the last one has passed.
    pub(crate) async fn enter(&self, ip: IpAddr) -> GateGuard {
        let lock = {
            // A poisoned map is still a valid map.
            let mut map = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(map.entry(ip).or_default())
        };
        let guard = lock.lock_owned().await;
        if let Some(ended) = *guard {
            tokio::time::sleep_until(ended + self.gap).await;
        }
        GateGuard(guard)
    }
}

/// What the scan knows about reaching port 25 from this host.
#[derive(Debug)]
pub(crate) struct Port25 {
    open: watch::Sender<bool>,
    failed: Mutex<HashSet<IpAddr>>,
}

impl Default for Port25 {
    fn default() -> Self {
        Port25 {
            open: watch::Sender::new(false),
            failed: Mutex::new(HashSet::new()),
        }
    }
}

impl Port25 {
    /// A mail server accepted a TCP connection on port 25: the port is open from here.
    pub(crate) fn connected(&self) {
        self.open.send_replace(true);
    }

    /// A connect to `ip` on port 25 failed (refused, timed out, unreachable).
    pub(crate) fn failed(&self, ip: IpAddr) {
        self.failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(ip);
    }

    /// True once any mail server of the scan accepted a connection.
    pub(crate) fn is_open(&self) -> bool {
        *self.open.borrow()
    }

    /// How many distinct addresses failed to connect.
    pub(crate) fn failures(&self) -> usize {
        self.failed.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// True when port 25 looks blocked: [`PORT25_GIVE_UP`] addresses failed, none connected.
    pub(crate) fn looks_blocked(&self) -> bool {
        !self.is_open() && self.failures() >= PORT25_GIVE_UP
    }

    /// Waits up to `wait` for some mail server of the scan to accept a connection; true if one
    /// has (or already had).
    pub(crate) async fn wait_open(&self, wait: Duration) -> bool {
        let mut rx = self.open.subscribe();
        matches!(
            tokio::time::timeout(wait, rx.wait_for(|open| *open)).await,
            Ok(Ok(_))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn one_session_per_address_with_a_gap() {
        let gate = Arc::new(SmtpGate::new(Duration::from_millis(200)));
        let ip: IpAddr = "192.0.2.25".parse().expect("ip");
        let t0 = Instant::now();
        let first = gate.enter(ip).await;
        let waiting = {
            let gate = Arc::clone(&gate);
            tokio::spawn(async move {
                let _second = gate.enter(ip).await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(first);
        let started = waiting.await.expect("second");
        assert_eq!(
            started - t0,
            Duration::from_millis(300),
            "held 100 ms, then the gap"
        );
        let other = gate.enter("192.0.2.26".parse().expect("ip")).await;
        drop(other);
    }

    #[tokio::test(start_paused = true)]
    async fn port_25_is_open_once_a_server_answers() {
        let port = Arc::new(Port25::default());
        assert!(!port.wait_open(Duration::from_millis(10)).await);
        let later = Arc::clone(&port);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            later.connected();
        });
        assert!(port.wait_open(Duration::from_secs(1)).await);
        assert!(port.is_open() && !port.looks_blocked());
        let blocked = Port25::default();
        for i in 0..PORT25_GIVE_UP {
            blocked.failed(IpAddr::from([192, 0, 2, u8::try_from(i).expect("small")]));
        }
        blocked.failed("192.0.2.0".parse().expect("ip"));
        assert!(blocked.looks_blocked());
    }
}
