//! Observations: everything the probe saw for one domain, as plain data that checks judge.
//!
//! One `Observations` per domain. DNS data is per name; TLS and HTTP data are per endpoint
//! (each IPv4 and IPv6 address the name resolves to is probed separately).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spf_tree::SpfTree;
use crate::tls_scan::{DheProbe, dhe_absent};
use crate::{FailureKind, Probed};

/// Everything probed for one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Observations {
    /// The normalised domain name.
    pub domain: String,
    /// When the probe of this domain started (RFC 3339, UTC).
    #[schemars(extend("format" = "date-time"))]
    pub probed_at: String,
    /// How long the probe of this domain took, in milliseconds.
    pub duration_ms: u64,
    /// DNS records read for the domain.
    pub dns: DnsObservations,
    /// One entry per address probed: the addresses the domain resolves to (or its `--connect`
    /// override) that the address policy allows, at most `--max-addresses` per family.
    pub endpoints: Vec<EndpointObservations>,
    /// The MX hosts asked over SMTP: STARTTLS, the TLS after it, TLSA records (issue 13).
    #[serde(default = "not_probed::<crate::MailServers>")]
    pub mail_servers: Probed<crate::MailServers>,
    /// TLSA records at `_443._tcp.<domain>` for DANE on the web (RFC 6698, RFC 7671).
    #[serde(default = "not_probed::<crate::TlsaLookup>")]
    pub web_tlsa: Probed<crate::TlsaLookup>,
    /// Route origins of the web, mail and name servers' addresses from `--rpki-vrps` and
    /// `--ip-to-asn`; skipped when those files were not given.
    #[serde(default = "not_probed::<crate::RpkiObservation>")]
    pub rpki: Probed<crate::RpkiObservation>,
    /// DKIM keys at the selectors the target file names; skipped without selectors.
    #[serde(default = "not_probed::<crate::DkimObservation>")]
    pub dkim: Probed<crate::DkimObservation>,
    /// Which resolved addresses were left alone, and why (absent in older results: every
    /// resolved address was probed).
    #[serde(default)]
    pub addresses: AddressSelection,
}

/// How the probe chose the endpoints among the resolved addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AddressSelection {
    /// Set when the domain is on the `--exclude` list (the entry and where it was written):
    /// nothing about it was probed, at its owner's request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
    /// The most addresses probed per family (`--max-addresses`; 0 in older results).
    #[serde(default)]
    pub max_per_family: u32,
    /// Distinct allowed addresses left unprobed because of that cap.
    #[serde(default)]
    pub not_probed: u32,
    /// Addresses the address policy blocked (never contacted), with why; at most 16 listed.
    #[serde(default)]
    #[schemars(length(max = 16))]
    pub blocked: Vec<BlockedAddress>,
    /// How many distinct addresses were blocked in all.
    #[serde(default)]
    pub blocked_total: u32,
}

impl AddressSelection {
    /// Most blocked addresses listed one by one.
    pub const BLOCKED_LISTED: usize = 16;

    /// True when some resolved address was not probed (blocked or over the cap).
    pub fn is_partial(&self) -> bool {
        self.not_probed > 0 || self.blocked_total > 0
    }
}

/// A resolved address the probe did not contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BlockedAddress {
    /// The address.
    pub address: String,
    /// Why (its special-purpose class and what would allow it, or the exclude-list entry).
    pub reason: String,
}

