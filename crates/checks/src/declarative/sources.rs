//! What a leaf of a rule tree reads: one recorded observation, as a set of text values.
//!
//! Web, TLS and certificate sources are read per endpoint; DNS and mail sources once per
//! domain. A probe that failed, was skipped or broke off is an error (the leaf is unknown); a
//! name without records of the type (NODATA/NXDOMAIN) is an empty, complete set.

use govscan_model::{EndpointObservations, HttpExchange, Observations, Probed, RedirectEnd};

use super::{read_dns, read_tls};
use crate::endpoints::Completeness;

/// What a leaf reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An HTTP fact of the home page (last response of the chain) or of a declared path.
    Http(HttpTarget, HttpField),
    /// A fact of the modern TLS handshake or of the hand-built-hello scan.
    Tls(TlsField),
    /// A field of the leaf certificate the server sent.
    Cert(CertField),
    /// A field of every certificate a client judges (the leaf and the intermediates sent,
    /// not a self-issued root after the leaf), one value per certificate.
    Chain(CertField),
    /// Records of one DNS name and type (`{domain}` in the name is the scanned domain).
    Dns {
        /// Name template.
        name: String,
        /// Record type, upper case.
        rtype: String,
    },
    /// A mail policy record.
    Mail(MailField),
    /// The DNSSEC status of the domain's zone as govscan validated it: `secure`, `insecure`,
    /// `bogus` or `indeterminate`.
    Dnssec,
}

/// Which response an HTTP leaf reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpTarget {
    /// The home page as the built-in header checks read it: the last response of
    /// `GET https://<domain>/`, or of `http://` when port 443 refuses connections; a chain
    /// that leaves for another host makes the check not applicable on that endpoint.
    Home,
    /// `GET https://<domain>/` (redirects followed); the last response.
    HomeHttps,
    /// `GET http://<domain>/` (redirects followed); the last response.
    HomeHttp,
    /// A declared same-origin path over https (redirects not followed).
    Path(String),
}

/// An HTTP fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpField {
    /// The status code.
    Status,
    /// Every value of one header (name lower case).
    Header(String),
    /// The names of all headers.
    HeaderNames,
    /// The whole header block as one text, `name: value` lines (Nuclei's `part: header`).
    HeadersText,
    /// The body (declared paths only; kept up to the probe's cap).
    Body,
    /// `Set-Cookie` values, optionally only the cookie of one name.
    Cookies(Option<String>),
    /// The URL of every hop of the chain, in order (home page only).
    Redirects,
    /// The URL of the last response.
    FinalUrl,
    /// How the chain ended: `final`, `offsite`, `loop`, `too_many_redirects`, `bad_location`.
    RedirectEnd,
}

/// A TLS fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsField {
    /// Whether the modern handshake completed: `ok`, or the failure class (`tls`, `timeout`,
    /// `refused`, ...); a failure on the scanner's side or a blocked address is unknown.
    Handshake,
    /// Negotiated version (`TLSv1_3`).
    Version,
    /// Negotiated cipher suite.
    Cipher,
    /// Negotiated key-exchange group.
    Group,
    /// Negotiated ALPN protocol.
    Alpn,
    /// Versions the hello scan saw accepted (`tls13`, `tls12`, …).
    Versions,
    /// Suites accepted under any version (IANA names).
    Suites,
    /// Named groups accepted.
    Groups,
}

/// A certificate field (leaf certificate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertField {
    /// Issuer distinguished name.
    Issuer,
    /// Subject distinguished name.
    Subject,
    /// Subject alternative names (DNS names and IP addresses).
    Sans,
    /// `rsa`, `ec`, `dsa`, `ed25519`, `ed448`, `unknown`.
    KeyType,
    /// Key size in bits.
    KeyBits,
    /// Key size of an RSA key (no value for other keys).
    RsaBits,
    /// Field size of an EC key (no value for other keys).
    EcBits,
    /// notBefore, RFC 3339.
    NotBefore,
    /// notAfter, RFC 3339.
    NotAfter,
    /// Whole days from the scan's clock to notAfter (negative when expired).
    DaysLeft,
    /// Whole days from notBefore to the scan's clock (negative when not valid yet).
    DaysValid,
    /// Certificate policy OIDs.
    PolicyOids,
    /// Extension OIDs.
    Extensions,
    /// Signature algorithm OID.
    SignatureAlgorithm,
    /// The verifier's verdict at scan time: `valid` or the error class.
    Trust,
}

