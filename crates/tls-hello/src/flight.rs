//! Reads a server's first flight incrementally, one socket read at a time: each byte is looked
//! at once, whole records are never re-parsed, and handshake messages that are not needed
//! (Certificate, CertificateStatus, CertificateRequest) are skipped without being kept.
//!
//! With [`ReadUntil::ServerHello`] the reader stops at the first answer (what
//! [`crate::parse_server_reply`] returns). With [`ReadUntil::KeyExchange`] it reads on past a
//! TLS 1.0–1.2 ServerHello whose suite is (EC)DHE, to the ServerKeyExchange, and reports the
//! finite-field prime or the named curve the server chose (RFC 5246 §7.4.3, RFC 8422 §5.4).

use serde::{Deserialize, Serialize};

use crate::reader::Reader;
use crate::reply::{MAX_RECORD, bad_header_prefix, parse_alert, parse_server_hello};
use crate::ssl2::{looks_like_sslv2, parse_sslv2_reply};
use crate::suites::{self, KeyExchange};
use crate::{MAX_REPLY_BYTES, ProtocolVersion, ServerReply};

/// Most bytes read while looking for the ServerKeyExchange (the Certificate message before it
/// can be large); past this the key exchange is reported as unusable.
pub const MAX_FLIGHT_BYTES: usize = 256 * 1024;

/// Largest ServerKeyExchange kept (an 8192-bit prime, generator, public value and signature
/// take about 3 KiB).
const MAX_KEY_EXCHANGE: usize = 32 * 1024;

/// Handshake message types (RFC 5246 §7.4, RFC 6066 §8).
mod msg {
    pub(super) const SERVER_HELLO: u8 = 2;
    pub(super) const CERTIFICATE: u8 = 11;
    pub(super) const SERVER_KEY_EXCHANGE: u8 = 12;
    pub(super) const CERTIFICATE_REQUEST: u8 = 13;
    pub(super) const SERVER_HELLO_DONE: u8 = 14;
    pub(super) const CERTIFICATE_STATUS: u8 = 22;
}

/// How far into the server's flight to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadUntil {
    /// Stop at the first answer (ServerHello, HelloRetryRequest, alert, SSLv2 reply, garbage).
    ServerHello,
    /// After a TLS 1.0–1.2 (or SSL 3.0) ServerHello choosing an (EC)DHE suite, read on to the
    /// ServerKeyExchange.
    KeyExchange,
}

/// What the ServerKeyExchange said about the key exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyExchangeReply {
    /// ServerDHParams: the prime and the generator, big-endian, leading zero bytes removed.
    Dh {
        /// The prime `dh_p`.
        prime: Vec<u8>,
        /// The generator `dh_g`.
        generator: Vec<u8>,
    },
    /// ServerECDHParams with a named curve (RFC 8422 §5.4).
    Ec {
        /// The named group.
        curve: u16,
    },
    /// No usable parameters: explicit curves, a ServerHelloDone first, an alert, malformed
    /// bytes, a truncated flight. The ServerHello itself still stands.
    Unusable {
        /// What went wrong, for evidence.
        reason: String,
    },
}

/// The answer to one hello: the first reply and, when asked for and relevant, the key exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight {
    /// The server's first reply.
    pub reply: ServerReply,
    /// The key exchange, when [`ReadUntil::KeyExchange`] was asked for and `reply` is a TLS
    /// 1.0–1.2 ServerHello with an (EC)DHE suite; `None` otherwise.
    pub key_exchange: Option<KeyExchangeReply>,
}

/// The result of feeding bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Read at least `needed` more bytes (a lower bound) and feed them.
    NeedMore {
        /// A lower bound on the further bytes required.
        needed: usize,
    },
    /// The flight is decided; later bytes are ignored.
    Done(Flight),
}

