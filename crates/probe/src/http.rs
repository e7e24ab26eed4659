//! HTTP exchanges and hand-walked redirect chains on one endpoint; a hop to another host is
//! followed only when `offsite::hop_address` allows it (target set, address policy).

use std::collections::HashSet;
use std::error::Error as _;
use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use govscan_model::{FailureKind, HttpExchange, HttpHeader, RedirectChain, RedirectEnd};
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::header::{ACCEPT, HOST, USER_AGENT};
use tokio::time::Instant;
use url::Url;

use crate::net::Failure;
use crate::offsite;
use crate::session::{Scheme, Session};

/// Redirect statuses that are followed.
const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

/// What to do with a response body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyPolicy {
    /// Most bytes read.
    pub(crate) cap: usize,
    /// Keep the (capped) body as lossy text.
    pub(crate) keep_text: bool,
    /// An `Origin` request header to send (the CORS probe on the HTTPS home page).
    pub(crate) origin: Option<&'static str>,
}

/// A request that failed, and whether it failed before any response head arrived.
struct SendFailure {
    failure: Failure,
    before_response: bool,
}

impl Session<'_> {
    /// The URL for `path` on this session's domain with the configured port of `scheme`.
    pub(crate) fn url_for(&self, scheme: Scheme, path: &str) -> Result<Url, Failure> {
        let config = &self.inner.config;
        let (name, port, standard) = match scheme {
            Scheme::Http => ("http", config.http_port, 80),
            Scheme::Https => ("https", config.https_port, 443),
        };
        let port_part = if port == standard {
            String::new()
        } else {
            format!(":{port}")
        };
        let text = format!("{name}://{}{port_part}{path}", self.domain);
        Url::parse(&text)
            .map_err(|e| Failure::new(FailureKind::Other, format!("cannot form URL {text:?}: {e}")))
    }

    /// Port to connect to for `url`: explicit port, else the configured port of its scheme.
    fn port_of(&self, url: &Url, scheme: Scheme) -> u16 {
        url.port().unwrap_or(match scheme {
            Scheme::Http => self.inner.config.http_port,
            Scheme::Https => self.inner.config.https_port,
        })
    }

    /// One GET on this endpoint; a reused connection that dies before answering is retried once fresh.
    pub(crate) async fn exchange(
        &mut self,
        url: &Url,
        body: BodyPolicy,
    ) -> Result<HttpExchange, Failure> {
        let scheme = scheme_of(url).ok_or_else(|| {
            Failure::new(
                FailureKind::Other,
                format!("unsupported URL scheme in {url}"),
            )
        })?;
        let port = self.port_of(url, scheme);
        let mut fresh_retry_used = false;
        loop {
            let reused = self.ensure(scheme, port).await?;
            match self.send(url, body).await {
                Ok((exchange, reusable)) => {
                    if !reusable {
                        self.conn = None;
                    }
                    return Ok(exchange);
                }
                Err(e) => {
                    self.conn = None;
                    if reused && e.before_response && !fresh_retry_used {
                        fresh_retry_used = true;
                        continue;
                    }
                    return Err(e.failure);
                }
            }
        }
    }

    /// Sends the request on the open connection and reads the response within the budgets.
    async fn send(
        &mut self,
        url: &Url,
        body: BodyPolicy,
    ) -> Result<(HttpExchange, bool), SendFailure> {
        let config = &self.inner.config;
        let read_timeout = config.read_timeout;
        let total = read_timeout.saturating_mul(2);
        // A budget too large to represent is effectively no total budget (per-read timeouts still apply).
        let deadline = Instant::now().checked_add(total).unwrap_or_else(far_future);
        let early = |failure: Failure| SendFailure {
            failure,
            before_response: true,
        };
        let late = |failure: Failure| SendFailure {
            failure,
            before_response: false,
        };
        let Some(conn) = self.conn.as_mut() else {
            return Err(early(Failure::new(
                FailureKind::Other,
                "no open connection",
            )));
        };
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or(self.domain)),
            None => url.host_str().unwrap_or(self.domain).to_string(),
        };
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let mut request = Request::get(target);
        if let Some(origin) = body.origin {
            request = request.header(hyper::header::ORIGIN, origin);
        }
        let request = request
            .header(HOST, host)
            .header(USER_AGENT, config.user_agent.as_str())
            .header(ACCEPT, "*/*")
            .body(Empty::<Bytes>::new())
            .map_err(|e| {
                early(Failure::new(
                    FailureKind::Other,
                    format!("cannot build request for {url}: {e}"),
                ))
            })?;
        let response = match tokio::time::timeout(read_timeout, conn.sender.send_request(request))
            .await
        {
            Err(_) => {
                return Err(late(Failure::new(
                    FailureKind::Timeout,
                    format!(
                        "no response head from {url} ({}) within {read_timeout:?} (read_timeout)",
                        self.ip
                    ),
                )));
            }
            Ok(Err(e)) => {
                let before = e.is_canceled() || e.is_closed() || e.is_incomplete_message();
                let failure =
                    hyper_failure(&e, url, config.header_cap, "reading the response head from");
                return Err(SendFailure {
                    failure,
                    before_response: before,
                });
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status().as_u16();
        let headers: Vec<HttpHeader> = response
            .headers()
            .iter()
            .map(|(name, value)| HttpHeader {
                name: name.as_str().to_ascii_lowercase(),
                value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            })
            .collect();
        let closes = headers
            .iter()
            .any(|h| h.name == "connection" && h.value.eq_ignore_ascii_case("close"));
        let mut incoming = response.into_body();
        let mut kept: Vec<u8> = Vec::new();
        let mut total: u64 = 0;
        let mut truncated = false;
        let cap = body.cap as u64;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(late(exchange_timeout(url, self.ip, read_timeout)));
            }
            let wait = read_timeout.min(deadline - now);
            let frame = match tokio::time::timeout(wait, incoming.frame()).await {
                Err(_) if wait < read_timeout => {
                    return Err(late(exchange_timeout(url, self.ip, read_timeout)));
                }
                Err(_) => {
                    return Err(late(Failure::new(
                        FailureKind::Timeout,
                        format!(
                            "reading the body of {url} ({}) stalled for {read_timeout:?} (read_timeout) after {total} bytes",
                            self.ip
                        ),
                    )));
                }
                Ok(None) => break,
                Ok(Some(Err(e))) => {
                    return Err(late(hyper_failure(
                        &e,
                        url,
                        config.header_cap,
                        "reading the body of",
                    )));
                }
                Ok(Some(Ok(frame))) => frame,
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let room = cap.saturating_sub(total);
            let take = (data.len() as u64).min(room);
            if body.keep_text {
                kept.extend_from_slice(&data[..take as usize]);
            }
            total += take;
            if (data.len() as u64) > room {
                truncated = true;
                break;
            }
        }
        let body_text = body
            .keep_text
            .then(|| String::from_utf8_lossy(&kept).into_owned());
        let kept_bytes = headers
            .iter()
            .map(|h| json_size(&h.name) + json_size(&h.value))
            .sum::<usize>()
            + body_text.as_deref().map_or(0, json_size);
        if let Some(share) = self.counter.share()
            && !share.keep(kept_bytes)
        {
            return Err(late(Failure::new(
                FailureKind::TooLarge,
                format!(
                    "the response from {url} ({} bytes of headers and text) is not kept: the \
                     domain's budget of {} MiB of kept response data is spent",
                    kept_bytes,
                    crate::fair::KEPT_BYTES_PER_DOMAIN >> 20
                ),
            )));
        }
        let exchange = HttpExchange {
            url: url.to_string(),
            status,
            headers,
            body_len: total,
            body_truncated: truncated,
            body_text,
        };
        Ok((exchange, !truncated && !closes))
    }

    /// `GET start`, then each same-host redirect on this endpoint, hop by hop.
    pub(crate) async fn redirect_chain(
        &mut self,
        start: Url,
        body: BodyPolicy,
    ) -> Result<RedirectChain, Failure> {
        let max = self.inner.config.max_redirects;
        let mut hops: Vec<HttpExchange> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut url = start;
        let mut followed: u32 = 0;
        // Where the current hop goes: this endpoint, or another host of the target set.
        let mut elsewhere: Option<IpAddr> = None;
        loop {
            seen.insert(without_fragment(&url));
            let result = match elsewhere {
                None => self.exchange(&url, body).await,
                Some(ip) => {
                    // One fresh connection per hop to another host; its SNI/Host is that host.
                    // This endpoint's connection is closed first, freeing its slots: holding
                    // one slot while waiting for another deadlocks when both are on one
                    // address (--per-address 1, or apex -> www pairs on shared hosting).
                    self.conn = None;
                    let host = url.host_str().unwrap_or_default().to_string();
                    let mut other = Session::new(self.inner, &host, ip, self.counter);
                    other.exchange(&url, body).await
                }
            };
            let exchange = match result {
                Ok(exchange) => exchange,
                Err(failure) if hops.is_empty() => return Err(failure),
                Err(failure) => {
                    let end = RedirectEnd::HopFailed {
                        url: url.to_string(),
                        detail: failure.detail,
                        failure: Some(failure.kind),
                    };
                    return Ok(RedirectChain { hops, end });
                }
            };
            let status = exchange.status;
            let location = exchange.header("location").map(str::to_string);
            hops.push(exchange);
            if !REDIRECT_STATUSES.contains(&status) {
                return Ok(RedirectChain {
                    hops,
                    end: RedirectEnd::Final,
                });
            }
            let next = match next_hop(&url, location.as_deref()) {
                Ok(next) => next,
                Err(location) => {
                    return Ok(RedirectChain {
                        hops,
                        end: RedirectEnd::BadLocation { location },
                    });
                }
            };
            let mut offsite_refused = None;
            if same_host(&next, self.domain) {
                elsewhere = None;
            } else if !seen.contains(&without_fragment(&next)) && followed < max {
                match offsite::hop_address(self.inner, next.host_str().unwrap_or_default()).await {
                    Ok(ip) => elsewhere = Some(ip),
                    Err(reason) => offsite_refused = Some(reason),
                }
            }
            let end = if let Some(reason) = offsite_refused {
                Some(RedirectEnd::Offsite {
                    location: next.to_string(),
                    reason,
                })
            } else if seen.contains(&without_fragment(&next)) {
                Some(RedirectEnd::Loop {
                    location: next.to_string(),
                })
            } else if followed >= max {
                Some(RedirectEnd::TooManyRedirects { limit: max })
            } else {
                None
            };
            if let Some(end) = end {
                return Ok(RedirectChain { hops, end });
            }
            followed += 1;
            url = next;
        }
    }
}

