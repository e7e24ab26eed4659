//! `govscan diff [OLD] [NEW]`: what changed between two scans — new failures first, then fixed
//! items, then score moves with the checks that caused them and whether the servers or the
//! baseline moved them. OLD and NEW are scan ids in the history database or results.json
//! files; by default the latest scan is compared with the one before it.

use std::path::Path;

use anyhow::{Context as _, anyhow};
use govscan_model::{ScanResult, Status};
use govscan_score::{CheckChange, MoveCause, ScanDiff, diff_scans};
use govscan_store::{ScanId, Store};

use super::args::{DiffArgs, Format};
use super::history_cmd::{open_existing, short_time, store_error};
use super::terminal::out;
use super::{CliError, exit};

/// Runs `govscan diff`.
pub(super) fn run(args: DiffArgs) -> Result<u8, CliError> {
    let needs_db = match (&args.old, &args.new) {
        (Some(old), Some(new)) => scan_id(old).is_some() || scan_id(new).is_some(),
        (None, None) => true,
        _ => {
            return Err(CliError::usage(anyhow!(
                "give both OLD and NEW, or neither (latest vs the one before)"
            )));
        }
    };
    let store = if needs_db {
        Some(open_existing(&args.db)?)
    } else {
        None
    };
    let (old, new) = match (&args.old, &args.new, &store) {
        (Some(old), Some(new), _) => (
            load(old, store.as_ref(), &args.db)?,
            load(new, store.as_ref(), &args.db)?,
        ),
        (_, _, Some(db)) => latest_two(db, &args.db)?,
        _ => return Err(CliError::runtime(anyhow!("history database not open"))),
    };
    let diff = diff_scans(&old.scan, &new.scan);
    match args.format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&diff).map_err(CliError::runtime)?;
            super::terminal::print_json(&json);
        }
        Format::Text => out!("{}", render_text(&diff, &old.label, &new.label)),
    }
    Ok(exit::DONE)
}

/// A scan and how to name it.
struct Loaded {
    label: String,
    scan: ScanResult,
}

/// `12` or `#12` as a scan id.
fn scan_id(text: &str) -> Option<i64> {
    text.trim_start_matches('#').parse().ok()
}

/// The latest scan and the one before it.
fn latest_two(db: &Store, path: &Path) -> Result<(Loaded, Loaded), CliError> {
    let latest = db
        .latest_scan_id()
        .map_err(store_error)?
        .ok_or_else(|| CliError::usage(anyhow!("{}: no scans saved yet", path.display())))?;
    let previous = db
        .previous_scan_id(latest)
        .map_err(store_error)?
        .ok_or_else(|| {
            CliError::usage(anyhow!(
                "{}: only one scan (#{}) is saved; a diff needs two",
                path.display(),
                latest.0
            ))
        })?;
    Ok((
        Loaded {
            label: format!("scan #{}", previous.0),
            scan: db.load_scan(previous).map_err(store_error)?,
        },
        Loaded {
            label: format!("scan #{}", latest.0),
            scan: db.load_scan(latest).map_err(store_error)?,
        },
    ))
}

/// Loads a scan id from the database, or a results.json file.
fn load(which: &str, store: Option<&Store>, db: &Path) -> Result<Loaded, CliError> {
    if let Some(id) = scan_id(which) {
        let store =
            store.ok_or_else(|| CliError::runtime(anyhow!("{}: not open", db.display())))?;
        let scan = store.load_scan(ScanId(id)).map_err(store_error)?;
        return Ok(Loaded {
            label: format!("scan #{id}"),
            scan,
        });
    }
    let path = Path::new(which);
    if !path.is_file() {
        return Err(CliError::usage(anyhow!(
            "{which:?} is neither a scan id nor a results.json file"
        )));
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}", path.display()))
        .map_err(CliError::usage)?;
    let scan = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a govscan results.json", path.display()))
        .map_err(CliError::usage)?;
    Ok(Loaded {
        label: path.display().to_string(),
        scan,
    })
}