/// How much work the reader did, to show that it is linear in its input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseStats {
    /// Calls to [`FlightReader::feed`].
    pub feeds: usize,
    /// Bytes passed to `feed`.
    pub bytes_fed: usize,
    /// Bytes the state machine consumed (each at most once).
    pub bytes_examined: usize,
    /// Record headers read.
    pub records: usize,
    /// Whole messages parsed (ServerHello, ServerKeyExchange, SSLv2 messages, alerts).
    pub messages_parsed: usize,
}

/// The record being read.
#[derive(Debug)]
struct Record {
    content_type: u8,
    remaining: usize,
}

/// The handshake message being assembled across records.
#[derive(Debug, Default)]
struct Message {
    header: [u8; 4],
    header_len: usize,
    msg_type: u8,
    len: usize,
    got: usize,
    /// Whether the body is kept (ServerHello, ServerKeyExchange) or skipped.
    keep: bool,
    body: Vec<u8>,
}

/// Bytes that decide the flight, found while reading.
enum Step {
    Continue,
    Done(Flight),
}

/// An incremental reader of one server flight. Never panics on any input.
#[derive(Debug)]
pub struct FlightReader {
    until: ReadUntil,
    stats: ParseStats,
    /// The first 16 bytes received, quoted when the reply is not TLS.
    head: Vec<u8>,
    /// `Some(true)` SSLv2 framing, `Some(false)` TLS records, `None` before the first byte.
    sslv2: Option<bool>,
    /// SSLv2: the whole (single) record; TLS: the partial record header.
    pending: Vec<u8>,
    record: Option<Record>,
    alert: Vec<u8>,
    message: Message,
    /// The ServerHello, while reading on to its key exchange.
    hello: Option<(ServerReply, KeyExchange)>,
    done: Option<Flight>,
}

impl FlightReader {
    /// A reader that stops as `until` says.
    pub fn new(until: ReadUntil) -> Self {
        FlightReader {
            until,
            stats: ParseStats::default(),
            head: Vec::with_capacity(16),
            sslv2: None,
            pending: Vec::new(),
            record: None,
            alert: Vec::with_capacity(2),
            message: Message::default(),
            hello: None,
            done: None,
        }
    }

    /// The work done so far.
    pub fn stats(&self) -> ParseStats {
        self.stats
    }

    /// What is known when the input ends early (EOF, timeout): the ServerHello with an
    /// unusable key exchange saying `why`, if the ServerHello was read; `None` otherwise.
    pub fn finish(&self, why: &str) -> Option<Flight> {
        if let Some(done) = &self.done {
            return Some(done.clone());
        }
        self.hello.as_ref().map(|(reply, _)| Flight {
            reply: reply.clone(),
            key_exchange: Some(KeyExchangeReply::Unusable {
                reason: format!("no ServerKeyExchange: {why}"),
            }),
        })
    }

    /// Consumes `bytes` (the next bytes of the stream) and says whether the flight is decided.
    pub fn feed(&mut self, bytes: &[u8]) -> Progress {
        self.stats.feeds += 1;
        self.stats.bytes_fed = self.stats.bytes_fed.saturating_add(bytes.len());
        if let Some(done) = &self.done {
            return Progress::Done(done.clone());
        }
        let room = 16usize.saturating_sub(self.head.len());
        self.head
            .extend_from_slice(bytes.get(..room).unwrap_or(bytes));
        let mut input = bytes;
        while !input.is_empty() {
            let cap = if self.hello.is_some() {
                MAX_FLIGHT_BYTES
            } else {
                MAX_REPLY_BYTES
            };
            let room = cap.saturating_sub(self.stats.bytes_examined);
            if room == 0 {
                let flight = self.over_cap(cap);
                return self.decide(flight);
            }
            let limit = input.len().min(room);
            let (step, used) = self.step(input.get(..limit).unwrap_or(input));
            self.stats.bytes_examined += used;
            input = input.get(used..).unwrap_or_default();
            if let Step::Done(flight) = step {
                return self.decide(flight);
            }
        }
        Progress::NeedMore {
            needed: self.needed(),
        }
    }