/// DNS data for one domain. Each record set is a separate probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DnsObservations {
    /// IPv4 addresses (A).
    pub a: Probed<Vec<String>>,
    /// IPv6 addresses (AAAA).
    pub aaaa: Probed<Vec<String>>,
    /// Name servers (NS), as names without trailing dot.
    pub ns: Probed<Vec<String>>,
    /// Mail exchangers (MX).
    pub mx: Probed<Vec<MxRecord>>,
    /// TXT records at the domain, each with its character-strings joined without separator.
    pub txt: Probed<Vec<String>>,
    /// The relevant CAA record set (RFC 8659 §3: the closest ancestor that has one).
    pub caa: Probed<CaaObservation>,
    /// TXT records at `_dmarc.<domain>`.
    pub dmarc: Probed<Vec<String>>,
    /// The zone's SOA record (of the zone the domain is in).
    pub soa: Probed<SoaRecord>,
    /// Which resolver answered (address:port), for evidence.
    pub resolver: String,
    /// True when the address lookup was answered NXDOMAIN: the name does not exist at all,
    /// which usually means the target list is wrong. Every check is then inconclusive.
    #[serde(default)]
    pub nxdomain: bool,
    /// True when, asked because the name was NXDOMAIN, the same resolver also answered NXDOMAIN
    /// for the root zone's SOA: the root always exists, so the resolver cannot see the public
    /// DNS and the NXDOMAIN says nothing about the domain (the scanner's failure, not the
    /// target list's).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub root_nxdomain: bool,
    /// DNSSEC status of the zone the domain is in, validated by govscan itself.
    #[serde(default = "not_probed::<DnssecObservation>")]
    pub dnssec: Probed<DnssecObservation>,
    /// The zone's name servers, each asked directly (RD=0) for the zone's SOA.
    #[serde(default = "not_probed::<NameServersObservation>")]
    pub nameservers: Probed<NameServersObservation>,
    /// TXT records at `_mta-sts.<domain>` (RFC 8461 §3.1).
    #[serde(default = "not_probed::<Vec<String>>")]
    pub mta_sts: Probed<Vec<String>>,
    /// The MTA-STS policy file from `https://mta-sts.<domain>/.well-known/mta-sts.txt`;
    /// skipped when `_mta-sts` has no `v=STSv1` record.
    #[serde(default = "not_probed::<MtaStsPolicyFetch>")]
    pub mta_sts_policy: Probed<MtaStsPolicyFetch>,
    /// TXT records at `_smtp._tls.<domain>` (SMTP TLS reporting, RFC 8460 §3).
    #[serde(default = "not_probed::<Vec<String>>")]
    pub tls_rpt: Probed<Vec<String>>,
    /// TXT records at `_dmarc.<organisational domain>` (RFC 7489 §6.6.3); skipped when the
    /// domain is its own organisational domain.
    #[serde(default = "not_probed::<OrganisationalDmarc>")]
    pub dmarc_organisational: Probed<OrganisationalDmarc>,
    /// Record sets (`TYPE name`) that the resolver answered SERVFAIL and that govscan read
    /// again with the CD (checking disabled) bit, RFC 4035 §3.2.2: a validating resolver
    /// refused them (usually a bogus zone), and the checks judge the data read that way.
    /// Empty (absent in JSON) when no answer needed it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_with_cd: Vec<String>,
    /// The organisational domain of the name (RFC 7489 §3.2: the public suffix plus one
    /// label, from the public suffix list compiled into govscan). Absent when the name is a
    /// public suffix itself, and in results written before this field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisational_domain: Option<String>,
    /// The DNS answers needed to evaluate the domain's SPF record: `include:` and `redirect=`
    /// targets, and the A/AAAA/MX/`exists` lookups counted against the limits of
    /// RFC 7208 §4.6.4. Skipped when the domain has no single SPF record to expand.
    #[serde(default = "not_probed::<SpfTree>")]
    pub spf: Probed<SpfTree>,
    /// Record sets declared by declarative checks (`dns: {name, type}`) beyond the ones above,
    /// each queried once per domain (absent in JSON when none were declared).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<DnsQuery>,
}

/// One record set a declarative check asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DnsQuery {
    /// The name queried (the template with `{domain}` replaced), without trailing dot.
    pub name: String,
    /// The record type, upper case (`TXT`, `MX`, `CNAME`, ...).
    #[serde(rename = "type")]
    pub rtype: String,
    /// The records as text (TXT strings joined; other types in presentation form).
    pub result: Probed<Vec<String>>,
}

/// One MX record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MxRecord {
    /// Preference (lower is preferred).
    pub preference: u16,
    /// Exchange host, without trailing dot; `""` for a null MX (RFC 7505, exchange `.`).
    pub exchange: String,
}

/// One SOA record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SoaRecord {
    /// The zone apex that owns the SOA.
    pub zone: String,
    /// Primary name server.
    pub mname: String,
    /// Responsible mailbox, in DNS form.
    pub rname: String,
    /// Serial number.
    pub serial: u32,
}

/// The CAA records that govern a name, found by climbing towards the root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaaObservation {
    /// The name at which the relevant CAA set was found, `null` if no ancestor has one.
    pub found_at: Option<String>,
    /// The records of that set.
    pub records: Vec<CaaRecord>,
    /// Every name that was queried, in order, for evidence.
    pub queried: Vec<String>,
}

