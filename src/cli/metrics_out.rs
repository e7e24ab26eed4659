//! `scan --metrics FILE`: the scan's Prometheus metrics (see [`crate::metrics`]), computed from
//! the saved scan and written atomically.

use std::path::Path;

use govscan_model::ScanResult;
use govscan_score::Baseline;
use govscan_store::{ScanId, Store};

use crate::metrics::{RunStats, render, write_atomically};

/// Writes the metrics of saved scan `id` (light form `light`, judged by `baseline`).
pub(super) fn write(
    path: &Path,
    store: &Store,
    id: ScanId,
    light: &ScanResult,
    baseline: &Baseline,
    stats: &RunStats,
) -> Result<(), String> {
    let failures = store
        .probe_failures(id)
        .map_err(|e| format!("counting probe failures: {e}"))?;
    let rollups = govscan_score::roll_up(light, baseline);
    let text = render(light, &rollups, stats, &failures);
    write_atomically(path, &text).map_err(|e| format!("writing {}: {e}", path.display()))
}
