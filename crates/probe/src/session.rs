//! One endpoint's connection session: at most one open connection (http or https) at a time,
//! reused across requests of the same scheme and port, each holding its limiter permits.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use govscan_model::{CertificateDer, FailureKind, TlsObservation, TrustVerdict};
use http_body_util::Empty;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::Inner;
use crate::net::{ConnCounter, ConnPermit, Failure, Pacing, connect_tcp};

/// Fewest header bytes hyper accepts as a read buffer limit.
const MIN_HYPER_BUF: usize = 8192;
/// Most header lines accepted in one response.
const MAX_HEADER_LINES: usize = 256;

/// http or https.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// An open HTTP/1.1 connection and what keeps it alive.
pub(crate) struct OpenConn {
    scheme: Scheme,
    port: u16,
    pub(crate) sender: SendRequest<Empty<Bytes>>,
    task: JoinHandle<()>,
    _permit: ConnPermit,
}

impl Drop for OpenConn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The connection state of one endpoint of one domain.
pub(crate) struct Session<'a> {
    pub(crate) inner: &'a Inner,
    pub(crate) domain: &'a str,
    pub(crate) ip: IpAddr,
    pub(crate) conn: Option<OpenConn>,
    /// Where this session's connections are counted.
    pub(crate) counter: &'a ConnCounter,
}

impl<'a> Session<'a> {
    /// A session with no connection yet, counting its connections in `counter`.
    pub(crate) fn new(
        inner: &'a Inner,
        domain: &'a str,
        ip: IpAddr,
        counter: &'a ConnCounter,
    ) -> Session<'a> {
        Session {
            inner,
            domain,
            ip,
            conn: None,
            counter,
        }
    }

    /// Opens an https connection on the configured port and returns what its handshake showed;
    /// the connection stays open for the next https request.
    pub(crate) async fn open_tls(&mut self) -> Result<TlsObservation, Failure> {
        self.conn = None;
        let (conn, tls) = self
            .open(Scheme::Https, self.inner.config.https_port)
            .await?;
        self.conn = Some(conn);
        tls.ok_or_else(|| {
            Failure::new(
                FailureKind::Other,
                "TLS connection opened without a handshake record",
            )
        })
    }

    /// Makes sure an open, ready connection for `scheme`/`port` exists; returns true if reused.
    pub(crate) async fn ensure(&mut self, scheme: Scheme, port: u16) -> Result<bool, Failure> {
        if let Some(conn) = self.conn.as_mut()
            && conn.scheme == scheme
            && conn.port == port
            && !conn.sender.is_closed()
        {
            let ready =
                tokio::time::timeout(self.inner.config.read_timeout, conn.sender.ready()).await;
            if matches!(ready, Ok(Ok(()))) {
                return Ok(true);
            }
        }
        // One connection at a time: close the old one (and free its permits) first.
        self.conn = None;
        let (conn, _) = self.open(scheme, port).await?;
        self.conn = Some(conn);
        Ok(false)
    }

    /// Opens a connection: permits, TCP connect (with retries), TLS if https, HTTP/1.1 handshake.
    async fn open(
        &self,
        scheme: Scheme,
        port: u16,
    ) -> Result<(OpenConn, Option<TlsObservation>), Failure> {
        let config = &self.inner.config;
        let limits = &self.inner.limits;
        // Refused before waiting for a slot; connect_tcp checks the address again as it connects.
        limits
            .policy()
            .check_host(self.domain)
            .map_err(|refusal| Failure::new(FailureKind::Blocked, refusal.reason))?;
        limits.admit(self.ip)?;
        let permit = limits.acquire_for(self.ip, self.counter).await?;
        let addr = SocketAddr::new(self.ip, port);
        let pacing = Pacing {
            limits: Some(&self.inner.limits),
            counter: Some(self.counter),
        };
        let tcp = connect_tcp(addr, config.connect_timeout, config.retries, pacing).await?;
        match scheme {
            Scheme::Http => {
                let (sender, task) = self.http_handshake(tcp, addr).await?;
                Ok((
                    OpenConn {
                        scheme,
                        port,
                        sender,
                        task,
                        _permit: permit,
                    },
                    None,
                ))
            }
            Scheme::Https => {
                let (tls, observation) = self.tls_handshake(tcp, addr).await?;
                let (sender, task) = self.http_handshake(tls, addr).await?;
                Ok((
                    OpenConn {
                        scheme,
                        port,
                        sender,
                        task,
                        _permit: permit,
                    },
                    Some(observation),
                ))
            }
        }
    }

    /// TLS 1.2/1.3 handshake with SNI = domain, ALPN http/1.1, recording verifier.
    async fn tls_handshake(
        &self,
        tcp: tokio::net::TcpStream,
        addr: SocketAddr,
    ) -> Result<(TlsStream<tokio::net::TcpStream>, TlsObservation), Failure> {
        tls_handshake_on(
            self.inner,
            self.domain,
            self.counter,
            tcp,
            addr,
            &[b"http/1.1"],
        )
        .await
    }

    /// HTTP/1.1 client handshake over any stream; the connection is driven by a spawned task.
    async fn http_handshake<S>(
        &self,
        stream: S,
        addr: SocketAddr,
    ) -> Result<(SendRequest<Empty<Bytes>>, JoinHandle<()>), Failure>
    where
        S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let header_cap = self.inner.config.header_cap;
        let mut builder = http1::Builder::new();
        builder
            .max_header_size(header_cap)
            .max_buf_size(header_cap.max(MIN_HYPER_BUF))
            .max_headers(MAX_HEADER_LINES);
        let (sender, connection) = builder
            .handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
            .await
            .map_err(|e| {
                Failure::new(
                    FailureKind::Http,
                    format!("HTTP/1.1 setup on {addr} failed: {e}"),
                )
            })?;
        let task = tokio::spawn(async move {
            // Errors surface on the request side; the driver's own result adds nothing.
            let _ = connection.await;
        });
        Ok((sender, task))
    }
}

