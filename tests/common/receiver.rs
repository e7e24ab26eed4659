//! A real HTTP receiver on a loopback port for alert tests (hyper's server, in process): it
//! records each request's path and body and answers with a fixed status. Included with
//! `#[path]` by the tests that need it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// Requests seen: path and body.
pub(crate) type Log = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// An HTTP receiver on a loopback port that records each request's path and body and answers
/// with a fixed status.
pub(crate) struct Receiver {
    pub(crate) address: SocketAddr,
    pub(crate) requests: Log,
    _runtime: tokio::runtime::Runtime,
}

impl Receiver {
    pub(crate) fn start(status: u16) -> Receiver {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let requests: Log = Arc::default();
        let log = Arc::clone(&requests);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let address = listener.local_addr().expect("address");
        runtime.spawn(async move {
            // Bounded: no test here makes more than a few dozen requests.
            for _ in 0..64 {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let service =
                        service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                            let log = Arc::clone(&log);
                            async move {
                                let path = request.uri().to_string();
                                let body = request
                                    .into_body()
                                    .collect()
                                    .await
                                    .map(|b| b.to_bytes().to_vec())
                                    .unwrap_or_default();
                                log.lock().expect("log").push((path, body));
                                let mut response =
                                    hyper::Response::new(Full::new(Bytes::from_static(b"ok")));
                                *response.status_mut() =
                                    hyper::StatusCode::from_u16(status).expect("status");
                                Ok::<_, std::convert::Infallible>(response)
                            }
                        });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Receiver {
            address,
            requests,
            _runtime: runtime,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub(crate) fn bodies(&self) -> Vec<serde_json::Value> {
        self.requests
            .lock()
            .expect("log")
            .iter()
            .map(|(_, body)| serde_json::from_slice(body).expect("JSON body"))
            .collect()
    }
}
