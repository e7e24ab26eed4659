//! Webhook delivery against real HTTP servers on loopback (hyper's server, in process): the
//! request as sent, bounded retries on 5xx, no retry on 4xx, redirects refused, a silent
//! server bounded by the timeout, a refused port, HTTPS with an extra root, Basic auth.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use govscan_notify::{Format, WebhookOptions, render_webhook, webhook};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use url::Url;

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// Serves HTTP on a loopback port: the n-th request gets `statuses[n]` (the last one repeats).
async fn server(statuses: Vec<u16>, tls: Option<tokio_rustls::TlsAcceptor>) -> (SocketAddr, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    tokio::spawn(async move {
        // Bounded: a test never makes more than a handful of requests.
        for _ in 0..16 {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let seen = Arc::clone(&seen);
            let statuses = statuses.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let seen = Arc::clone(&seen);
                    let statuses = statuses.clone();
                    async move {
                        let method = request.method().to_string();
                        let target = request.uri().to_string();
                        let headers = request
                            .headers()
                            .iter()
                            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
                            .collect();
                        let body = request
                            .into_body()
                            .collect()
                            .await
                            .expect("body")
                            .to_bytes()
                            .to_vec();
                        let index = {
                            let mut log = seen.lock().expect("log");
                            log.push(Seen {
                                method,
                                target,
                                headers,
                                body,
                            });
                            log.len() - 1
                        };
                        let status = statuses[index.min(statuses.len() - 1)];
                        let mut response = hyper::Response::new(Full::new(Bytes::from(
                            "receiver says <b>no</b>\n",
                        )));
                        *response.status_mut() =
                            hyper::StatusCode::from_u16(status).expect("status");
                        if (300..400).contains(&status) {
                            response
                                .headers_mut()
                                .insert("location", "http://127.0.0.1:1/".parse().expect("value"));
                        }
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let builder = hyper::server::conn::http1::Builder::new();
                match tls {
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            let _ = builder
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        }
                    }
                    None => {
                        let _ = builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                }
            });
        }
    });
    (address, log)
}

fn options(retries: u32) -> WebhookOptions {
    WebhookOptions {
        timeout: Duration::from_secs(5),
        retries,
        extra_roots: Vec::new(),
    }
}

fn body() -> Bytes {
    let n = common::notification(2, Some("https://reports.gov.example/"));
    Bytes::from(render_webhook(Format::Slack, &n).expect("payload"))
}

fn seen(log: &Log) -> Vec<Seen> {
    log.lock().expect("log").clone()
}

#[tokio::test]
async fn posts_the_payload_once() {
    let (address, log) = server(vec![200], None).await;
    let url = Url::parse(&format!("http://{address}/hooks/T0/B0/s3cret?x=1")).expect("url");
    let result = webhook::post(&url, body(), &options(2)).await;
    assert_eq!(result.expect("delivered"), "HTTP 200 (attempt 1 of 3)");
    let seen = seen(&log);
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/hooks/T0/B0/s3cret?x=1");
    assert_eq!(
        request.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(request.header("host"), Some(address.to_string().as_str()));
    assert!(
        request
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("govscan/"))
    );
    assert!(request.header("authorization").is_none());
    let payload: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(payload["blocks"][0]["type"], "header");
}

#[tokio::test]
async fn retries_server_errors_a_bounded_number_of_times() {
    let (address, log) = server(vec![503, 502, 200], None).await;
    let url = Url::parse(&format!("http://{address}/hook")).expect("url");
    let result = webhook::post(&url, body(), &options(2)).await;
    assert_eq!(result.expect("delivered"), "HTTP 200 (attempt 3 of 3)");
    assert_eq!(seen(&log).len(), 3);

    let (address, log) = server(vec![500], None).await;
    let url = Url::parse(&format!("http://{address}/hook")).expect("url");
    let error = webhook::post(&url, body(), &options(1))
        .await
        .expect_err("fails")
        .to_string();
    assert_eq!(seen(&log).len(), 2, "one retry, then it stops");
    assert!(
        error.starts_with("HTTP 500: receiver says <b>no</b>"),
        "{error}"
    );
    assert!(error.ends_with("(attempt 2 of 2)"), "{error}");
}

#[tokio::test]
async fn client_errors_and_redirects_are_not_retried() {
    let (address, log) = server(vec![400], None).await;
    let url = Url::parse(&format!("http://{address}/hook")).expect("url");
    let error = webhook::post(&url, body(), &options(3))
        .await
        .expect_err("fails")
        .to_string();
    assert!(error.starts_with("HTTP 400"), "{error}");
    assert_eq!(seen(&log).len(), 1);

    let (address, log) = server(vec![302], None).await;
    let url = Url::parse(&format!("http://{address}/hook")).expect("url");
    let error = webhook::post(&url, body(), &options(3))
        .await
        .expect_err("fails")
        .to_string();
    assert!(error.contains("redirects are not followed"), "{error}");
    assert_eq!(seen(&log).len(), 1, "the redirect target was never asked");
}

#[tokio::test]
async fn a_silent_server_costs_one_timeout_per_attempt() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    // Accepts and holds connections, never answers.
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        for _ in 0..4 {
            if let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let url = Url::parse(&format!("http://{address}/hook")).expect("url");
    let options = WebhookOptions {
        timeout: Duration::from_millis(300),
        retries: 1,
        extra_roots: Vec::new(),
    };
    let started = Instant::now();
    let error = webhook::post(&url, body(), &options)
        .await
        .expect_err("times out")
        .to_string();
    assert!(error.starts_with("no answer within 300 ms"), "{error}");
    // Two attempts of 0.3 s and a 1 s pause: bounded well under the scan's patience.
    assert!(started.elapsed() < Duration::from_secs(10));
    holder.abort();
}

#[tokio::test]
async fn a_closed_port_is_a_delivery_failure() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let url = Url::parse(&format!("http://{address}/hook")).expect("url");
    let error = webhook::post(&url, body(), &options(0))
        .await
        .expect_err("refused")
        .to_string();
    assert!(error.contains("connecting to"), "{error}");
}

#[tokio::test]
async fn https_needs_a_trusted_certificate() {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("ca");
    let leaf_key = KeyPair::generate().expect("key");
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .expect("params")
        .signed_by(&leaf_key, &ca)
        .expect("leaf");
    let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone(), ca.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let (address, log) = server(vec![204], Some(acceptor)).await;
    let url = Url::parse(&format!("https://localhost:{}/hook", address.port())).expect("url");

    let error = webhook::post(&url, body(), &options(0))
        .await
        .expect_err("untrusted")
        .to_string();
    assert!(error.contains("TLS with localhost"), "{error}");
    assert!(seen(&log).is_empty());

    let mut trusted = options(0);
    trusted.extra_roots.push(ca.der().clone());
    let result = webhook::post(&url, body(), &trusted).await;
    assert_eq!(result.expect("delivered"), "HTTP 204 (attempt 1 of 1)");
    assert_eq!(seen(&log).len(), 1);
}

#[tokio::test]
async fn credentials_in_the_url_become_basic_auth() {
    let (address, log) = server(vec![200], None).await;
    let url = Url::parse(&format!("http://gov%40scan:p%3Ass@{address}/hook")).expect("url");
    webhook::post(&url, body(), &options(0))
        .await
        .expect("sent");
    let seen = seen(&log);
    // base64("gov@scan:p:ss")
    assert_eq!(
        seen[0].header("authorization"),
        Some("Basic Z292QHNjYW46cDpzcw==")
    );
}
