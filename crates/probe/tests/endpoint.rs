//! Whole-endpoint behaviour: connection reuse, refused and silent peers, address overrides,
//! and the per-domain budget.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use govscan_model::{FailureKind, Probed, RedirectEnd};
use govscan_probe::Prober;
use rustls::version::TLS13;

#[tokio::test]
async fn http_to_https_same_host_is_followed_and_connections_are_reused() {
    let dns = common::start_dns().await;
    let pki = common::Pki::new();
    let accepted = Arc::new(AtomicUsize::new(0));
    let https_port = common::https_server_counted(
        pki.leaf(&["good.test"], -1, 30),
        &[&TLS13],
        Vec::new(),
        common::ok_handler(),
        accepted.clone(),
    )
    .await;
    let http_port = common::http_server(Arc::new(|_: &str| {
        common::response("301 Moved", &[("Location", "https://good.test/")], b"")
    }))
    .await;
    let mut cfg = common::config(dns.addr);
    (cfg.http_port, cfg.https_port, cfg.extra_roots_pem) =
        (http_port, https_port, vec![pki.ca_file.clone()]);
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    let ep = &obs.endpoints[0];
    let http = ep.http.value().expect("http chain");
    assert_eq!(http.end, RedirectEnd::Final);
    assert_eq!(
        http.hops.iter().map(|h| h.status).collect::<Vec<_>>(),
        [301, 200]
    );
    assert_eq!(http.hops[1].url, "https://good.test/");
    assert!(
        ep.tls.value().is_some() && ep.https.value().is_some() && ep.security_txt.value().is_some()
    );
    // TLS probe + https GET / + security.txt share one keep-alive connection; the http chain's
    // https hop opens a second one; the hand-built-hello scan opens one per hello, as it reports.
    let scan = ep.tls_scan.value().expect("tls scan");
    assert!(scan.handshakes > 6, "{scan:?}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        2 + usize::try_from(scan.handshakes).expect("fits")
    );
}

#[tokio::test]
async fn closed_ports_are_refused() {
    let dns = common::start_dns().await;
    let mut cfg = common::config(dns.addr);
    cfg.retries = 1;
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    let ep = &obs.endpoints[0];
    for probed in [
        ep.tls.as_result().err().map(|e| e.to_string()),
        ep.http.as_result().err().map(|e| e.to_string()),
    ] {
        let reason = probed.expect("must fail");
        assert!(
            reason.starts_with("Refused failure: TCP connect to 127.0.0.1:"),
            "{reason}"
        );
        assert!(reason.contains("2 attempt(s)"), "{reason}");
    }
    assert!(matches!(
        ep.https,
        Probed::Failed {
            kind: FailureKind::Refused,
            ..
        }
    ));
}

#[tokio::test]
async fn a_silent_server_times_out_within_the_budget() {
    let dns = common::start_dns().await;
    let silent = common::silent_server().await;
    let mut cfg = common::config(dns.addr);
    (cfg.https_port, cfg.http_port) = (silent, silent);
    cfg.handshake_timeout = Duration::from_millis(300);
    cfg.read_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    let ep = &obs.endpoints[0];
    match &ep.tls {
        Probed::Failed {
            kind: FailureKind::Timeout,
            detail,
        } => assert!(detail.contains("handshake_timeout"), "{detail}"),
        other => panic!("expected a TLS timeout, got {other:?}"),
    }
    match &ep.http {
        Probed::Failed {
            kind: FailureKind::Timeout,
            detail,
        } => assert!(detail.contains("read_timeout"), "{detail}"),
        other => panic!("expected an HTTP timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn the_domain_budget_returns_what_was_seen_and_marks_the_rest_as_timeouts() {
    let dns = common::start_dns().await;
    let silent = common::silent_server().await;
    let mut cfg = common::config(dns.addr);
    (cfg.https_port, cfg.http_port) = (silent, silent);
    cfg.handshake_timeout = Duration::from_secs(30);
    cfg.domain_timeout = Duration::from_millis(700);
    let started = Instant::now();
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert!(obs.duration_ms >= 600, "{}", obs.duration_ms);
    assert!(
        obs.dns.a.value().is_some(),
        "DNS finished before the budget ran out"
    );
    match &obs.endpoints[0].tls {
        Probed::Failed {
            kind: FailureKind::Timeout,
            detail,
        } => assert!(detail.contains("domain_timeout"), "{detail}"),
        other => panic!("expected a domain timeout, got {other:?}"),
    }
    assert!(
        obs.probed_at.ends_with('Z') && obs.probed_at.contains('T'),
        "{}",
        obs.probed_at
    );
}

#[tokio::test]
async fn connect_overrides_replace_resolved_addresses() {
    let dns = common::start_dns().await;
    let mut cfg = common::config(dns.addr);
    cfg.connect_overrides.insert(
        "nx.test".into(),
        vec![
            "127.0.0.2".parse().expect("ip"),
            "127.0.0.2".parse().expect("ip"),
        ],
    );
    let prober = Prober::new(cfg).expect("prober");
    let obs = prober.probe_domain("nx.test").await;
    assert_eq!(obs.dns.a.value().expect("A"), &Vec::<String>::new());
    assert_eq!(
        obs.endpoints
            .iter()
            .map(|e| e.address.as_str())
            .collect::<Vec<_>>(),
        ["127.0.0.2"]
    );
    assert!(
        obs.endpoints[0].tls.value().is_none(),
        "nothing listens: never a pass"
    );
}

#[tokio::test]
async fn an_invalid_name_fails_dns_without_panicking() {
    let dns = common::start_dns().await;
    let obs = Prober::new(common::config(dns.addr))
        .expect("prober")
        .probe_domain("bad..name")
        .await;
    assert!(matches!(
        obs.dns.a,
        Probed::Failed {
            kind: FailureKind::Dns,
            ..
        }
    ));
    assert!(obs.endpoints.is_empty());
}
