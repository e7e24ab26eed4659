//! The hand-built-hello scan against in-process servers: a real rustls server, and hostile ones
//! (garbage, truncated records, silence, a closed port) that must end in bounded time with a
//! reason, never a pass or a panic.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use govscan_model::{FailureKind, Probed, TlsScan};
use govscan_probe::hello_scan::{ScanOptions, scan};
use rustls::version::{TLS12, TLS13};

fn options() -> ScanOptions {
    ScanOptions {
        connect_timeout: Duration::from_secs(2),
        reply_timeout: Duration::from_millis(400),
        retries: 0,
        gap: Duration::from_millis(1),
        max_handshakes: 160,
        lanes: 1,
    }
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn accepted(scan: &TlsScan, version: &str) -> Option<bool> {
    scan.versions
        .iter()
        .find(|v| v.version == version)
        .and_then(|v| v.accepted)
}

async fn rustls_server() -> u16 {
    let pki = common::Pki::new();
    let leaf = pki.leaf(&["good.test"], -1, 30);
    common::https_server(leaf, &[&TLS13, &TLS12], Vec::new(), common::ok_handler()).await
}

#[tokio::test]
async fn a_rustls_server_speaks_tls12_and_13_only_with_aead_suites() {
    let port = rustls_server().await;
    let result = scan(addr(port), "good.test", &options()).await;
    let scan = result.value().unwrap_or_else(|| panic!("{result:?}"));
    assert_eq!(accepted(scan, "tls13"), Some(true), "{scan:#?}");
    assert_eq!(accepted(scan, "tls12"), Some(true));
    for legacy in ["tls11", "tls10", "ssl3", "ssl2"] {
        assert_eq!(accepted(scan, legacy), Some(false), "{legacy}: {scan:#?}");
    }
    let versions: Vec<&str> = scan.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(
        versions,
        ["tls13", "tls12", "tls11", "tls10", "ssl3", "ssl2"]
    );
    let tls13 = &scan.versions[0];
    let mut ids: Vec<u32> = tls13.suites.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [0x1301, 0x1302, 0x1303]);
    assert!(tls13.suites_complete);
    let tls12 = &scan.versions[1];
    assert!(tls12.suites_complete);
    // An ECDSA certificate: rustls offers exactly its three ECDHE-ECDSA AEAD suites.
    let mut ids: Vec<u32> = tls12.suites.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [0xC02B, 0xC02C, 0xCCA9], "{:?}", tls12.suites);
    assert!(tls12.server_order.is_some());
    assert_eq!(tls12.secure_renegotiation, Some(true));
    assert_eq!(tls12.extended_master_secret, Some(true));
    assert_eq!(scan.compression_accepted, Some(false));
    assert_eq!(scan.groups_version.as_deref(), Some("tls13"));
    let group = |name: &str, version: &str| {
        scan.groups
            .iter()
            .find(|g| g.name == name && g.version.as_deref() == Some(version))
            .unwrap_or_else(|| panic!("{name} at {version} probed: {:#?}", scan.groups))
            .accepted
    };
    // TLS 1.3 groups and, although TLS 1.3 is accepted, the TLS 1.2 curves too.
    for version in ["tls13", "tls12"] {
        assert_eq!(group("x25519", version), Some(true), "{version}");
        assert_eq!(group("secp256r1", version), Some(true), "{version}");
        assert_eq!(group("secp224r1", version), Some(false), "{version}");
    }
    assert_eq!(group("ffdhe2048", "tls13"), Some(false));
    assert!(
        scan.groups.iter().all(|g| g.accepted.is_some()),
        "{:#?}",
        scan.groups
    );
    // Finite-field groups are not offered as TLS 1.2 curves; DHE is the DHE probe's, and
    // rustls accepts no DHE suite.
    assert!(
        !scan
            .groups
            .iter()
            .any(|g| g.id >= 0x0100 && g.version.as_deref() == Some("tls12"))
    );
    assert_eq!(
        scan.dhe,
        Probed::skipped("no DHE suite is accepted"),
        "{:?}",
        scan.dhe
    );
    assert!(!scan.budget_exhausted);
    // 6 versions + the other two suites and a refusal per version (all open suites offered as
    // one class) + 2 order + 1 compression, then groups enumerated: one hello per accepted
    // group but the first of each version (the TLS 1.3 version probe and the compression hello
    // named it), plus the final refusal per version, and for TLS 1.2 (an ECDSA certificate)
    // that refusal asked again with the last curve picked offered last. (Offering each of the
    // 24 groups alone, for TLS 1.3 only, used to take 41; two suite classes and separate first
    // group picks, 3 more.)
    let accepted_groups = scan
        .groups
        .iter()
        .filter(|g| g.accepted == Some(true))
        .count();
    assert_eq!(
        scan.handshakes as usize,
        6 + 3 + 3 + 2 + 1 + (accepted_groups - 2) + 3,
        "{:#?}",
        scan.groups
    );
}

