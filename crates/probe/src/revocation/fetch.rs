//! One HTTP/1.1 exchange with a revocation source (a CRL location or an OCSP responder), over
//! plain http:// only, through the probe's connection limits (`net.rs`) and address policy:
//! one connection per request (`Connection: close`), no redirects followed, the body capped and
//! the whole exchange time-bounded.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use govscan_model::{FailureKind, Probed, RevocationResponse};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::header::{ACCEPT, CONNECTION, CONTENT_TYPE, HOST, USER_AGENT};
use hyper_util::rt::TokioIo;
use tokio::time::Instant;
use url::Url;

use crate::Inner;
use crate::net::{ConnCounter, Failure, Pacing, connect_tcp};

/// What to send.
pub(crate) struct Ask<'a> {
    /// The full URL (for an OCSP GET, with the encoded request as its last path segment).
    pub(crate) url: &'a Url,
    /// A POST body and its content type; `None` for GET.
    pub(crate) post: Option<(&'static str, Vec<u8>)>,
    /// The Accept header.
    pub(crate) accept: &'static str,
    /// Most body bytes accepted; a longer body fails the fetch as too large.
    pub(crate) cap: usize,
}

/// A completed exchange: the record for the observations, and the body.
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    pub(crate) record: RevocationResponse,
    pub(crate) body: Vec<u8>,
}

/// Where to connect for `url`, or why the source is not asked (the address policy) or
/// unreachable (DNS). The one address policy of the probe decides (`policy::AddressPolicy`);
/// `connect_tcp` checks the exact address again.
async fn address(inner: &Inner, url: &Url) -> Result<SocketAddr, Probed<Fetched>> {
    let port = url.port().unwrap_or(80);
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => allowed(inner, IpAddr::V4(ip))?,
        Some(url::Host::Ipv6(ip)) => allowed(inner, IpAddr::V6(ip))?,
        Some(url::Host::Domain(host)) => {
            let host = host.trim_end_matches('.').to_ascii_lowercase();
            crate::offsite::allowed_address(inner, &host).await?
        }
        None => {
            return Err(Probed::failed(
                FailureKind::Other,
                format!("{url} names no host"),
            ));
        }
    };
    Ok(SocketAddr::new(ip, port))
}

/// An address literal in a URL, if the address policy allows it.
fn allowed(inner: &Inner, ip: IpAddr) -> Result<IpAddr, Probed<Fetched>> {
    inner
        .limits
        .policy()
        .check(ip)
        .map(|()| ip)
        .map_err(|refusal| Probed::failed(FailureKind::Blocked, refusal.reason))
}

/// Makes one request; every failure is recorded as data.
pub(crate) async fn fetch(inner: &Inner, ask: Ask<'_>) -> Probed<Fetched> {
    let addr = match address(inner, ask.url).await {
        Ok(addr) => addr,
        Err(not_asked) => return not_asked,
    };
    let started = Instant::now();
    match exchange(inner, addr, &ask).await {
        Ok((status, content_type, body)) => Probed::ok(Fetched {
            record: RevocationResponse {
                address: addr.to_string(),
                status,
                content_type,
                bytes: body.len() as u64,
                duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                body_base64: None,
            },
            body,
        }),
        Err(failure) => failure.probed(),
    }
}

/// Connect, send, read the capped body within the budgets.
async fn exchange(
    inner: &Inner,
    addr: SocketAddr,
    ask: &Ask<'_>,
) -> Result<(u16, Option<String>, Vec<u8>), Failure> {
    let config = &inner.config;
    // Revocation fetches go to the CA, not to the endpoint, so they are not counted in the
    // endpoint's connections (nor in the domain's share of slots); the query record itself is
    // their politeness record.
    let counter = ConnCounter::default();
    let _permit = inner.limits.acquire_for(addr.ip(), &counter).await?;
    let pacing = Pacing {
        limits: Some(&inner.limits),
        counter: Some(&counter),
    };
    let tcp = connect_tcp(addr, config.connect_timeout, config.retries, pacing).await?;
    let http_error = |e: hyper::Error| Failure::new(FailureKind::Http, format!("{}: {e}", ask.url));
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(config.header_cap.max(8192))
        .max_headers(256)
        .handshake::<_, Full<Bytes>>(TokioIo::new(tcp))
        .await
        .map_err(http_error)?;
    let driver = AbortOnDrop(tokio::spawn(async move {
        // Errors surface on the request side.
        let _ = connection.await;
    }));
    let host = match ask.url.port() {
        Some(port) => format!("{}:{port}", ask.url.host_str().unwrap_or_default()),
        None => ask.url.host_str().unwrap_or_default().to_string(),
    };
    let target = match ask.url.query() {
        Some(q) => format!("{}?{q}", ask.url.path()),
        None => ask.url.path().to_string(),
    };
    let mut request = Request::builder()
        .uri(target)
        .header(HOST, host)
        .header(USER_AGENT, config.user_agent.as_str())
        .header(ACCEPT, ask.accept)
        .header(CONNECTION, "close");
    let body = match &ask.post {
        Some((content_type, bytes)) => {
            request = request.method("POST").header(CONTENT_TYPE, *content_type);
            Bytes::from(bytes.clone())
        }
        None => Bytes::new(),
    };
    let request = request.body(Full::new(body)).map_err(|e| {
        Failure::new(
            FailureKind::Other,
            format!("cannot build the request for {}: {e}", ask.url),
        )
    })?;
    let read_timeout = config.read_timeout;
    let deadline = Instant::now()
        + read_timeout
            .saturating_mul(2)
            .min(Duration::from_secs(3600));
    let response = tokio::time::timeout(read_timeout, sender.send_request(request))
        .await
        .map_err(|_| {
            Failure::new(
                FailureKind::Timeout,
                format!(
                    "no response head from {} ({addr}) within {read_timeout:?} (read_timeout)",
                    ask.url
                ),
            )
        })?
        .map_err(http_error)?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let mut incoming = response.into_body();
    let mut body = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let frame = match tokio::time::timeout(left, incoming.frame()).await {
            Err(_) => {
                return Err(Failure::new(
                    FailureKind::Timeout,
                    format!(
                        "reading {} ({addr}) took longer than {:?} (2 x read_timeout) after {} bytes",
                        ask.url,
                        read_timeout.saturating_mul(2),
                        body.len()
                    ),
                ));
            }
            Ok(None) => break,
            Ok(Some(frame)) => frame.map_err(http_error)?,
        };
        if let Ok(data) = frame.into_data() {
            if body.len() + data.len() > ask.cap {
                return Err(Failure::new(
                    FailureKind::TooLarge,
                    format!(
                        "{} sent more than the {} bytes accepted for it",
                        ask.url, ask.cap
                    ),
                ));
            }
            body.extend_from_slice(&data);
        }
    }
    drop(driver);
    Ok((status, content_type, body))
}

/// Aborts the connection driver when the exchange ends (or is cancelled).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
