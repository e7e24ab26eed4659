//! `govscan merge --db OUT SHARD.db...`: one scan from the shard scans of one run. Every shard
//! must be of the same targets, baseline, govscan, scoring and results-schema versions, `N`
//! and run id; each index once; all N present unless `--allow-partial`. Domains are copied as
//! stored, in the order of the target file, in one transaction (see docs/design/sharding.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use govscan_store::{MergedScope, ScanHeader, ScanId, ScanScope, ShardScope, Store, StoreError};

use super::args::MergeArgs;
use super::history_cmd::{open_existing, store_error};
use super::terminal::{errln, outln};
use super::{CliError, exit};
use crate::shard::index_list;

/// One shard database and the shard scan taken from it.
struct ShardFile {
    path: PathBuf,
    store: Store,
    id: ScanId,
    scope: ShardScope,
    header: ScanHeader,
    /// False for a shard scan that was started and not completed (newer than any complete).
    finished: bool,
}

/// Runs `govscan merge`.
pub(super) fn run(args: MergeArgs) -> Result<u8, CliError> {
    let out_canonical = std::fs::canonicalize(&args.db).ok();
    let mut files: Vec<ShardFile> = Vec::new();
    let mut given: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for path in &args.shards {
        let store = open_existing(path)?;
        let canonical = std::fs::canonicalize(path)
            .with_context(|| format!("{}", path.display()))
            .map_err(CliError::usage)?;
        if out_canonical.as_ref() == Some(&canonical) {
            return Err(CliError::usage(anyhow!(
                "{}: this is also the --db that would receive the merged scan; merge into \
                 another file",
                path.display()
            )));
        }
        if let Some(first) = given.insert(canonical, path.clone()) {
            return Err(CliError::usage(anyhow!(
                "{}: given twice (also as {})",
                path.display(),
                first.display()
            )));
        }
        files.push(load_shard(path, store)?);
    }
    check_same_run(&files)?;
    let (merged, missing) = check_complete(&files, args.allow_partial)?;
    let shards: Vec<&ShardFile> = files.iter().filter(|f| f.finished).collect();
    let Some(reference) = shards.first() else {
        return Err(CliError::usage(anyhow!(
            "nothing to merge: none of the shard databases given holds a finished shard scan"
        )));
    };
    let scope = MergedScope {
        shard_count: reference.scope.shard.count,
        merged,
        missing,
        targets_sha256: reference.scope.targets_sha256.clone(),
        target_count: reference.scope.target_count,
        run_id: reference.scope.run_id.clone(),
    };
    let header = merged_header(&shards);
    let mut out = Store::open(&args.db).map_err(store_error)?;
    // A merge writes a scan like `scan` does: one writer per database at a time, the same
    // lock, held until the merged scan is saved.
    let _scan_lock = out.lock_for_scan(args.wait_lock).map_err(store_error)?;
    let (id, domains, health) = write_merged(&mut out, &header, &shards, &scope)?;
    if !args.quiet {
        print_summary(&args.db, id, domains, &scope);
    }
    if health.unhealthy {
        // As for `scan`: the shards measured their hosts, not the domains.
        errln!("{}", super::scan_cmd::unhealthy_banner(&health));
        return Ok(exit::UNHEALTHY);
    }
    Ok(exit::DONE)
}

/// The latest complete shard scan of a database, or its unfinished shard scan when one was
/// started after it.
fn load_shard(path: &Path, store: Store) -> Result<ShardFile, CliError> {
    let shown = path.display();
    let (id, finished) = match store.resumable_scan().map_err(store_error)? {
        Some(running) => (running.id, false),
        None => match store.latest_scan_id().map_err(store_error)? {
            Some(id) => (id, true),
            None => {
                return Err(CliError::usage(anyhow!(
                    "{shown}: no scan in this database (was its shard scanned into it?)"
                )));
            }
        },
    };
    let scope = match store.scan_scope(id).map_err(store_error)? {
        Some(ScanScope::Shard(scope)) => scope,
        Some(ScanScope::Merged(_)) => {
            return Err(CliError::usage(anyhow!(
                "{shown}: its latest scan #{id} is itself a merged scan; merge the shard \
                 databases it came from instead"
            )));
        }
        None => {
            return Err(CliError::usage(anyhow!(
                "{shown}: its latest{} scan #{id} is not a shard scan (it was made without \
                 --shard)",
                if finished { "" } else { " (unfinished)" }
            )));
        }
    };
    let header = store.scan_header(id).map_err(store_error)?;
    Ok(ShardFile {
        path: path.to_path_buf(),
        store,
        id,
        scope,
        header,
        finished,
    })
}