#[tokio::test]
async fn the_handshake_budget_is_respected_and_reported() {
    let port = rustls_server().await;
    let mut opts = options();
    opts.max_handshakes = 4;
    let result = scan(addr(port), "good.test", &opts).await;
    let scan = result.value().unwrap_or_else(|| panic!("{result:?}"));
    assert!(scan.budget_exhausted);
    assert_eq!(scan.handshakes, 4);
    // The versions probed before the budget ran out are kept.
    assert_eq!(accepted(scan, "tls12"), Some(true));
}

#[tokio::test]
async fn garbage_replies_leave_every_version_unknown_with_a_reason() {
    let port =
        common::raw_server(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec()).await;
    let started = Instant::now();
    let result = scan(addr(port), "good.test", &options()).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    let scan = result.value().unwrap_or_else(|| panic!("{result:?}"));
    assert_eq!(scan.versions.len(), 6);
    for v in &scan.versions {
        assert_eq!(v.accepted, None, "{v:?}");
        assert!(v.detail.contains("not a TLS reply"), "{}", v.detail);
        assert!(v.detail.contains("HTTP/1.1 400"), "{}", v.detail);
    }
    assert!(scan.groups.is_empty());
    assert_eq!(scan.compression_accepted, None);
}

#[tokio::test]
async fn a_truncated_record_is_unknown_not_refused() {
    // A handshake record header announcing 80 bytes, then 3 bytes and EOF.
    let port = common::raw_server(vec![22, 3, 3, 0, 80, 2, 0, 0]).await;
    let result = scan(addr(port), "good.test", &options()).await;
    let scan = result.value().unwrap_or_else(|| panic!("{result:?}"));
    for v in &scan.versions {
        assert_eq!(v.accepted, None, "{v:?}");
        assert!(v.detail.contains("truncated"), "{}", v.detail);
    }
}

#[tokio::test]
async fn a_silent_server_fails_the_probe_quickly() {
    let port = common::silent_server().await;
    let started = Instant::now();
    let result = scan(addr(port), "good.test", &options()).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    match result {
        Probed::Failed { kind, detail } => {
            assert_eq!(kind, FailureKind::Timeout);
            assert!(detail.contains("did not answer"), "{detail}");
            assert!(detail.contains("2 handshake(s)"), "{detail}");
        }
        other => panic!("expected a timeout failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let port = common::closed_port();
    match scan(addr(port), "good.test", &options()).await {
        Probed::Failed { kind, .. } => assert_eq!(kind, FailureKind::Refused),
        other => panic!("expected refused, got {other:?}"),
    }
}

#[tokio::test]
async fn an_alert_to_everything_is_refused_everywhere() {
    // A fatal handshake_failure alert to any hello.
    let port = common::raw_server(vec![21, 3, 3, 0, 2, 2, 40]).await;
    let result = scan(addr(port), "good.test", &options()).await;
    let scan = result.value().unwrap_or_else(|| panic!("{result:?}"));
    for v in &scan.versions {
        assert_eq!(v.accepted, Some(false), "{v:?}");
        assert!(v.detail.contains("handshake_failure"), "{}", v.detail);
    }
    assert_eq!(scan.handshakes, 6);
}

/// Everything a scan found, without its timing.
fn findings(scan: &TlsScan) -> TlsScan {
    TlsScan {
        duration_ms: 0,
        ..scan.clone()
    }
}

#[tokio::test]
async fn two_lanes_find_exactly_what_one_lane_finds() {
    let port = rustls_server().await;
    let one = scan(addr(port), "good.test", &options()).await;
    let two = scan(
        addr(port),
        "good.test",
        &ScanOptions {
            lanes: 2,
            ..options()
        },
    )
    .await;
    let (one, two) = (
        one.value().unwrap_or_else(|| panic!("{one:?}")),
        two.value().unwrap_or_else(|| panic!("{two:?}")),
    );
    // Same versions, suites in the same order, order, groups, DHE and handshake count.
    assert_eq!(findings(one), findings(two));
}