/// A TLS 1.2/1.3 handshake over `tcp` with SNI `sni`, offering `alpn`, through the recording
/// verifier (the chain and both trust verdicts are kept whatever they are). Used for HTTPS and,
/// after STARTTLS, for SMTP.
pub(crate) async fn tls_handshake_on<S>(
    inner: &Inner,
    sni: &str,
    counter: &ConnCounter,
    tcp: S,
    addr: SocketAddr,
    alpn: &[&[u8]],
) -> Result<(TlsStream<S>, TlsObservation), Failure>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let trust = &inner.trust;
    let tls_fail = |detail: String| Failure::new(FailureKind::Tls, detail);
    counter.tls();
    let (verifier, seen) = trust.recorder();
    let mut client = ClientConfig::builder_with_provider(trust.provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| tls_fail(format!("TLS client configuration: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    client.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let server_name = ServerName::try_from(sni.to_string())
        .map_err(|e| tls_fail(format!("{:?} cannot be sent as SNI: {e}", sni)))?;
    let connector = TlsConnector::from(Arc::new(client));
    let budget = inner.config.handshake_timeout;
    let stream = match tokio::time::timeout(budget, connector.connect(server_name, tcp)).await {
        Err(_) => {
            return Err(Failure::new(
                FailureKind::Timeout,
                format!(
                    "TLS handshake with {addr} (SNI {}) timed out after {budget:?} (handshake_timeout)",
                    sni
                ),
            ));
        }
        Ok(Err(e)) => {
            return Err(tls_fail(format!(
                "TLS handshake with {addr} (SNI {}) failed: {e}",
                sni
            )));
        }
        Ok(Ok(stream)) => stream,
    };
    let recorded = seen.lock().unwrap_or_else(|p| p.into_inner()).take();
    let Some(recorded) = recorded else {
        return Err(tls_fail(format!(
            "TLS handshake with {addr} completed without presenting a certificate to the verifier"
        )));
    };
    let (_, conn) = stream.get_ref();
    let observation = TlsObservation {
        version: conn
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default(),
        cipher_suite: conn
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default(),
        key_exchange_group: conn
            .negotiated_key_exchange_group()
            .map(|g| format!("{:?}", g.name())),
        alpn: conn
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        chain: recorded
            .chain
            .iter()
            .map(|c| CertificateDer {
                der_base64: base64_der(c.as_ref()),
            })
            .collect(),
        ocsp_stapled: (!recorded.ocsp.is_empty()).then(|| base64_der(&recorded.ocsp)),
        trust: TrustVerdict {
            at_scan_time: recorded.at_scan_time,
            chain_only: recorded.chain_only,
            roots: trust.roots.clone(),
        },
        sni: sni.to_string(),
        handshake_signature: recorded.handshake_signature,
    };
    Ok((stream, observation))
}

/// Standard base64 (padded) of DER bytes.
fn base64_der(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