    fn decide(&mut self, flight: Flight) -> Progress {
        self.done = Some(flight.clone());
        Progress::Done(flight)
    }

    /// The outcome when the cap is reached without a decision.
    fn over_cap(&self, cap: usize) -> Flight {
        match &self.hello {
            Some((reply, _)) => Flight {
                reply: reply.clone(),
                key_exchange: Some(KeyExchangeReply::Unusable {
                    reason: format!("no ServerKeyExchange within the first {cap} bytes"),
                }),
            },
            None => reply_only(ServerReply::garbage(format!(
                "no complete reply within the first {cap} bytes"
            ))),
        }
    }

    /// Consumes a prefix of `input` (at least one byte); returns the step and the bytes used.
    fn step(&mut self, input: &[u8]) -> (Step, usize) {
        let sslv2 = *self.sslv2.get_or_insert_with(|| looks_like_sslv2(input));
        if sslv2 {
            return self.step_sslv2(input);
        }
        match self.record.take() {
            None => self.step_header(input),
            Some(record) => self.step_body(record, input),
        }
    }

    /// SSLv2: collect the one record; parse at the milestones where an answer can appear (the
    /// length, the message type, the whole record), so the work stays linear.
    fn step_sslv2(&mut self, input: &[u8]) -> (Step, usize) {
        let want = match self.pending.as_slice() {
            [hi, lo, ..] => 2 + usize::from(u16::from_be_bytes([*hi, *lo]) & 0x7FFF),
            _ => 3,
        };
        let take = if self.pending.len() < 3 {
            3 - self.pending.len()
        } else {
            want.saturating_sub(self.pending.len())
        }
        .clamp(1, input.len());
        self.pending
            .extend_from_slice(input.get(..take).unwrap_or(input));
        match parse_sslv2_reply(&self.pending) {
            ServerReply::Incomplete { .. } => (Step::Continue, take),
            reply => {
                self.stats.messages_parsed += 1;
                (Step::Done(reply_only(reply)), take)
            }
        }
    }

    /// Collects a record header byte by byte, checking each prefix.
    fn step_header(&mut self, input: &[u8]) -> (Step, usize) {
        let take = (5 - self.pending.len()).min(input.len());
        let mut used = 0;
        for byte in input.iter().take(take) {
            self.pending.push(*byte);
            used += 1;
            if let Some(reason) = bad_header_prefix(&self.pending, &self.head) {
                let reason = if self.hello.is_some() {
                    "bytes after the ServerHello that are not a TLS record".to_owned()
                } else {
                    reason
                };
                return (self.fail(reason), used);
            }
        }
        let [content_type, _, _, hi, lo] = self.pending[..] else {
            return (Step::Continue, used);
        };
        self.pending.clear();
        self.stats.records += 1;
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        if len == 0 || len > MAX_RECORD {
            return (self.fail(format!("TLS record of length {len}")), used);
        }
        let before = if self.hello.is_some() {
            "the ServerKeyExchange"
        } else {
            "any ServerHello"
        };
        match content_type {
            20 => (self.fail(format!("ChangeCipherSpec before {before}")), used),
            23 => (self.fail(format!("application data before {before}")), used),
            _ => {
                self.record = Some(Record {
                    content_type,
                    remaining: len,
                });
                (Step::Continue, used)
            }
        }
    }

