//! The DHE probe and the TLS 1.2 curve enumeration against a scripted TLS 1.2 server on
//! loopback: it reads each ClientHello, picks a suite and a group the way OpenSSL (fixed DH
//! parameters) or an RFC 7919 server would, and answers with ServerHello, Certificate,
//! ServerKeyExchange and ServerHelloDone, spread over several records.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use govscan_model::{DheProbe, TlsScan};
use govscan_probe::hello_scan::{ScanOptions, scan};
use govscan_tls_hello::dh::rfc7919_prime;
use govscan_tls_hello::groups::{FFDHE2048, FFDHE3072, SECP256R1, SECP384R1, X25519};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 and TLS_DHE_RSA_WITH_AES_128_GCM_SHA256.
const ECDHE_RSA: u16 = 0xC02F;
const DHE_RSA: u16 = 0x009E;
/// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.
const ECDHE_ECDSA: u16 = 0xC02B;

/// How the scripted server picks its DH group.
#[derive(Clone)]
enum DhPolicy {
    /// Always this prime, whatever the client offers (OpenSSL with `ssl_dhparam`).
    Fixed(Vec<u8>),
    /// RFC 7919 §4: the first of `known` in the client's list; no DHE suite when the client
    /// offers FFDHE groups but none is known; `fallback` for clients offering none.
    Rfc7919 { known: Vec<u16>, fallback: Vec<u8> },
}

#[derive(Clone)]
struct Server {
    /// Suites in server preference.
    suites: Vec<u16>,
    /// Curves the server knows, in its preference.
    curves: Vec<u16>,
    /// Pick the curve by the server's preference (else the client's, OpenSSL's default).
    server_order: bool,
    /// The curve of an ECDSA certificate: ECDHE suites only when the client offers it
    /// (RFC 8422 §5.1, as OpenSSL enforces it).
    cert_curve: Option<u16>,
    dh: DhPolicy,
}

