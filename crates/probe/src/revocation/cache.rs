//! The per-scan cache of revocation fetches, keyed by request (the CRL URL, or the OCSP
//! responder and encoded request): a CRL shared by a thousand domains is fetched once a scan,
//! and two endpoints asking at once send one request. Failures are cached too, so a dead
//! responder costs one timeout per scan, not one per domain. Bounded in keys and in body bytes:
//! past either bound a fetch is still made and used, but not kept.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use govscan_model::Probed;
use tokio::sync::OnceCell;

use crate::revocation::fetch::Fetched;

/// Most requests remembered per scan.
pub(crate) const MAX_KEYS: usize = 4096;
/// Most body bytes kept across the scan (CRLs dominate).
pub(crate) const MAX_BYTES: usize = 96 * 1024 * 1024;

/// A shared fetch result.
pub(crate) type Shared = Arc<Probed<Fetched>>;

/// Request key → fetch, filled once.
pub(crate) struct FetchCache {
    cells: Mutex<HashMap<String, Arc<OnceCell<Shared>>>>,
    max_keys: usize,
    max_bytes: usize,
    kept_bytes: AtomicUsize,
    sent: AtomicU64,
    reused: AtomicU64,
}

impl Default for FetchCache {
    fn default() -> Self {
        FetchCache::new(MAX_KEYS, MAX_BYTES)
    }
}

impl FetchCache {
    /// A cache of at most `max_keys` requests and `max_bytes` body bytes.
    pub(crate) fn new(max_keys: usize, max_bytes: usize) -> FetchCache {
        FetchCache {
            cells: Mutex::new(HashMap::new()),
            max_keys,
            max_bytes,
            kept_bytes: AtomicUsize::new(0),
            sent: AtomicU64::new(0),
            reused: AtomicU64::new(0),
        }
    }

    /// The result for `key` and whether it was shared (made by another asker); if the task
    /// making the request is cancelled (its domain ran out of time), a waiting task takes over.
    pub(crate) async fn get_or_fetch<F, Fut>(&self, key: String, fetch: F) -> (Shared, bool)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Probed<Fetched>>,
    {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
            match cells.get(&key) {
                Some(cell) => Some(Arc::clone(cell)),
                None if cells.len() < self.max_keys => {
                    let cell = Arc::new(OnceCell::new());
                    cells.insert(key.clone(), Arc::clone(&cell));
                    Some(cell)
                }
                None => None,
            }
        };
        let Some(cell) = cell else {
            self.sent.fetch_add(1, Ordering::Relaxed);
            return (Arc::new(fetch().await), false);
        };
        let mut fetched = false;
        let value = cell
            .get_or_init(|| {
                fetched = true;
                async { Arc::new(fetch().await) }
            })
            .await
            .clone();
        if !fetched {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return (value, true);
        }
        self.sent.fetch_add(1, Ordering::Relaxed);
        let size = value.value().map_or(0, |f| f.body.len());
        let kept = self.kept_bytes.fetch_add(size, Ordering::Relaxed) + size;
        if kept > self.max_bytes {
            // Over the byte budget: askers already waiting share it, later ones fetch again.
            self.kept_bytes.fetch_sub(size, Ordering::Relaxed);
            self.cells
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&key);
        }
        (value, false)
    }

    /// (requests sent, answers shared) so far.
    pub(crate) fn stats(&self) -> (u64, u64) {
        (
            self.sent.load(Ordering::Relaxed),
            self.reused.load(Ordering::Relaxed),
        )
    }
}

impl Drop for FetchCache {
    /// Logs how many revocation requests the scan sent and how many answers it shared.
    fn drop(&mut self) {
        let (sent, reused) = self.stats();
        tracing::debug!(
            revocation_requests_sent = sent,
            revocation_answers_shared = reused,
            "revocation fetch cache"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govscan_model::RevocationResponse;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    fn fetched(bytes: usize) -> Probed<Fetched> {
        Probed::ok(Fetched {
            record: RevocationResponse {
                address: "192.0.2.1:80".into(),
                status: 200,
                content_type: None,
                bytes: bytes as u64,
                duration_ms: 1,
                body_base64: None,
            },
            body: vec![0; bytes],
        })
    }

    #[tokio::test]
    async fn concurrent_askers_share_one_request() {
        let cache = FetchCache::new(10, 1000);
        let sent = AtomicUsize::new(0);
        let ask = || {
            cache.get_or_fetch("http://crl.test/a.crl".into(), || async {
                sent.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                fetched(10)
            })
        };
        let ((_, a), (_, b), (_, c)) = tokio::join!(ask(), ask(), ask());
        assert_eq!(sent.load(Ordering::SeqCst), 1);
        assert_eq!([a, b, c].iter().filter(|shared| **shared).count(), 2);
        let (_, later) = ask().await;
        assert!(later, "asked again later: shared");
        assert_eq!(cache.stats(), (1, 3));
    }

    #[tokio::test]
    async fn failures_are_shared_too() {
        let cache = FetchCache::new(10, 1000);
        let first = cache
            .get_or_fetch("k".into(), || async {
                Probed::failed(govscan_model::FailureKind::Timeout, "dead")
            })
            .await;
        let (second, shared) = cache
            .get_or_fetch("k".into(), || async { fetched(1) })
            .await;
        assert!(shared);
        assert!(
            Arc::ptr_eq(&first.0, &second),
            "the cached failure is returned"
        );
    }

    #[tokio::test]
    async fn past_the_byte_budget_a_body_is_used_but_not_kept() {
        let cache = FetchCache::new(10, 100);
        let sent = AtomicUsize::new(0);
        for _ in 0..3 {
            let (value, _) = cache
                .get_or_fetch("big".into(), || async {
                    sent.fetch_add(1, Ordering::SeqCst);
                    fetched(150)
                })
                .await;
            assert_eq!(value.value().map(|f| f.body.len()), Some(150));
        }
        assert_eq!(sent.load(Ordering::SeqCst), 3, "fetched each time");
        let (_, shared) = cache
            .get_or_fetch("small".into(), || async { fetched(50) })
            .await;
        assert!(!shared);
        let (_, shared) = cache
            .get_or_fetch("small".into(), || async { fetched(50) })
            .await;
        assert!(shared, "a body within the budget is kept");
    }

    #[tokio::test]
    async fn past_the_key_limit_nothing_is_kept() {
        let cache = FetchCache::new(1, 1000);
        let _ = cache
            .get_or_fetch("a".into(), || async { fetched(1) })
            .await;
        let (_, shared) = cache
            .get_or_fetch("b".into(), || async { fetched(1) })
            .await;
        assert!(!shared);
        let (_, shared) = cache
            .get_or_fetch("b".into(), || async { fetched(1) })
            .await;
        assert!(!shared);
        let (_, shared) = cache
            .get_or_fetch("a".into(), || async { fetched(1) })
            .await;
        assert!(shared);
    }
}
