//! Issue 11 in the probe: the address policy on the targets' own addresses, the per-family
//! endpoint cap, the exclude list, redirect pairs on one address that used to deadlock, and
//! probes left waiting for a slot (the domain's own, a network block's) as scanner failures.

mod common;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use govscan_model::{FailureKind, Probed, RedirectEnd};
use govscan_probe::{ExcludeRule, ExcludeTarget, Prober};
use tokio::net::TcpListener;

/// A plain HTTP listener on 127.0.0.1 that counts connections and answers `handler`.
async fn counted_http(handler: common::Handler) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(common::serve(tcp, handler.clone()));
        }
    });
    (port, seen)
}

#[tokio::test]
async fn a_target_that_resolves_only_to_blocked_addresses_is_not_contacted() {
    let dns = common::start_dns().await;
    let (port, seen) = counted_http(common::ok_handler()).await;
    let mut cfg = common::config(dns.addr);
    cfg.allow_private = false;
    (cfg.http_port, cfg.https_port) = (port, port);
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    assert!(obs.endpoints.is_empty(), "{:?}", obs.endpoints);
    let selection = &obs.addresses;
    assert_eq!(selection.blocked_total, 1);
    assert_eq!(selection.blocked[0].address, "127.0.0.1");
    assert!(
        selection.blocked[0]
            .reason
            .contains("loopback (127.0.0.0/8)"),
        "{selection:?}"
    );
    // DNS still went to the configured resolver (the operator's own choice).
    assert_eq!(obs.dns.a.value().map(Vec::len), Some(1));
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "the blocked address was contacted"
    );
}

#[tokio::test]
async fn endpoints_are_capped_per_family_and_the_rest_recorded() {
    let dns = common::start_dns().await;
    let mut cfg = common::config(dns.addr);
    cfg.max_addresses = 3;
    cfg.domain_timeout = Duration::from_secs(30);
    let many: Vec<IpAddr> = (1..=40u8)
        .map(|i| IpAddr::from([127, 0, 0, i]))
        .chain(["::1".parse().expect("ip")])
        .collect();
    cfg.connect_overrides.insert("good.test".into(), many);
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    let addresses: Vec<&str> = obs.endpoints.iter().map(|e| e.address.as_str()).collect();
    assert_eq!(addresses, ["127.0.0.1", "127.0.0.2", "127.0.0.3", "::1"]);
    assert_eq!(obs.addresses.max_per_family, 3);
    assert_eq!(obs.addresses.not_probed, 37);
    assert_eq!(obs.addresses.blocked_total, 0);
}