/// One CAA record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaaRecord {
    /// Issuer-critical flag.
    pub critical: bool,
    /// Property tag (`issue`, `issuewild`, `iodef`, ...).
    pub tag: String,
    /// Property value as text (lossy UTF-8).
    pub value: String,
}

/// TLS and HTTP observations for one address of the domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EndpointObservations {
    /// The IP address probed (IPv4 or IPv6 text form).
    pub address: String,
    /// The modern TLS handshake on port 443 (rustls, TLS 1.2/1.3).
    pub tls: Probed<TlsObservation>,
    /// `GET /` over http:// on port 80, redirects recorded hop by hop.
    pub http: Probed<RedirectChain>,
    /// `GET /` over https:// on port 443, redirects recorded hop by hop.
    pub https: Probed<RedirectChain>,
    /// `GET /.well-known/security.txt` over https://, not following redirects.
    pub security_txt: Probed<HttpExchange>,
    /// Versions, suites, groups and extensions learned from hand-built ClientHellos on port 443
    /// (absent in results written before this probe existed: read as skipped).
    #[serde(default = "tls_scan_absent")]
    pub tls_scan: Probed<TlsScan>,
    /// Same-origin paths declared by declarative checks, fetched over https:// without
    /// following redirects (absent in older results: none).
    #[serde(default)]
    pub paths: Vec<PathFetch>,
    /// How many connections the probe made for this endpoint (absent in older results: zero).
    #[serde(default)]
    pub connections: ConnectionCount,
    /// The leaf certificate's revocation status asked of its CA (CRL Distribution Points, then
    /// OCSP responders, http:// only) when no usable OCSP response was stapled. Skipped (with
    /// `why`) when the staple already answers, the chain is untrusted or self-signed, the
    /// certificate has expired or does not parse, or its issuer was not sent (absent in older
    /// results: read as skipped).
    #[serde(default = "crate::revocation::revocation_absent")]
    pub revocation: Probed<crate::RevocationObservation>,
}

/// The connections one endpoint's probe made: the politeness record (issue 7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConnectionCount {
    /// TCP connect attempts, retries included: the modern handshake, HTTP requests, the
    /// hand-built-hello scan, and redirect hops to other hosts of the target set.
    pub tcp_connects: u32,
    /// TLS handshakes started: rustls handshakes plus hand-built hellos.
    pub tls_handshakes: u32,
}

/// The `tls_scan` of an endpoint recorded before the hand-built-hello probe existed.
fn tls_scan_absent() -> Probed<TlsScan> {
    Probed::skipped("not recorded (results written before the TLS scan existed)")
}

impl EndpointObservations {
    /// True for an IPv6 endpoint.
    pub fn is_ipv6(&self) -> bool {
        self.address.contains(':')
    }
}

/// What one modern TLS handshake showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TlsObservation {
    /// Negotiated version, e.g. `TLSv1_3` or `TLSv1_2`.
    pub version: String,
    /// Negotiated cipher suite (IANA name as rustls spells it).
    pub cipher_suite: String,
    /// Negotiated key-exchange group, e.g. `X25519`.
    pub key_exchange_group: Option<String>,
    /// Negotiated ALPN protocol.
    pub alpn: Option<String>,
    /// The whole chain as the server sent it, leaf first, even if invalid.
    pub chain: Vec<CertificateDer>,
    /// Stapled OCSP response, base64 DER, if any.
    pub ocsp_stapled: Option<String>,
    /// The verifier's verdict, recorded, not enforced.
    pub trust: TrustVerdict,
    /// The SNI name sent.
    pub sni: String,
    /// How the server's handshake signature was judged: `verified`, `unverified: …` (the
    /// certificate's RSA key is below 2048 bits, which the verifier refuses; the handshake was
    /// kept so the certificate is recorded and judged), `failed: …`, or `not checked (no
    /// signature seen)`. Empty in results written before this field existed.
    #[serde(default)]
    pub handshake_signature: String,
}

