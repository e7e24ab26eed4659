//! One domain's fair share of the connection slots, and the clock of its budget.
//!
//! A domain holds at most `per_domain` connections at once (a quarter of the smaller of
//! `--concurrency` and `--per-network`, at least one), so one domain with many slow addresses
//! cannot take every global slot, nor every slot of its network. Time a
//! domain spends with connections waiting for slots that other domains hold (an address's, a
//! network block's or the scan's), and none of its own open, is "starved" time: it does not
//! count against the domain's budget (up to one more budget), so a domain's budget runs while
//! it probes, not while it queues.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Most bytes of response heads and kept body text one domain's observations may hold (about
/// 40 times what an ordinary domain keeps), so a hostile domain cannot inflate results.json.
pub(crate) const KEPT_BYTES_PER_DOMAIN: usize = 4 * 1024 * 1024;

/// The connections a domain may hold at once when `concurrency` slots are shared by the domains
/// in flight (the global limit, or one network's when that is smaller).
pub(crate) fn per_domain_limit(concurrency: usize) -> usize {
    (concurrency / 4).max(1)
}

/// The slot share and starvation clock of one domain, shared by all its probes.
#[derive(Debug)]
pub(crate) struct DomainShare {
    slots: Arc<Semaphore>,
    clock: Mutex<Clock>,
    /// Bytes of response data kept so far (see [`KEPT_BYTES_PER_DOMAIN`]).
    kept: AtomicUsize,
}

#[derive(Debug, Default)]
struct Clock {
    /// Connections of the domain that hold their slots.
    open: u32,
    /// Connection requests of the domain waiting for a slot.
    waiting: u32,
    /// Since when the domain has been starved (waiting, nothing open), if it is.
    starved_since: Option<Instant>,
    /// Starved time that has ended.
    starved: Duration,
    /// Connections the domain had open when its budget ran out, if it did.
    open_at_budget_end: Option<u32>,
}

impl Clock {
    fn update(&mut self, now: Instant) {
        let starved = self.waiting > 0 && self.open == 0;
        match (starved, self.starved_since) {
            (true, None) => self.starved_since = Some(now),
            (false, Some(since)) => {
                self.starved += now.saturating_duration_since(since);
                self.starved_since = None;
            }
            _ => {}
        }
    }
}

impl DomainShare {
    /// A share of `per_domain` connections.
    pub(crate) fn new(per_domain: usize) -> Arc<DomainShare> {
        Arc::new(DomainShare {
            slots: Arc::new(Semaphore::new(per_domain.clamp(1, Semaphore::MAX_PERMITS))),
            clock: Mutex::new(Clock::default()),
            kept: AtomicUsize::new(0),
        })
    }

    /// Charges `bytes` of kept response data; false (and nothing charged) when they would take
    /// the domain past [`KEPT_BYTES_PER_DOMAIN`].
    pub(crate) fn keep(&self, bytes: usize) -> bool {
        self.kept
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |kept| {
                kept.checked_add(bytes)
                    .filter(|total| *total <= KEPT_BYTES_PER_DOMAIN)
            })
            .is_ok()
    }

    fn clock(&self) -> std::sync::MutexGuard<'_, Clock> {
        // A poisoned clock still holds valid counts.
        self.clock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starved time so far, including a stretch still going on.
    pub(crate) fn starved(&self) -> Duration {
        let clock = self.clock();
        let ongoing = clock
            .starved_since
            .map_or(Duration::ZERO, |since| since.elapsed());
        clock.starved + ongoing
    }

    /// Connections the domain had open when its budget ran out (`None`: it has not run out).
    /// Zero means every slot a probe of it was still waiting for was held by other domains.
    pub(crate) fn open_at_budget_end(&self) -> Option<u32> {
        self.clock().open_at_budget_end
    }

    /// Records the connections open now as those open when the budget ran out.
    fn budget_ended(&self) {
        let mut clock = self.clock();
        clock.open_at_budget_end = Some(clock.open);
    }

    /// Waits for one of the domain's own slots.
    pub(crate) async fn slot(self: &Arc<Self>) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.slots).acquire_owned().await.ok()
    }

    /// Marks one request as waiting until the returned guard is dropped or granted.
    pub(crate) fn wait(self: &Arc<Self>) -> Waiting {
        let mut clock = self.clock();
        clock.waiting += 1;
        clock.update(Instant::now());
        Waiting {
            share: Some(Arc::clone(self)),
        }
    }
}