/// A mail policy record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailField {
    /// The DMARC record that applies (own, else organisational domain's), validated as
    /// `mail.dmarc` does; empty when none applies.
    DmarcRecord,
    /// TXT records at the domain that are SPF records (`v=spf1`, RFC 7208 §4.5).
    SpfRecords,
    /// MX exchanges (`.` for a null MX).
    Mx,
    /// `_mta-sts` TXT records.
    MtaSts,
    /// Lines of the MTA-STS policy file.
    MtaStsPolicy,
    /// `_smtp._tls` TXT records (TLS reporting).
    TlsRpt,
}

/// What is being judged: the domain, and the endpoint for endpoint-level leaves.
pub struct Scope<'a> {
    /// The domain's observations.
    pub obs: &'a Observations,
    /// The endpoint, when the rule is judged per endpoint.
    pub endpoint: Option<&'a EndpointObservations>,
    /// The scan's clock (Unix seconds).
    pub now: i64,
}

/// The values a leaf read.
#[derive(Debug, Clone)]
pub struct Values {
    /// The values, as text.
    pub items: Vec<String>,
    /// False when some values may be missing (a truncated body, an unfinished scan).
    pub complete: bool,
    /// Where they were read (URL, DNS name), for evidence.
    pub at: String,
}

impl Values {
    pub(super) fn new(items: Vec<String>, at: impl Into<String>) -> Values {
        Values {
            items,
            complete: true,
            at: at.into(),
        }
    }
}

impl Source {
    /// True when the source is read per endpoint.
    pub fn per_endpoint(&self) -> bool {
        matches!(
            self,
            Source::Http(..) | Source::Tls(_) | Source::Cert(_) | Source::Chain(_)
        )
    }

    /// The source in words (`http.header strict-transport-security`).
    pub fn label(&self) -> String {
        match self {
            Source::Http(target, field) => {
                let field = match field {
                    HttpField::Status => "http.status".to_owned(),
                    HttpField::Header(n) => format!("http.header {n}"),
                    HttpField::HeaderNames => "http.header_names".to_owned(),
                    HttpField::HeadersText => "http.headers_text".to_owned(),
                    HttpField::Body => "http.body".to_owned(),
                    HttpField::Cookies(None) => "http.cookies".to_owned(),
                    HttpField::Cookies(Some(n)) => format!("http.cookies {n}"),
                    HttpField::Redirects => "http.redirects".to_owned(),
                    HttpField::FinalUrl => "http.final_url".to_owned(),
                    HttpField::RedirectEnd => "http.redirect_end".to_owned(),
                };
                match target {
                    HttpTarget::Home => field,
                    HttpTarget::HomeHttps => format!("{field} (https://)"),
                    HttpTarget::HomeHttp => format!("{field} (http://)"),
                    HttpTarget::Path(p) => format!("{field} of {p}"),
                }
            }
            Source::Tls(f) => format!("tls.{}", format!("{f:?}").to_lowercase()),
            Source::Cert(f) => format!("cert.{}", snake(&format!("{f:?}"))),
            Source::Chain(f) => format!("cert.{} (every certificate)", snake(&format!("{f:?}"))),
            Source::Dns { name, rtype } => format!("dns {rtype} {name}"),
            Source::Mail(f) => format!("mail.{}", snake(&format!("{f:?}"))),
            Source::Dnssec => "dns.dnssec".to_owned(),
        }
    }

    /// Reads the values, or says why they are not known.
    pub(crate) fn read(&self, scope: &Scope<'_>) -> Result<Values, String> {
        match self {
            Source::Http(target, field) => http(scope, target, field),
            Source::Tls(field) => read_tls::tls(scope, *field),
            Source::Cert(field) => read_tls::cert(scope, *field, false),
            Source::Chain(field) => read_tls::cert(scope, *field, true),
            Source::Dns { name, rtype } => {
                read_dns::dns(scope.obs, &expand(name, scope.obs), rtype)
            }
            Source::Mail(field) => read_dns::mail(scope.obs, *field),
            Source::Dnssec => {
                let d = probed(&scope.obs.dns.dnssec)?;
                let status = serde_json::to_value(d.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                Ok(Values::new(vec![status], d.zone.clone()))
            }
        }
    }
}

/// `DaysLeft` → `days_left`.
fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// True for the (name template, type) pairs govscan records for every domain anyway, which
/// the probe need not query again.
pub fn recorded_anyway(template: &str, rtype: &str) -> bool {
    let t = template.to_ascii_lowercase();
    match t.as_str() {
        "{domain}" => ["A", "AAAA", "NS", "TXT", "MX", "CAA", "SOA"].contains(&rtype),
        "_dmarc.{domain}" | "_mta-sts.{domain}" | "_smtp._tls.{domain}" => rtype == "TXT",
        _ => false,
    }
}

/// Replaces `{domain}` with the scanned domain.
pub fn expand(template: &str, obs: &Observations) -> String {
    template.replace("{domain}", &obs.domain)
}

pub(super) fn endpoint<'a>(scope: &Scope<'a>) -> Result<&'a EndpointObservations, String> {
    scope
        .endpoint
        .ok_or_else(|| "no endpoint to read it from".to_owned())
}

