//! Classifies the first bytes a server sends back after a probe hello: ServerHello,
//! HelloRetryRequest, alert, SSLv2 SERVER-HELLO/ERROR, "read more", or garbage.

use serde::{Deserialize, Serialize};

use crate::builder::ext;
use crate::flight::{FlightReader, Progress, ReadUntil};
use crate::reader::Reader;
use crate::{ProtocolVersion, alert_name};

/// At most this many leading bytes of a reply are considered; a ServerHello always arrives well
/// within them. Longer input is treated as if it ended here.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// Largest TLS record body accepted (2^14 plus the 2048 bytes of expansion RFC 5246 allows).
pub(crate) const MAX_RECORD: usize = 16384 + 2048;

/// `random` of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// What the server's first reply says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServerReply {
    /// A (TLS 1.3, SSL 3.0 or TLS 1.0–1.2) ServerHello: the server accepted the offer.
    ServerHello {
        /// Negotiated version: the supported_versions extension if present, else server_version.
        version: ProtocolVersion,
        /// The chosen cipher suite.
        cipher_suite: u16,
        /// The chosen compression method (0 = none; anything else allows CRIME).
        compression: u8,
        /// Extension types in the ServerHello, in order.
        extensions: Vec<u16>,
        /// renegotiation_info present with an empty renegotiated_connection (RFC 5746).
        secure_renegotiation: bool,
        /// extended_master_secret present (RFC 7627).
        extended_master_secret: bool,
        /// The key_share group (TLS 1.3 only).
        selected_group: Option<u16>,
        /// The RFC 8446 §4.1.3 downgrade sentinel in the server random: `Some(Tls12)` for
        /// "DOWNGRD\x01" (server supports TLS 1.3 but negotiated 1.2), `Some(Tls11)` for
        /// "DOWNGRD\x00" (negotiated 1.1 or lower), `None` if absent.
        downgrade_sentinel: Option<ProtocolVersion>,
    },
    /// A TLS 1.3 HelloRetryRequest: the server speaks TLS 1.3 and accepted a suite, but wants a
    /// key share for another group.
    HelloRetryRequest {
        /// The chosen cipher suite.
        cipher_suite: u16,
        /// The group the server asks for (key_share extension), if present.
        selected_group: Option<u16>,
        /// Extension types, in order.
        extensions: Vec<u16>,
    },
    /// A TLS alert (first alert of the first alert record): the offer was refused.
    Alert {
        /// 1 = warning, 2 = fatal.
        level: u8,
        /// Alert description code (40 handshake_failure, 70 protocol_version, ...).
        description: u8,
        /// The description's registered name, or "unknown".
        name: String,
    },
    /// An SSL 2.0 SERVER-HELLO: the server speaks SSLv2.
    Ssl2ServerHello {
        /// server_version (0x0002 for SSL 2.0).
        version: u16,
        /// The cipher specs the server offers (3-byte code points); empty means none in common.
        cipher_specs: Vec<u32>,
    },
    /// An SSL 2.0 ERROR message (e.g. 0x0001 NO-CIPHER-ERROR).
    Ssl2Error {
        /// The SSLv2 error code.
        code: u16,
    },
    /// The bytes so far are a valid prefix; read at least `needed` more bytes and parse again.
    Incomplete {
        /// A lower bound on the further bytes required.
        needed: usize,
    },
    /// Not a well-formed reply (plain HTTP, a truncated-by-cap stream, malformed fields, ...).
    Garbage {
        /// What was wrong, for evidence.
        reason: String,
    },
}

impl ServerReply {
    pub(crate) fn garbage(reason: impl Into<String>) -> Self {
        Self::Garbage {
            reason: reason.into(),
        }
    }
}

/// Classifies the bytes received so far (call again with more bytes on `Incomplete`).
/// Handles records split across reads, a ServerHello fragmented over several records and a
/// ServerHello followed by further handshake messages in the same record. Only the first
/// [`MAX_REPLY_BYTES`] bytes are looked at; never panics. A probe reading from a socket should
/// feed a [`crate::FlightReader`] instead, which keeps its place between reads.
pub fn parse_server_reply(bytes: &[u8]) -> ServerReply {
    let mut reader = FlightReader::new(ReadUntil::ServerHello);
    match reader.feed(bytes) {
        Progress::Done(flight) => flight.reply,
        Progress::NeedMore { needed } => ServerReply::Incomplete { needed },
    }
}