/// What hand-built ClientHellos learned about one endpoint (no handshake is completed).
/// Version names: `ssl2`, `ssl3`, `tls10`, `tls11`, `tls12`, `tls13`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TlsScan {
    /// One entry per protocol version probed, newest first.
    pub versions: Vec<VersionProbe>,
    /// Named groups probed (empty when not probed; see `groups_note`): with TLS 1.3 and with
    /// the highest accepted TLS 1.0–1.2 version (curves), each entry naming its version.
    pub groups: Vec<GroupProbe>,
    /// The newest version the groups were probed with, if any (in results written before
    /// groups carried their own version, the only one).
    pub groups_version: Option<String>,
    /// Why groups were not (fully) probed, if so.
    pub groups_note: Option<String>,
    /// TLS compression: `true` when the server chose a compression method other than
    /// null although the hello also offered null (CRIME); `null` when not probed.
    pub compression_accepted: Option<bool>,
    /// Handshakes (TCP connections with one hello each) sent to this endpoint.
    pub handshakes: u32,
    /// True when the handshake budget ran out before the enumeration finished (or the scan
    /// stopped early for the reason in `stopped`).
    pub budget_exhausted: bool,
    /// Why the scan stopped before the enumeration finished, when not for its handshake
    /// budget: e.g. a mail server that stopped accepting STARTTLS sessions (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Wall time of the whole scan, in milliseconds.
    pub duration_ms: u64,
    /// The finite-field groups used with DHE suites, from the ServerKeyExchange; skipped when
    /// no DHE suite is accepted (absent in results written before this probe existed: skipped).
    #[serde(default = "dhe_absent")]
    pub dhe: Probed<DheProbe>,
}

/// What the server did with hellos offering one protocol version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VersionProbe {
    /// `ssl2` … `tls13`.
    #[schemars(extend("enum" = ["ssl2", "ssl3", "tls10", "tls11", "tls12", "tls13"]))]
    pub version: String,
    /// `true` accepted, `false` refused, `null` unknown (see `detail`).
    pub accepted: Option<bool>,
    /// The server's answer to the first hello (e.g. "ServerHello TLS_AES_256_GCM_SHA384",
    /// "alert handshake_failure", "connection closed", "no reply within 5s").
    pub detail: String,
    /// Accepted suites (or SSLv2 cipher specs), in the order the server chose them.
    pub suites: Vec<SuiteSeen>,
    /// True when suite enumeration ended with a refusal, false when it stopped on an unknown
    /// reply or the handshake budget.
    pub suites_complete: bool,
    /// Whether the server enforces its own suite order (`null`: fewer than two suites, or not
    /// tested).
    pub server_order: Option<bool>,
    /// renegotiation_info in the ServerHello (RFC 5746); `null` for TLS 1.3 / SSLv2 / refused.
    pub secure_renegotiation: Option<bool>,
    /// extended_master_secret in the ServerHello (RFC 7627); `null` as above.
    pub extended_master_secret: Option<bool>,
}

/// One accepted cipher suite (TLS/SSLv3 id, or SSLv2 3-byte cipher spec).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SuiteSeen {
    /// The code point.
    pub id: u32,
    /// IANA (or SSLv2) name, or `unknown`.
    pub name: String,
}

/// One named group offered on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GroupProbe {
    /// IANA code point.
    pub id: u16,
    /// IANA name.
    pub name: String,
    /// `true` accepted, `false` refused, `null` unknown.
    pub accepted: Option<bool>,
    /// The version the group was probed with: `tls13`, or the highest accepted TLS 1.0–1.2
    /// version for curves (absent in older results: read as `groups_version`).
    #[serde(default)]
    pub version: Option<String>,
}

/// One certificate as sent by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CertificateDer {
    /// The DER bytes, base64 (standard alphabet, padded).
    pub der_base64: String,
}

/// The certificate verifier's verdict, judged twice so that trust and time are told apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrustVerdict {
    /// The verdict at scan time for the domain name (`null` = valid).
    pub at_scan_time: Option<VerifierError>,
    /// The verdict for the chain alone, judged at a moment inside the leaf's validity window,
    /// so that an expired but otherwise trusted chain reads as trusted (`null` = valid; a
    /// `not_valid_for_name` here still means the chain itself is trusted).
    pub chain_only: Option<VerifierError>,
    /// Which trust store was used (e.g. "webpki-roots 1.0 + --ca-file lab-ca.pem").
    pub roots: String,
}

