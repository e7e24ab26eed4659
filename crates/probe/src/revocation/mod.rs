//! The revocation probe of one endpoint: when the server stapled no usable OCSP response, ask
//! the CA about the leaf — the CRLs its CRL Distribution Points name, then its OCSP responders
//! (http:// only, at most two of each, stopping at the first usable answer) — through the
//! per-scan cache (`cache.rs`) and the probe's connection limits and address policy
//! (`fetch.rs`). CRLs are read here (govscan-revocation) because they can be megabytes; OCSP
//! responses are kept whole for the checks to verify.

mod cache;
mod fetch;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use govscan_model::{
    CrlRead, FailureKind, NotAsked, Probed, RevocationObservation, RevocationQuery,
    RevocationSource, TlsObservation,
};
use govscan_revocation::{Answer, Cert, chain_untrusted, crl, find_issuer, ocsp};
use std::sync::Arc;

use url::Url;

pub(crate) use cache::FetchCache;

use crate::Inner;
use crate::revocation::fetch::{Ask, fetch};

/// Most CRL locations and most OCSP responders asked per certificate.
pub(crate) const MAX_SOURCES_PER_KIND: usize = 2;
/// Largest CRL accepted.
pub(crate) const MAX_CRL_BYTES: usize = 10 * 1024 * 1024;
/// Largest OCSP response accepted (real ones are a few kilobytes).
pub(crate) const MAX_OCSP_BYTES: usize = 64 * 1024;
/// Longest source URL taken from a certificate.
const MAX_URL_LEN: usize = 2048;

/// Asks the CA about `tls`'s leaf, or says why it was not asked.
pub(crate) async fn probe(inner: &Inner, tls: &TlsObservation) -> Probed<RevocationObservation> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let parse = |c: &govscan_model::CertificateDer| {
        STANDARD
            .decode(c.der_base64.trim())
            .map_err(|e| e.to_string())
            .and_then(|d| Cert::parse(&d).map_err(|e| e.to_string()))
    };
    let Some(Ok(leaf)) = tls.chain.first().map(parse) else {
        return Probed::skipped(
            "the leaf certificate does not parse, so there is nothing to ask about",
        );
    };
    // Certificates after the leaf that do not parse cannot be its issuer; the others can.
    let rest: Vec<Cert> = tls
        .chain
        .iter()
        .skip(1)
        .filter_map(|c| parse(c).ok())
        .collect();
    let leaf = &leaf;
    if leaf.self_issued() {
        return Probed::skipped("the certificate is self-signed: no CA answers for it");
    }
    if let Some(error) = chain_untrusted(&tls.trust) {
        return Probed::skipped(format!(
            "the chain is not trusted ({}), so its CA's answers would prove nothing",
            error.kind
        ));
    }
    if leaf.not_after < now {
        return Probed::skipped(
            "the certificate has expired; CAs keep revocation status only until expiry",
        );
    }
    let Some(issuer) = find_issuer(leaf, &rest) else {
        return Probed::skipped(
            "the issuer's certificate was not sent, so no CA answer could be checked",
        );
    };
    if let Some(answer) = stapled_answer(tls, leaf, issuer, now) {
        return Probed::skipped(format!(
            "the stapled OCSP response already answers ({answer}), so the CA was not asked"
        ));
    }
    let mut obs = RevocationObservation {
        queries: Vec::new(),
        not_asked: Vec::new(),
    };
    for (url, why) in &leaf.crl_unusable {
        not_asked(&mut obs, RevocationSource::Crl, url, why);
    }
    let crls = usable_urls(&mut obs, RevocationSource::Crl, &leaf.crl_urls);
    let responders = usable_urls(&mut obs, RevocationSource::Ocsp, &leaf.ocsp_urls);
    let mut answered = false;
    for url in crls {
        if answered {
            not_asked(
                &mut obs,
                RevocationSource::Crl,
                url.as_str(),
                "an earlier source already answered",
            );
            continue;
        }
        let query = ask_crl(inner, &url, leaf, issuer).await;
        answered =
            matches!(&query.crl, Some(CrlRead::Read { value }) if usable(&crl::judge(value, now)));
        obs.queries.push(query);
    }
    for url in responders {
        if answered {
            not_asked(
                &mut obs,
                RevocationSource::Ocsp,
                url.as_str(),
                "an earlier source already answered",
            );
            continue;
        }
        match ask_ocsp(inner, &url, leaf, issuer).await {
            Ok((query, body)) => {
                answered = body
                    .is_some_and(|b| usable(&ocsp::read_response(&b, leaf, issuer, now).answer));
                obs.queries.push(query);
            }
            Err(why) => not_asked(&mut obs, RevocationSource::Ocsp, url.as_str(), &why),
        }
    }
    Probed::ok(obs)
}

