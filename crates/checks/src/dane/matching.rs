//! One TLSA record: is it usable (RFC 7671 §4 and §5, RFC 7672 §3.1.3), and does its
//! certificate association data match the selected part of a certificate (RFC 6698 §2.1.2,
//! §2.1.3)?

use govscan_model::TlsaRecord;
use sha2::{Digest, Sha256, Sha512};

use crate::dane::Service;

/// A usable record, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usable {
    /// 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    pub usage: u8,
    /// 0 whole certificate, 1 SubjectPublicKeyInfo.
    pub selector: u8,
    /// 0 exact, 1 SHA-256, 2 SHA-512.
    pub matching_type: u8,
    /// The association data.
    pub data: Vec<u8>,
}

/// The record as text, `3 1 1 ab12cd…` (data cut to 16 hex digits), for evidence.
pub fn record_text(record: &TlsaRecord) -> String {
    let data: String = record.data_hex.chars().take(16).collect();
    let more = if record.data_hex.chars().count() > 16 {
        "…"
    } else {
        ""
    };
    format!(
        "{} {} {} {data}{more}",
        record.usage, record.selector, record.matching_type
    )
}

/// Why a TLSA record is unusable: clients ignore it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    /// PKIX-TA(0) or PKIX-EE(1) for SMTP (RFC 7672 §3.1.3).
    #[error(
        "usage {usage} (PKIX-{}) is unusable for SMTP: senders ignore it (RFC 7672 §3.1.3)",
        if *.usage == 0 { "TA" } else { "EE" }
    )]
    PkixForSmtp {
        /// The usage, 0 or 1.
        usage: u8,
    },
    /// A usage other than 0 to 3.
    #[error("unknown usage {0}")]
    UnknownUsage(u8),
    /// A selector other than 0 or 1.
    #[error("unknown selector {0}")]
    UnknownSelector(u8),
    /// A matching type other than 0 to 2.
    #[error("unknown matching type {0}")]
    UnknownMatchingType(u8),
    /// The association data is not hexadecimal.
    #[error("the association data is not hexadecimal")]
    NotHex,
    /// A digest of the wrong length: it can never match.
    #[error(
        "a {} digest must be {expected} bytes, this one is {actual}",
        if *.expected == 32 { "SHA-256" } else { "SHA-512" }
    )]
    DigestLength {
        /// 32 (SHA-256) or 64 (SHA-512).
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// No association data at all.
    #[error("the association data is empty")]
    Empty,
}

/// Decodes `record` and says why it is unusable for `service`, if it is: an unknown usage,
/// selector or matching type (RFC 7671 §4.1: clients ignore what they do not support), a
/// PKIX usage for SMTP (RFC 7672 §3.1.3), data that is not hex, or a digest of the wrong
/// length (it can never match, RFC 7671 §5).
pub fn usable(record: &TlsaRecord, service: Service) -> Result<Usable, Unusable> {
    match (record.usage, service) {
        (usage @ (0 | 1), Service::Smtp) => return Err(Unusable::PkixForSmtp { usage }),
        (0..=3, _) => {}
        (other, _) => return Err(Unusable::UnknownUsage(other)),
    }
    if record.selector > 1 {
        return Err(Unusable::UnknownSelector(record.selector));
    }
    let expected_len = match record.matching_type {
        0 => None,
        1 => Some(32),
        2 => Some(64),
        other => return Err(Unusable::UnknownMatchingType(other)),
    };
    let data = hex_decode(&record.data_hex).ok_or(Unusable::NotHex)?;
    if let Some(expected) = expected_len
        && data.len() != expected
    {
        return Err(Unusable::DigestLength {
            expected,
            actual: data.len(),
        });
    }
    if data.is_empty() {
        return Err(Unusable::Empty);
    }
    Ok(Usable {
        usage: record.usage,
        selector: record.selector,
        matching_type: record.matching_type,
        data,
    })
}

/// The bytes the record's selector picks: the whole certificate (0) or its
/// SubjectPublicKeyInfo (1).
pub fn selected<'a>(record: &Usable, cert_der: &'a [u8], spki_der: &'a [u8]) -> &'a [u8] {
    if record.selector == 0 {
        cert_der
    } else {
        spki_der
    }
}

