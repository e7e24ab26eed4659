//! Mail transport and routing observations (issue 13): every MX host asked over SMTP (the
//! greeting, EHLO, STARTTLS, the TLS handshake after it and the hand-built-hello scan), TLSA
//! records for DANE with the DNSSEC status of their answer, the route origins of the domain's
//! addresses from user-supplied RPKI data, and the DKIM keys at the selectors a target file
//! names.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ConnectionCount, DnssecStatus, Probed, TlsObservation, TlsScan};

/// The mail servers (MX hosts) of a domain as probed over SMTP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MailServers {
    /// The MX hosts probed, by preference then name (at most 10, `MAX_MX_HOSTS`).
    pub hosts: Vec<MxHost>,
    /// MX hosts beyond the cap, not probed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts_not_probed: Vec<String>,
    /// The name sent with EHLO.
    pub ehlo_name: String,
    /// True when SMTP sessions were not attempted (`--no-smtp`): addresses and TLSA records
    /// are still read, every endpoint's `smtp` is skipped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub smtp_disabled: bool,
}

/// Most MX hosts probed per domain.
pub const MAX_MX_HOSTS: usize = 10;

/// One MX host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MxHost {
    /// The exchange name, lower case, without trailing dot.
    pub name: String,
    /// The MX preference.
    pub preference: u16,
    /// The host's A and AAAA addresses (a failed lookup is data; NODATA for both is an
    /// `no_data` failure).
    pub addresses: Probed<Vec<String>>,
    /// Addresses beyond the per-host cap, not probed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses_not_probed: Vec<String>,
    /// TLSA records at `_25._tcp.<name>` (RFC 7672 §2.2) with the DNSSEC status of the answer.
    pub tlsa: Probed<TlsaLookup>,
    /// One entry per probed address.
    pub endpoints: Vec<MxEndpoint>,
}

/// One address of an MX host, asked over SMTP on port 25.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MxEndpoint {
    /// The IP address (text form).
    pub address: String,
    /// The SMTP session: greeting, EHLO, STARTTLS, a rustls handshake, QUIT.
    pub smtp: Probed<SmtpSession>,
    /// The hand-built-hello TLS scan after STARTTLS (one SMTP session per hello).
    pub tls_scan: Probed<TlsScan>,
    /// Connections made to this address for this host (shared by every domain with this MX).
    #[serde(default)]
    pub connections: ConnectionCount,
}

/// What one SMTP session showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SmtpSession {
    /// The server's greeting (RFC 5321 §4.3.1: 220 to go on).
    pub greeting: SmtpReply,
    /// The reply to EHLO, when the greeting allowed it.
    pub ehlo: Option<SmtpReply>,
    /// STARTTLS was among the EHLO keywords (RFC 3207 §4).
    pub starttls_offered: bool,
    /// The reply to STARTTLS, when it was offered (220 to go on, RFC 3207 §4).
    pub starttls: Option<SmtpReply>,
    /// Bytes the server sent after its 220 to STARTTLS and before the TLS handshake (a server
    /// that does so is open to command injection, CVE-2011-0411); 0 when none.
    #[serde(default)]
    pub bytes_after_starttls: u32,
    /// The TLS handshake after STARTTLS (rustls, TLS 1.2/1.3, SNI = the MX host name, the
    /// certificate recorded whatever the verdict); skipped without a 220 to STARTTLS.
    pub tls: Probed<TlsObservation>,
    /// Whether the session ended with a 221 reply to QUIT.
    pub quit_clean: bool,
    /// Wall time of the session, in milliseconds.
    pub duration_ms: u64,
}

impl SmtpSession {
    /// True when STARTTLS was offered, accepted with 220 and the handshake completed.
    pub fn tls_established(&self) -> bool {
        self.starttls.as_ref().is_some_and(|r| r.code == 220) && self.tls.value().is_some()
    }
}

/// One SMTP reply (RFC 5321 §4.2), bounded: long lines and many lines are cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SmtpReply {
    /// The three-digit code.
    #[schemars(range(max = 999))]
    pub code: u16,
    /// The text of each line after the code and separator (lossy UTF-8, control characters
    /// replaced), at most 32 lines of 512 characters.
    pub lines: Vec<String>,
    /// True when lines or characters were dropped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// TLSA records at one name and the DNSSEC status of the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TlsaLookup {
    /// The owner name asked, e.g. `_25._tcp.mx.example.ee`.
    pub name: String,
    /// The records (empty when the name has none).
    pub records: Vec<TlsaRecord>,
    /// The validator's verdict on the answer (or on the denial of existence): only `secure`
    /// records may be used (RFC 7672 §2.2, RFC 6698 §4.1).
    pub dnssec: DnssecStatus,
    /// The validator's own words.
    pub dnssec_detail: String,
}

/// One TLSA record (RFC 6698 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TlsaRecord {
    /// Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    pub usage: u8,
    /// Selector: 0 whole certificate, 1 SubjectPublicKeyInfo.
    pub selector: u8,
    /// Matching type: 0 exact, 1 SHA-256, 2 SHA-512.
    pub matching_type: u8,
    /// The certificate association data, lower-case hex.
    pub data_hex: String,
}

/// Route origin facts for the domain's addresses, from the operator's RPKI files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RpkiObservation {
    /// Where the validated ROA payloads came from (file name and count).
    pub vrps_source: String,
    /// Where the announced routes came from (file name and count).
    pub routes_source: String,
    /// One entry per distinct address of the web, mail and name servers.
    pub addresses: Vec<RpkiAddress>,
}

/// One address, its announced routes and the VRPs that cover them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RpkiAddress {
    /// The IP address.
    pub address: String,
    /// What the address serves: `web`, `mail <mx host>`, `name server <ns>`.
    pub roles: Vec<String>,
    /// The most specific announced prefix holding the address, once per origin AS (several
    /// when the prefix is announced from more than one AS); empty when the route table has
    /// none.
    pub routes: Vec<RouteOrigin>,
    /// Every VRP whose prefix covers the routes' prefix (RFC 6811 §2), at most 64.
    pub covering_vrps: Vec<Vrp>,
}

/// An announced prefix and its origin AS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RouteOrigin {
    /// The prefix, e.g. `192.0.2.0/24`.
    pub prefix: String,
    /// The origin AS number.
    pub origin_asn: u32,
}

/// A validated ROA payload (RFC 6811 §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Vrp {
    /// The authorised origin AS.
    pub asn: u32,
    /// The ROA prefix.
    pub prefix: String,
    /// The longest prefix length the ROA authorises.
    #[schemars(range(max = 128))]
    pub max_length: u8,
}

/// The DKIM key records at the selectors a target file names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DkimObservation {
    /// One entry per selector, in target-file order.
    pub selectors: Vec<DkimSelector>,
}

/// The TXT records at `<selector>._domainkey.<domain>` (RFC 6376 §3.6.2.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DkimSelector {
    /// The selector.
    pub selector: String,
    /// The name asked.
    pub name: String,
    /// The TXT records, each with its strings joined.
    pub txt: Probed<Vec<String>>,
}