#[tokio::test]
async fn an_excluded_domain_is_not_probed_at_all() {
    let dns = common::start_dns().await;
    let (port, seen) = counted_http(common::ok_handler()).await;
    let mut cfg = common::config(dns.addr);
    (cfg.http_port, cfg.https_port) = (port, port);
    cfg.exclude.rules.push(ExcludeRule {
        target: ExcludeTarget::Domain("good.test".into()),
        origin: "owners.txt:7".into(),
    });
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("Good.Test.")
        .await;
    let reason = obs.addresses.excluded.clone().unwrap_or_default();
    assert!(reason.contains("owners.txt:7"), "{reason}");
    assert!(obs.endpoints.is_empty());
    assert!(matches!(&obs.dns.a, Probed::Skipped { why } if why == &reason));
    assert!(matches!(obs.dns.nameservers, Probed::Skipped { .. }));
    assert_eq!(seen.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_excluded_range_blocks_an_address_that_is_otherwise_allowed() {
    let dns = common::start_dns().await;
    let (port, seen) = counted_http(common::ok_handler()).await;
    let mut cfg = common::config(dns.addr);
    (cfg.http_port, cfg.https_port) = (port, port);
    cfg.exclude.rules.push(ExcludeRule {
        target: ExcludeTarget::Net("127.0.0.0/30".parse().expect("net")),
        origin: "owners.txt:9".into(),
    });
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    assert!(obs.endpoints.is_empty());
    assert!(obs.addresses.blocked[0].reason.contains("owners.txt:9"));
    assert_eq!(seen.load(Ordering::SeqCst), 0);
}

/// apex -> http://a.b.caa.test/ (the "www") on the same keep-alive server and address.
fn apex_to_www(port: u16) -> common::Handler {
    Arc::new(move |path: &str| match path {
        "/" => common::response(
            "301 Moved Permanently",
            &[("Location", &format!("http://a.b.caa.test:{port}/www"))],
            b"",
        ),
        _ => common::response("200 OK", &[], b"www"),
    })
}

#[tokio::test]
async fn a_redirect_to_another_target_on_the_same_address_does_not_deadlock() {
    let dns = common::start_dns().await;
    let port = common::http_server_with(apex_to_www).await;
    let mut cfg = common::config(dns.addr);
    cfg.http_port = port;
    cfg.per_address = 1;
    cfg.concurrency = 1;
    cfg.tls_scan = false;
    cfg.domain_timeout = Duration::from_secs(30);
    cfg.allowed_redirect_hosts = ["good.test", "a.b.caa.test"]
        .into_iter()
        .map(String::from)
        .collect();
    cfg.connect_overrides.insert(
        "a.b.caa.test".into(),
        vec!["127.0.0.1".parse().expect("ip")],
    );
    let prober = Prober::new(cfg).expect("prober");
    // Two apex -> www pairs on one address, probed at once, with one slot per address and one
    // in the whole scan: each hop needs the slot its own first request holds.
    let (one, two) = tokio::join!(
        prober.probe_domain("good.test"),
        prober.probe_domain("good.test")
    );
    for obs in [one, two] {
        let chain = obs.endpoints[0]
            .http
            .value()
            .unwrap_or_else(|| panic!("no http chain: {:?}", obs.endpoints[0].http));
        assert_eq!(chain.end, RedirectEnd::Final, "{chain:?}");
        assert_eq!(
            chain.hops.iter().map(|h| h.status).collect::<Vec<_>>(),
            [301, 200]
        );
        // Nothing ran into the 30 s budget (that is what a deadlock would look like).
        assert!(
            obs.duration_ms < 30_000,
            "the probe waited out its budget: {} ms",
            obs.duration_ms
        );
    }
}

#[tokio::test]
async fn a_probe_left_waiting_for_a_slot_is_the_scanner_s_failure() {
    // A share of 1: a quarter of --concurrency 4; and a quarter of --per-network 1 with
    // --concurrency 8, so a domain can never hold its whole network alone: its own share
    // binds before the network's slots do.
    for (concurrency, per_network) in [(4, 16), (8, 1)] {
        a_probe_left_waiting_for_the_domains_own_slot(concurrency, per_network).await;
    }
}

async fn a_probe_left_waiting_for_the_domains_own_slot(concurrency: usize, per_network: usize) {
    let dns = common::start_dns().await;
    // A server that holds every connection silently: the first endpoint keeps the domain's
    // only slot until the budget ends.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    let mut cfg = common::config(dns.addr);
    (cfg.http_port, cfg.https_port) = (port, port);
    cfg.concurrency = concurrency;
    cfg.per_network = per_network;
    cfg.tls_scan = false;
    cfg.handshake_timeout = Duration::from_secs(10);
    cfg.read_timeout = Duration::from_secs(10);
    cfg.domain_timeout = Duration::from_secs(2);
    let both: Vec<IpAddr> = vec![
        "127.0.0.1".parse().expect("ip"),
        "127.0.0.2".parse().expect("ip"),
    ];
    cfg.connect_overrides.insert("good.test".into(), both);
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    match &obs.endpoints[0].tls {
        Probed::Failed { kind, detail } => {
            assert_eq!(
                *kind,
                FailureKind::Timeout,
                "the silent server's own doing: {detail}"
            );
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    match &obs.endpoints[1].tls {
        Probed::Failed { kind, detail } => {
            assert_eq!(*kind, FailureKind::Scanner, "{detail}");
            assert!(
                detail.contains("waited for one of the domain's own 1"),
                "{detail}"
            );
            assert!(detail.contains("not a failure of the target"), "{detail}");
        }
        other => panic!("expected a scanner-side failure, got {other:?}"),
    }
}