/// The parts of a ClientHello the scripted server reads.
struct Hello {
    version: u16,
    suites: Vec<u16>,
    groups: Vec<u16>,
    tls13: bool,
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn parse_hello(b: &[u8]) -> Option<Hello> {
    // record(5) handshake header(4) version(2) random(32)
    let version = u16_at(b, 9)?;
    let mut i = 5 + 4 + 2 + 32;
    i += 1 + usize::from(*b.get(i)?);
    let n = usize::from(u16_at(b, i)?);
    let suites = (0..n / 2)
        .filter_map(|k| u16_at(b, i + 2 + 2 * k))
        .collect();
    i += 2 + n;
    i += 1 + usize::from(*b.get(i)?);
    let mut groups = Vec::new();
    let mut tls13 = false;
    if let Some(total) = u16_at(b, i) {
        let end = i + 2 + usize::from(total);
        i += 2;
        while i + 4 <= end {
            let (kind, len) = (u16_at(b, i)?, usize::from(u16_at(b, i + 2)?));
            let data = b.get(i + 4..i + 4 + len)?;
            match kind {
                0x000A => {
                    groups = (0..(len - 2) / 2)
                        .filter_map(|k| u16_at(data, 2 + 2 * k))
                        .collect()
                }
                0x002B => tls13 = data.windows(2).any(|w| w == [3, 4]),
                _ => {}
            }
            i += 4 + len;
        }
    }
    Some(Hello {
        version,
        suites,
        groups,
        tls13,
    })
}

fn message(t: u8, body: &[u8]) -> Vec<u8> {
    let len = (body.len() as u32).to_be_bytes();
    let mut out = vec![t, len[1], len[2], len[3]];
    out.extend_from_slice(body);
    out
}

fn vec16(data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(data);
    out
}

/// Records of at most 300 bytes, so the Certificate and ServerKeyExchange span several.
fn records(content_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in payload.chunks(300) {
        out.extend_from_slice(&[content_type, 3, 3]);
        out.extend_from_slice(&(part.len() as u16).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

const HANDSHAKE_FAILURE: [u8; 7] = [21, 3, 3, 0, 2, 2, 40];
const PROTOCOL_VERSION: [u8; 7] = [21, 3, 3, 0, 2, 2, 70];

impl Server {
    /// The reply to one ClientHello.
    fn answer(&self, hello: &Hello) -> Vec<u8> {
        if hello.tls13 || hello.version != 0x0303 {
            return PROTOCOL_VERSION.to_vec();
        }
        let ffdhe_offered: Vec<u16> = hello
            .groups
            .iter()
            .copied()
            .filter(|g| (0x0100..0x0200).contains(g))
            .collect();
        for suite in &self.suites {
            if !hello.suites.contains(suite) {
                continue;
            }
            let params = if *suite == DHE_RSA {
                let prime = match &self.dh {
                    DhPolicy::Fixed(p) => Some(p.clone()),
                    DhPolicy::Rfc7919 { fallback, .. } if ffdhe_offered.is_empty() => {
                        Some(fallback.clone())
                    }
                    DhPolicy::Rfc7919 { known, .. } => ffdhe_offered
                        .iter()
                        .find(|g| known.contains(g))
                        .and_then(|g| rfc7919_prime(*g)),
                };
                prime.map(|p| {
                    let mut ske = vec16(&p);
                    ske.extend(vec16(&[2]));
                    ske.extend(vec16(&[5; 32]));
                    ske
                })
            } else if self.cert_curve.is_some_and(|c| !hello.groups.contains(&c)) {
                None
            } else {
                let pick = if self.server_order {
                    self.curves.iter().find(|c| hello.groups.contains(c))
                } else {
                    hello.groups.iter().find(|c| self.curves.contains(c))
                };
                pick.map(|c| {
                    let mut ske = vec![3];
                    ske.extend_from_slice(&c.to_be_bytes());
                    ske.extend_from_slice(&[32]);
                    ske.extend_from_slice(&[9; 32]);
                    ske
                })
            };
            let Some(mut ske) = params else { continue };
            ske.extend_from_slice(&[4, 1]);
            ske.extend(vec16(&[7; 64]));
            let mut sh = vec![3, 3];
            sh.extend_from_slice(&[1; 32]);
            sh.push(0);
            sh.extend_from_slice(&suite.to_be_bytes());
            sh.push(0);
            sh.extend(vec16(&[0xFF, 0x01, 0, 1, 0, 0x00, 0x17, 0, 0]));
            let mut flight = message(2, &sh);
            flight.extend(message(11, &[0; 700]));
            flight.extend(message(12, &ske));
            flight.extend(message(14, &[]));
            return records(22, &flight);
        }
        HANDSHAKE_FAILURE.to_vec()
    }
}

async fn start(server: Server) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = Arc::new(server);
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let server = Arc::clone(&server);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut have = 0;
                // Read the whole first record (hellos here are one record).
                while have < 5 || have < 5 + usize::from(u16_at(&buf, 3).unwrap_or(0)) {
                    match tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut buf[have..]))
                        .await
                    {
                        Ok(Ok(n)) if n > 0 => have += n,
                        _ => return,
                    }
                }
                let reply = match buf.first() {
                    Some(22) => parse_hello(&buf[..have]).map(|h| server.answer(&h)),
                    _ => None,
                }
                .unwrap_or_else(|| HANDSHAKE_FAILURE.to_vec());
                let _ = tcp.write_all(&reply).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    addr
}

fn options() -> ScanOptions {
    ScanOptions {
        connect_timeout: Duration::from_secs(2),
        reply_timeout: Duration::from_millis(800),
        retries: 0,
        gap: Duration::from_millis(1),
        max_handshakes: 160,
        lanes: 1,
    }
}

async fn scan_of(server: Server) -> TlsScan {
    let addr = start(server).await;
    let result = scan(addr, "dhe.test", &options()).await;
    result
        .value()
        .cloned()
        .unwrap_or_else(|| panic!("{result:?}"))
}

fn dhe(scan: &TlsScan) -> &DheProbe {
    scan.dhe
        .value()
        .unwrap_or_else(|| panic!("no DHE probe: {:?}", scan.dhe))
}

/// A 1024-bit (non-RFC 7919) prime: only its size matters to the probe.
fn prime_1024() -> Vec<u8> {
    let mut p = vec![0xD7; 128];
    p[127] = 0x33;
    p
}

fn prime_2048() -> Vec<u8> {
    vec![0xE1; 256]
}

#[tokio::test]
async fn a_fixed_1024_bit_group_is_measured_and_curves_are_read_from_the_key_exchange() {
    let scan = scan_of(Server {
        suites: vec![ECDHE_RSA, DHE_RSA],
        curves: vec![X25519, SECP256R1],
        server_order: false,
        cert_curve: None,
        dh: DhPolicy::Fixed(prime_1024()),
    })
    .await;
    let tls12 = scan
        .versions
        .iter()
        .find(|v| v.version == "tls12")
        .expect("tls12");
    assert_eq!(tls12.accepted, Some(true));
    let mut suites: Vec<u32> = tls12.suites.iter().map(|s| s.id).collect();
    suites.sort_unstable();
    assert_eq!(suites, [u32::from(DHE_RSA), u32::from(ECDHE_RSA)]);
    // The curves, enumerated through the ServerKeyExchange: x25519 and P-256 picked, then a
    // refusal for every other curve.
    let accepted: Vec<&str> = scan
        .groups
        .iter()
        .filter(|g| g.accepted == Some(true))
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(accepted, ["secp256r1", "x25519"], "{:#?}", scan.groups);
    assert!(
        scan.groups
            .iter()
            .all(|g| g.version.as_deref() == Some("tls12"))
    );
    assert!(scan.groups.iter().all(|g| g.accepted.is_some()));
    let probe = dhe(&scan);
    assert_eq!(probe.version, "tls12");
    assert!(probe.complete, "{probe:#?}");
    // Without supported_groups, and with the RFC 7919 groups offered: the same 1024-bit prime,
    // so the server ignores RFC 7919 and the probe stops after two hellos.
    assert_eq!(probe.hellos.len(), 2, "{probe:#?}");
    assert!(probe.hellos[0].offered_groups.is_empty());
    assert_eq!(probe.hellos[1].offered_groups.len(), 5);
    for hello in &probe.hellos {
        let group = hello.group.as_ref().expect("a group");
        assert_eq!((group.prime_bits, group.named.as_deref()), (1024, None));
        assert_eq!(hello.suite.as_ref().map(|s| s.id), Some(u32::from(DHE_RSA)));
    }
    assert!(!scan.budget_exhausted);
}

#[tokio::test]
async fn an_rfc7919_server_is_enumerated_through_its_named_groups() {
    let scan = scan_of(Server {
        suites: vec![DHE_RSA],
        curves: vec![],
        server_order: false,
        cert_curve: None,
        dh: DhPolicy::Rfc7919 {
            known: vec![FFDHE3072, FFDHE2048],
            fallback: prime_2048(),
        },
    })
    .await;
    let probe = dhe(&scan);
    assert!(probe.complete, "{probe:#?}");
    let seen: Vec<(u32, Option<&str>, Option<bool>)> = probe
        .hellos
        .iter()
        .map(|h| {
            (
                h.group.as_ref().map_or(0, |g| g.prime_bits),
                h.group.as_ref().and_then(|g| g.named.as_deref()),
                h.accepted,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (2048, None, Some(true)),
            (2048, Some("ffdhe2048"), Some(true)),
            (3072, Some("ffdhe3072"), Some(true)),
            (0, None, Some(false)),
        ],
        "{probe:#?}"
    );
    assert_eq!(probe.hellos[2].offered_groups.len(), 4);
    assert_eq!(probe.hellos[3].offered_groups.len(), 3);
    // No ECDHE suite: every curve is refused.
    assert!(
        scan.groups.iter().all(|g| g.accepted == Some(false)),
        "{:#?}",
        scan.groups
    );
}

#[tokio::test]
async fn a_dhe_probe_cut_by_the_budget_is_incomplete() {
    let addr = start(Server {
        suites: vec![ECDHE_RSA, DHE_RSA],
        curves: vec![X25519],
        server_order: false,
        cert_curve: None,
        dh: DhPolicy::Fixed(prime_1024()),
    })
    .await;
    // Versions (6), suites (2: one more and a refusal), compression and curves (2: the
    // compression hello names x25519, then a refusal; x25519 came with an RSA-signed suite,
    // so the refusal is not asked again with it offered last): 10; then the last stage starts
    // with the DHE probe: one DHE hello more, and the budget is spent.
    let mut opts = options();
    opts.max_handshakes = 11;
    let result = scan(addr, "dhe.test", &opts).await;
    let scan = result.value().unwrap_or_else(|| panic!("{result:?}"));
    assert!(scan.budget_exhausted);
    let probe = dhe(scan);
    assert!(!probe.complete, "{probe:#?}");
    assert_eq!(probe.hellos.len(), 1);
}

/// The TLS 1.2 curves accepted by a server whose ECDSA certificate is on P-256.
async fn ecdsa_curves(server_order: bool) -> Vec<(String, Option<bool>)> {
    let scan = scan_of(Server {
        suites: vec![ECDHE_ECDSA],
        curves: vec![SECP256R1, X25519, SECP384R1],
        server_order,
        cert_curve: Some(SECP256R1),
        dh: DhPolicy::Fixed(prime_1024()),
    })
    .await;
    let mut seen: Vec<(String, Option<bool>)> = scan
        .groups
        .iter()
        .filter(|g| ["x25519", "secp256r1", "secp384r1", "secp224r1"].contains(&g.name.as_str()))
        .map(|g| (g.name.clone(), g.accepted))
        .collect();
    seen.sort();
    seen
}

#[tokio::test]
async fn an_ecdsa_certificate_curve_does_not_hide_the_other_curves() {
    // P-256 is picked first (it comes before x25519 in the offer); without it the ECDSA
    // certificate is unusable, so the next hellos offer it last, and the client's order
    // brings x25519 and P-384 out.
    assert_eq!(
        ecdsa_curves(false).await,
        [
            ("secp224r1".into(), Some(false)),
            ("secp256r1".into(), Some(true)),
            ("secp384r1".into(), Some(true)),
            ("x25519".into(), Some(true)),
        ]
    );
    // A server that prefers P-256 never uses another curve with a client that can verify its
    // certificate (every such client offers P-256).
    assert_eq!(
        ecdsa_curves(true).await,
        [
            ("secp224r1".into(), Some(false)),
            ("secp256r1".into(), Some(true)),
            ("secp384r1".into(), Some(false)),
            ("x25519".into(), Some(false)),
        ]
    );
}

/// The scan of `server` with `lanes` connections at once, without its timing.
async fn scan_in_lanes(server: Server, lanes: u32) -> TlsScan {
    let addr = start(server).await;
    let options = ScanOptions { lanes, ..options() };
    let result = scan(addr, "dhe.test", &options).await;
    let scan = result
        .value()
        .cloned()
        .unwrap_or_else(|| panic!("{result:?}"));
    TlsScan {
        duration_ms: 0,
        ..scan
    }
}

#[tokio::test]
async fn lanes_find_exactly_what_one_lane_finds_across_server_behaviours() {
    // Suites in both classes (ECDHE-AEAD and the rest), server or client order, an ECDSA
    // certificate's curve, fixed and RFC 7919 DHE groups.
    let servers = [
        Server {
            suites: vec![DHE_RSA, ECDHE_RSA],
            curves: vec![X25519, SECP256R1],
            server_order: true,
            cert_curve: None,
            dh: DhPolicy::Fixed(prime_1024()),
        },
        Server {
            suites: vec![ECDHE_RSA, DHE_RSA],
            curves: vec![SECP256R1, X25519],
            server_order: false,
            cert_curve: None,
            dh: DhPolicy::Rfc7919 {
                known: vec![FFDHE2048, FFDHE3072],
                fallback: prime_2048(),
            },
        },
        Server {
            suites: vec![ECDHE_ECDSA],
            curves: vec![SECP256R1, X25519, SECP384R1],
            server_order: true,
            cert_curve: Some(SECP256R1),
            dh: DhPolicy::Fixed(prime_1024()),
        },
    ];
    for (i, server) in servers.into_iter().enumerate() {
        let one = scan_in_lanes(server.clone(), 1).await;
        let three = scan_in_lanes(server, 3).await;
        assert_eq!(one, three, "server {i}");
    }
}
