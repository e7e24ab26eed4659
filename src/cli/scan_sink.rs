//! Where judged domains go as soon as they are ready: a dedicated thread that owns the history
//! database and commits them in small batches (rusqlite is synchronous; the async probes feed it
//! through a bounded channel, so a slow disk slows the scan instead of growing memory).

use std::time::{Duration, Instant};

use govscan_model::DomainResult;
use govscan_store::{ScanId, Store, StoreError};
use tokio::sync::mpsc;

/// Domains waiting in the channel before the probes have to wait for the writer.
pub(super) const CHANNEL_CAPACITY: usize = 32;
/// Domains committed per transaction, at most.
const BATCH_DOMAINS: usize = 64;
/// A partial batch is committed after this long, so a kill loses at most this much work.
const BATCH_AGE: Duration = Duration::from_millis(500);

/// One judged domain and its position in the target list.
pub(super) type Judged = (u64, DomainResult);

/// The writer thread; [`DbSink::finish`] hands the store back.
pub(super) struct DbSink {
    thread: std::thread::JoinHandle<(Store, Result<u64, StoreError>)>,
}

impl DbSink {
    /// Starts the thread writing into running scan `id`; returns it and the sending side.
    pub(super) fn start(store: Store, id: ScanId) -> (DbSink, mpsc::Sender<Judged>) {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let thread = std::thread::spawn(move || write_loop(store, id, rx));
        (DbSink { thread }, tx)
    }

    /// Waits for the thread (every sender must be dropped first) and returns the store and
    /// how many domains it committed, or the first error (after which it stopped receiving).
    pub(super) fn finish(self) -> Result<(Store, Result<u64, StoreError>), String> {
        self.thread
            .join()
            .map_err(|_| "the database writer thread panicked".to_owned())
    }
}

fn write_loop(
    mut store: Store,
    id: ScanId,
    mut rx: mpsc::Receiver<Judged>,
) -> (Store, Result<u64, StoreError>) {
    let mut batch: Vec<Judged> = Vec::with_capacity(BATCH_DOMAINS);
    let mut written = 0u64;
    let mut oldest: Option<Instant> = None;
    loop {
        // Wait for the next domain, but no longer than the oldest pending one may wait.
        let next = match oldest {
            None => rx.blocking_recv().map(Some),
            Some(since) => {
                let left = BATCH_AGE.saturating_sub(since.elapsed());
                recv_for(&mut rx, left)
            }
        };
        let closed = next.is_none();
        if let Some(Some(judged)) = next {
            oldest.get_or_insert_with(Instant::now);
            batch.push(judged);
        }
        let due = batch.len() >= BATCH_DOMAINS
            || closed
            || oldest.is_some_and(|t| t.elapsed() >= BATCH_AGE);
        if due && !batch.is_empty() {
            if let Err(e) = store.add_domains(id, &batch) {
                rx.close();
                return (store, Err(e));
            }
            written += batch.len() as u64;
            batch.clear();
            oldest = None;
        }
        if closed {
            return (store, Ok(written));
        }
    }
}

/// `Some(Some(x))`: received; `Some(None)`: timed out; `None`: every sender is gone.
fn recv_for(rx: &mut mpsc::Receiver<Judged>, wait: Duration) -> Option<Option<Judged>> {
    let deadline = Instant::now() + wait;
    loop {
        match rx.try_recv() {
            Ok(judged) => return Some(Some(judged)),
            Err(mpsc::error::TryRecvError::Disconnected) => return None,
            Err(mpsc::error::TryRecvError::Empty) if Instant::now() >= deadline => {
                return Some(None);
            }
            Err(mpsc::error::TryRecvError::Empty) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}
