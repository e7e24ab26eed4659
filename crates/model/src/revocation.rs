//! What the probe asked a certificate authority about the revocation of an endpoint's leaf
//! certificate (CRL and OCSP over http://), and what came back.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Probed;

/// The revocation questions asked for one endpoint's leaf certificate. The probe asks only when
/// the server stapled no usable OCSP response, and stops at the first usable answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RevocationObservation {
    /// Every request, in the order asked (CRL distribution points first, then OCSP responders).
    pub queries: Vec<RevocationQuery>,
    /// Sources the certificate names that were not asked, each with the reason (not http://,
    /// past the per-certificate limit, an answer was already usable, ...).
    pub not_asked: Vec<NotAsked>,
}

/// Which kind of revocation source was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevocationSource {
    /// A CRL from the certificate's CRL Distribution Points (RFC 5280 §4.2.1.13, §5).
    Crl,
    /// An OCSP responder from the certificate's Authority Information Access (RFC 6960).
    Ocsp,
}

/// One request to a revocation source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RevocationQuery {
    /// CRL or OCSP.
    pub source: RevocationSource,
    /// The URL the certificate names (the CRL location, or the OCSP responder's base URL).
    pub url: String,
    /// `GET` or `POST` (OCSP requests longer than 255 bytes are POSTed, RFC 6960 Appendix A.1).
    #[schemars(extend("enum" = ["GET", "POST"]))]
    pub method: String,
    /// True when the answer was shared from this scan's cache: the same request had already
    /// been made (or was in flight) for another endpoint or domain, so nothing was sent again.
    pub shared: bool,
    /// The HTTP exchange, or why there is none (skipped when the address policy forbids the
    /// source, e.g. a private address without `--allow-private`).
    pub response: Probed<RevocationResponse>,
    /// For a CRL that was fetched: what it says about this certificate, read by the probe
    /// (a CRL may be megabytes, so its bytes are not kept). `null` for OCSP, and for a CRL that
    /// was not fetched with status 200.
    pub crl: Option<CrlRead>,
}

/// One HTTP answer from a revocation source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RevocationResponse {
    /// The address and port that answered.
    pub address: String,
    /// The HTTP status code.
    pub status: u16,
    /// The Content-Type header, if any.
    pub content_type: Option<String>,
    /// Body bytes received.
    pub bytes: u64,
    /// Wall time of the exchange (connect to last byte), in milliseconds.
    pub duration_ms: u64,
    /// The OCSP response as base64 DER (checks verify it themselves); `null` for a CRL.
    pub body_base64: Option<String>,
}

/// A CRL as read for one certificate, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CrlRead {
    /// The CRL parsed.
    Read {
        /// What it says.
        value: CrlReading,
    },
    /// The body is not a DER CRL (or the certificates needed to read it did not parse).
    Unreadable {
        /// The parser's message.
        detail: String,
    },
}

/// What one CRL says about one certificate, and whether it may be relied on (RFC 5280 §6.3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CrlReading {
    /// The CRL's issuer name.
    pub issuer: String,
    /// True when the CRL's issuer is the certificate's issuer (§6.3.3 (b)(1)).
    pub issuer_matches: bool,
    /// The CRL signature checked with the issuer's key (§6.3.3 (f)): `valid`, `invalid` or
    /// `unverifiable` (an algorithm or key the scanner cannot check).
    #[schemars(extend("enum" = ["valid", "invalid", "unverifiable"]))]
    pub signature: String,
    /// The verifier's own words about the signature.
    pub signature_detail: String,
    /// thisUpdate, Unix seconds.
    pub this_update: i64,
    /// nextUpdate, Unix seconds, if present.
    pub next_update: Option<i64>,
    /// The CRL number (decimal), if present.
    pub crl_number: Option<String>,
    /// How many certificates the CRL lists.
    pub entries: u64,
    /// Why the CRL does not cover this certificate, if so: a delta CRL, an issuing distribution
    /// point that excludes it or names another location, partial reasons, an indirect CRL, an
    /// unrecognised critical extension (§5.2, §6.3.3 (b)(2)). Empty when it covers it.
    pub out_of_scope: Vec<String>,
    /// The certificate's entry, when the CRL lists it.
    pub entry: Option<CrlEntry>,
}

/// A CRL entry for the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CrlEntry {
    /// The serial number, lower-case hex with colons.
    pub serial: String,
    /// revocationDate, Unix seconds.
    pub revoked_at: i64,
    /// The reason code's RFC 5280 §5.3.1 name (`keyCompromise`, ...), if given.
    pub reason: Option<String>,
}

/// A revocation source the certificate names that the probe did not ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NotAsked {
    /// CRL or OCSP.
    pub source: RevocationSource,
    /// The URL as the certificate gives it.
    pub url: String,
    /// Why it was not asked.
    pub why: String,
}

/// The `revocation` of an endpoint recorded before this probe existed.
pub fn revocation_absent() -> Probed<RevocationObservation> {
    Probed::skipped("not recorded (results written before the revocation probe existed)")
}
