//! Admission: at most `--per-network` domains probe on one network block at once, a domain
//! with no address is not held, and the probe uses the answers asked at admission.

mod common;

use std::time::Duration;

use govscan_model::Probed;
use govscan_probe::Prober;

/// The test zone plus a name on another /24 (127.0.1.0/24; the others are on 127.0.0.0/24).
fn zone() -> String {
    format!("{}other    IN A    127.0.1.1\n", common::ZONE)
}

#[tokio::test]
async fn a_domain_waits_for_a_place_on_its_network_and_not_on_another() {
    let dns = common::start_dns_zone(&zone()).await;
    let mut cfg = common::config(dns.addr);
    cfg.per_network = 1;
    let prober = Prober::new(cfg).expect("prober");

    let first = prober.admit("good.test").await; // 127.0.0.1
    assert!(first.holds_network_place());
    // Another network's domain is admitted while 127.0.0.0/24's one place is held...
    let other = tokio::time::timeout(Duration::from_secs(10), prober.admit("other.test"))
        .await
        .expect("a domain on another network was held up");
    assert!(other.holds_network_place());
    // ...and so is a domain with no address (nothing to queue for).
    let no_address = tokio::time::timeout(Duration::from_secs(10), prober.admit("nullmx.test"))
        .await
        .expect("a domain without addresses was held up");
    assert!(!no_address.holds_network_place());
    // A second domain on 127.0.0.0/24 (a.b.caa.test, 127.0.0.2) waits until the place is free.
    let waiting = {
        let prober = prober.clone();
        tokio::spawn(async move { prober.admit("a.b.caa.test").await })
    };
    // Long enough for its lookups on loopback; a place wrongly granted would show here.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "a second domain got a place on a network with one"
    );
    drop(first);
    let second = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the freed place was not given to the waiting domain")
        .expect("task");
    assert!(second.holds_network_place());
}

#[tokio::test]
async fn the_probe_uses_the_address_answers_asked_at_admission() {
    let dns = common::start_dns().await;
    let mut cfg = common::config(dns.addr);
    cfg.tls_scan = false;
    cfg.dns_timeout = Duration::from_millis(500);
    let prober = Prober::new(cfg).expect("prober");
    let admission = prober.admit("good.test").await;
    // The resolver is gone: whatever the probe asks now fails, but the A answer was kept.
    drop(dns);
    let obs = prober.probe_admitted("good.test", admission).await;
    assert_eq!(obs.dns.a, Probed::ok(vec!["127.0.0.1".to_owned()]));
    assert!(
        matches!(obs.dns.txt, Probed::Failed { .. }),
        "the resolver was stopped, yet TXT was answered: {:?}",
        obs.dns.txt
    );
}
