//! One scan writer per database. `govscan scan` holds an exclusive `flock` on the sidecar file
//! `<database>.lock` from before it chooses a scan to write until it exits; the kernel releases
//! the lock when the process ends, however it ends (SIGKILL, OOM, power loss), so a stale lock
//! never blocks the next run. The writer also records itself with its running scan
//! ([`ScanOwner`]: pid, host, boot id, process start time), so the next run can say whom it
//! waits for and `scan --resume` can refuse a scan whose writer still lives (`docs/design/
//! store.md`, "One writer at a time").
//!
//! Why a sidecar file and not the database: SQLite takes POSIX record locks on the database
//! file itself, and on some network file systems `flock` is emulated with those very locks; a
//! separate file keeps the two apart. The lock file is never deleted (deleting a lock file
//! races with a process that has just opened it) and holds no data.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{OptionalExtension, params};

use crate::{ScanId, Store, StoreError};

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(200);

/// The scan lock of a database, held until dropped (or the process ends).
#[derive(Debug)]
pub struct ScanLock {
    _file: File,
    path: PathBuf,
}

impl ScanLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The process writing a running scan, as it recorded itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOwner {
    /// Process id.
    pub pid: u32,
    /// Host name (`/proc/sys/kernel/hostname`).
    pub host: String,
    /// Linux boot id: a pid from before a reboot is not the same process.
    pub boot_id: Option<String>,
    /// The process's start time in clock ticks since boot (`/proc/<pid>/stat`, field 22): a
    /// reused pid has another.
    pub start_ticks: Option<u64>,
    /// When it took the scan, RFC 3339.
    pub since: String,
}

/// Whether a recorded owner is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// The same process (pid, boot and start time match) is running on this host.
    Alive,
    /// It is not running (no such pid, another start time, or the host rebooted since).
    Gone,
    /// It ran on another host: only the lock can tell.
    OtherHost,
}

impl ScanOwner {
    /// This process, taking a scan at `since`.
    pub fn this_process(since: &str) -> ScanOwner {
        ScanOwner::of_process(std::process::id(), since)
    }

    /// Process `pid` of this host as it runs now, taking a scan at `since`.
    pub fn of_process(pid: u32, since: &str) -> ScanOwner {
        ScanOwner {
            pid,
            host: host_name(),
            boot_id: boot_id(),
            start_ticks: start_ticks(pid),
            since: since.to_owned(),
        }
    }

    /// Whether this owner still runs (see [`Liveness`]).
    pub fn liveness(&self) -> Liveness {
        if self.host != host_name() {
            return Liveness::OtherHost;
        }
        if let (Some(recorded), Some(now)) = (&self.boot_id, boot_id())
            && *recorded != now
        {
            return Liveness::Gone;
        }
        match (start_ticks(self.pid), self.start_ticks) {
            (None, _) => Liveness::Gone,
            (Some(now), Some(recorded)) if now != recorded => Liveness::Gone,
            _ => Liveness::Alive,
        }
    }

    /// "pid 4242 on host cron1 since 2026-11-27T02:30:00Z".
    pub fn describe(&self) -> String {
        format!(
            "pid {} on host {} since {}",
            self.pid, self.host, self.since
        )
    }
}