    /// Consumes record body bytes: an alert's first two bytes, or handshake bytes.
    fn step_body(&mut self, mut record: Record, input: &[u8]) -> (Step, usize) {
        let take = record.remaining.min(input.len());
        let body = input.get(..take).unwrap_or(input);
        if record.content_type == 21 {
            let want = (2 - self.alert.len()).min(body.len());
            self.alert
                .extend_from_slice(body.get(..want).unwrap_or(body));
            record.remaining -= want;
            if self.alert.len() == 2 {
                self.stats.messages_parsed += 1;
                let alert = parse_alert(&self.alert);
                return (self.on_alert(alert), want);
            }
            if record.remaining == 0 {
                return (self.fail("alert record shorter than 2 bytes".into()), want);
            }
            self.record = Some(record);
            return (Step::Continue, want);
        }
        let (step, used) = self.handshake_bytes(body);
        record.remaining -= used;
        if record.remaining > 0 {
            self.record = Some(record);
        }
        (step, used)
    }

    /// Feeds handshake bytes to the message being assembled.
    fn handshake_bytes(&mut self, body: &[u8]) -> (Step, usize) {
        let mut used = 0;
        while used < body.len() {
            let rest = body.get(used..).unwrap_or_default();
            let m = &mut self.message;
            if m.header_len < 4 {
                let byte = rest.first().copied().unwrap_or_default();
                m.header[m.header_len] = byte;
                m.header_len += 1;
                used += 1;
                if m.header_len == 1 && self.hello.is_none() && byte != msg::SERVER_HELLO {
                    return (
                        self.fail(format!(
                            "expected ServerHello (2), got handshake message type {byte}"
                        )),
                        used,
                    );
                }
                if m.header_len == 4 {
                    let [t, a, b, c] = m.header;
                    m.msg_type = t;
                    m.len = (usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c);
                    m.got = 0;
                    m.body.clear();
                    if let Step::Done(flight) = self.start_message() {
                        return (Step::Done(flight), used);
                    }
                    if self.message.len == 0
                        && let Step::Done(flight) = self.end_message()
                    {
                        return (Step::Done(flight), used);
                    }
                }
                continue;
            }
            let take = (m.len - m.got).min(rest.len());
            if m.keep {
                m.body.extend_from_slice(rest.get(..take).unwrap_or(rest));
            }
            m.got += take;
            used += take;
            if m.got == m.len
                && let Step::Done(flight) = self.end_message()
            {
                return (Step::Done(flight), used);
            }
        }
        (Step::Continue, used)
    }

    /// Decides what to do with a message whose header just arrived.
    fn start_message(&mut self) -> Step {
        let (t, len) = (self.message.msg_type, self.message.len);
        if self.hello.is_none() {
            // Only a ServerHello can come first (checked on its first byte).
            if len > MAX_REPLY_BYTES {
                return self.fail(format!("handshake message of length {len}"));
            }
            self.message.keep = true;
            return Step::Continue;
        }
        match t {
            msg::CERTIFICATE | msg::CERTIFICATE_STATUS | msg::CERTIFICATE_REQUEST => {
                self.message.keep = false;
                Step::Continue
            }
            msg::SERVER_KEY_EXCHANGE if len <= MAX_KEY_EXCHANGE => {
                self.message.keep = true;
                Step::Continue
            }
            msg::SERVER_KEY_EXCHANGE => self.fail(format!("ServerKeyExchange of {len} bytes")),
            msg::SERVER_HELLO_DONE => {
                self.fail("ServerHelloDone without a ServerKeyExchange".into())
            }
            other => self.fail(format!(
                "handshake message type {other} before the ServerKeyExchange"
            )),
        }
    }

    /// A whole message arrived.
    fn end_message(&mut self) -> Step {
        let message = std::mem::take(&mut self.message);
        match (&self.hello, message.msg_type) {
            (None, _) => {
                self.stats.messages_parsed += 1;
                let reply = parse_server_hello(&message.body);
                match key_exchange_to_read(&reply, self.until) {
                    Some(kind) => {
                        self.hello = Some((reply, kind));
                        Step::Continue
                    }
                    None => Step::Done(reply_only(reply)),
                }
            }
            (Some((reply, kind)), msg::SERVER_KEY_EXCHANGE) => {
                self.stats.messages_parsed += 1;
                Step::Done(Flight {
                    reply: reply.clone(),
                    key_exchange: Some(parse_key_exchange(&message.body, *kind)),
                })
            }
            // A skipped message ended; go on to the next one.
            (Some(_), _) => Step::Continue,
        }
    }

