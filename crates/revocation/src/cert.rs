//! The facts revocation needs from a certificate, owned: names, key, serial, validity, the
//! revocation pointers it names (AIA OCSP, CRL distribution points), and whether it may sign
//! OCSP responses; plus finding a certificate's issuer among the certificates a server sent.

use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::signature::{SignatureCheck, verify_raw};

/// OID of the OCSP access method in Authority Information Access (RFC 5280 §4.2.2.1).
const OID_AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";

/// One certificate, parsed once.
#[derive(Debug, Clone)]
pub struct Cert {
    /// The DER bytes.
    pub der: Vec<u8>,
    /// Subject as text (RFC 4514 style).
    pub subject: String,
    /// Subject name, DER.
    pub subject_raw: Vec<u8>,
    /// Issuer name, DER.
    pub issuer_raw: Vec<u8>,
    /// The whole SubjectPublicKeyInfo, DER.
    pub spki_raw: Vec<u8>,
    /// The subjectPublicKey BIT STRING's bytes (what OCSP's issuerKeyHash and byKey hash).
    pub key_bits: Vec<u8>,
    /// The serial number's bytes without leading zero bytes.
    pub serial: Vec<u8>,
    /// notBefore, Unix seconds.
    pub not_before: i64,
    /// notAfter, Unix seconds.
    pub not_after: i64,
    /// OCSP responder URLs (AIA id-ad-ocsp), as written.
    pub ocsp_urls: Vec<String>,
    /// CRL locations from CRL Distribution Points usable for this certificate (a full name,
    /// no `reasons` subset, no separate CRL issuer), as written.
    pub crl_urls: Vec<String>,
    /// Distribution points that cannot be used, with the reason.
    pub crl_unusable: Vec<(String, String)>,
    /// Extended key usage includes id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
    pub ocsp_signing: bool,
    /// Key usage allows cRLSign; `None` when the certificate has no key usage extension.
    pub crl_sign: Option<bool>,
}

/// Bytes that do not parse as a DER X.509 certificate; the parser's error is the source.
#[derive(Debug)]
pub struct CertParseError(x509_parser::nom::Err<x509_parser::error::X509Error>);

impl std::fmt::Display for CertParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "certificate does not parse: {}", self.0)
    }
}

impl std::error::Error for CertParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl Cert {
    /// Parses a DER certificate.
    pub fn parse(der: &[u8]) -> Result<Cert, CertParseError> {
        let (_, c) = X509Certificate::from_der(der).map_err(CertParseError)?;
        let mut ocsp_urls = Vec::new();
        let mut crl_urls = Vec::new();
        let mut crl_unusable = Vec::new();
        let mut ocsp_signing = false;
        let mut crl_sign = None;
        for ext in c.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::AuthorityInfoAccess(aia) => {
                    for desc in &aia.accessdescs {
                        if desc.access_method.to_id_string() == OID_AD_OCSP {
                            ocsp_urls.push(general_name_text(&desc.access_location));
                        }
                    }
                }
                ParsedExtension::CRLDistributionPoints(points) => {
                    for point in points.iter() {
                        read_distribution_point(point, &mut crl_urls, &mut crl_unusable);
                    }
                }
                ParsedExtension::ExtendedKeyUsage(eku) => ocsp_signing = eku.ocsp_signing,
                ParsedExtension::KeyUsage(ku) => crl_sign = Some(ku.crl_sign()),
                _ => {}
            }
        }
        Ok(Cert {
            der: der.to_vec(),
            subject: c.subject().to_string(),
            subject_raw: c.subject().as_raw().to_vec(),
            issuer_raw: c.issuer().as_raw().to_vec(),
            spki_raw: c.public_key().raw.to_vec(),
            key_bits: c.public_key().subject_public_key.data.to_vec(),
            serial: strip_leading_zeros(c.raw_serial()).to_vec(),
            not_before: c.validity().not_before.timestamp(),
            not_after: c.validity().not_after.timestamp(),
            ocsp_urls,
            crl_urls,
            crl_unusable,
            ocsp_signing,
            crl_sign,
        })
    }

    /// The serial number as lower-case hex pairs joined by colons.
    pub fn serial_hex(&self) -> String {
        serial_text(&self.serial)
    }

    /// Subject equals issuer: a root, or a self-signed leaf.
    pub fn self_issued(&self) -> bool {
        self.subject_raw == self.issuer_raw
    }

    /// Whether `issuer` issued this certificate: its subject is our issuer and its key verifies
    /// our signature.
    pub fn issued_by(&self, issuer: &Cert) -> SignatureCheck {
        if self.issuer_raw != issuer.subject_raw {
            return SignatureCheck::Invalid(format!(
                "the certificate's issuer name is not {}",
                issuer.subject
            ));
        }
        self.signed_by_key(&issuer.spki_raw)
    }

    /// Whether the key in `spki_der` (a SubjectPublicKeyInfo, DER) verifies this certificate's
    /// signature, whoever holds it (e.g. a DANE trust-anchor key published as `2 1 0`).
    pub fn signed_by_key(&self, spki_der: &[u8]) -> SignatureCheck {
        match X509Certificate::from_der(&self.der) {
            Ok((_, c)) => verify_raw(
                spki_der,
                &c.signature_algorithm,
                &c.signature_value.data,
                c.tbs_certificate.as_ref(),
            ),
            Err(e) => SignatureCheck::Invalid(format!("certificate does not parse: {e}")),
        }
    }

    /// True when `now` (Unix seconds) is inside the validity window.
    pub fn valid_at(&self, now: i64) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