/// About how many bytes `text` takes in results.json: control characters are written as
/// six-byte `\u00XX` escapes (invalid UTF-8 is already three-byte U+FFFD here).
fn json_size(text: &str) -> usize {
    text.len() + 5 * text.bytes().filter(|b| *b < 0x20).count()
}

/// The scheme of an http(s) URL.
pub(crate) fn scheme_of(url: &Url) -> Option<Scheme> {
    match url.scheme() {
        "http" => Some(Scheme::Http),
        "https" => Some(Scheme::Https),
        _ => None,
    }
}

/// Resolves a Location against the current URL; `Err(raw)` if missing, unparsable or not http(s).
pub(crate) fn next_hop(current: &Url, location: Option<&str>) -> Result<Url, Option<String>> {
    let raw = location
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .ok_or(location.map(str::to_string))?;
    let next = current.join(raw).map_err(|_| Some(raw.to_string()))?;
    if scheme_of(&next).is_none() || next.host_str().is_none() {
        return Err(Some(raw.to_string()));
    }
    Ok(next)
}

/// True when `url` points at `domain` (case-insensitive, trailing dot ignored).
pub(crate) fn same_host(url: &Url, domain: &str) -> bool {
    url.host_str()
        .map(|h| {
            h.trim_end_matches('.')
                .eq_ignore_ascii_case(domain.trim_end_matches('.'))
        })
        .unwrap_or(false)
}

