//! The hello scan over SMTP STARTTLS: one lane and the reduced plan (unit), and against an
//! in-process mail server (SMTP up to STARTTLS, then rustls): one session at a time even when
//! the options allow lanes (the one lane and the SMTP gate both keep it), no server-order
//! hellos, and a server refusing sessions before the hello stops the scan.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use govscan_model::{Probed, TlsScan};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use govscan_tls_hello::ProtocolVersion;

use super::{MailMode, ScanOptions, Scanner, scan_starttls};
use crate::net::{ConnCounter, Limits, Pacing};
use crate::policy::AddressPolicy;
use crate::smtp::gate::SmtpGate;

/// What the fake mail server saw.
#[derive(Default)]
struct Seen {
    /// TCP connections accepted.
    sessions: AtomicUsize,
    /// Sessions between their accept and the server's first TLS reply (or their end).
    waiting: AtomicUsize,
    /// The most sessions ever waiting at once: above 1, a second session was opened while
    /// another hello was unanswered.
    most_waiting: AtomicUsize,
}

/// How the fake server behaves.
#[derive(Clone, Copy)]
enum Mta {
    /// 220, EHLO with STARTTLS, 220 to STARTTLS, then TLS 1.2/1.3 (rustls).
    Tls,
    /// 421 at once to every connection.
    Busy,
}

fn tls_config() -> Arc<rustls::ServerConfig> {
    let key = rcgen::generate_simple_self_signed(vec!["mx.test".to_owned()]).expect("cert");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![key.cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der())),
        )
        .expect("server cert");
    Arc::new(config)
}

async fn start(mta: Mta, seen: Arc<Seen>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let config = tls_config();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            seen.sessions.fetch_add(1, Ordering::SeqCst);
            let now = seen.waiting.fetch_add(1, Ordering::SeqCst) + 1;
            seen.most_waiting.fetch_max(now, Ordering::SeqCst);
            let (seen, config) = (Arc::clone(&seen), Arc::clone(&config));
            tokio::spawn(async move {
                let mut waiting = Waiting(Some(seen));
                // Bounded: the client's own timeouts end every session.
                let _ = session(tcp, mta, config, &mut waiting).await;
            });
        }
    });
    addr
}

/// Counts a session as waiting until its first TLS reply (or its end).
struct Waiting(Option<Arc<Seen>>);

