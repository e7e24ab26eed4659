//! Posting a payload to a webhook: HTTP/1.1 over TCP or TLS (rustls with aws-lc-rs, the
//! Mozilla roots plus any extra roots given), each attempt bounded by one timeout, a bounded
//! number of attempts with a short back-off, redirects never followed, at most 4 KiB of the
//! answer read. The URL is the user's own destination, not a scan target: the scan's address
//! policy does not apply to it (see `docs/operations.md`), and no proxy variable is read.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, USER_AGENT};
use hyper_util::rt::TokioIo;
use rustls::RootCertStore;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use url::Url;

/// Most addresses of a host name tried in one attempt.
const MAX_ADDRESSES: usize = 4;
/// Most bytes of a webhook's answer read (for the error message only).
const MAX_ANSWER: usize = 4 * 1024;

/// How webhooks are posted.
#[derive(Debug, Clone)]
pub struct WebhookOptions {
    /// Bound on one whole attempt (resolve, connect, TLS, request, answer).
    pub timeout: Duration,
    /// Extra attempts after a failure that may pass (no answer, 408, 429, 5xx).
    pub retries: u32,
    /// Roots trusted besides the built-in Mozilla set (an internal chat server's CA).
    pub extra_roots: Vec<CertificateDer<'static>>,
}

/// Why an attempt failed, and whether trying again may help.
#[derive(Debug)]
struct Failure {
    message: String,
    retry: bool,
}

impl Failure {
    fn transient(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            retry: true,
        }
    }

    fn permanent(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            retry: false,
        }
    }
}

/// Why a webhook was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// An extra root certificate was refused by rustls.
    #[error("an extra root certificate is not usable: {0}")]
    ExtraRoot(#[source] rustls::Error),
    /// The TLS client could not be set up.
    #[error("TLS set-up: {0}")]
    TlsSetup(#[source] rustls::Error),
    /// Every attempt failed; the last one's reason ("HTTP 500: …", "no answer within 10 s").
    #[error("{last} (attempt {attempt} of {attempts})")]
    Attempts {
        /// Why the last attempt failed.
        last: String,
        /// The last attempt made (attempts stop early on a failure retrying cannot mend).
        attempt: u32,
        /// The attempts allowed.
        attempts: u32,
    },
}

/// Posts `body` (JSON) to `url`; on success, "HTTP 200 (attempt 1 of 3)".
pub async fn post(
    url: &Url,
    body: Bytes,
    options: &WebhookOptions,
) -> Result<String, WebhookError> {
    let tls = tls_connector(&options.extra_roots)?;
    let attempts = options.retries.saturating_add(1);
    let mut last = WebhookError::Attempts {
        last: String::new(),
        attempt: 0,
        attempts,
    };
    for attempt in 1..=attempts {
        let result = tokio::time::timeout(options.timeout, once(url, body.clone(), &tls)).await;
        let failure = match result {
            Ok(Ok(status)) => {
                return Ok(format!("HTTP {status} (attempt {attempt} of {attempts})"));
            }
            Ok(Err(failure)) => failure,
            Err(_) => Failure::transient(format!(
                "no answer within {}",
                crate::text::duration(options.timeout)
            )),
        };
        last = WebhookError::Attempts {
            last: failure.message,
            attempt,
            attempts,
        };
        if !failure.retry || attempt == attempts {
            break;
        }
        // 1 s, 2 s, 4 s …, at most 8 s between attempts.
        let pause = Duration::from_secs(1u64 << (attempt - 1).min(3));
        tokio::time::sleep(pause).await;
    }
    Err(last)
}

fn tls_connector(
    extra_roots: &[CertificateDer<'static>],
) -> Result<tokio_rustls::TlsConnector, WebhookError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for root in extra_roots {
        roots.add(root.clone()).map_err(WebhookError::ExtraRoot)?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(WebhookError::TlsSetup)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// One attempt: resolve, connect, TLS when `https`, one POST; the status when it is 2xx.
async fn once(url: &Url, body: Bytes, tls: &tokio_rustls::TlsConnector) -> Result<u16, Failure> {
    let host = url
        .host()
        .ok_or_else(|| Failure::permanent("the URL has no host"))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| Failure::permanent("the URL has no port"))?;
    let (name, addresses): (String, Vec<SocketAddr>) = match host {
        url::Host::Ipv4(ip) => (ip.to_string(), vec![SocketAddr::new(ip.into(), port)]),
        url::Host::Ipv6(ip) => (ip.to_string(), vec![SocketAddr::new(ip.into(), port)]),
        url::Host::Domain(domain) => {
            let found = tokio::net::lookup_host((domain, port))
                .await
                .map_err(|e| Failure::transient(format!("cannot resolve {domain}: {e}")))?;
            (domain.to_owned(), found.take(MAX_ADDRESSES).collect())
        }
    };
    let stream = connect(&addresses).await?;
    if url.scheme() == "https" {
        let server_name = ServerName::try_from(name.clone())
            .map_err(|e| Failure::permanent(format!("{name} is not a TLS server name: {e}")))?;
        let stream = tls
            .connect(server_name, stream)
            .await
            .map_err(|e| Failure::transient(format!("TLS with {name}: {e}")))?;
        request(stream, url, body).await
    } else {
        request(stream, url, body).await
    }
}

async fn connect(addresses: &[SocketAddr]) -> Result<TcpStream, Failure> {
    let mut last = Failure::transient("the host name has no address");
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Failure::transient(format!("connecting to {address}: {e}")),
        }
    }
    Err(last)
}

/// Sends the POST over an open stream and judges the answer.
async fn request<S>(stream: S, url: &Url, body: Bytes) -> Result<u16, Failure>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| Failure::transient(format!("HTTP: {e}")))?;
    let driver = tokio::spawn(connection);
    let mut path = url.path().to_owned();
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let mut builder = hyper::Request::post(path)
        .header(HOST, host)
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .header(
            USER_AGENT,
            concat!("govscan/", env!("CARGO_PKG_VERSION"), " (notification)"),
        );
    if let Some(credentials) = basic_auth(url) {
        builder = builder.header(AUTHORIZATION, credentials);
    }
    let request = builder
        .body(Full::new(body))
        .map_err(|e| Failure::permanent(format!("building the request: {e}")))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| Failure::transient(format!("HTTP: {e}")))?;
    let status = response.status();
    let answer = match Limited::new(response.into_body(), MAX_ANSWER)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    driver.abort();
    if status.is_success() {
        return Ok(status.as_u16());
    }
    let said = crate::text::plain(&String::from_utf8_lossy(&answer), 200);
    let message = if said.trim().is_empty() {
        format!("HTTP {}", status.as_u16())
    } else {
        format!("HTTP {}: {said}", status.as_u16())
    };
    if status.is_redirection() {
        return Err(Failure::permanent(format!(
            "{message} (redirects are not followed: give the final URL)"
        )));
    }
    let retry = status.is_server_error() || matches!(status.as_u16(), 408 | 429);
    Err(Failure { message, retry })
}

/// `Authorization: Basic …` from the URL's user and password, when it has them.
fn basic_auth(url: &Url) -> Option<String> {
    use base64::Engine as _;
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let pair = format!(
        "{}:{}",
        decode(url.username()),
        decode(url.password().unwrap_or_default())
    );
    Some(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    ))
}