/// The diff as text, in the order a reader needs it.
pub(super) fn render_text(diff: &ScanDiff, old: &str, new: &str) -> String {
    let mut out = format!(
        "Changes from {old} ({}) to {new} ({})\n",
        short_time(&diff.old.started_at),
        short_time(&diff.new.started_at)
    );
    if diff.baseline_changed {
        out.push_str(&format!(
            "Baseline changed: {} {} → {} {} (scoring version {} → {}); moves marked \"baseline\" come from the rules, not the servers.\n",
            diff.old.baseline.id,
            diff.old.baseline.version,
            diff.new.baseline.id,
            diff.new.baseline.version,
            diff.old.scoring_version,
            diff.new.scoring_version
        ));
    } else {
        out.push_str(&format!(
            "Baseline: {} {} (unchanged)\n",
            diff.new.baseline.id, diff.new.baseline.version
        ));
    }
    if diff.is_empty() {
        out.push_str("\nNothing changed.\n");
        return out;
    }
    section(&mut out, "New failures", "✗", &diff.new_failures);
    section(&mut out, "New warnings", "!", &diff.new_warnings);
    section(&mut out, "Fixed", "✓", &diff.fixed);
    section(&mut out, "Improved (fail → warning)", "↑", &diff.improved);
    section(
        &mut out,
        "Became inconclusive (could not be judged)",
        "?",
        &diff.became_inconclusive,
    );
    section(&mut out, "Other changes", "·", &diff.other_changes);
    for (title, list) in [
        ("Domains added", &diff.domains_added),
        ("Domains removed", &diff.domains_removed),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("\n{title} ({}):\n", list.len()));
            for d in list {
                let failing = if d.failing_checks.is_empty() {
                    "none".to_owned()
                } else {
                    d.failing_checks.join(", ")
                };
                out.push_str(&format!(
                    "  {}  score {}  grade {}  failing: {failing}\n",
                    d.domain,
                    score(d.score),
                    d.grade
                ));
            }
        }
    }
    if !diff.score_moves.is_empty() {
        out.push_str(&format!(
            "\nScore moves, largest fall first ({}):\n",
            diff.score_moves.len()
        ));
        for m in &diff.score_moves {
            let delta = m
                .delta
                .map_or_else(|| "–".to_owned(), |d| format!("{d:+.1}"));
            out.push_str(&format!(
                "  {}  {} → {} ({delta})  grade {} → {}  cause: {}\n",
                m.domain,
                score(m.old_score),
                score(m.new_score),
                m.old_grade,
                m.new_grade,
                cause(m.cause)
            ));
            for c in &m.checks {
                out.push_str(&format!("      {} {}\n", c.check, arrow(c)));
            }
        }
    }
    let n = diff.counts();
    out.push_str(&format!(
        "\nSummary: {} new failures, {} new warnings, {} fixed, {} improved, {} became inconclusive, {} other, {} domains added, {} removed, {} score moves.\n",
        n.new_failures, n.new_warnings, n.fixed, n.improved, n.became_inconclusive, n.other_changes, n.domains_added, n.domains_removed, n.score_moves
    ));
    out
}

fn section(out: &mut String, title: &str, mark: &str, list: &[CheckChange]) {
    if list.is_empty() {
        return;
    }
    out.push_str(&format!("\n{title} ({}):\n", list.len()));
    for c in list {
        out.push_str(&format!(
            "  {mark} {}  {}  {}\n      {}\n",
            c.domain,
            c.check,
            arrow(c),
            c.message
        ));
    }
}

fn arrow(c: &CheckChange) -> String {
    let word = |s: Option<Status>| s.map_or("did not run", Status::as_str);
    format!("{} → {}", word(c.old_status), word(c.new_status))
}

fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "no score".to_owned(), |s| format!("{s:.1}"))
}

fn cause(c: MoveCause) -> &'static str {
    c.words()
}
