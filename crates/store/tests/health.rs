//! Scan health in the history: assessed from the stored outcomes, recorded with the scan, shown
//! in the scan list, and left out when the previous scan is looked for.

mod common;

use common::{domain, sample_scan, scan};
use govscan_model::{SCANNER_FAILURE, Status};
use govscan_store::{ScanHeader, Store};

/// A domain whose checks could not run because of the scanning side.
fn lost(name: &str) -> govscan_model::DomainResult {
    let mut d = domain(
        name,
        None,
        "?",
        &[
            ("tls.version", Status::Inconclusive),
            ("http.hsts", Status::Inconclusive),
        ],
    );
    for o in &mut d.outcomes {
        o.finding = SCANNER_FAILURE.to_owned();
        o.message = "Could not be judged: A lookup: Scanner failure: the resolver is not reachable from this host".to_owned();
    }
    d
}

#[test]
fn a_scan_that_measured_mostly_the_scanner_is_recorded_unhealthy_and_skipped_in_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    let mut store = Store::open(&path).expect("open");
    let first = store
        .save_scan(&sample_scan("2026-03-01T10:00:00Z"))
        .expect("save");
    let offline = scan(
        "2026-03-02T10:00:00Z",
        vec![
            lost("a.example.gov"),
            lost("b.example.gov"),
            domain(
                "c.example.gov",
                Some(90.0),
                "A",
                &[("tls.version", Status::Pass)],
            ),
        ],
    );
    let second = store.save_scan(&offline).expect("save");
    let third = store
        .save_scan(&sample_scan("2026-03-03T10:00:00Z"))
        .expect("save");

    let health = store.scan_health(second).expect("read").expect("assessed");
    assert!(health.unhealthy);
    assert_eq!((health.domains, health.not_measured), (3, 2));
    assert!(health.causes[0].contains("resolver"), "{:?}", health.causes);
    assert_eq!(store.assess_health(second).expect("assess"), health);
    assert!(
        !store
            .scan_health(first)
            .expect("read")
            .expect("assessed")
            .unhealthy
    );

    let scans = store.list_scans().expect("list");
    let flags: Vec<bool> = scans.iter().map(|s| s.unhealthy()).collect();
    assert_eq!(flags, [false, true, false]);
    // The scan after an unhealthy one compares with the last healthy one in reports; its
    // plain neighbour is still the unhealthy scan (`govscan diff` compares what it is asked).
    assert_eq!(
        store.previous_scan_id(third).expect("previous"),
        Some(second)
    );
    assert_eq!(
        store.previous_measured_scan_id(third).expect("previous"),
        Some(first)
    );
}

#[test]
fn a_streamed_scan_is_assessed_before_it_completes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    let mut store = Store::open(&path).expect("open");
    let offline = scan("2026-03-02T10:00:00Z", vec![lost("a.example.gov")]);
    let running = store
        .start_scan(&ScanHeader::from(&offline), "targets", 1)
        .expect("start");
    store
        .add_domains(running, &[(0, offline.domains[0].clone())])
        .expect("add");
    let health = store.assess_health(running).expect("assess");
    assert!(health.unhealthy);
    store.set_health(running, &health).expect("set");
    store
        .complete_scan(running, "2026-03-02T10:05:00Z")
        .expect("complete");
    assert!(store.list_scans().expect("list")[0].unhealthy());
}
