//! The facts cert checks read from each certificate the server sent, parsed once with
//! x509-parser into owned values (subject, issuer, validity, key, signature, SCTs).

use govscan_model::{CertificateDer, TlsObservation};
use serde_json::{Value, json};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::cert::der_bytes;

/// OID of the embedded SCT list extension (RFC 6962 §3.3).
const OID_SCT_LIST: &str = "1.3.6.1.4.1.11129.2.4.2";

/// A certificate's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyFacts {
    /// `rsa`, `ec`, `dsa`, `ed25519`, `ed448` or `unknown`.
    pub(crate) algorithm: &'static str,
    /// Key size in bits (RSA modulus, EC field size); 0 when unknown.
    pub(crate) bits: usize,
    /// The named curve, for EC keys (`P-256`, `P-384`, `P-521`, or the OID).
    pub(crate) curve: Option<String>,
}

/// What one certificate says.
#[derive(Debug, Clone)]
pub(crate) struct CertFacts {
    /// 0 = leaf.
    pub(crate) position: usize,
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) subject_raw: Vec<u8>,
    pub(crate) issuer_raw: Vec<u8>,
    pub(crate) is_ca: bool,
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    pub(crate) key: KeyFacts,
    /// The signature algorithm OID (dotted).
    pub(crate) signature_oid: String,
    /// Embedded SCTs: `None` without the extension.
    pub(crate) sct_count: Option<usize>,
}

impl CertFacts {
    /// Subject equals issuer (a root, or a self-signed leaf).
    pub(crate) fn self_issued(&self) -> bool {
        self.subject_raw == self.issuer_raw
    }

    /// Short evidence.
    pub(crate) fn summary(&self) -> Value {
        json!({ "position": self.position, "subject": self.subject, "issuer": self.issuer })
    }
}

/// Parses one certificate.
pub(crate) fn facts(cert: &CertificateDer, position: usize) -> Result<CertFacts, String> {
    let der = der_bytes(cert)?;
    let (_, c) =
        X509Certificate::from_der(&der).map_err(|e| format!("certificate does not parse: {e}"))?;
    let mut sct_count = None;
    for ext in c.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SCT(list) => sct_count = Some(list.len()),
            _ if ext.oid.to_id_string() == OID_SCT_LIST => sct_count = Some(0),
            _ => {}
        }
    }
    Ok(CertFacts {
        position,
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        subject_raw: c.subject().as_raw().to_vec(),
        issuer_raw: c.issuer().as_raw().to_vec(),
        is_ca: c.is_ca(),
        not_before: c.validity().not_before.timestamp(),
        not_after: c.validity().not_after.timestamp(),
        key: key_facts(&c),
        signature_oid: c.signature_algorithm.algorithm.to_id_string(),
        sct_count,
    })
}

fn key_facts(c: &X509Certificate<'_>) -> KeyFacts {
    let spki = c.public_key();
    let alg = spki.algorithm.algorithm.to_id_string();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|oid| curve_name(&oid.to_id_string()));
    match (alg.as_str(), spki.parsed()) {
        ("1.3.101.112", _) => KeyFacts {
            algorithm: "ed25519",
            bits: 256,
            curve: None,
        },
        ("1.3.101.113", _) => KeyFacts {
            algorithm: "ed448",
            bits: 456,
            curve: None,
        },
        (_, Ok(PublicKey::RSA(rsa))) => KeyFacts {
            algorithm: "rsa",
            bits: rsa.key_size(),
            curve: None,
        },
        (_, Ok(PublicKey::EC(ec))) => KeyFacts {
            algorithm: "ec",
            bits: ec.key_size(),
            curve,
        },
        (_, Ok(PublicKey::DSA(y))) => KeyFacts {
            algorithm: "dsa",
            bits: y.len() * 8,
            curve: None,
        },
        _ => KeyFacts {
            algorithm: "unknown",
            bits: 0,
            curve: None,
        },
    }
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        "1.3.132.0.33" => "P-224".into(),
        "1.2.840.10045.3.1.1" => "P-192".into(),
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1".into(),
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1".into(),
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1".into(),
        other => other.to_string(),
    }
}

/// Every certificate of the chain, or the first parse error (with its position).
pub(crate) fn chain_facts(tls: &TlsObservation) -> Result<Vec<CertFacts>, (usize, String)> {
    tls.chain
        .iter()
        .enumerate()
        .map(|(i, c)| facts(c, i).map_err(|e| (i, e)))
        .collect()
}

/// The certificates a client judges: all sent, except a self-issued CA certificate after the
/// leaf (a root is trusted by its presence in the store, not by its signature).
pub(crate) fn judged(chain: &[CertFacts]) -> impl Iterator<Item = &CertFacts> {
    chain
        .iter()
        .filter(|c| c.position == 0 || !(c.self_issued() && c.is_ca))
}
