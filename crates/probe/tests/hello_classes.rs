//! Class offers find exactly what single offers find: the scan (which offers every open suite
//! or group in one hello and enumerates inside what the server accepts) against a reference
//! that offers each suite and each group alone, one connection each, on in-process rustls
//! servers with known suite and group sets.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use govscan_model::TlsScan;
use govscan_probe::hello_scan::{ScanOptions, scan};
use govscan_tls_hello::groups::{self, GroupKind};
use govscan_tls_hello::suites::{self, KeyExchange};
use govscan_tls_hello::{
    Flight, FlightReader, HelloSpec, KeyExchangeReply, Progress, ProtocolVersion, ReadUntil,
    ServerReply, build_client_hello,
};
use rustls::crypto::CryptoProvider;
use rustls::version::{TLS12, TLS13};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn options() -> ScanOptions {
    ScanOptions {
        connect_timeout: Duration::from_secs(2),
        reply_timeout: Duration::from_millis(800),
        retries: 0,
        gap: Duration::ZERO,
        max_handshakes: 160,
        lanes: 2,
    }
}

/// A rustls server with the given versions, suites (by IANA id; all when empty) and key
/// exchange groups (by IANA id; all when empty).
async fn server(
    versions: &[&'static rustls::SupportedProtocolVersion],
    suite_ids: &[u16],
    group_ids: &[u16],
) -> SocketAddr {
    let pki = common::Pki::new();
    let leaf = pki.leaf(&["good.test"], -1, 30);
    let mut provider: CryptoProvider = rustls::crypto::aws_lc_rs::default_provider();
    if !suite_ids.is_empty() {
        provider
            .cipher_suites
            .retain(|s| suite_ids.contains(&u16::from(s.suite())));
    }
    if !group_ids.is_empty() {
        provider
            .kx_groups
            .retain(|g| group_ids.contains(&u16::from(g.name())));
    }
    let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(versions)
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(leaf.chain, leaf.key)
        .expect("server cert");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(5), acceptor.accept(tcp)).await;
            });
        }
    });
    addr
}

/// One hello on its own connection; the flight, or `None` for no decided answer.
async fn answer(addr: SocketAddr, spec: &HelloSpec, until: ReadUntil) -> Option<Flight> {
    let mut tcp = TcpStream::connect(addr).await.ok()?;
    tcp.write_all(&build_client_hello(spec)).await.ok()?;
    let mut reader = FlightReader::new(until);
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut buf))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return reader.finish("end of stream");
        }
        if let Progress::Done(flight) = reader.feed(&buf[..n]) {
            return Some(flight);
        }
    }
}

/// The suites of `version` the server accepts, each offered alone.
async fn suites_alone(addr: SocketAddr, version: ProtocolVersion) -> BTreeSet<u32> {
    let mut accepted = BTreeSet::new();
    for id in suites::ids_usable_at(version) {
        let spec = HelloSpec::new(version)
            .with_sni("good.test")
            .with_suites(vec![id]);
        if let Some(flight) = answer(addr, &spec, ReadUntil::ServerHello).await {
            let picked = match flight.reply {
                ServerReply::ServerHello {
                    version: v,
                    cipher_suite,
                    ..
                } if v == version => Some(cipher_suite),
                ServerReply::HelloRetryRequest { cipher_suite, .. }
                    if version == ProtocolVersion::Tls13 =>
                {
                    Some(cipher_suite)
                }
                _ => None,
            };
            if picked == Some(id) {
                accepted.insert(u32::from(id));
            }
        }
    }
    accepted
}

/// The TLS 1.3 groups the server accepts, each offered alone.
async fn tls13_groups_alone(addr: SocketAddr) -> BTreeSet<u16> {
    let mut accepted = BTreeSet::new();
    for g in groups::all() {
        let mut spec = HelloSpec::new(ProtocolVersion::Tls13).with_sni("good.test");
        spec.groups = vec![g.id];
        if let Some(flight) = answer(addr, &spec, ReadUntil::ServerHello).await {
            let named = match flight.reply {
                ServerReply::ServerHello {
                    version: ProtocolVersion::Tls13,
                    selected_group,
                    ..
                }
                | ServerReply::HelloRetryRequest { selected_group, .. } => selected_group,
                _ => None,
            };
            if named == Some(g.id) {
                accepted.insert(g.id);
            }
        }
    }
    accepted
}

