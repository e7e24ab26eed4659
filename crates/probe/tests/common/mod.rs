//! Test fixtures on loopback: an in-process authoritative DNS zone, a test PKI, and tiny
//! HTTP/HTTPS servers with scripted responses.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use govscan_probe::ProbeConfig;
use hickory_server::Server;
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// The test zone: everything lives under `test.`.
pub const ZONE: &str = r#"
$ORIGIN test.
$TTL 60
@        IN SOA  ns1.test. hostmaster.test. 2024010101 3600 600 86400 60
@        IN NS   ns1.test.
ns1      IN A    127.0.0.1
good     IN A    127.0.0.1
good     IN TXT  "v=spf1 " "-all"
good     IN TXT  "other"
good     IN MX   10 mail.good.test.
_dmarc.good IN TXT "v=DMARC1; p=reject; " "rua=mailto:d@good.test"
nullmx   IN MX   0 .
caa      IN CAA  0 issue "ca.example.net"
caa      IN CAA  128 iodef "mailto:sec@caa.test"
a.b.caa  IN A    127.0.0.2
loop     IN CNAME loop2.test.
loop2    IN CNAME loop.test.
"#;

/// A running in-process DNS server; dropping it stops it.
pub struct DnsFixture {
    pub addr: SocketAddr,
    _server: Server<Catalog>,
}

/// Starts the test zone on a random loopback port (UDP and TCP on the same port).
pub async fn start_dns() -> DnsFixture {
    start_dns_zone(ZONE).await
}

/// Starts `zone` (master-file text for `test.`) on a random loopback port.
pub async fn start_dns_zone(zone: &str) -> DnsFixture {
    let origin = Name::from_ascii("test.").expect("origin");
    let (_, records) = Parser::new(zone, None, Some(origin.clone()))
        .parse()
        .expect("zone parses");
    let zone = InMemoryZoneHandler::<hickory_server::net::runtime::TokioRuntimeProvider>::new(
        origin.clone(),
        records,
        ZoneType::Primary,
        AxfrPolicy::Deny,
        None,
    )
    .expect("zone");
    let mut catalog = Catalog::new();
    catalog.upsert(LowerName::new(&origin), vec![Arc::new(zone)]);
    let mut server = Server::new(catalog);
    let (udp, tcp, addr) = udp_and_tcp_on_one_port().await;
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(5), 4096);
    DnsFixture {
        addr,
        _server: server,
    }
}

/// A UDP socket and a TCP listener on the same random loopback port. The port is picked by
/// binding UDP; another process may hold TCP on that number, so a taken port is retried with
/// a new one (bounded: 20 tries).
async fn udp_and_tcp_on_one_port() -> (UdpSocket, TcpListener, SocketAddr) {
    let mut last_error = None;
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").await.expect("udp bind");
        let addr = udp.local_addr().expect("udp addr");
        match TcpListener::bind(addr).await {
            Ok(tcp) => return (udp, tcp, addr),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last_error = Some(e),
            Err(e) => panic!("tcp bind on {addr}: {e}"),
        }
    }
    panic!("no port free for both UDP and TCP after 20 tries: {last_error:?}");
}

/// Short, test-sized budgets; DNS goes to the fixture; no retries unless a test asks. The
/// fixtures live on loopback, so the address policy allows private and loopback addresses.
pub fn config(dns: SocketAddr) -> ProbeConfig {
    ProbeConfig {
        resolver: Some(dns),
        allow_private: true,
        connect_timeout: Duration::from_secs(2),
        handshake_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        domain_timeout: Duration::from_secs(20),
        dns_timeout: Duration::from_secs(2),
        retries: 0,
        http_port: closed_port(),
        https_port: closed_port(),
        ..ProbeConfig::default()
    }
}

/// A loopback port with nothing listening (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A test CA that issues leaves.
pub struct Pki {
    pub ca: CertifiedIssuer<'static, KeyPair>,
    pub ca_file: PathBuf,
    _dir: tempfile::TempDir,
}

