//! Where a connection is counted and charged: the endpoint's connection counts, the domain
//! whose fair share of the slots it takes, and which slot it is waiting for.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use govscan_model::ConnectionCount;
use ipnet::IpNet;

use crate::fair::DomainShare;

/// Connections made for one endpoint, counted as they start (shared by its probes), and the
/// domain they are charged to (its fair share of the slots; none for a default counter).
#[derive(Debug, Default)]
pub(crate) struct ConnCounter {
    tcp: AtomicU32,
    tls: AtomicU32,
    /// Which slot a request of this endpoint is waiting for now.
    waiting_on: Mutex<Option<WaitStage>>,
    share: Option<Arc<DomainShare>>,
}

/// The slot a waiting connection request needs next (slots are taken in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WaitStage {
    /// One of the domain's own slots (its fair share), all busy with its other probes.
    Domain,
    /// A slot of the address (`--per-address`), held by other probes of that address.
    Address,
    /// A slot of this network block (`--per-network`), held by other probes into the block.
    Network(IpNet),
    /// A slot of the whole scan (`--concurrency`), held by other domains.
    Global,
}

impl ConnCounter {
    /// A counter whose connections are charged to `share`.
    pub(crate) fn for_domain(share: &Arc<DomainShare>) -> ConnCounter {
        ConnCounter {
            share: Some(Arc::clone(share)),
            ..ConnCounter::default()
        }
    }

    /// The domain this endpoint's connections are charged to, if any.
    pub(crate) fn share(&self) -> Option<&Arc<DomainShare>> {
        self.share.as_ref()
    }

    /// The slot a request of this endpoint is waiting for now, if any.
    pub(crate) fn waiting_for(&self) -> Option<WaitStage> {
        *self.waiting_on()
    }

    /// Records the slot a request of this endpoint waits for (`None`: not waiting).
    pub(crate) fn set_waiting(&self, stage: Option<WaitStage>) {
        *self.waiting_on() = stage;
    }

    fn waiting_on(&self) -> std::sync::MutexGuard<'_, Option<WaitStage>> {
        // A poisoned mark is still a valid mark.
        self.waiting_on.lock().unwrap_or_else(|p| p.into_inner())
    }

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
