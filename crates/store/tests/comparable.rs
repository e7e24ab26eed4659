//! Like-for-like history: the previous scan judged the same way, domain scores for trends, and
//! provisional scores kept across a save and load.

mod common;

use common::sample_scan;
use govscan_store::Store;

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.db");
    (dir, path)
}

#[test]
fn the_previous_comparable_scan_skips_scans_judged_differently() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let first = store
        .save_scan(&sample_scan("2026-03-01T00:00:00Z"))
        .expect("save");
    let mut other_baseline = sample_scan("2026-03-02T00:00:00Z");
    other_baseline.baseline.id = "netherlands".into();
    other_baseline.baseline.sha256 = "cd".repeat(32);
    let netherlands = store.save_scan(&other_baseline).expect("save");
    let mut other_scoring = sample_scan("2026-03-03T00:00:00Z");
    other_scoring.scoring_version = 2;
    store.save_scan(&other_scoring).expect("save");
    let mut other_checks = sample_scan("2026-03-04T00:00:00Z");
    other_checks.govscan_version = "0.2.0".into();
    store.save_scan(&other_checks).expect("save");
    let latest = store
        .save_scan(&sample_scan("2026-03-05T00:00:00Z"))
        .expect("save");

    // The scan just before is judged by another govscan; the one compared is the first.
    assert_ne!(store.previous_scan_id(latest).expect("prev"), Some(first));
    assert_eq!(
        store.previous_comparable_scan_id(latest).expect("prev"),
        Some(first)
    );
    assert_eq!(
        store.previous_comparable_scan_id(first).expect("prev"),
        None,
        "the first scan has nothing to compare with"
    );
    assert_eq!(
        store
            .previous_comparable_scan_id(netherlands)
            .expect("prev"),
        None
    );

    // The scan list carries what every trend point needs to be compared.
    let listed = store.list_scans().expect("list");
    assert_eq!(listed[1].baseline_sha256, "cd".repeat(32));
    assert_eq!(listed[2].scoring_version, 2);
    assert_eq!(listed[3].govscan_version, "0.2.0");
}

#[test]
fn domain_scores_come_back_in_target_order_and_provisional_reasons_are_kept() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let mut saved = sample_scan("2026-03-01T00:00:00Z");
    saved.domains[0].provisional =
        Some("1 required check could not be judged (tls.version)".to_owned());
    let id = store.save_scan(&saved).expect("save");
    let scores = store.domain_scores(id).expect("scores");
    let expected: Vec<(String, Option<f64>, bool)> = saved
        .domains
        .iter()
        .map(|d| (d.domain.clone(), d.score, d.provisional.is_some()))
        .collect();
    assert_eq!(scores, expected);
    assert_eq!(store.load_scan(id).expect("load"), saved);
    let light = store.load_scan_light(id).expect("light");
    assert_eq!(
        light.domain(0).and_then(|d| d.provisional()),
        saved.domains[0].provisional.as_deref()
    );
    let one = store
        .load_domain(id, &saved.domains[0].domain)
        .expect("domain");
    assert_eq!(one.provisional, saved.domains[0].provisional);
}