impl Waiting {
    fn answered(&mut self) {
        if let Some(seen) = self.0.take() {
            seen.waiting.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.answered();
    }
}

async fn session(
    mut tcp: TcpStream,
    mta: Mta,
    config: Arc<rustls::ServerConfig>,
    waiting: &mut Waiting,
) -> std::io::Result<()> {
    if let Mta::Busy = mta {
        tcp.write_all(b"421 mx.test busy, try later\r\n").await?;
        return Ok(());
    }
    tcp.write_all(b"220 mx.test ESMTP\r\n").await?;
    read_line(&mut tcp).await?;
    tcp.write_all(b"250-mx.test\r\n250 STARTTLS\r\n").await?;
    read_line(&mut tcp).await?;
    tcp.write_all(b"220 go ahead\r\n").await?;
    let mut conn = rustls::ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut buf = vec![0u8; 16 * 1024];
    let mut first = true;
    loop {
        let n = tcp.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        if first {
            // Widen the window in which a second lane would open another session.
            tokio::time::sleep(Duration::from_millis(30)).await;
            first = false;
        }
        conn.read_tls(&mut &buf[..n])?;
        let processed = conn.process_new_packets();
        let mut out = Vec::new();
        while conn.wants_write() {
            conn.write_tls(&mut out)?;
        }
        if !out.is_empty() {
            waiting.answered();
            tcp.write_all(&out).await?;
        }
        if processed.is_err() {
            return Ok(());
        }
    }
}

async fn read_line(tcp: &mut TcpStream) -> std::io::Result<()> {
    let mut byte = [0u8; 1];
    for _ in 0..512 {
        if tcp.read(&mut byte).await? == 0 || byte[0] == b'\n' {
            return Ok(());
        }
    }
    Ok(())
}

/// Scans `addr` over SMTP with options that would allow four lanes.
async fn scan_mail(addr: SocketAddr) -> Probed<TlsScan> {
    let options = ScanOptions {
        connect_timeout: Duration::from_secs(3),
        reply_timeout: Duration::from_secs(3),
        retries: 0,
        gap: Duration::ZERO,
        max_handshakes: 80,
        lanes: 4,
    };
    let limits = Limits::new(8, 4).with_policy(AddressPolicy::only(addr.ip()));
    let counter = ConnCounter::default();
    let gate = SmtpGate::new(Duration::ZERO);
    let mail = MailMode {
        ehlo_name: "scanner.test",
        step: Duration::from_secs(3),
        gate: &gate,
    };
    scan_starttls(addr, "mx.test", &options, &limits, &counter, mail).await
}

#[test]
fn over_smtp_one_lane_no_legacy_suites_no_server_order() {
    let options = ScanOptions {
        lanes: 4,
        ..ScanOptions::default()
    };
    let pacing = Pacing {
        limits: None,
        counter: None,
    };
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 25);
    let gate = SmtpGate::new(Duration::ZERO);
    let mut scanner = Scanner::new(addr, "mx.test", &options, pacing);
    assert_eq!(scanner.lanes(), 4);
    assert!(scanner.enumerates_suites(ProtocolVersion::Tls10));
    assert!(scanner.probes_server_order());
    scanner.mail = Some(MailMode {
        ehlo_name: "scanner.test",
        step: Duration::from_secs(1),
        gate: &gate,
    });
    assert_eq!(scanner.lanes(), 1);
    for legacy in [
        ProtocolVersion::Ssl3,
        ProtocolVersion::Tls10,
        ProtocolVersion::Tls11,
    ] {
        assert!(!scanner.enumerates_suites(legacy), "{legacy}");
    }
    assert!(scanner.enumerates_suites(ProtocolVersion::Tls12));
    assert!(scanner.enumerates_suites(ProtocolVersion::Tls13));
    assert!(!scanner.probes_server_order());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_smtp_one_session_at_a_time_and_no_server_order() {
    let seen = Arc::new(Seen::default());
    let addr = start(Mta::Tls, Arc::clone(&seen)).await;
    assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    let result = scan_mail(addr).await;
    let scan = result.value().unwrap_or_else(|| panic!("{result:?}"));
    let version = |key: &str| {
        scan.versions
            .iter()
            .find(|v| v.version == key)
            .unwrap_or_else(|| panic!("{key}: {scan:#?}"))
    };
    assert_eq!(version("tls13").accepted, Some(true), "{scan:#?}");
    let tls12 = version("tls12");
    assert_eq!(tls12.accepted, Some(true), "{scan:#?}");
    assert!(tls12.suites.len() >= 2, "{scan:#?}");
    assert!(tls12.suites_complete, "{scan:#?}");
    assert_eq!(tls12.server_order, None, "no server-order hello over SMTP");
    assert_eq!(version("tls13").server_order, None);
    assert!(scan.stopped.is_none(), "{scan:#?}");
    assert!(!scan.budget_exhausted, "{scan:#?}");
    assert_eq!(
        seen.most_waiting.load(Ordering::SeqCst),
        1,
        "a second SMTP session was opened while a hello was unanswered"
    );
    assert_eq!(
        seen.sessions.load(Ordering::SeqCst),
        scan.handshakes as usize,
        "one SMTP session per hello"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_refusing_sessions_before_the_hello_stops_the_scan() {
    let seen = Arc::new(Seen::default());
    let addr = start(Mta::Busy, Arc::clone(&seen)).await;
    let result = scan_mail(addr).await;
    let scan = result.value().unwrap_or_else(|| panic!("{result:?}"));
    let stopped = scan
        .stopped
        .as_deref()
        .unwrap_or_else(|| panic!("{scan:#?}"));
    assert!(stopped.contains("refused 3 sessions in a row"), "{stopped}");
    assert!(stopped.contains("421"), "{stopped}");
    assert_eq!(scan.handshakes, 3, "{scan:#?}");
    assert_eq!(seen.sessions.load(Ordering::SeqCst), 3);
    assert!(
        scan.versions.iter().all(|v| v.accepted != Some(true)),
        "{scan:#?}"
    );
}