impl Store {
    /// The sidecar lock file of this database: its path with `.lock` appended.
    pub fn scan_lock_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".lock");
        name.into()
    }

    /// Takes the scan lock, waiting at most `wait` for another run to release it (zero: do not
    /// wait). Fails with [`StoreError::ScanInProgress`], naming the writer when it recorded
    /// itself, if the lock is still held then.
    pub fn lock_for_scan(&self, wait: Duration) -> Result<ScanLock, StoreError> {
        let path = self.scan_lock_path();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| lock_io(&self.path, &path, e))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(ScanLock { _file: file, path }),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(lock_io(&self.path, &path, e)),
            }
            let waited = started.elapsed();
            if waited >= wait {
                return Err(StoreError::ScanInProgress {
                    path: self.path.clone(),
                    detail: self.writer_detail(&path, wait),
                });
            }
            std::thread::sleep(POLL.min(wait - waited));
        }
    }

    /// Records `owner` as the writer of running scan `id`.
    pub fn set_scan_owner(&mut self, id: ScanId, owner: &ScanOwner) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE running_scans SET owner_pid = ?1, owner_host = ?2, owner_boot_id = ?3,
                     owner_start_ticks = ?4, owner_since = ?5 WHERE scan_id = ?6",
                params![
                    i64::from(owner.pid),
                    owner.host,
                    owner.boot_id,
                    owner.start_ticks.map(|t| t as i64),
                    owner.since,
                    id.0
                ],
            )
            .map_err(|e| StoreError::sqlite(&self.path, "recording the scan's writer", e))?;
        Ok(())
    }

    /// The writer recorded for running scan `id`, if any.
    pub fn scan_owner(&self, id: ScanId) -> Result<Option<ScanOwner>, StoreError> {
        self.conn
            .query_row(
                "SELECT owner_pid, owner_host, owner_boot_id, owner_start_ticks, owner_since
                 FROM running_scans WHERE scan_id = ?1 AND owner_pid IS NOT NULL",
                [id.0],
                |row| owner_from_row(row, 0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, "reading the scan's writer", e))
    }

    /// Who holds the lock, in words: the most recent running scan's recorded writer.
    fn writer_detail(&self, lock: &Path, waited: Duration) -> String {
        // `waited` is the wait that was allowed (and used up).
        let writer = self
            .conn
            .query_row(
                "SELECT scan_id, owner_pid, owner_host, owner_boot_id, owner_start_ticks,
                        owner_since
                 FROM running_scans WHERE owner_pid IS NOT NULL
                 ORDER BY owner_since DESC, scan_id DESC LIMIT 1",
                [],
                |row| Ok((row.get::<_, i64>(0)?, owner_from_row(row, 1)?)),
            )
            .optional()
            .ok()
            .flatten();
        let who = match writer {
            Some((id, owner)) => format!("scan #{id}, {}", owner.describe()),
            None => "a run that has not started its scan yet".to_owned(),
        };
        let waited = if waited.is_zero() {
            String::from("did not wait")
        } else {
            format!("gave up after waiting {}", humanise(waited))
        };
        format!("{who}; it holds {}; {waited}", lock.display())
    }
}

/// The five owner columns (pid, host, boot id, start ticks, since) from column `at` on.
pub(crate) fn owner_from_row(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<ScanOwner> {
    Ok(ScanOwner {
        pid: u32::try_from(row.get::<_, i64>(at)?).unwrap_or(0),
        host: row.get::<_, Option<String>>(at + 1)?.unwrap_or_default(),
        boot_id: row.get(at + 2)?,
        start_ticks: row
            .get::<_, Option<i64>>(at + 3)?
            .map(|t| u64::try_from(t).unwrap_or(0)),
        since: row.get::<_, Option<String>>(at + 4)?.unwrap_or_default(),
    })
}

/// `90 s` as `1 min 30 s`, `2 h`, `500 ms`.
fn humanise(d: Duration) -> String {
    let secs = d.as_secs();
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, 0, 0) => format!("{} ms", d.as_millis()),
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, 0) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

fn lock_io(db: &Path, lock: &Path, e: std::io::Error) -> StoreError {
    StoreError::LockFile {
        path: db.to_path_buf(),
        lock: lock.to_path_buf(),
        source: e,
    }
}

/// This host's name, `unknown` when it cannot be read.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|b| b.trim().to_owned())
        .filter(|b| !b.is_empty())
}

/// Field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot); `None` when there is
/// no such process. The command name (field 2) may hold spaces and parentheses, so fields are
/// counted after its last `)`.
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_plainly() {
        let d = Duration::from_secs;
        assert_eq!(humanise(Duration::from_millis(500)), "500 ms");
        assert_eq!(humanise(d(90)), "1 min 30 s");
        assert_eq!(humanise(d(7200)), "2 h");
        assert_eq!(humanise(d(7290)), "2 h 1 min");
    }

    #[test]
    fn this_process_is_alive_and_a_recorded_stranger_is_not() {
        let me = ScanOwner::this_process("2026-11-27T00:00:00Z");
        assert!(me.start_ticks.is_some(), "reads /proc/self/stat");
        assert_eq!(me.liveness(), Liveness::Alive);
        let reused = ScanOwner {
            start_ticks: me.start_ticks.map(|t| t + 1),
            ..me.clone()
        };
        assert_eq!(
            reused.liveness(),
            Liveness::Gone,
            "same pid, another process"
        );
        let rebooted = ScanOwner {
            boot_id: Some("00000000-0000-0000-0000-000000000000".into()),
            ..me.clone()
        };
        assert_eq!(rebooted.liveness(), Liveness::Gone);
        let elsewhere = ScanOwner {
            host: format!("{}-elsewhere", me.host),
            ..me.clone()
        };
        assert_eq!(elsewhere.liveness(), Liveness::OtherHost);
        let gone = ScanOwner {
            pid: u32::MAX - 1,
            ..me
        };
        assert_eq!(gone.liveness(), Liveness::Gone);
    }
}
