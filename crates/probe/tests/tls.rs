//! TLS probes against in-process rustls servers with a test CA.

mod common;

use govscan_model::{Observations, Probed, RedirectEnd, TlsObservation};
use govscan_probe::Prober;
use rustls::version::{TLS12, TLS13};

/// Probes good.test (A 127.0.0.1 in the fixture zone) with https on `https_port`.
async fn probe(https_port: u16, extra_roots: Vec<std::path::PathBuf>) -> Observations {
    let dns = common::start_dns().await;
    let mut cfg = common::config(dns.addr);
    cfg.https_port = https_port;
    cfg.extra_roots_pem = extra_roots;
    Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await
}

fn tls(obs: &Observations) -> &TlsObservation {
    assert_eq!(obs.endpoints.len(), 1, "one endpoint");
    obs.endpoints[0]
        .tls
        .value()
        .unwrap_or_else(|| panic!("TLS probe: {:?}", obs.endpoints[0].tls))
}

fn kind(v: &Option<govscan_model::VerifierError>) -> Option<&str> {
    v.as_ref().map(|e| e.kind.as_str())
}

#[tokio::test]
async fn valid_chain_is_recorded_and_trusted() {
    let pki = common::Pki::new();
    let leaf = pki.leaf(&["good.test"], -1, 30);
    let port = common::https_server(
        leaf,
        &[&TLS13, &TLS12],
        b"fake-ocsp".to_vec(),
        common::ok_handler(),
    )
    .await;
    let obs = probe(port, vec![pki.ca_file.clone()]).await;
    let t = tls(&obs);
    assert_eq!(t.version, "TLSv1_3");
    assert_eq!(t.chain.len(), 2);
    assert!(t.cipher_suite.starts_with("TLS13_"), "{}", t.cipher_suite);
    assert!(t.key_exchange_group.is_some());
    assert_eq!(t.alpn.as_deref(), Some("http/1.1"));
    assert_eq!(t.sni, "good.test");
    assert_eq!(t.ocsp_stapled.as_deref(), Some("ZmFrZS1vY3Nw"));
    assert_eq!(t.trust.at_scan_time, None);
    assert_eq!(t.trust.chain_only, None);
    assert!(t.trust.roots.contains("test-ca.pem"), "{}", t.trust.roots);
    // The https chain and security.txt went over the same endpoint.
    let https = obs.endpoints[0].https.value().expect("https chain");
    assert_eq!(https.end, RedirectEnd::Final);
    assert_eq!(https.hops[0].status, 200);
    assert_eq!(
        https.hops[0].header("strict-transport-security"),
        Some("max-age=31536000")
    );
    assert_eq!(https.hops[0].body_text, None);
    let sec = obs.endpoints[0].security_txt.value().expect("security.txt");
    assert!(
        sec.body_text
            .as_deref()
            .expect("kept")
            .starts_with("Contact: mailto:sec@good.test")
    );
    assert_eq!(
        sec.url,
        format!("https://good.test:{port}/.well-known/security.txt")
    );
}

#[tokio::test]
async fn tls12_only_server_negotiates_tls12() {
    let pki = common::Pki::new();
    let port = common::https_server(
        pki.leaf(&["good.test"], -1, 30),
        &[&TLS12],
        Vec::new(),
        common::ok_handler(),
    )
    .await;
    let obs = probe(port, vec![pki.ca_file.clone()]).await;
    let t = tls(&obs);
    assert_eq!(t.version, "TLSv1_2");
    assert!(
        t.cipher_suite.starts_with("TLS_ECDHE_"),
        "{}",
        t.cipher_suite
    );
    assert_eq!(t.ocsp_stapled, None);
    assert_eq!(t.trust.at_scan_time, None);
}

#[tokio::test]
async fn expired_leaf_is_expired_now_but_trusted_in_its_window() {
    let pki = common::Pki::new();
    let port = common::https_server(
        pki.leaf(&["good.test"], -60, -30),
        &[&TLS13],
        Vec::new(),
        common::ok_handler(),
    )
    .await;
    let obs = probe(port, vec![pki.ca_file.clone()]).await;
    let t = tls(&obs);
    assert_eq!(
        kind(&t.trust.at_scan_time),
        Some("expired"),
        "{:?}",
        t.trust
    );
    assert_eq!(t.trust.chain_only, None, "{:?}", t.trust);
    // A certificate error does not stop the fetch.
    assert_eq!(
        obs.endpoints[0]
            .https
            .value()
            .expect("https fetched anyway")
            .hops[0]
            .status,
        200
    );
}