/// The issuer of `leaf` among `candidates`: the first whose subject is the leaf's issuer and
/// whose key verifies the leaf's signature (or whose algorithm the scanner cannot check, in
/// which case the name alone decides). `None` when none qualifies.
pub fn find_issuer<'a>(leaf: &Cert, candidates: &'a [Cert]) -> Option<&'a Cert> {
    candidates
        .iter()
        .find(|c| !matches!(leaf.issued_by(c), SignatureCheck::Invalid(_)))
}

/// A serial number's bytes as lower-case hex pairs joined by colons.
pub fn serial_text(serial: &[u8]) -> String {
    if serial.is_empty() {
        return "00".to_string();
    }
    serial
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The bytes of a DER INTEGER's content without its sign-padding zero bytes.
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

fn general_name_text(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::URI(uri) => (*uri).to_string(),
        other => other.to_string(),
    }
}

/// Sorts one distribution point's names into usable URLs or unusable entries.
fn read_distribution_point(
    point: &x509_parser::extensions::CRLDistributionPoint<'_>,
    urls: &mut Vec<String>,
    unusable: &mut Vec<(String, String)>,
) {
    let names: Vec<String> = match &point.distribution_point {
        Some(DistributionPointName::FullName(names)) => {
            names.iter().map(general_name_text).collect()
        }
        Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => {
            unusable.push((
                "(a name relative to the CRL issuer)".to_string(),
                "the distribution point is named relative to the CRL issuer, not by a URL"
                    .to_string(),
            ));
            return;
        }
        None => {
            unusable.push((
                "(no name)".to_string(),
                "the distribution point names no location".to_string(),
            ));
            return;
        }
    };
    let why = if point.reasons.is_some() {
        Some("the distribution point covers only some revocation reasons (RFC 5280 §4.2.1.13)")
    } else if point.crl_issuer.is_some() {
        Some(
            "the CRL is issued by another authority (an indirect CRL), which govscan does not read",
        )
    } else {
        None
    };
    for name in names {
        match why {
            Some(why) => unusable.push((name, why.to_string())),
            None => urls.push(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_compared_without_padding() {
        assert_eq!(strip_leading_zeros(&[0, 0, 0x80, 1]), &[0x80, 1]);
        assert_eq!(strip_leading_zeros(&[0]), &[] as &[u8]);
        assert_eq!(serial_text(&[0x0a, 0xff]), "0a:ff");
        assert_eq!(serial_text(&[]), "00");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Cert::parse(b"\x30\x03\x02\x01\x01").is_err());
        assert!(Cert::parse(&[]).is_err());
    }
}