/// Refuses shards that do not belong to one run: another N, target set, baseline, govscan or
/// scoring version, run id; and a shard index given twice.
fn check_same_run(files: &[ShardFile]) -> Result<(), CliError> {
    let Some(first) = files.first() else {
        return Ok(());
    };
    let mut seen: BTreeMap<u32, &Path> = BTreeMap::new();
    for file in files {
        let differs = |what: &str, ours: String, theirs: String| {
            CliError::usage(anyhow!(
                "{}: shard {} {what} {ours}, but {} (shard {}) {what} {theirs}; shards of one \
                 run must agree",
                file.path.display(),
                file.scope.shard,
                first.path.display(),
                first.scope.shard
            ))
        };
        let (ours, theirs) = (&file.scope, &first.scope);
        if ours.shard.count != theirs.shard.count {
            return Err(differs(
                "is one of",
                format!("{} shards", ours.shard.count),
                format!("{} shards", theirs.shard.count),
            ));
        }
        if ours.targets_sha256 != theirs.targets_sha256 || ours.target_count != theirs.target_count
        {
            return Err(differs("is cut from", target_set(ours), target_set(theirs)));
        }
        if file.header.organisations != first.header.organisations {
            let orgs = |h: &ScanHeader| format!("{} organisations", h.organisations.len());
            return Err(differs(
                "describes the targets' organisations differently:",
                orgs(&file.header),
                orgs(&first.header),
            ));
        }
        let (h, r) = (&file.header, &first.header);
        if h.baseline != r.baseline {
            let baseline = |h: &ScanHeader| {
                format!(
                    "baseline {} {} (SHA-256 {})",
                    h.baseline.id, h.baseline.version, h.baseline.sha256
                )
            };
            return Err(differs("was judged under", baseline(h), baseline(r)));
        }
        if (&h.govscan_version, h.scoring_version, h.schema_version)
            != (&r.govscan_version, r.scoring_version, r.schema_version)
        {
            let version = |h: &ScanHeader| {
                format!(
                    "govscan {} (scoring version {}, results schema {})",
                    h.govscan_version, h.scoring_version, h.schema_version
                )
            };
            return Err(differs("was made by", version(h), version(r)));
        }
        if ours.run_id != theirs.run_id {
            let run = |s: &ShardScope| {
                s.run_id
                    .as_deref()
                    .map_or_else(|| "no --run-id".to_owned(), |r| format!("run id {r:?}"))
            };
            return Err(differs("has", run(ours), run(theirs)));
        }
        if let Some(other) = seen.insert(ours.shard.index, &file.path) {
            return Err(CliError::usage(anyhow!(
                "{}: shard {} again (also in {}); give each shard once",
                file.path.display(),
                ours.shard,
                other.display()
            )));
        }
    }
    Ok(())
}