/// The URL without its fragment, for loop detection.
fn without_fragment(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.to_string()
}

/// A deadline a year from now, for budgets too large to add to the clock.
fn far_future() -> Instant {
    let year = Duration::from_secs(365 * 24 * 3600);
    let now = Instant::now();
    now.checked_add(year).unwrap_or(now)
}

/// The failure for an exchange that ran out of its total budget.
fn exchange_timeout(url: &Url, ip: std::net::IpAddr, read_timeout: Duration) -> Failure {
    Failure::new(
        FailureKind::Timeout,
        format!(
            "exchange with {url} ({ip}) exceeded its total budget of {:?} (2 x read_timeout)",
            read_timeout.saturating_mul(2)
        ),
    )
}

/// Classifies a hyper error with its causes.
fn hyper_failure(e: &hyper::Error, url: &Url, header_cap: usize, doing: &str) -> Failure {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if e.is_parse() && text.contains("too large") {
        Failure::new(
            FailureKind::TooLarge,
            format!(
                "{doing} {url}: response head over the limit (header_cap {header_cap} bytes, at most 256 header lines): {text}"
            ),
        )
    } else if e.is_timeout() {
        Failure::new(FailureKind::Timeout, format!("{doing} {url}: {text}"))
    } else {
        Failure::new(FailureKind::Http, format!("{doing} {url}: {text}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn relative_locations_resolve_against_the_current_url() {
        let cur = url("http://a.test/x/y");
        assert_eq!(
            next_hop(&cur, Some("/z")).expect("ok").as_str(),
            "http://a.test/z"
        );
        assert_eq!(
            next_hop(&cur, Some("w")).expect("ok").as_str(),
            "http://a.test/x/w"
        );
        assert_eq!(
            next_hop(&cur, Some("//b.test/")).expect("ok").as_str(),
            "http://b.test/"
        );
        assert_eq!(
            next_hop(&cur, Some("https://A.test/"))
                .expect("ok")
                .as_str(),
            "https://a.test/"
        );
    }

    #[test]
    fn bad_locations_are_reported_raw() {
        let cur = url("http://a.test/");
        assert_eq!(next_hop(&cur, None), Err(None));
        assert_eq!(next_hop(&cur, Some("  ")), Err(Some("  ".to_string())));
        assert_eq!(
            next_hop(&cur, Some("http://[::1")),
            Err(Some("http://[::1".to_string()))
        );
        assert_eq!(
            next_hop(&cur, Some("javascript:alert(1)")),
            Err(Some("javascript:alert(1)".to_string()))
        );
    }

    #[test]
    fn same_host_ignores_case_and_trailing_dot() {
        assert!(same_host(&url("https://A.Test./"), "a.test"));
        assert!(!same_host(&url("https://www.a.test/"), "a.test"));
    }
}