    fn on_alert(&mut self, alert: ServerReply) -> Step {
        match &self.hello {
            None => Step::Done(reply_only(alert)),
            Some(_) => {
                let what = match &alert {
                    ServerReply::Alert {
                        description, name, ..
                    } => format!("alert {name} ({description})"),
                    _ => "an alert".into(),
                };
                self.fail(format!("{what} after the ServerHello"))
            }
        }
    }

    /// The flight ends here as not well-formed: garbage before the ServerHello, an unusable key
    /// exchange after it.
    fn fail(&mut self, reason: String) -> Step {
        match &self.hello {
            None => Step::Done(reply_only(ServerReply::Garbage { reason })),
            Some((reply, _)) => Step::Done(Flight {
                reply: reply.clone(),
                key_exchange: Some(KeyExchangeReply::Unusable { reason }),
            }),
        }
    }

    /// A lower bound on the bytes still needed for a decision other than garbage.
    fn needed(&self) -> usize {
        if self.sslv2 == Some(true) {
            return match parse_sslv2_reply(&self.pending) {
                ServerReply::Incomplete { needed } => needed.max(1),
                _ => 1,
            };
        }
        if self.stats.bytes_examined == 0 {
            return 1;
        }
        let m = &self.message;
        match &self.record {
            // The rest of the header, then: an alert's two bytes, or as much of the handshake
            // message as is missing — unless an alert record after one more handshake byte
            // ends it sooner (1 + 5 + 2 bytes).
            None => {
                let missing = match m.header_len {
                    0 => 0,
                    1..=3 => 4 - m.header_len,
                    _ => m.len - m.got,
                };
                let body = match self.pending.first() {
                    Some(22) => missing.min(1 + 5 + 2),
                    _ => missing.min(2),
                };
                5 - self.pending.len() + body
            }
            Some(r) if r.content_type == 21 => (2 - self.alert.len()).min(r.remaining).max(1),
            Some(r) => {
                let missing = if m.header_len < 4 { 1 } else { m.len - m.got };
                missing.min(r.remaining).max(1)
            }
        }
    }
}

fn reply_only(reply: ServerReply) -> Flight {
    Flight {
        reply,
        key_exchange: None,
    }
}

/// The key exchange to read on to: a TLS 1.0–1.2 or SSL 3.0 ServerHello whose suite sends its
/// (EC)DHE parameters in a ServerKeyExchange, when reading on was asked for.
fn key_exchange_to_read(reply: &ServerReply, until: ReadUntil) -> Option<KeyExchange> {
    let ServerReply::ServerHello {
        version,
        cipher_suite,
        ..
    } = reply
    else {
        return None;
    };
    if until != ReadUntil::KeyExchange || *version == ProtocolVersion::Tls13 {
        return None;
    }
    let kind = suites::lookup(*cipher_suite)?.key_exchange;
    matches!(
        kind,
        KeyExchange::Dhe
            | KeyExchange::DhAnon
            | KeyExchange::DhePsk
            | KeyExchange::Ecdhe
            | KeyExchange::EcdhAnon
            | KeyExchange::EcdhePsk
    )
    .then_some(kind)
}