/// A certificate verifier error, classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VerifierError {
    /// Class: `unknown_issuer`, `expired`, `not_valid_yet`, `not_valid_for_name`,
    /// `bad_signature`, `revoked`, `bad_encoding`, `other`.
    pub kind: String,
    /// The verifier's own message.
    pub detail: String,
}

/// A chain of HTTP requests following redirects, one hop per request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RedirectChain {
    /// Requests made, in order; the first is the requested URL.
    pub hops: Vec<HttpExchange>,
    /// Why the chain ended.
    pub end: RedirectEnd,
}

impl RedirectChain {
    /// The last response of the chain.
    pub fn last(&self) -> Option<&HttpExchange> {
        self.hops.last()
    }
}

/// How a redirect chain ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RedirectEnd {
    /// A response that is not a redirect.
    Final,
    /// A redirect to another host, recorded but not fetched.
    Offsite {
        /// The Location it pointed to.
        location: String,
        /// Why it was not fetched: the host is not in the target set, or its address is
        /// private/loopback/link-local/metadata (empty in results written before this field).
        #[serde(default)]
        reason: String,
    },
    /// A URL already in the chain.
    Loop {
        /// The repeated URL.
        location: String,
    },
    /// More hops than the limit.
    TooManyRedirects {
        /// The limit that was reached.
        limit: u32,
    },
    /// A redirect without a usable Location header.
    BadLocation {
        /// The raw Location value, if any.
        location: Option<String>,
    },
    /// A later hop failed (the failure text is kept; the earlier hops are kept too).
    HopFailed {
        /// The URL that failed.
        url: String,
        /// Why.
        detail: String,
        /// The class of the failure (absent in results written before it was recorded), so a
        /// failure on the scanner's side is told apart from the target's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<FailureKind>,
    },
}

/// One HTTP request and its response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HttpExchange {
    /// The URL requested.
    pub url: String,
    /// Status code.
    pub status: u16,
    /// All response headers in order, repeated ones kept (e.g. several `Set-Cookie`).
    pub headers: Vec<HttpHeader>,
    /// Bytes of body read (capped).
    pub body_len: u64,
    /// True when the body was longer than the cap and reading stopped.
    pub body_truncated: bool,
    /// The body as text (lossy UTF-8), kept only where a check reads it (security.txt), capped.
    pub body_text: Option<String>,
}

impl HttpExchange {
    /// All values of a header, case-insensitively, in order.
    pub fn header_values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(&name))
            .map(|h| h.value.as_str())
    }

    /// The first value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).next()
    }

    /// True for 3xx statuses that carry a Location.
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status) && self.header("location").is_some()
    }
}

/// One response header (value as lossy UTF-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HttpHeader {
    /// Header name, lower case.
    pub name: String,
    /// Header value.
    pub value: String,
}

/// The value of a DNS observation that the govscan version which wrote a result did not record.
pub fn not_probed<T>() -> Probed<T> {
    Probed::skipped("not recorded (results written before this probe existed)")
}

/// The DNSSEC status of a zone (RFC 4035 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DnssecStatus {
    /// A chain of trust from a trust anchor validates the zone's answers.
    Secure,
    /// Provably unsigned: a parent proves there is no DS (a signed zone without DS is an island).
    Insecure,
    /// Signed but validation fails (expired or bad signatures, DS/DNSKEY mismatch).
    Bogus,
    /// The validator could not decide.
    Indeterminate,
}

/// DNSSEC facts for the zone a domain is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DnssecObservation {
    /// The zone apex that was validated (the owner of the SOA).
    pub zone: String,
    /// The validator's verdict for the zone's SOA.
    pub status: DnssecStatus,
    /// The validator's own words (e.g. why the answer is bogus).
    pub detail: String,
    /// Algorithms (IANA numbers) of the DNSKEYs the zone publishes; empty when it has none.
    pub dnskey_algorithms: Vec<u8>,
    /// DS records for the zone at its parent, as text (empty when the parent has none).
    pub ds_records: Vec<String>,
    /// Which trust anchors were used ("IANA root KSKs (built in)" or the `--trust-anchor` file).
    pub trust_anchor: String,
    /// The closest trust anchor enclosing the zone, from which it was validated (RFC 4035 §5,
    /// as unbound does); absent when no anchor of the set covers the zone (then `insecure`).
    /// Absent in results written before anchors at any zone were supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor_zone: Option<String>,
    /// True when no anchor of the set covers the zone: validators with these anchors treat it
    /// as insecure whatever it publishes (absent in JSON when false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_anchor: bool,
    /// Why validation failed, when `status` is `bogus` and the cause was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bogus_reason: Option<BogusReason>,
}