#[tokio::test]
async fn not_yet_valid_leaf_is_classified() {
    let pki = common::Pki::new();
    let port = common::https_server(
        pki.leaf(&["good.test"], 10, 40),
        &[&TLS13],
        Vec::new(),
        common::ok_handler(),
    )
    .await;
    let obs = probe(port, vec![pki.ca_file.clone()]).await;
    let t = tls(&obs);
    assert_eq!(
        kind(&t.trust.at_scan_time),
        Some("not_valid_yet"),
        "{:?}",
        t.trust
    );
    assert_eq!(t.trust.chain_only, None);
}

#[tokio::test]
async fn wrong_name_is_not_valid_for_name() {
    let pki = common::Pki::new();
    let port = common::https_server(
        pki.leaf(&["other.test"], -1, 30),
        &[&TLS13],
        Vec::new(),
        common::ok_handler(),
    )
    .await;
    let obs = probe(port, vec![pki.ca_file.clone()]).await;
    let t = tls(&obs);
    assert_eq!(
        kind(&t.trust.at_scan_time),
        Some("not_valid_for_name"),
        "{:?}",
        t.trust
    );
    assert_eq!(kind(&t.trust.chain_only), Some("not_valid_for_name"));
}

#[tokio::test]
async fn unknown_ca_without_extra_roots_is_unknown_issuer() {
    let pki = common::Pki::new();
    let port = common::https_server(
        pki.leaf(&["good.test"], -1, 30),
        &[&TLS13],
        Vec::new(),
        common::ok_handler(),
    )
    .await;
    let obs = probe(port, Vec::new()).await;
    let t = tls(&obs);
    assert_eq!(
        kind(&t.trust.at_scan_time),
        Some("unknown_issuer"),
        "{:?}",
        t.trust
    );
    assert_eq!(kind(&t.trust.chain_only), Some("unknown_issuer"));
    assert!(!t.trust.roots.contains("--ca-file"));
}

#[tokio::test]
async fn a_plain_http_server_on_the_tls_port_is_a_tls_failure() {
    let port = common::raw_server(common::response("400 Bad Request", &[], b"no")).await;
    let obs = probe(port, Vec::new()).await;
    match &obs.endpoints[0].tls {
        Probed::Failed { kind, detail } => {
            assert_eq!(*kind, govscan_model::FailureKind::Tls);
            assert!(
                detail.contains(&format!(
                    "TLS handshake with 127.0.0.1:{port} (SNI good.test) failed"
                )),
                "{detail}"
            );
        }
        other => panic!("expected a TLS failure, got {other:?}"),
    }
    assert!(matches!(obs.endpoints[0].https, Probed::Failed { .. }));
    assert!(matches!(
        obs.endpoints[0].security_txt,
        Probed::Failed { .. }
    ));
}

#[tokio::test]
async fn a_handshake_alert_is_a_tls_failure_naming_the_alert() {
    // A fatal handshake_failure alert record.
    let port = common::raw_server(vec![0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]).await;
    let obs = probe(port, Vec::new()).await;
    match &obs.endpoints[0].tls {
        Probed::Failed { kind, detail } => {
            assert_eq!(*kind, govscan_model::FailureKind::Tls);
            assert!(detail.contains("HandshakeFailure"), "{detail}");
        }
        other => panic!("expected a TLS failure, got {other:?}"),
    }
}

#[test]
fn a_missing_ca_file_is_a_config_error() {
    let cfg = govscan_probe::ProbeConfig {
        resolver: Some("127.0.0.1:53".parse().expect("addr")),
        extra_roots_pem: vec!["/nonexistent/ca.pem".into()],
        ..Default::default()
    };
    let err = Prober::new(cfg).expect_err("missing file");
    assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
}

#[test]
fn a_prober_can_be_built_outside_a_runtime() {
    let cfg = govscan_probe::ProbeConfig {
        resolver: Some("127.0.0.1:53".parse().expect("addr")),
        ..Default::default()
    };
    let prober = Prober::new(cfg).expect("prober");
    assert_eq!(prober.config().https_port, 443);
}
