//! A per-scan, bounded cache of zone-level DNS facts (DNSKEY, DS, NS, name-server addresses,
//! DNSSEC verdicts, name-server answers, and the SPF records and hosts that SPF policies name,
//! e.g. a provider's `_spf` record) shared by every domain of a scan, with in-flight
//! de-duplication: two domains asking for the same fact at once send one query.
//!
//! Failures are cached too, for the life of the scan: a zone whose server answered SERVFAIL or
//! timed out is reported the same way for every domain under it, and costs one timeout, not one
//! per domain. The scanned names' own records (A, AAAA, TXT, MX, …) never go through here.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use govscan_model::{DnssecObservation, NameServersObservation, Probed};
use hickory_resolver::proto::rr::{Name, RecordType};
use tokio::sync::OnceCell;

use crate::dns::{Answer, QueryFailure};

/// Most keys held by one cache; past it, new keys are fetched without caching.
pub(crate) const MAX_ZONE_FACTS: usize = 10_000;

/// The zone-level facts of one scan.
pub(crate) struct ZoneFacts {
    /// Non-validating queries for zone-level records, keyed by (lower-case name, type).
    pub(crate) queries: ZoneCache<(Name, RecordType), Result<Answer, QueryFailure>>,
    /// The DNSSEC observation (verdict, DNSKEY algorithms, DS) of each zone.
    pub(crate) dnssec: ZoneCache<Name, Probed<DnssecObservation>>,
    /// The name-server observation (NS set, each address asked for the SOA) of each zone.
    pub(crate) nameservers: ZoneCache<Name, Probed<NameServersObservation>>,
}

impl Default for ZoneFacts {
    fn default() -> Self {
        ZoneFacts {
            queries: ZoneCache::new(MAX_ZONE_FACTS),
            dnssec: ZoneCache::new(MAX_ZONE_FACTS),
            nameservers: ZoneCache::new(MAX_ZONE_FACTS),
        }
    }
}

impl Drop for ZoneFacts {
    /// Logs the hit/miss counts at the end of the scan (debug level): a hit is a query or
    /// probe not sent again.
    fn drop(&mut self) {
        let (qh, qm) = self.queries.stats();
        let (dh, dm) = self.dnssec.stats();
        let (nh, nm) = self.nameservers.stats();
        tracing::debug!(
            zone_queries_hit = qh,
            zone_queries_sent = qm,
            dnssec_zones_reused = dh,
            dnssec_zones_judged = dm,
            nameserver_zones_reused = nh,
            nameserver_zones_probed = nm,
            "zone-level DNS cache"
        );
    }
}

/// Keys to shared, lazily filled cells.
pub(crate) struct ZoneCache<K, V> {
    cells: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
    capacity: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<K: Eq + Hash, V: Clone> ZoneCache<K, V> {
    /// An empty cache holding at most `capacity` keys.
    pub(crate) fn new(capacity: usize) -> Self {
        ZoneCache {
            cells: Mutex::new(HashMap::new()),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The value for `key`: cached, being fetched by another task (waited for), or fetched now.
    /// If the task fetching is cancelled (its domain ran out of time), a waiting task takes over.
    pub(crate) async fn get_or_fetch<F, Fut>(&self, key: K, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
            match cells.get(&key) {
                Some(cell) => Some(Arc::clone(cell)),
                None if cells.len() < self.capacity => {
                    let cell = Arc::new(OnceCell::new());
                    cells.insert(key, Arc::clone(&cell));
                    Some(cell)
                }
                None => None,
            }
        };
        let Some(cell) = cell else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return fetch().await;
        };
        if let Some(value) = cell.get() {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return value.clone();
        }
        let mut fetched = false;
        let value = cell
            .get_or_init(|| {
                fetched = true;
                fetch()
            })
            .await;
        let counter = if fetched { &self.misses } else { &self.hits };
        counter.fetch_add(1, Ordering::Relaxed);
        value.clone()
    }

    /// (hits, misses) so far: a hit is an answer that sent no query of its own.
    pub(crate) fn stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Keys held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.cells.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    #[tokio::test]
    async fn concurrent_askers_share_one_fetch() {
        let cache: ZoneCache<&str, u32> = ZoneCache::new(10);
        let fetches = AtomicUsize::new(0);
        let ask = || {
            cache.get_or_fetch("test.", || async {
                fetches.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                7
            })
        };
        let (a, b, c) = tokio::join!(ask(), ask(), ask());
        assert_eq!((a, b, c), (7, 7, 7));
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert_eq!(ask().await, 7);
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert_eq!(cache.stats(), (3, 1));
    }

    #[tokio::test]
    async fn past_the_capacity_nothing_is_cached() {
        let cache: ZoneCache<u32, u32> = ZoneCache::new(2);
        let fetches = AtomicUsize::new(0);
        for round in 0..2 {
            for key in 0..4 {
                let got = cache
                    .get_or_fetch(key, || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        key * 10
                    })
                    .await;
                assert_eq!(got, key * 10, "round {round}");
            }
        }
        assert_eq!(cache.len(), 2);
        // Keys 0 and 1 fetched once; 2 and 3 fetched every time.
        assert_eq!(fetches.load(Ordering::SeqCst), 2 + 4);
    }

    #[tokio::test]
    async fn a_cancelled_fetch_is_taken_over_by_the_next_asker() {
        let cache: ZoneCache<&str, u32> = ZoneCache::new(10);
        let slow = cache.get_or_fetch("test.", || async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            1
        });
        assert!(
            tokio::time::timeout(Duration::from_millis(10), slow)
                .await
                .is_err()
        );
        let got = cache.get_or_fetch("test.", || async { 2 }).await;
        assert_eq!(got, 2);
    }

    #[tokio::test]
    async fn failures_are_cached_for_the_scan() {
        let cache: ZoneCache<&str, Result<u32, String>> = ZoneCache::new(10);
        let first = cache
            .get_or_fetch("bad.", || async { Err("SERVFAIL".to_string()) })
            .await;
        let second = cache.get_or_fetch("bad.", || async { Ok(1) }).await;
        assert_eq!(first, second);
    }
}