/// Why a zone is bogus: the first broken link found walking from the zone towards its anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BogusReason {
    /// What is broken.
    pub kind: BogusKind,
    /// The zone whose data is broken (the scanned zone, an ancestor, or the anchor's zone).
    pub zone: String,
    /// Which record set and signature, with dates and key tags.
    pub detail: String,
}

/// The kinds of broken chains of trust (RFC 4035 §5: the checks a validator makes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BogusKind {
    /// Every signature that could validate the record set has expired (RFC 4035 §5.3.1).
    ExpiredSignature,
    /// The signatures are not valid yet (inception in the future, RFC 4035 §5.3.1).
    SignatureNotYetValid,
    /// A signature within its validity period does not verify with the key (RFC 4035 §5.3.3).
    BadSignature,
    /// The parent's DS records match no DNSKEY of the zone (RFC 4035 §5.2).
    DsMatchesNoDnskey,
    /// The parent has DS records but the zone serves no DNSKEY (RFC 4035 §5.2).
    NoDnskey,
    /// A record set that must be signed carries no signature (RFC 4035 §5.3).
    MissingSignatures,
    /// No DNSKEY of the anchor's zone matches the configured trust anchor (RFC 4035 §5).
    AnchorMismatch,
    /// The validator said bogus and no single broken link was identified.
    Unidentified,
}

impl BogusKind {
    /// The words for a message ("expired signatures").
    pub fn words(self) -> &'static str {
        match self {
            BogusKind::ExpiredSignature => "expired signatures (RRSIG)",
            BogusKind::SignatureNotYetValid => "signatures that are not valid yet (RRSIG)",
            BogusKind::BadSignature => "a bad signature (RRSIG does not verify)",
            BogusKind::DsMatchesNoDnskey => "a DS record at the parent that matches no DNSKEY",
            BogusKind::NoDnskey => "DS records at the parent but no DNSKEY in the zone",
            BogusKind::MissingSignatures => "missing signatures (no RRSIG)",
            BogusKind::AnchorMismatch => "no DNSKEY matching the trust anchor",
            BogusKind::Unidentified => "a broken chain of trust",
        }
    }
}

/// The name servers of a zone and what each said when asked directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NameServersObservation {
    /// The zone apex whose NS set was read.
    pub zone: String,
    /// One entry per NS name, in the order of the NS answer.
    pub servers: Vec<NameServer>,
}

/// One name server and its addresses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NameServer {
    /// The NS target, without trailing dot.
    pub name: String,
    /// Why its addresses could not be looked up, if they could not.
    pub lookup_error: Option<String>,
    /// Each A/AAAA address, asked for the zone's SOA with RD=0.
    pub addresses: Vec<NameServerAddress>,
}

/// One address of a name server and its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NameServerAddress {
    /// The IP address (text form).
    pub address: String,
    /// The direct SOA query.
    pub answer: Probed<NameServerAnswer>,
}

/// What a name server answered to a direct, non-recursive SOA query for the zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NameServerAnswer {
    /// The AA (authoritative answer) bit.
    pub authoritative: bool,
    /// The response code, e.g. `NoError`, `Refused`.
    pub rcode: String,
    /// The serial of the SOA in the answer section, if any.
    pub serial: Option<u32>,
}

/// The MTA-STS policy file as fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MtaStsPolicyFetch {
    /// The address of `mta-sts.<domain>` that was used.
    pub address: String,
    /// The certificate verdict for `mta-sts.<domain>` (`null` = valid); RFC 8461 §3.3 requires
    /// a valid certificate.
    pub certificate_error: Option<VerifierError>,
    /// The response (body kept as text, capped).
    pub response: HttpExchange,
}

/// The DMARC record set of the organisational domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrganisationalDmarc {
    /// The organisational domain (public suffix + one label).
    pub domain: String,
    /// TXT records at `_dmarc.<organisational domain>` (empty when there are none).
    pub records: Vec<String>,
}

/// One declared path fetched on the HTTPS origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PathFetch {
    /// The path, starting with `/`.
    pub path: String,
    /// The exchange (body kept as text, capped).
    pub result: Probed<HttpExchange>,
}
