//! `scan --resume`: which scan to continue and which domains are already done (a shard resumes
//! only as the same shard of the same targets); and, without `--resume`, a note when an
//! interrupted scan is left behind. The caller holds the database's scan lock; the scan
//! written here records this process as its writer.

use std::collections::HashSet;

use anyhow::anyhow;
use govscan_model::Portfolio;
use govscan_store::{Liveness, ScanHeader, ScanId, ScanOwner, ScanScope, ShardScope, Store};
use sha2::{Digest, Sha256};

use super::CliError;
use super::history_cmd::store_error;
use super::terminal::errln;

/// The scan to write into and the domains it already has.
pub(super) struct Plan {
    /// The running scan.
    pub(super) id: ScanId,
    /// Domains already committed (not probed again).
    pub(super) done: HashSet<String>,
}

/// SHA-256 of the target set: each target's domain and organisation, in order.
pub(super) fn targets_sha256(portfolio: &Portfolio) -> String {
    let mut hash = Sha256::new();
    for target in &portfolio.targets {
        hash.update(target.domain.as_bytes());
        hash.update([0]);
        hash.update(target.organisation.as_deref().unwrap_or("").as_bytes());
        hash.update([b'\n']);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Starts a new running scan, or with `resume` finds the one to continue. Without `resume`,
/// an interrupted scan left in the database is mentioned on stderr (it stays resumable until a
/// newer scan completes).
pub(super) fn plan(
    store: &mut Store,
    resume: bool,
    header: &ScanHeader,
    portfolio: &Portfolio,
    shard: Option<&ShardScope>,
    announce: bool,
) -> Result<Plan, CliError> {
    let targets = targets_sha256(portfolio);
    let running = store.resumable_scan().map_err(store_error)?;
    // The caller holds the scan lock, so a recorded writer still alive is a process that did
    // not take it (a govscan from before the lock): never write into its scan.
    let live_writer = running.as_ref().and_then(|old| {
        old.owner
            .as_ref()
            .filter(|o| o.liveness() == Liveness::Alive)
            .map(|o| (old.id, o.describe()))
    });
    let me = ScanOwner::this_process(&header.started_at);
    if !resume {
        match (&running, &live_writer, announce) {
            (Some(old), Some((_, who)), true) => errln!(
                "govscan: scan #{} is still being written by {who}; starting a new scan beside it",
                old.id
            ),
            (Some(old), None, true) => errln!(
                "govscan: scan #{} (started {}, {} of {} domains saved) was interrupted; starting \
                 a new scan (continue the old one instead with `govscan scan --resume`)",
                old.id,
                old.started_at,
                old.stored_domains,
                old.target_count
            ),
            _ => {}
        }
        let count = portfolio.targets.len() as u64;
        let id = match shard {
            Some(shard) => store.start_shard_scan(header, &targets, count, shard),
            None => store.start_scan(header, &targets, count),
        }
        .map_err(store_error)?;
        store.set_scan_owner(id, &me).map_err(store_error)?;
        return Ok(Plan {
            id,
            done: HashSet::new(),
        });
    }
    let path = store.path().display().to_string();
    let Some(old) = running else {
        return Err(CliError::usage(anyhow!(
            "{path}: no interrupted scan to resume (run `govscan scan` without --resume)"
        )));
    };
    if let Some((id, who)) = &live_writer {
        return Err(CliError::runtime(anyhow!(
            "{path}: scan #{id} is still being written by {who}, a process that does not hold \
             the scan lock; wait for it to end (or stop it) before resuming"
        )));
    }
    let recorded = match store.scan_scope(old.id).map_err(store_error)? {
        Some(ScanScope::Shard(recorded)) => Some(recorded),
        _ => None,
    };
    if recorded.as_ref() != shard {
        return Err(CliError::usage(anyhow!(
            "{path}: the interrupted scan #{} was {}, not {}; give the same --shard, --run-id \
             and targets to resume it, or scan without --resume",
            old.id,
            describe(recorded.as_ref()),
            describe(shard)
        )));
    }
    if old.targets_sha256 != targets {
        return Err(CliError::usage(anyhow!(
            "{path}: the interrupted scan #{} was of a different target set ({} targets); give \
             the same targets to resume it, or scan without --resume",
            old.id,
            old.target_count
        )));
    }
    if old.baseline_sha256 != header.baseline.sha256 {
        return Err(CliError::usage(anyhow!(
            "{path}: the interrupted scan #{} was judged under another baseline (SHA-256 {}); \
             give that baseline to resume it, or scan without --resume",
            old.id,
            old.baseline_sha256
        )));
    }
    let done = store
        .stored_domains(old.id)
        .map_err(store_error)?
        .into_iter()
        .collect();
    // Its writer is gone (the lock is ours and no live process is recorded): take it over.
    store.set_scan_owner(old.id, &me).map_err(store_error)?;
    Ok(Plan { id: old.id, done })
}

/// "shard 2/4 of 1000 targets (run X)" or "a scan of every target", for messages.
fn describe(shard: Option<&ShardScope>) -> String {
    match shard {
        None => "a scan of every target (no --shard)".to_owned(),
        Some(s) => format!(
            "shard {} of {} targets{}",
            s.shard,
            s.target_count,
            s.run_id
                .as_deref()
                .map_or_else(String::new, |r| format!(" (run {r})"))
        ),
    }
}