/// Runs `work` within `budget`, extended by the time `share` was starved (at most one more
/// `budget`); true when `work` finished. When the budget runs out, the connections `work`
/// still held are recorded first ([`DomainShare::open_at_budget_end`]), then `work` is dropped.
pub(crate) async fn within_budget(
    budget: Duration,
    share: &DomainShare,
    work: impl Future<Output = ()>,
) -> bool {
    let start = Instant::now();
    let mut work = std::pin::pin!(work);
    loop {
        let extra = share.starved().min(budget);
        // A budget too large for the clock is no budget at all.
        let Some(deadline) = start.checked_add(budget.saturating_add(extra)) else {
            work.await;
            return true;
        };
        if tokio::time::timeout_at(deadline, &mut work).await.is_ok() {
            return true;
        }
        if share.starved().min(budget) <= extra {
            share.budget_ended();
            return false;
        }
    }
}

/// A request waiting for a slot; dropping it withdraws the request.
#[derive(Debug)]
pub(crate) struct Waiting {
    share: Option<Arc<DomainShare>>,
}

impl Waiting {
    /// The request got its slots: it now counts as open until the returned guard drops.
    pub(crate) fn granted(mut self) -> Open {
        let share = self.share.take();
        if let Some(share) = &share {
            let mut clock = share.clock();
            clock.waiting = clock.waiting.saturating_sub(1);
            clock.open += 1;
            clock.update(Instant::now());
        }
        Open { share }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(share) = self.share.take() {
            let mut clock = share.clock();
            clock.waiting = clock.waiting.saturating_sub(1);
            clock.update(Instant::now());
        }
    }
}

/// An open connection of the domain; dropping it closes the count.
#[derive(Debug)]
pub(crate) struct Open {
    share: Option<Arc<DomainShare>>,
}

impl Drop for Open {
    fn drop(&mut self) {
        if let Some(share) = self.share.take() {
            let mut clock = share.clock();
            clock.open = clock.open.saturating_sub(1);
            clock.update(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_of_the_slots_at_least_one() {
        assert_eq!(per_domain_limit(16), 4);
        assert_eq!(per_domain_limit(1), 1);
        assert_eq!(per_domain_limit(7), 1);
        assert_eq!(per_domain_limit(1024), 256);
    }

    #[test]
    fn kept_bytes_stop_at_the_domain_budget() {
        let share = DomainShare::new(1);
        assert!(share.keep(KEPT_BYTES_PER_DOMAIN - 10));
        assert!(!share.keep(11), "over the budget");
        assert!(share.keep(10), "a refused charge takes nothing");
        assert!(!share.keep(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_stops_while_the_domain_is_starved() {
        let budget = Duration::from_secs(10);
        let share = DomainShare::new(1);
        // 4 s starved, then 8 s of work: 12 s in all, within 10 s of budget plus 4 s starved.
        let work = async {
            let waiting = share.wait();
            tokio::time::sleep(Duration::from_secs(4)).await;
            let _open = waiting.granted();
            tokio::time::sleep(Duration::from_secs(8)).await;
        };
        let t0 = Instant::now();
        assert!(within_budget(budget, &share, work).await);
        assert_eq!(t0.elapsed(), Duration::from_secs(12));
        // Starved for ever: the budget is extended by at most one more budget.
        let share = DomainShare::new(1);
        let work = async {
            let _waiting = share.wait();
            tokio::time::sleep(Duration::from_secs(3600)).await;
        };
        let t0 = Instant::now();
        assert!(!within_budget(budget, &share, work).await);
        assert_eq!(t0.elapsed(), Duration::from_secs(20));
        // Busy (not starved) work gets exactly its budget.
        let share = DomainShare::new(1);
        let t0 = Instant::now();
        let slow = tokio::time::sleep(Duration::from_secs(3600));
        assert!(!within_budget(budget, &share, slow).await);
        assert_eq!(t0.elapsed(), budget);
    }

    #[tokio::test(start_paused = true)]
    async fn only_waiting_with_nothing_open_is_starved() {
        let share = DomainShare::new(2);
        let waiting = share.wait();
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(
            share.starved(),
            Duration::from_secs(3),
            "ongoing stretch counts"
        );
        let open = waiting.granted();
        tokio::time::sleep(Duration::from_secs(5)).await;
        // Waiting while a connection of its own is open is the domain's own queue, not starvation.
        let second = share.wait();
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(share.starved(), Duration::from_secs(3));
        drop(open);
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(second);
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert_eq!(share.starved(), Duration::from_secs(4), "3 s, then 1 s");
    }
}