/// `good` or `revoked` when the staple answers for the leaf, else `None`.
fn stapled_answer(
    tls: &TlsObservation,
    leaf: &Cert,
    issuer: &Cert,
    now: i64,
) -> Option<&'static str> {
    let der = STANDARD.decode(tls.ocsp_stapled.as_deref()?.trim()).ok()?;
    match ocsp::read_response(&der, leaf, issuer, now).answer {
        Answer::Good => Some("good"),
        Answer::Revoked { .. } => Some("revoked"),
        _ => None,
    }
}

/// A definite answer: good from a current source, or revoked.
fn usable(answer: &Answer) -> bool {
    matches!(answer, Answer::Good | Answer::Revoked { .. })
}

fn not_asked(obs: &mut RevocationObservation, source: RevocationSource, url: &str, why: &str) {
    obs.not_asked.push(NotAsked {
        source,
        url: url.chars().take(MAX_URL_LEN).collect(),
        why: why.to_string(),
    });
}

/// The http:// URLs to ask (deduplicated, at most [`MAX_SOURCES_PER_KIND`]); the others are
/// recorded as not asked.
fn usable_urls(
    obs: &mut RevocationObservation,
    source: RevocationSource,
    urls: &[String],
) -> Vec<Url> {
    let mut chosen: Vec<Url> = Vec::new();
    for raw in urls {
        let why = if raw.len() > MAX_URL_LEN {
            Some("the URL is longer than 2048 characters".to_string())
        } else {
            match Url::parse(raw.trim()) {
                Err(e) => Some(format!("the URL does not parse: {e}")),
                Ok(url) if url.scheme() != "http" => Some(format!(
                    "only http:// sources are asked ({} is not; CRLs and OCSP are served over plain HTTP, RFC 5280 §4.2.1.13, RFC 6960 Appendix A)",
                    url.scheme()
                )),
                Ok(url) if chosen.contains(&url) => continue,
                Ok(_) if chosen.len() >= MAX_SOURCES_PER_KIND => Some(format!(
                    "at most {MAX_SOURCES_PER_KIND} sources of each kind are asked per certificate"
                )),
                Ok(url) => {
                    chosen.push(url);
                    None
                }
            }
        };
        if let Some(why) = why {
            not_asked(obs, source, raw, &why);
        }
    }
    chosen
}

/// Fetches (or shares) one CRL and reads it for the leaf.
async fn ask_crl(inner: &Inner, url: &Url, leaf: &Cert, issuer: &Cert) -> RevocationQuery {
    let (fetched, shared) = inner
        .revocation
        .get_or_fetch(url.to_string(), || {
            fetch(
                inner,
                Ask {
                    url,
                    post: None,
                    accept: "application/pkix-crl",
                    cap: MAX_CRL_BYTES,
                },
            )
        })
        .await;
    let crl = match fetched.value() {
        Some(f) if f.record.status == 200 => {
            Some(read_crl(fetched.clone(), leaf, issuer, url).await)
        }
        _ => None,
    };
    RevocationQuery {
        source: RevocationSource::Crl,
        url: url.to_string(),
        method: "GET".to_string(),
        shared,
        response: (*fetched).clone().map(|f| f.record),
        crl,
    }
}

