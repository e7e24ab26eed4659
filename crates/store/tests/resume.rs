//! Resumable scans: a running scan is invisible to readers, survives reopening, and completes.

mod common;

use govscan_model::LightScan;
use govscan_store::{ScanHeader, Store, StoreError};

use common::sample_scan;

#[test]
fn a_running_scan_is_invisible_until_completed_and_resumable_meanwhile() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.db");
    let scan = sample_scan("2026-03-01T10:00:00Z");
    assert!(scan.domains.len() >= 2, "sample has several domains");
    let mut store = Store::open(&db).expect("open");
    let id = store
        .start_scan(
            &ScanHeader::from(&scan),
            "targets-hash",
            scan.domains.len() as u64,
        )
        .expect("start");
    // Stored out of target order: positions keep target order.
    let last = scan.domains.len() - 1;
    store
        .add_domains(id, &[(last as u64, scan.domains[last].clone())])
        .expect("batch");
    drop(store);

    let mut store = Store::open(&db).expect("reopen");
    assert!(store.list_scans().expect("list").is_empty());
    assert_eq!(store.latest_scan_id().expect("latest"), None);
    assert!(matches!(
        store.load_scan(id),
        Err(StoreError::ScanNotFound { .. })
    ));
    assert!(
        store
            .domain_history(&scan.domains[last].domain)
            .expect("history")
            .is_empty()
    );
    let running = store.resumable_scan().expect("query").expect("resumable");
    assert_eq!(running.id, id);
    assert_eq!(running.targets_sha256, "targets-hash");
    assert_eq!(running.stored_domains, 1);
    assert_eq!(
        store.stored_domains(id).expect("names"),
        vec![scan.domains[last].domain.clone()]
    );
    // A domain stored twice is refused and the batch leaves nothing.
    let again = store.add_domains(
        id,
        &[
            (0, scan.domains[0].clone()),
            (last as u64, scan.domains[last].clone()),
        ],
    );
    assert!(matches!(again, Err(StoreError::InvalidScan { .. })));
    assert_eq!(store.stored_domains(id).expect("names").len(), 1);

    let rest: Vec<(u64, _)> = scan.domains[..last]
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, d)| (i as u64, d))
        .collect();
    store.add_domains(id, &rest).expect("rest");
    store
        .complete_scan(id, "2026-03-01T10:05:00Z")
        .expect("complete");
    assert_eq!(store.resumable_scan().expect("query"), None);
    let listed = store.list_scans().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].finished_at, "2026-03-01T10:05:00Z");
    let mut expected = scan.clone();
    expected.finished_at = "2026-03-01T10:05:00Z".to_owned();
    assert_eq!(
        store.load_scan(id).expect("load"),
        expected,
        "target order kept"
    );
    assert!(store.complete_scan(id, "2026-03-01T10:06:00Z").is_err());
    assert!(
        store.add_domains(id, &[]).is_err(),
        "a complete scan takes no more domains"
    );
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

#[test]
fn a_newer_complete_scan_ends_resumability() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path().join("h.db")).expect("open");
    let old = sample_scan("2026-03-01T10:00:00Z");
    store
        .start_scan(&ScanHeader::from(&old), "h", 3)
        .expect("start");
    assert!(store.resumable_scan().expect("query").is_some());
    store
        .save_scan(&sample_scan("2026-03-02T10:00:00Z"))
        .expect("save");
    assert_eq!(store.resumable_scan().expect("query"), None);
}

#[test]
fn light_and_single_domain_loads_match_the_saved_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path().join("h.db")).expect("open");
    let scan = sample_scan("2026-03-01T10:00:00Z");
    let id = store.save_scan(&scan).expect("save");
    let light = store.load_scan_light(id).expect("light");
    // Built straight from the rows, it is what the whole scan converts to (what that keeps is
    // tested in the model's `light_tests`).
    assert_eq!(light, LightScan::from(&scan));
    assert_eq!(light.len(), scan.domains.len());
    for full in &scan.domains {
        assert_eq!(&store.load_domain(id, &full.domain).expect("one"), full);
    }
    assert!(store.load_domain(id, "absent.example").is_err());
}