/// Why a (possibly partial) record header cannot start a TLS record, or `None` if it can:
/// content type 20–23, major version 3, minor version 0–4. `head` is the start of the reply,
/// quoted in the reason.
pub(crate) fn bad_header_prefix(header: &[u8], head: &[u8]) -> Option<String> {
    let ok = match header {
        [] => true,
        [t] => (20..=23).contains(t),
        [t, major] => (20..=23).contains(t) && *major == 3,
        [t, major, minor, ..] => (20..=23).contains(t) && *major == 3 && *minor <= 4,
    };
    (!ok).then(|| describe_non_tls(head))
}

/// The first alert of an alert record body (at least two bytes).
pub(crate) fn parse_alert(body: &[u8]) -> ServerReply {
    match body {
        [level, description, ..] => ServerReply::Alert {
            level: *level,
            description: *description,
            name: alert_name(*description).to_owned(),
        },
        _ => ServerReply::garbage("alert record shorter than 2 bytes"),
    }
}

/// The fields of a ServerHello body needed for classification.
pub(crate) fn parse_server_hello(body: &[u8]) -> ServerReply {
    let mut r = Reader::new(body);
    let fields = (|| {
        let legacy_version = r.u16()?;
        let random = r.take(32)?;
        let session_id = r.vec_u8()?;
        let cipher_suite = r.u16()?;
        let compression = r.u8()?;
        Some((
            legacy_version,
            random,
            session_id.len(),
            cipher_suite,
            compression,
        ))
    })();
    let Some((legacy_version, random, session_id_len, cipher_suite, compression)) = fields else {
        return ServerReply::garbage("ServerHello shorter than its fixed fields");
    };
    if session_id_len > 32 {
        return ServerReply::garbage(format!("ServerHello session id of {session_id_len} bytes"));
    }
    let extensions = if r.remaining() == 0 {
        Vec::new()
    } else {
        match r
            .vec_u16()
            .filter(|_| r.remaining() == 0)
            .and_then(parse_extensions)
        {
            Some(list) => list,
            None => return ServerReply::garbage("malformed ServerHello extensions"),
        }
    };
    let types: Vec<u16> = extensions.iter().map(|(t, _)| *t).collect();
    let find = |kind: u16| extensions.iter().find(|(t, _)| *t == kind).map(|(_, d)| *d);
    let key_share_group = find(ext::KEY_SHARE).and_then(|d| Reader::new(d).u16());

    if random == HRR_RANDOM {
        return ServerReply::HelloRetryRequest {
            cipher_suite,
            selected_group: key_share_group,
            extensions: types,
        };
    }
    let negotiated = match find(ext::SUPPORTED_VERSIONS) {
        Some(data) => match <[u8; 2]>::try_from(data) {
            Ok(v) => u16::from_be_bytes(v),
            Err(_) => return ServerReply::garbage("supported_versions not 2 bytes"),
        },
        None => legacy_version,
    };
    let Some(version) = ProtocolVersion::from_wire(negotiated) else {
        return ServerReply::garbage(format!("ServerHello version {negotiated:#06x}"));
    };
    ServerReply::ServerHello {
        version,
        cipher_suite,
        compression,
        secure_renegotiation: find(ext::RENEGOTIATION_INFO) == Some(&[0][..]),
        extended_master_secret: find(ext::EXTENDED_MASTER_SECRET).is_some(),
        selected_group: key_share_group.filter(|_| version == ProtocolVersion::Tls13),
        downgrade_sentinel: downgrade_sentinel(random),
        extensions: types,
    }
}

/// Splits an extension block into `(type, data)` pairs; `None` if lengths do not add up.
fn parse_extensions(block: &[u8]) -> Option<Vec<(u16, &[u8])>> {
    let mut r = Reader::new(block);
    let mut out = Vec::new();
    while r.remaining() > 0 {
        let kind = r.u16()?;
        let data = r.vec_u16()?;
        out.push((kind, data));
    }
    Some(out)
}

fn downgrade_sentinel(random: &[u8]) -> Option<ProtocolVersion> {
    match random.get(24..)? {
        b"DOWNGRD\x01" => Some(ProtocolVersion::Tls12),
        b"DOWNGRD\x00" => Some(ProtocolVersion::Tls11),
        _ => None,
    }
}

/// A short description of bytes that are not a TLS record, for the Garbage reason.
fn describe_non_tls(data: &[u8]) -> String {
    let head = data.get(..16).unwrap_or(data);
    if head.iter().all(|b| b.is_ascii_graphic() || *b == b' ') && !head.is_empty() {
        let text: String = head.iter().map(|b| char::from(*b)).collect();
        return format!("not a TLS record; plaintext reply starting {text:?}");
    }
    let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
    format!("not a TLS record; first bytes {}", hex.join(" "))
}
