//! Connection slots kept per key (one IP address, one network block): a semaphore per key,
//! made on first use with the same limit for every key.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

/// `limit` slots for each key.
#[derive(Debug)]
pub(crate) struct SlotsPerKey<K> {
    limit: usize,
    semaphores: Mutex<HashMap<K, Arc<Semaphore>>>,
}

impl<K: Eq + Hash> SlotsPerKey<K> {
    /// `limit` slots per key (at most what a semaphore holds).
    pub(crate) fn new(limit: usize) -> SlotsPerKey<K> {
        SlotsPerKey {
            limit: limit.min(Semaphore::MAX_PERMITS),
            semaphores: Mutex::new(HashMap::new()),
        }
    }

    /// Slots per key.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// The semaphore of `key`'s slots.
    pub(crate) fn of(&self, key: K) -> Arc<Semaphore> {
        // A poisoned map is still a valid map; keep going.
        let mut map = self.semaphores.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(
            map.entry(key)
                .or_insert_with(|| Arc::new(Semaphore::new(self.limit))),
        )
    }
}
