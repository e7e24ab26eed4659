//! `scan --metrics FILE`: the scan's Prometheus metrics (see [`crate::metrics`]), computed from
//! the saved scan and written atomically. After an unhealthy scan, the last-success timestamp
//! is the last healthy scan's in the history database.

use std::path::Path;

use govscan_model::LightScan;
use govscan_score::Baseline;
use govscan_store::{ScanId, Store};

use crate::metrics::{RunStats, render, write_atomically};

/// Writes the metrics of saved scan `id` (light form `light`, judged by `baseline`).
pub(super) fn write(
    path: &Path,
    store: &Store,
    id: ScanId,
    light: &LightScan,
    baseline: &Baseline,
    stats: &RunStats,
) -> Result<(), String> {
    let failures = store
        .probe_failures(id)
        .map_err(|e| format!("counting probe failures: {e}"))?;
    let mut stats = stats.clone();
    stats.last_success_unix = if stats.healthy {
        Some(stats.finished_unix)
    } else {
        last_healthy_scan(store, id)?
    };
    let rollups = govscan_score::roll_up(light, baseline);
    let text = render(light, &rollups, &stats, &failures);
    write_atomically(path, &text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// When the last healthy scan other than `id` was saved (Unix seconds), if any.
fn last_healthy_scan(store: &Store, id: ScanId) -> Result<Option<f64>, String> {
    let scans = store
        .list_scans()
        .map_err(|e| format!("listing scans: {e}"))?;
    let finished = scans
        .iter()
        .filter(|s| s.id != id && !s.unhealthy())
        .filter_map(|s| {
            time::OffsetDateTime::parse(
                &s.finished_at,
                &time::format_description::well_known::Rfc3339,
            )
            .ok()
        })
        .max();
    Ok(finished.map(|at| at.unix_timestamp_nanos() as f64 / 1e9))
}
