//! The SSL 2.0 CLIENT-HELLO (2-byte record header) and SERVER-HELLO / ERROR parsing.

use crate::reader::Reader;
use crate::reply::ServerReply;

/// The seven SSL 2.0 cipher specs (3-byte code points): RC4-128-MD5, RC4-128-EXPORT40-MD5,
/// RC2-128-CBC-MD5, RC2-128-CBC-EXPORT40-MD5, IDEA-128-CBC-MD5, DES-64-CBC-MD5,
/// DES-192-EDE3-CBC-MD5.
pub const SSL2_CIPHER_SPECS: [u32; 7] = [
    0x01_00_80, 0x02_00_80, 0x03_00_80, 0x04_00_80, 0x05_00_80, 0x06_00_40, 0x07_00_C0,
];

/// The name of an SSL 2.0 cipher spec (e.g. `SSL_CK_RC4_128_WITH_MD5`), or `None` if unknown.
/// Every SSL 2.0 spec is insufficient by any current standard.
pub fn ssl2_cipher_spec_name(spec: u32) -> Option<&'static str> {
    Some(match spec {
        0x01_00_80 => "SSL_CK_RC4_128_WITH_MD5",
        0x02_00_80 => "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
        0x03_00_80 => "SSL_CK_RC2_128_CBC_WITH_MD5",
        0x04_00_80 => "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5",
        0x05_00_80 => "SSL_CK_IDEA_128_CBC_WITH_MD5",
        0x06_00_40 => "SSL_CK_DES_64_CBC_WITH_MD5",
        0x07_00_C0 => "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
        _ => return None,
    })
}

/// The fixed 16-byte challenge sent in the CLIENT-HELLO.
const CHALLENGE: [u8; 16] = *b"govscan-sslv2-ch";
/// At most this many cipher specs are sent (keeps the record under the 2-byte-header limit).
const MAX_SPECS: usize = 1024;

/// Builds an SSL 2.0 CLIENT-HELLO offering `cipher_specs` (low 24 bits of each value; at most
/// 1024 are sent), with version 0x0002, no session id and a 16-byte challenge, framed in the
/// 2-byte SSLv2 record header.
pub fn build_sslv2_client_hello(cipher_specs: &[u32]) -> Vec<u8> {
    let specs = cipher_specs.get(..MAX_SPECS).unwrap_or(cipher_specs);
    let specs_len = specs.len() * 3;
    let mut body = Vec::with_capacity(9 + specs_len + CHALLENGE.len());
    body.push(1); // MSG-CLIENT-HELLO
    body.extend_from_slice(&[0x00, 0x02]);
    // Invariant: specs_len <= 3072 and CHALLENGE is 16 bytes, so both fit in u16.
    body.extend_from_slice(&(specs_len as u16).to_be_bytes());
    body.extend_from_slice(&[0x00, 0x00]); // session-id length
    body.extend_from_slice(&(CHALLENGE.len() as u16).to_be_bytes());
    for spec in specs {
        body.extend_from_slice(&spec.to_be_bytes()[1..]);
    }
    body.extend_from_slice(&CHALLENGE);
    // Invariant: body.len() <= 9 + 3072 + 16 < 0x7FFF, so the header's 15-bit length holds it.
    let len = body.len() as u16;
    let mut out = Vec::with_capacity(body.len() + 2);
    out.extend_from_slice(&(len | 0x8000).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Whether `bytes` start like an SSLv2 record (high bit set on the first byte). TLS content
/// types are 20–23, so the two framings cannot be confused.
pub(crate) fn looks_like_sslv2(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(|b| b & 0x80 != 0)
}

/// Parses an SSLv2 SERVER-HELLO or ERROR from the start of `bytes`.
pub(crate) fn parse_sslv2_reply(bytes: &[u8]) -> ServerReply {
    let mut r = Reader::new(bytes);
    let Some(header) = r.u16() else {
        return ServerReply::Incomplete {
            needed: 2usize.saturating_sub(bytes.len()),
        };
    };
    let len = usize::from(header & 0x7FFF);
    if len == 0 {
        return ServerReply::garbage("SSLv2 record of length 0");
    }
    if let Some(kind) = bytes.get(2).copied()
        && kind != 0
        && kind != 4
    {
        return ServerReply::garbage(format!("SSLv2-style header with message type {kind}"));
    }
    let Some(body) = r.take(len) else {
        return ServerReply::Incomplete {
            needed: len - r.remaining(),
        };
    };
    let mut m = Reader::new(body);
    match m.u8() {
        Some(0) => match m.u16() {
            Some(code) => ServerReply::Ssl2Error { code },
            None => ServerReply::garbage("truncated SSLv2 ERROR message"),
        },
        Some(4) => parse_server_hello(&mut m),
        _ => ServerReply::garbage("unexpected SSLv2 message type"),
    }
}

fn parse_server_hello(m: &mut Reader<'_>) -> ServerReply {
    let fields = (|| {
        let _session_id_hit = m.u8()?;
        let _certificate_type = m.u8()?;
        let version = m.u16()?;
        let cert_len = m.u16()?;
        let specs_len = m.u16()?;
        let _connection_id_len = m.u16()?;
        let _certificate = m.take(usize::from(cert_len))?;
        let specs = m.take(usize::from(specs_len))?;
        Some((version, specs))
    })();
    let Some((version, specs)) = fields else {
        return ServerReply::garbage("SSLv2 SERVER-HELLO shorter than its length fields");
    };
    if specs.len() % 3 != 0 {
        return ServerReply::garbage("SSLv2 cipher-specs length not a multiple of 3");
    }
    let cipher_specs = specs
        .chunks_exact(3)
        .map(|c| (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]))
        .collect();
    ServerReply::Ssl2ServerHello {
        version,
        cipher_specs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_spec_has_a_name() {
        assert!(
            SSL2_CIPHER_SPECS
                .iter()
                .all(|s| ssl2_cipher_spec_name(*s).is_some())
        );
        assert_eq!(ssl2_cipher_spec_name(0x123456), None);
    }
}