/// A leaf certificate chain and its key.
pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Pki {
    /// A fresh CA, its certificate written as PEM to a temp file.
    pub fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "govscan test CA");
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(365);
        params.not_after = now + time::Duration::days(365);
        let ca =
            CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("ca");
        let dir = tempfile::tempdir().expect("tempdir");
        let ca_file = dir.path().join("test-ca.pem");
        std::fs::write(&ca_file, ca.pem()).expect("write ca");
        Pki {
            ca,
            ca_file,
            _dir: dir,
        }
    }

    /// A leaf for `names`, valid from `from_days` to `to_days` relative to now; chain = [leaf, ca].
    pub fn leaf(&self, names: &[&str], from_days: i64, to_days: i64) -> Leaf {
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("params");
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now + time::Duration::days(from_days);
        params.not_after = now + time::Duration::days(to_days);
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.ca).expect("sign");
        Leaf {
            chain: vec![cert.der().clone(), self.ca.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

/// Maps a request path to a raw HTTP response.
pub type Handler = Arc<dyn Fn(&str) -> Vec<u8> + Send + Sync>;

/// Builds a raw response with Content-Length.
pub fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// Serves scripted responses on one connection until the client goes away.
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, handler: Handler) {
    loop {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
            match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut byte)).await {
                Ok(Ok(1)) => head.push(byte[0]),
                _ => return,
            }
        }
        let text = String::from_utf8_lossy(&head);
        let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
        if stream.write_all(&handler(&path)).await.is_err() {
            return;
        }
        let _ = stream.flush().await;
    }
}

/// A plain HTTP server on a random loopback port.
pub async fn http_server(handler: Handler) -> u16 {
    http_server_with(|_| handler).await
}

/// An HTTP server whose handler is made knowing the server's own port (for absolute Locations).
pub async fn http_server_with(make: impl FnOnce(u16) -> Handler) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handler = make(port);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(serve(tcp, handler.clone()));
        }
    });
    port
}

/// An HTTPS server with `leaf`, the given TLS versions and optional OCSP staple.
pub async fn https_server(
    leaf: Leaf,
    versions: &[&'static rustls::SupportedProtocolVersion],
    ocsp: Vec<u8>,
    handler: Handler,
) -> u16 {
    https_server_counted(leaf, versions, ocsp, handler, Arc::new(AtomicUsize::new(0))).await
}

/// As `https_server`, counting accepted TCP connections in `accepted`.
pub async fn https_server_counted(
    leaf: Leaf,
    versions: &[&'static rustls::SupportedProtocolVersion],
    ocsp: Vec<u8>,
    handler: Handler,
    accepted: Arc<AtomicUsize>,
) -> u16 {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert_with_ocsp(leaf.chain, leaf.key, ocsp)
        .expect("server cert");
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            accepted.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            let handler = handler.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    serve(tls, handler).await;
                }
            });
        }
    });
    port
}

/// A server that accepts connections and never sends a byte (holds them for 30 s).
pub async fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(30)).await;
                drop(tcp);
            });
        }
    });
    port
}

/// A handler that answers 200 "ok" everywhere.
pub fn ok_handler() -> Handler {
    Arc::new(|path: &str| {
        if path == "/.well-known/security.txt" {
            response(
                "200 OK",
                &[("Content-Type", "text/plain")],
                b"Contact: mailto:sec@good.test\nExpires: 2099-01-01T00:00:00Z\n",
            )
        } else {
            response(
                "200 OK",
                &[("Strict-Transport-Security", "max-age=31536000")],
                b"ok",
            )
        }
    })
}

/// A server that writes `reply` as soon as a client connects (after reading a little), then closes.
pub async fn raw_server(reply: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 512];
                let _ = tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut buf)).await;
                let _ = tcp.write_all(&reply).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    port
}
