//! The attack of issue 11 as it was found, end to end: a real certificate whose only SAN
//! carries escape sequences, served by `openssl s_server`, probed, judged and scored by the
//! real pipeline, saved in the history, and shown by `govscan diff`: escaped, never raw.

mod terminal_support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use govscan_store::Store;
use terminal_support::{assert_clean, govscan, recorded_scan};

/// The attack as it was found: a real certificate whose only SAN carries a window-title OSC, a
/// screen clear and a colour, served by `openssl s_server`, probed and judged by the real
/// pipeline, saved in the history, and shown by `govscan diff` as a new failure.
#[test]
fn a_certificate_san_with_escape_sequences_reaches_diff_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = make_certificate(dir.path(), "good", "DNS:hostile.test");
    let evil = make_certificate(
        dir.path(),
        "evil",
        "DNS:evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31m.example",
    );
    let db = dir.path().join("history.db");
    let mut store = Store::open(&db).expect("open");
    for (day, (cert, key)) in [good, evil].into_iter().enumerate() {
        let port = free_port();
        let mut server = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("openssl s_server (package openssl)");
        let domain = wait_then_probe(port);
        let _ = server.kill();
        let _ = server.wait();
        let hostname = domain
            .outcomes
            .iter()
            .find(|o| o.check == "cert.hostname-match")
            .expect("judged");
        assert_eq!(
            hostname.status,
            if day == 0 {
                govscan_model::Status::Pass
            } else {
                govscan_model::Status::Fail
            },
            "{}",
            hostname.message
        );
        let mut scan: govscan_model::ScanResult =
            serde_json::from_value(recorded_scan(&format!("2026-11-0{}T02:30:00Z", day + 1)))
                .expect("scan");
        scan.domains = vec![domain];
        store.save_scan(&scan).expect("save");
    }
    drop(store);
    let output = govscan(dir.path(), args!["diff", "--db", &db]);
    assert!(output.status.success(), "{output:?}");
    assert_clean("diff of a hostile certificate", &output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("the certificate is for evil\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m.example"),
        "{text}"
    );
}

/// A self-signed P-256 certificate and key with the given subjectAltName, by the openssl CLI.
fn make_certificate(dir: &Path, name: &str, san: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    );
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "30", "-subj", "/CN=hostile certificate"])
        .arg("-addext")
        .arg(format!("subjectAltName={san}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl req");
    assert!(status.success(), "openssl req failed");
    (cert, key)
}

/// A loopback port with nothing listening (bound, then released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Waits (at most 10 s) for the server on `port`, then probes `hostile.test` there and judges
/// and scores it under the built-in baseline.
fn wait_then_probe(port: u16) -> govscan_model::DomainResult {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "s_server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let timeout = std::time::Duration::from_secs(3);
    let dns = TinyDns::start();
    let config = govscan_probe::ProbeConfig {
        resolver: Some(dns.addr),
        connect_overrides: [(
            "hostile.test".to_owned(),
            vec!["127.0.0.1".parse().expect("ip")],
        )]
        .into(),
        connect_timeout: timeout,
        handshake_timeout: timeout,
        read_timeout: timeout,
        dns_timeout: std::time::Duration::from_millis(200),
        domain_timeout: std::time::Duration::from_secs(20),
        retries: 0,
        http_port: free_port(),
        https_port: port,
        tls_scan: false,
        allow_private: true,
        ..govscan_probe::ProbeConfig::default()
    };
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let prober = govscan_probe::Prober::new(config).expect("prober");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let observations = runtime.block_on(prober.probe_domain("hostile.test"));
    dns.stop();
    let baseline = govscan_score::Baseline::builtin_estonia();
    let context = govscan_checks::Context {
        now_unix: observations_time(),
        params: baseline.params(),
    };
    govscan::judge_domain(
        "hostile.test".to_owned(),
        None,
        observations,
        &govscan_checks::CheckSet::builtin(),
        &baseline,
        &context,
    )
}

fn observations_time() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A loopback DNS server for the probe above: every A query is answered 127.0.0.1, every other
/// query with an empty NOERROR answer. It stops when asked (and within 100 ms).
struct TinyDns {
    addr: std::net::SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl TinyDns {
    fn start() -> TinyDns {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind dns");
        socket
            .set_read_timeout(Some(std::time::Duration::from_millis(100)))
            .expect("timeout");
        let addr = socket.local_addr().expect("addr");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok((len, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                if let Some(reply) = dns_reply(&buf[..len]) {
                    let _ = socket.send_to(&reply, from);
                }
            }
        });
        TinyDns { addr, stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

/// The reply to one query (see [`TinyDns`]); `None` for what is not a one-question query.
fn dns_reply(query: &[u8]) -> Option<Vec<u8>> {
    let mut at = 12;
    while *query.get(at)? != 0 {
        at += 1 + usize::from(query[at]);
    }
    let question_end = at + 5;
    let question = query.get(12..question_end)?;
    let qtype = u16::from_be_bytes([query[at + 1], query[at + 2]]);
    let answers: u16 = u16::from(qtype == 1);
    let mut reply = Vec::with_capacity(64);
    reply.extend_from_slice(query.get(..2)?);
    reply.extend_from_slice(&[0x81, 0x80, 0, 1]);
    reply.extend_from_slice(&answers.to_be_bytes());
    reply.extend_from_slice(&[0, 0, 0, 0]);
    reply.extend_from_slice(question);
    if answers == 1 {
        reply.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
    }
    Some(reply)
}