/// The merged and missing shard indexes. Refuses an unfinished or missing shard unless
/// `allow_partial`, naming the file or the missing indexes.
fn check_complete(
    files: &[ShardFile],
    allow_partial: bool,
) -> Result<(Vec<u32>, Vec<u32>), CliError> {
    let Some(count) = files.first().map(|f| f.scope.shard.count) else {
        return Ok((Vec::new(), Vec::new()));
    };
    for file in files.iter().filter(|f| !f.finished) {
        let message = format!(
            "{}: shard {} (scan #{}, started {}) is unfinished; finish it with `govscan scan \
             --shard {} --resume --db {}` and the same targets",
            file.path.display(),
            file.scope.shard,
            file.id,
            file.header.started_at,
            file.scope.shard,
            file.path.display()
        );
        if !allow_partial {
            return Err(CliError::usage(anyhow!(
                "{message}, or pass --allow-partial to record a partial scan without it"
            )));
        }
        errln!("govscan: warning: {message}; merging without it (--allow-partial)");
    }
    let merged: Vec<u32> = {
        let mut v: Vec<u32> = files
            .iter()
            .filter(|f| f.finished)
            .map(|f| f.scope.shard.index)
            .collect();
        v.sort_unstable();
        v
    };
    let missing: Vec<u32> = (1..=count).filter(|i| !merged.contains(i)).collect();
    if !missing.is_empty() && !allow_partial {
        return Err(CliError::usage(anyhow!(
            "missing shard{} {} of {count} (merging {} given: {}); pass their databases, or \
             --allow-partial to record a partial scan",
            if missing.len() == 1 { "" } else { "s" },
            index_list(&missing),
            if merged.len() == 1 {
                "the one"
            } else {
                "the ones"
            },
            files
                .iter()
                .map(|f| format!("{} = {}", f.path.display(), f.scope.shard))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok((merged, missing))
}

fn target_set(scope: &ShardScope) -> String {
    format!(
        "a target set of {} targets (SHA-256 {})",
        scope.target_count, scope.targets_sha256
    )
}

/// The merged scan's header: the shards' common fields, the earliest start and latest end.
fn merged_header(shards: &[&ShardFile]) -> ScanHeader {
    let instant = |text: &str| {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
    };
    let mut header = shards[0].header.clone();
    for shard in &shards[1..] {
        if instant(&shard.header.started_at) < instant(&header.started_at) {
            header.started_at = shard.header.started_at.clone();
        }
        if instant(&shard.header.finished_at) > instant(&header.finished_at) {
            header.finished_at = shard.header.finished_at.clone();
        }
    }
    header
}

/// Writes the merged scan in one transaction, domains in whole-target-list order; returns its
/// id and domain count.
fn write_merged(
    out: &mut Store,
    header: &ScanHeader,
    shards: &[&ShardFile],
    scope: &MergedScope,
) -> Result<(ScanId, usize, govscan_model::ScanHealth), CliError> {
    let mut order: Vec<(u64, usize, String)> = Vec::new();
    for (n, shard) in shards.iter().enumerate() {
        let positions = shard
            .store
            .domain_positions(shard.id)
            .map_err(store_error)?;
        order.extend(positions.into_iter().map(|(p, d)| (p, n, d)));
    }
    order.sort_unstable();
    let mut writer = out.begin_scan(header).map_err(store_error)?;
    for (_, n, domain) in &order {
        let shard = shards[*n];
        writer
            .copy_domain(&shard.store, shard.id, domain)
            .map_err(|e| match e {
                // The same domain in two shards: the input is wrong, not the machine.
                StoreError::InvalidScan { .. } | StoreError::BadStoredValue { .. } => {
                    CliError::usage(e)
                }
                other => store_error(other),
            })?;
    }
    writer.record_merge(scope).map_err(store_error)?;
    // Assessed from the merged outcomes, like a scanned one, before the scan becomes visible.
    let health = writer.assess_health().map_err(store_error)?;
    writer.set_health(&health).map_err(store_error)?;
    let id = writer.commit().map_err(store_error)?;
    Ok((id, order.len(), health))
}

fn print_summary(db: &Path, id: ScanId, domains: usize, scope: &MergedScope) {
    let run = scope
        .run_id
        .as_deref()
        .map_or_else(String::new, |r| format!(", run {r}"));
    outln!(
        "Merged {} of {} shards ({domains} domains of {} targets{run}) into scan #{id} in {}.",
        scope.merged.len(),
        scope.shard_count,
        scope.target_count,
        db.display()
    );
    if scope.is_partial() {
        outln!(
            "PARTIAL: shard{} {} missing; the dashboard says so (`govscan report --db {} --out \
             DIR`).",
            if scope.missing.len() == 1 { "" } else { "s" },
            index_list(&scope.missing),
            db.display()
        );
    }
}