/// The TLS 1.2 curves the server uses with ECDHE suites, each offered alone.
async fn tls12_curves_alone(addr: SocketAddr) -> BTreeSet<u16> {
    let ecdhe: Vec<u16> = suites::ids_usable_at(ProtocolVersion::Tls12)
        .into_iter()
        .filter(|id| suites::lookup(*id).is_some_and(|s| s.key_exchange == KeyExchange::Ecdhe))
        .collect();
    let mut accepted = BTreeSet::new();
    for g in groups::all()
        .iter()
        .filter(|g| matches!(g.kind, GroupKind::EllipticCurve | GroupKind::Montgomery))
    {
        let mut spec = HelloSpec::new(ProtocolVersion::Tls12)
            .with_sni("good.test")
            .with_suites(ecdhe.clone());
        spec.groups = vec![g.id];
        if let Some(Flight {
            key_exchange: Some(KeyExchangeReply::Ec { curve }),
            ..
        }) = answer(addr, &spec, ReadUntil::KeyExchange).await
            && curve == g.id
        {
            accepted.insert(g.id);
        }
    }
    accepted
}

fn scan_suites(scan: &TlsScan, version: &str) -> BTreeSet<u32> {
    scan.versions
        .iter()
        .filter(|v| v.version == version)
        .flat_map(|v| v.suites.iter().map(|s| s.id))
        .collect()
}

fn scan_groups(scan: &TlsScan, version: &str) -> BTreeSet<u16> {
    scan.groups
        .iter()
        .filter(|g| g.version.as_deref() == Some(version) && g.accepted == Some(true))
        .map(|g| g.id)
        .collect()
}

/// Scans `addr` and checks every accepted-suite and accepted-group set against single offers.
async fn assert_same_as_single_offers(addr: SocketAddr, label: &str) -> TlsScan {
    let result = scan(addr, "good.test", &options()).await;
    let found = result
        .value()
        .unwrap_or_else(|| panic!("{label}: {result:?}"))
        .clone();
    assert!(!found.budget_exhausted, "{label}");
    for (key, version) in [
        ("tls12", ProtocolVersion::Tls12),
        ("tls13", ProtocolVersion::Tls13),
    ] {
        let alone = suites_alone(addr, version).await;
        assert_eq!(scan_suites(&found, key), alone, "{label}: {key} suites");
        if let Some(v) = found.versions.iter().find(|v| v.version == key) {
            assert_eq!(v.accepted, Some(!alone.is_empty()), "{label}: {key}");
            if !alone.is_empty() {
                assert!(v.suites_complete, "{label}: {key} complete");
            }
        }
    }
    if found
        .versions
        .iter()
        .any(|v| v.version == "tls13" && v.accepted == Some(true))
    {
        assert_eq!(
            scan_groups(&found, "tls13"),
            tls13_groups_alone(addr).await,
            "{label}: TLS 1.3 groups"
        );
    }
    assert_eq!(
        scan_groups(&found, "tls12"),
        tls12_curves_alone(addr).await,
        "{label}: TLS 1.2 curves"
    );
    assert_eq!(found.compression_accepted, Some(false), "{label}");
    found
}

#[tokio::test]
async fn many_suites_and_groups_match_single_offers() {
    let addr = server(&[&TLS13, &TLS12], &[], &[]).await;
    let found = assert_same_as_single_offers(addr, "rustls defaults").await;
    // 6 versions; TLS 1.3: 2 more suites + a refusal; TLS 1.2 (one class): 2 more + a refusal;
    // 2 server-order hellos; the groups with no hello of their own for the first pick (the TLS
    // 1.3 version probe's group, the compression hello's curve): one per further accepted
    // group and one refusal per version, and TLS 1.2's refusal asked again with the last curve
    // offered last.
    let accepted = found
        .groups
        .iter()
        .filter(|g| g.accepted == Some(true))
        .count();
    assert_eq!(
        found.handshakes as usize,
        6 + 3 + 3 + 2 + 1 + (accepted - 2) + 2 + 1,
        "{:#?}",
        found.groups
    );
}

#[tokio::test]
async fn few_suites_and_one_group_match_single_offers() {
    // One TLS 1.2 suite, two TLS 1.3 suites, one group (secp384r1).
    let addr = server(&[&TLS13, &TLS12], &[0xC02C, 0x1301, 0x1302], &[0x0018]).await;
    let found = assert_same_as_single_offers(addr, "few suites").await;
    assert_eq!(
        scan_suites(&found, "tls12"),
        BTreeSet::from([0xC02C]),
        "{found:#?}"
    );
    assert_eq!(scan_groups(&found, "tls13"), BTreeSet::from([0x0018]));
}

#[tokio::test]
async fn tls12_only_matches_single_offers() {
    let addr = server(&[&TLS12], &[0xC02B, 0xCCA9], &[0x001D, 0x0017]).await;
    let found = assert_same_as_single_offers(addr, "TLS 1.2 only").await;
    assert!(scan_groups(&found, "tls13").is_empty());
    assert_eq!(found.groups_version.as_deref(), Some("tls12"));
}
