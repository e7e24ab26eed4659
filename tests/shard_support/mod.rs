//! What the shard tests share: running govscan, and comparing two saved scans outcome for
//! outcome (status and finding per domain and check, score and grade; timings ignored).

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use govscan_store::Store;

/// The govscan binary under test.
pub(crate) const GOVSCAN: &str = env!("CARGO_BIN_EXE_govscan");

/// Runs govscan in `dir` and waits for it.
pub(crate) fn govscan(dir: &Path, args: &[&str]) -> Output {
    Command::new(GOVSCAN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run govscan")
}

/// stderr as text.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// stdout as text.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// One domain as the comparison sees it: everything judged, nothing timed.
#[derive(Debug, PartialEq)]
pub(crate) struct Judged {
    pub(crate) domain: String,
    pub(crate) organisation: Option<String>,
    pub(crate) score: Option<f64>,
    pub(crate) grade: String,
    pub(crate) grade_cap: Option<String>,
    pub(crate) coverage: f64,
    /// `(check, status, finding)` in registry order.
    pub(crate) outcomes: Vec<(String, String, String)>,
}

/// Every domain of the latest complete scan in `db`, in stored (target) order.
pub(crate) fn judged(db: &Path) -> Vec<Judged> {
    let store = Store::open(db).expect("open");
    let id = store.latest_scan_id().expect("latest").expect("a scan");
    store
        .load_scan(id)
        .expect("load")
        .domains
        .into_iter()
        .map(|d| Judged {
            domain: d.domain,
            organisation: d.organisation,
            score: d.score,
            grade: d.grade,
            grade_cap: d.grade_cap,
            coverage: d.coverage,
            outcomes: d
                .outcomes
                .into_iter()
                .map(|o| (o.check, o.status.as_str().to_owned(), o.finding))
                .collect(),
        })
        .collect()
}

/// The recorded health of the latest complete scan in `db`: (domains, not measured, unhealthy).
pub(crate) fn health(db: &Path) -> Option<(u64, u64, bool)> {
    let store = Store::open(db).expect("open");
    let id = store.latest_scan_id().expect("latest").expect("a scan");
    store
        .scan_health(id)
        .expect("health")
        .map(|h| (h.domains, h.not_measured, h.unhealthy))
}

/// Asserts two scans judged every domain alike, naming the first difference, and recorded
/// the same health.
pub(crate) fn assert_same_outcomes(single: &Path, merged: &Path) {
    assert_eq!(health(single), health(merged), "same scan health");
    let (a, b) = (judged(single), judged(merged));
    let names = |v: &[Judged]| v.iter().map(|d| d.domain.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "same domains in the same order");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "{} judged differently", x.domain);
    }
}