/// Reads a fetched CRL off the async executor (a large one takes tens of milliseconds); the
/// body is shared with the cache, not copied.
async fn read_crl(fetched: cache::Shared, leaf: &Cert, issuer: &Cert, url: &Url) -> CrlRead {
    let (leaf, issuer, url) = (leaf.clone(), issuer.clone(), url.to_string());
    tokio::task::spawn_blocking(move || match fetched.value() {
        Some(f) => crl::read(&f.body, &leaf, &issuer, &url),
        None => CrlRead::Unreadable {
            detail: "no body was fetched".to_string(),
        },
    })
    .await
    .unwrap_or_else(|e| CrlRead::Unreadable {
        detail: format!("reading the CRL failed inside the scanner: {e}"),
    })
}

/// Asks (or shares) one OCSP responder; the error says why no request could be made.
async fn ask_ocsp(
    inner: &Inner,
    responder: &Url,
    leaf: &Cert,
    issuer: &Cert,
) -> Result<(RevocationQuery, Option<Vec<u8>>), String> {
    let request = ocsp::request(leaf, issuer).map_err(|e| e.to_string())?;
    let get = ocsp::get_url(responder.as_str(), &request)
        .map(|u| Url::parse(&u).map_err(|e| format!("the GET URL does not parse: {e}")))
        .transpose()?;
    let (method, key) = match &get {
        Some(url) => ("GET", url.to_string()),
        None => (
            "POST",
            format!("POST {responder} {}", STANDARD.encode(&request)),
        ),
    };
    let (fetched, shared) = inner
        .revocation
        .get_or_fetch(key, || {
            let ask = match &get {
                Some(url) => Ask {
                    url,
                    post: None,
                    accept: "application/ocsp-response",
                    cap: MAX_OCSP_BYTES,
                },
                None => Ask {
                    url: responder,
                    post: Some(("application/ocsp-request", request.clone())),
                    accept: "application/ocsp-response",
                    cap: MAX_OCSP_BYTES,
                },
            };
            fetch(inner, ask)
        })
        .await;
    let body = fetched.value().map(|f| f.body.clone());
    let response = (*fetched).clone().map(|f| {
        let mut record = f.record;
        record.body_base64 = Some(STANDARD.encode(&f.body));
        record
    });
    let query = RevocationQuery {
        source: RevocationSource::Ocsp,
        url: responder.to_string(),
        method: method.to_string(),
        shared,
        response,
        crl: None,
    };
    Ok((query, body))
}

/// Runs [`probe`] as its own task (so it overlaps the endpoint's other requests); dropping the
/// returned handle aborts it, so a domain that runs out of time leaves nothing behind.
pub(crate) fn spawn(inner: Arc<Inner>, tls: TlsObservation) -> Asking {
    Asking(tokio::spawn(async move { probe(&inner, &tls).await }))
}

/// A revocation probe in flight.
pub(crate) struct Asking(tokio::task::JoinHandle<Probed<RevocationObservation>>);

impl Asking {
    /// Waits for the answer; a task that died is the scanner's failure, not the target's.
    pub(crate) async fn await_result(mut self) -> Probed<RevocationObservation> {
        match (&mut self.0).await {
            Ok(observation) => observation,
            Err(e) => Probed::failed(
                FailureKind::Scanner,
                format!("the revocation probe failed inside the scanner: {e}"),
            ),
        }
    }
}

impl Drop for Asking {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The `revocation` of an endpoint whose TLS probe failed.
pub(crate) fn not_attempted(kind: FailureKind, detail: &str) -> Probed<RevocationObservation> {
    Probed::failed(
        kind,
        format!("not attempted because the TLS probe of this address failed: {detail}"),
    )
}