/// The parameters at the start of a ServerKeyExchange body (the signature after them is not
/// read): ServerDHParams (RFC 5246 §7.4.3) or ServerECDHParams (RFC 8422 §5.4), after a PSK
/// identity hint for the PSK suites (RFC 4279 §3, RFC 5489 §2).
fn parse_key_exchange(body: &[u8], kind: KeyExchange) -> KeyExchangeReply {
    let unusable = |reason: &str| KeyExchangeReply::Unusable {
        reason: reason.to_owned(),
    };
    let mut r = Reader::new(body);
    if matches!(kind, KeyExchange::DhePsk | KeyExchange::EcdhePsk) && r.vec_u16().is_none() {
        return unusable("ServerKeyExchange shorter than its PSK identity hint");
    }
    match kind {
        KeyExchange::Dhe | KeyExchange::DhAnon | KeyExchange::DhePsk => {
            let (Some(p), Some(g), Some(_ys)) = (r.vec_u16(), r.vec_u16(), r.vec_u16()) else {
                return unusable("malformed ServerDHParams");
            };
            let prime = strip_leading_zeros(p);
            if prime.is_empty() {
                return unusable("ServerDHParams with a zero prime");
            }
            KeyExchangeReply::Dh {
                prime: prime.to_vec(),
                generator: strip_leading_zeros(g).to_vec(),
            }
        }
        _ => match (r.u8(), r.u16()) {
            (Some(3), Some(curve)) => KeyExchangeReply::Ec { curve },
            (Some(1), _) => unusable("explicit prime curve parameters"),
            (Some(2), _) => unusable("explicit characteristic-2 curve parameters"),
            _ => unusable("malformed ServerECDHParams"),
        },
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames `handshake` as TLS 1.2 handshake records of at most `chunk` bytes.
    fn records(handshake: &[u8], chunk: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for part in handshake.chunks(chunk) {
            out.extend_from_slice(&[22, 3, 3]);
            out.extend_from_slice(&(part.len() as u16).to_be_bytes());
            out.extend_from_slice(part);
        }
        out
    }

    fn message(t: u8, body: &[u8]) -> Vec<u8> {
        let len = (body.len() as u32).to_be_bytes();
        let mut out = vec![t, len[1], len[2], len[3]];
        out.extend_from_slice(body);
        out
    }

    /// A TLS 1.2 ServerHello choosing `suite`, no extensions.
    fn server_hello(suite: u16) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.push(0);
        body.extend_from_slice(&suite.to_be_bytes());
        body.push(0);
        message(2, &body)
    }

    fn vec16(data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(data);
        out
    }

    fn dhe_flight(prime: &[u8]) -> Vec<u8> {
        let mut flight = server_hello(0x009E); // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
        flight.extend(message(11, &[0; 3000]));
        let mut ske = vec16(prime);
        ske.extend(vec16(&[2]));
        ske.extend(vec16(&[5; 16]));
        ske.extend_from_slice(&[4, 1, 0, 2, 9, 9]);
        flight.extend(message(12, &ske));
        flight.extend(message(14, &[]));
        flight
    }

    #[test]
    fn reads_on_to_the_dh_prime_across_records_one_byte_at_a_time() {
        let mut prime = vec![0u8];
        prime.extend_from_slice(&[0xC3; 128]);
        let bytes = records(&dhe_flight(&prime), 700);
        let mut reader = FlightReader::new(ReadUntil::KeyExchange);
        let mut outcome = None;
        for (i, byte) in bytes.iter().enumerate() {
            if let Progress::Done(flight) = reader.feed(std::slice::from_ref(byte)) {
                outcome = Some((i, flight));
                break;
            }
        }
        let (at, flight) = outcome.expect("decided");
        assert!(matches!(
            flight.reply,
            ServerReply::ServerHello {
                cipher_suite: 0x009E,
                ..
            }
        ));
        assert_eq!(
            flight.key_exchange,
            Some(KeyExchangeReply::Dh {
                prime: vec![0xC3; 128],
                generator: vec![2]
            })
        );
        // Decided on the last byte of the ServerKeyExchange, before the ServerHelloDone.
        assert!(at < bytes.len() - 4);
        let stats = reader.stats();
        assert_eq!(stats.bytes_examined, at + 1, "each byte examined once");
        assert_eq!(
            stats.messages_parsed, 2,
            "ServerHello and ServerKeyExchange only"
        );
        assert_eq!(stats.feeds, at + 1);
    }

    #[test]
    fn stops_at_the_server_hello_unless_asked_to_read_on() {
        let bytes = records(&dhe_flight(&[0xC3; 64]), 16384);
        let mut reader = FlightReader::new(ReadUntil::ServerHello);
        match reader.feed(&bytes) {
            Progress::Done(flight) => assert_eq!(flight.key_exchange, None),
            other => panic!("{other:?}"),
        }
        // Static RSA: nothing to read on to.
        let mut flight = server_hello(0x002F);
        flight.extend(message(11, &[0; 10]));
        let mut reader = FlightReader::new(ReadUntil::KeyExchange);
        match reader.feed(&records(&flight, 16384)) {
            Progress::Done(flight) => assert_eq!(flight.key_exchange, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ecdhe_named_curve_and_explicit_curves() {
        for (params, expect) in [
            (
                vec![3, 0x00, 0x17, 1, 4],
                KeyExchangeReply::Ec { curve: 0x17 },
            ),
            (
                vec![1, 0, 0],
                KeyExchangeReply::Unusable {
                    reason: "explicit prime curve parameters".into(),
                },
            ),
        ] {
            let mut flight = server_hello(0xC02F);
            flight.extend(message(12, &params));
            let mut reader = FlightReader::new(ReadUntil::KeyExchange);
            match reader.feed(&records(&flight, 16384)) {
                Progress::Done(f) => assert_eq!(f.key_exchange, Some(expect)),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn trouble_after_the_server_hello_keeps_the_server_hello() {
        let hello = server_hello(0xC02F);
        // ServerHelloDone first, an alert, CCS, and an early end.
        let mut done_first = hello.clone();
        done_first.extend(message(14, &[]));
        let mut alert = records(&hello, 16384);
        alert.extend_from_slice(&[21, 3, 3, 0, 2, 2, 40]);
        let mut ccs = records(&hello, 16384);
        ccs.extend_from_slice(&[20, 3, 3, 0, 1, 1]);
        for (bytes, words) in [
            (records(&done_first, 16384), "ServerHelloDone"),
            (alert, "handshake_failure"),
            (ccs, "ChangeCipherSpec"),
        ] {
            let mut reader = FlightReader::new(ReadUntil::KeyExchange);
            match reader.feed(&bytes) {
                Progress::Done(Flight {
                    reply: ServerReply::ServerHello { .. },
                    key_exchange: Some(KeyExchangeReply::Unusable { reason }),
                }) => assert!(reason.contains(words), "{reason}"),
                other => panic!("{words}: {other:?}"),
            }
        }
        let mut reader = FlightReader::new(ReadUntil::KeyExchange);
        assert!(matches!(
            reader.feed(&records(&hello, 16384)),
            Progress::NeedMore { .. }
        ));
        match reader.finish("the connection closed") {
            Some(Flight {
                key_exchange: Some(KeyExchangeReply::Unusable { reason }),
                ..
            }) => assert!(reason.contains("closed"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(FlightReader::new(ReadUntil::KeyExchange).finish("x"), None);
    }

    #[test]
    fn an_endless_certificate_stops_at_the_flight_cap() {
        let mut flight = server_hello(0xC02F);
        flight.extend(message(11, &vec![0; MAX_FLIGHT_BYTES]));
        let bytes = records(&flight, 16384);
        let mut reader = FlightReader::new(ReadUntil::KeyExchange);
        let mut outcome = None;
        for chunk in bytes.chunks(4096) {
            if let Progress::Done(f) = reader.feed(chunk) {
                outcome = Some(f);
                break;
            }
        }
        match outcome {
            Some(Flight {
                key_exchange: Some(KeyExchangeReply::Unusable { reason }),
                ..
            }) => assert!(reason.contains("within the first"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert!(reader.stats().bytes_examined <= MAX_FLIGHT_BYTES);
    }
}