pub(super) fn probed<T>(p: &Probed<T>) -> Result<&T, String> {
    p.as_result().map_err(|missing| missing.to_string())
}

fn http(scope: &Scope<'_>, target: &HttpTarget, field: &HttpField) -> Result<Values, String> {
    let ep = endpoint(scope)?;
    let (exchange, chain) = match target {
        HttpTarget::Home => {
            let (page, plain) =
                crate::http::home_page(&scope.obs.domain, ep).map_err(|v| v.message)?;
            let probe = if plain { &ep.http } else { &ep.https };
            (page, probe.value())
        }
        HttpTarget::HomeHttps | HttpTarget::HomeHttp => {
            let probe = if *target == HttpTarget::HomeHttps {
                &ep.https
            } else {
                &ep.http
            };
            let chain = probed(probe)?;
            if let Some(v) = chain.incomplete() {
                return Err(v.message);
            }
            let last = chain.last().ok_or("no response recorded")?;
            (last, Some(chain))
        }
        HttpTarget::Path(path) => {
            let fetch = ep
                .paths
                .iter()
                .find(|p| &p.path == path)
                .ok_or_else(|| format!("{path} was not fetched in this scan"))?;
            (probed(&fetch.result)?, None)
        }
    };
    let at = exchange.url.clone();
    Ok(match field {
        HttpField::Status => Values::new(vec![exchange.status.to_string()], at),
        HttpField::Header(name) => Values::new(
            exchange.header_values(name).map(str::to_owned).collect(),
            at,
        ),
        HttpField::HeaderNames => Values::new(
            exchange.headers.iter().map(|h| h.name.clone()).collect(),
            at,
        ),
        HttpField::HeadersText => {
            let lines: Vec<String> = exchange
                .headers
                .iter()
                .map(|h| format!("{}: {}", h.name, h.value))
                .collect();
            Values::new(vec![lines.join("\r\n")], at)
        }
        HttpField::Body => body(exchange)?,
        HttpField::Cookies(name) => {
            let cookies = exchange
                .header_values("set-cookie")
                .filter(|c| {
                    name.as_ref().is_none_or(|n| {
                        c.split_once('=')
                            .is_some_and(|(k, _)| k.trim() == n.as_str())
                    })
                })
                .map(str::to_owned)
                .collect();
            Values::new(cookies, at)
        }
        HttpField::Redirects => {
            let chain = chain.ok_or("a declared path is not followed through redirects")?;
            Values::new(chain.hops.iter().map(|h| h.url.clone()).collect(), at)
        }
        HttpField::FinalUrl => Values::new(vec![exchange.url.clone()], at),
        HttpField::RedirectEnd => {
            let chain = chain.ok_or("a declared path is not followed through redirects")?;
            let end = match &chain.end {
                RedirectEnd::Final => "final",
                RedirectEnd::Offsite { .. } => "offsite",
                RedirectEnd::Loop { .. } => "loop",
                RedirectEnd::TooManyRedirects { .. } => "too_many_redirects",
                RedirectEnd::BadLocation { .. } => "bad_location",
                RedirectEnd::HopFailed { .. } => "hop_failed",
            };
            Values::new(vec![end.to_owned()], at)
        }
    })
}

pub(super) fn body(exchange: &HttpExchange) -> Result<Values, String> {
    let text = exchange
        .body_text
        .as_ref()
        .ok_or("the body was not kept (declare the path with fetch:)")?;
    Ok(Values {
        items: vec![text.clone()],
        // A truncated body may hide (or complete) a match further on.
        complete: !exchange.body_truncated,
        at: exchange.url.clone(),
    })
}