/// True when the association data matches `selected` under the record's matching type.
pub fn association_matches(record: &Usable, selected: &[u8]) -> bool {
    match record.matching_type {
        0 => record.data == selected,
        1 => Sha256::digest(selected).as_slice() == record.data.as_slice(),
        2 => Sha512::digest(selected).as_slice() == record.data.as_slice(),
        _ => false,
    }
}

/// Lower- or upper-case hex to bytes; `None` for an odd length or a non-hex digit.
fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok()))
        .collect::<Option<_>>()?;
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    Some(digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(usage: u8, selector: u8, matching_type: u8, data_hex: &str) -> TlsaRecord {
        TlsaRecord {
            usage,
            selector,
            matching_type,
            data_hex: data_hex.to_owned(),
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn every_matching_type_matches_its_own_digest() {
        let spki = b"a subject public key info";
        let cert = b"a whole certificate";
        let cases = [
            (0, hex(spki)),
            (1, hex(&Sha256::digest(spki))),
            (2, hex(&Sha512::digest(spki))),
        ];
        for (matching_type, data) in cases {
            let r = usable(&record(3, 1, matching_type, &data), Service::Smtp).expect("usable");
            assert!(association_matches(&r, selected(&r, cert, spki)));
            let r0 = Usable { selector: 0, ..r };
            assert!(
                !association_matches(&r0, selected(&r0, cert, spki)),
                "selector 0 picks the certificate, not the key"
            );
        }
        let upper = hex(&Sha256::digest(spki)).to_uppercase();
        let r = usable(&record(3, 1, 1, &upper), Service::Smtp).expect("usable");
        assert!(association_matches(&r, spki), "hex case does not matter");
    }

    #[test]
    fn unusable_records_say_why() {
        let sha = "00".repeat(32);
        let why = |r: TlsaRecord, service| usable(&r, service).expect_err("unusable");
        let pkix_ee = why(record(1, 1, 1, &sha), Service::Smtp);
        assert_eq!(pkix_ee, Unusable::PkixForSmtp { usage: 1 });
        assert_eq!(
            pkix_ee.to_string(),
            "usage 1 (PKIX-EE) is unusable for SMTP: senders ignore it (RFC 7672 §3.1.3)"
        );
        assert_eq!(
            why(record(0, 0, 1, &sha), Service::Smtp),
            Unusable::PkixForSmtp { usage: 0 }
        );
        assert!(usable(&record(1, 1, 1, &sha), Service::Https).is_ok());
        assert_eq!(
            why(record(4, 1, 1, &sha), Service::Https),
            Unusable::UnknownUsage(4)
        );
        assert_eq!(
            why(record(3, 2, 1, &sha), Service::Smtp),
            Unusable::UnknownSelector(2)
        );
        assert_eq!(
            why(record(3, 1, 3, &sha), Service::Smtp),
            Unusable::UnknownMatchingType(3)
        );
        let short = why(record(3, 1, 1, "abcd"), Service::Smtp);
        assert_eq!(
            short.to_string(),
            "a SHA-256 digest must be 32 bytes, this one is 2"
        );
        assert_eq!(
            why(record(3, 1, 2, &sha), Service::Smtp),
            Unusable::DigestLength {
                expected: 64,
                actual: 32
            }
        );
        assert_eq!(why(record(3, 1, 0, "zz"), Service::Smtp), Unusable::NotHex);
        assert_eq!(why(record(3, 1, 0, "abc"), Service::Smtp), Unusable::NotHex);
        assert_eq!(why(record(3, 1, 0, ""), Service::Smtp), Unusable::Empty);
    }

    #[test]
    fn record_text_is_short() {
        assert_eq!(
            record_text(&record(3, 1, 1, &"ab".repeat(32))),
            "3 1 1 abababababababab…"
        );
        assert_eq!(record_text(&record(2, 0, 0, "ab")), "2 0 0 ab");
    }
}
