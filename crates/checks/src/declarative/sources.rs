//! What a leaf of a rule tree reads: one recorded observation, as a set of text values.
//!
//! Web, TLS and certificate sources are read per endpoint; DNS and mail sources once per
//! domain. A probe that failed, was skipped or broke off is an error (the leaf is unknown); a
//! name without records of the type (NODATA/NXDOMAIN) is an empty, complete set.

use govscan_model::{
    EndpointObservations, FailureKind, HttpExchange, Observations, Probed, RedirectEnd,
};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cert::der_bytes;
use crate::endpoints::Completeness;
use crate::mail::dmarc_policy::{self, Discovery};

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
    fn new(items: Vec<String>, at: impl Into<String>) -> Values {
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
    pub fn read(&self, scope: &Scope<'_>) -> Result<Values, String> {
        match self {
            Source::Http(target, field) => http(scope, target, field),
            Source::Tls(field) => tls(scope, *field),
            Source::Cert(field) => cert(scope, *field, false),
            Source::Chain(field) => cert(scope, *field, true),
            Source::Dns { name, rtype } => dns(scope.obs, &expand(name, scope.obs), rtype),
            Source::Mail(field) => mail(scope.obs, *field),
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

fn endpoint<'a>(scope: &Scope<'a>) -> Result<&'a EndpointObservations, String> {
    scope
        .endpoint
        .ok_or_else(|| "no endpoint to read it from".to_owned())
}

fn probed<T>(p: &Probed<T>) -> Result<&T, String> {
    p.as_result()
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

fn body(exchange: &HttpExchange) -> Result<Values, String> {
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

fn tls(scope: &Scope<'_>, field: TlsField) -> Result<Values, String> {
    let ep = endpoint(scope)?;
    let at = ep.address.clone();
    match field {
        TlsField::Handshake => match &ep.tls {
            Probed::Ok { .. } => Ok(Values::new(vec!["ok".to_owned()], at)),
            Probed::Failed { kind, detail }
                if !kind.is_scanner_side() && *kind != FailureKind::Blocked =>
            {
                let kind = serde_json::to_value(kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| detail.clone());
                Ok(Values::new(vec![kind], at))
            }
            other => Err(other.missing_reason().unwrap_or_default()),
        },
        TlsField::Version | TlsField::Cipher | TlsField::Group | TlsField::Alpn => {
            let t = probed(&ep.tls)?;
            let value = match field {
                TlsField::Version => Some(t.version.clone()),
                TlsField::Cipher => Some(t.cipher_suite.clone()),
                TlsField::Group => t.key_exchange_group.clone(),
                _ => t.alpn.clone(),
            };
            Ok(Values::new(value.into_iter().collect(), at))
        }
        TlsField::Versions | TlsField::Suites | TlsField::Groups => {
            let scan = probed(&ep.tls_scan)?;
            let unknown_version = scan.versions.iter().any(|v| v.accepted.is_none());
            let accepted = scan.versions.iter().filter(|v| v.accepted == Some(true));
            Ok(match field {
                TlsField::Versions => Values {
                    items: accepted.map(|v| v.version.clone()).collect(),
                    complete: !unknown_version,
                    at,
                },
                TlsField::Suites => {
                    let accepted: Vec<_> = accepted.collect();
                    let complete = !unknown_version
                        && !scan.budget_exhausted
                        && accepted.iter().all(|v| v.suites_complete);
                    let mut items: Vec<String> = accepted
                        .iter()
                        .flat_map(|v| v.suites.iter().map(|s| s.name.clone()))
                        .collect();
                    items.sort();
                    items.dedup();
                    Values {
                        items,
                        complete,
                        at,
                    }
                }
                _ => {
                    let complete = scan.groups_note.is_none()
                        && !scan.groups.is_empty()
                        && scan.groups.iter().all(|g| g.accepted.is_some());
                    let mut items: Vec<String> = scan
                        .groups
                        .iter()
                        .filter(|g| g.accepted == Some(true))
                        .map(|g| g.name.clone())
                        .collect();
                    items.sort();
                    items.dedup();
                    Values {
                        items,
                        complete,
                        at,
                    }
                }
            })
        }
    }
}

fn cert(scope: &Scope<'_>, field: CertField, chain: bool) -> Result<Values, String> {
    let ep = endpoint(scope)?;
    let t = probed(&ep.tls)?;
    let at = format!("certificate of {}", ep.address);
    if field == CertField::Trust {
        let verdict = t
            .trust
            .at_scan_time
            .as_ref()
            .map_or_else(|| "valid".to_owned(), |e| e.kind.clone());
        return Ok(Values::new(vec![verdict], at));
    }
    if t.chain.is_empty() {
        return Err("the server sent no certificate".to_owned());
    }
    let mut items = Vec::new();
    for (position, sent) in t.chain.iter().enumerate() {
        let der = der_bytes(sent)?;
        let (_, c) = X509Certificate::from_der(&der)
            .map_err(|e| format!("certificate {position} does not parse: {e}"))?;
        // A client trusts a root by its presence in the store, not by what was sent.
        let self_issued_ca = c.subject().as_raw() == c.issuer().as_raw() && c.is_ca();
        if position > 0 && self_issued_ca {
            continue;
        }
        items.extend(cert_field(&c, sent, field, scope.now)?);
        if !chain {
            break;
        }
    }
    Ok(Values::new(items, at))
}

fn cert_field(
    c: &X509Certificate<'_>,
    sent: &govscan_model::CertificateDer,
    field: CertField,
    now: i64,
) -> Result<Vec<String>, String> {
    Ok(match field {
        CertField::Issuer => vec![c.issuer().to_string()],
        CertField::Subject => vec![c.subject().to_string()],
        CertField::Sans => {
            let mut sans = Vec::new();
            for ext in c.extensions() {
                if let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() {
                    for name in &san.general_names {
                        match name {
                            GeneralName::DNSName(d) => sans.push((*d).to_owned()),
                            GeneralName::IPAddress(ip) => sans.push(ip_text(ip)),
                            _ => {}
                        }
                    }
                }
            }
            sans
        }
        CertField::KeyType | CertField::KeyBits | CertField::RsaBits | CertField::EcBits => {
            let key = crate::cert::facts::facts(sent, 0)?.key;
            match field {
                CertField::KeyType => vec![key.algorithm.to_owned()],
                CertField::KeyBits => vec![key.bits.to_string()],
                CertField::RsaBits if key.algorithm == "rsa" => vec![key.bits.to_string()],
                CertField::EcBits if key.algorithm == "ec" => vec![key.bits.to_string()],
                _ => Vec::new(),
            }
        }
        CertField::NotBefore => vec![crate::cert::rfc3339(c.validity().not_before.timestamp())],
        CertField::NotAfter => vec![crate::cert::rfc3339(c.validity().not_after.timestamp())],
        CertField::DaysLeft => {
            let left = c.validity().not_after.timestamp() - now;
            vec![left.div_euclid(86_400).to_string()]
        }
        CertField::DaysValid => {
            let since = now - c.validity().not_before.timestamp();
            vec![since.div_euclid(86_400).to_string()]
        }
        CertField::PolicyOids => {
            let mut oids = Vec::new();
            for ext in c.extensions() {
                if let ParsedExtension::CertificatePolicies(policies) = ext.parsed_extension() {
                    oids.extend(policies.iter().map(|p| p.policy_id.to_id_string()));
                }
            }
            oids
        }
        CertField::Extensions => c
            .extensions()
            .iter()
            .map(|e| e.oid.to_id_string())
            .collect(),
        CertField::SignatureAlgorithm => vec![c.signature_algorithm.algorithm.to_id_string()],
        CertField::Trust => Vec::new(),
    })
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        _ => format!("{bytes:02x?}"),
    }
}

/// A record set where "no such records" is an empty answer.
fn records<T>(
    p: &Probed<Vec<T>>,
    name: &str,
    show: impl Fn(&T) -> String,
) -> Result<Values, String> {
    match p {
        Probed::Ok { value } => Ok(Values::new(value.iter().map(show).collect(), name)),
        Probed::Failed {
            kind: FailureKind::NoData,
            ..
        } => Ok(Values::new(Vec::new(), name)),
        other => Err(other.missing_reason().unwrap_or_default()),
    }
}

/// The DNS record sets govscan records for every domain, by name template and type; other
/// names and types are read from the extra queries the checks declared.
fn dns(obs: &Observations, name: &str, rtype: &str) -> Result<Values, String> {
    let d = &obs.dns;
    let domain = obs.domain.as_str();
    let text = |s: &String| s.clone();
    let at_domain = name.eq_ignore_ascii_case(domain);
    match rtype {
        "A" if at_domain => records(&d.a, name, text),
        "AAAA" if at_domain => records(&d.aaaa, name, text),
        "NS" if at_domain => records(&d.ns, name, text),
        "TXT" if at_domain => records(&d.txt, name, text),
        "MX" if at_domain => records(&d.mx, name, |m| {
            let host = if m.exchange.is_empty() {
                "."
            } else {
                &m.exchange
            };
            format!("{} {host}", m.preference)
        }),
        "CAA" if at_domain => {
            let caa = probed(&d.caa)?;
            let items = caa
                .records
                .iter()
                .map(|r| format!("{} {} \"{}\"", u8::from(r.critical) * 128, r.tag, r.value))
                .collect();
            let at = caa.found_at.clone().unwrap_or_else(|| name.to_owned());
            Ok(Values::new(items, at))
        }
        "SOA" if at_domain => {
            let soa = probed(&d.soa)?;
            Ok(Values::new(
                vec![format!("{} {} {}", soa.mname, soa.rname, soa.serial)],
                soa.zone.clone(),
            ))
        }
        "TXT" if name.eq_ignore_ascii_case(&format!("_dmarc.{domain}")) => {
            records(&d.dmarc, name, text)
        }
        "TXT" if name.eq_ignore_ascii_case(&format!("_mta-sts.{domain}")) => {
            records(&d.mta_sts, name, text)
        }
        "TXT" if name.eq_ignore_ascii_case(&format!("_smtp._tls.{domain}")) => {
            records(&d.tls_rpt, name, text)
        }
        _ => {
            let query = d
                .extra
                .iter()
                .find(|q| q.name.eq_ignore_ascii_case(name) && q.rtype == rtype)
                .ok_or_else(|| format!("{rtype} {name} was not queried in this scan"))?;
            records(&query.result, name, text)
        }
    }
}

fn mail(obs: &Observations, field: MailField) -> Result<Values, String> {
    let d = &obs.dns;
    let domain = &obs.domain;
    match field {
        MailField::DmarcRecord => match dmarc_policy::discover(obs) {
            Discovery::Found(found) => {
                Ok(Values::new(vec![found.record.clone()], found.name.clone()))
            }
            Discovery::Missing { .. } | Discovery::Multiple { .. } | Discovery::Invalid { .. } => {
                Ok(Values::new(Vec::new(), format!("_dmarc.{domain}")))
            }
            Discovery::Unknown(why) => Err(why),
        },
        MailField::SpfRecords => {
            let mut v = records(&d.txt, domain, |s: &String| s.clone())?;
            // RFC 7208 §4.5: "v=spf1" followed by a space or the end, case-insensitively.
            v.items.retain(|t| {
                let lower = t.to_ascii_lowercase();
                lower == "v=spf1" || lower.starts_with("v=spf1 ")
            });
            Ok(v)
        }
        MailField::Mx => records(&d.mx, domain, |m| {
            if m.exchange.is_empty() {
                ".".to_owned()
            } else {
                m.exchange.clone()
            }
        }),
        MailField::MtaSts => records(&d.mta_sts, &format!("_mta-sts.{domain}"), |s: &String| {
            s.clone()
        }),
        MailField::TlsRpt => records(&d.tls_rpt, &format!("_smtp._tls.{domain}"), |s: &String| {
            s.clone()
        }),
        MailField::MtaStsPolicy => {
            let fetch = probed(&d.mta_sts_policy)?;
            let body = body(&fetch.response)?;
            let lines = body
                .items
                .iter()
                .flat_map(|b| b.lines())
                .map(|l| l.trim().to_owned());
            Ok(Values {
                items: lines.filter(|l| !l.is_empty()).collect(),
                ..body
            })
        }
    }
}
