//! Signature checks over raw DER with the signer's SubjectPublicKeyInfo, through x509-parser's
//! `verify-aws` feature (aws-lc-rs, the one crypto provider of the build).

use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

/// The outcome of one signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// The key verifies the signature over the data.
    Valid,
    /// The signature does not verify (or the inputs do not parse).
    Invalid(String),
    /// The scanner cannot check this algorithm or key (e.g. RSA below 2048 bits, P-521).
    Unverifiable(String),
}

impl SignatureCheck {
    /// `valid`, `invalid` or `unverifiable`.
    pub fn label(&self) -> &'static str {
        match self {
            SignatureCheck::Valid => "valid",
            SignatureCheck::Invalid(_) => "invalid",
            SignatureCheck::Unverifiable(_) => "unverifiable",
        }
    }

    /// The detail text (empty for a valid signature).
    pub fn detail(&self) -> &str {
        match self {
            SignatureCheck::Valid => "",
            SignatureCheck::Invalid(d) | SignatureCheck::Unverifiable(d) => d,
        }
    }
}

/// Verifies `signature` (the BIT STRING's bytes) over `data` with the key in `spki_der`, for
/// the algorithm whose AlgorithmIdentifier DER is `algorithm_der`.
pub(crate) fn verify(
    spki_der: &[u8],
    algorithm_der: &[u8],
    signature: &[u8],
    data: &[u8],
) -> SignatureCheck {
    match AlgorithmIdentifier::from_der(algorithm_der) {
        Ok((_, algorithm)) => verify_raw(spki_der, &algorithm, signature, data),
        Err(e) => SignatureCheck::Invalid(format!("the signature algorithm does not parse: {e}")),
    }
}

/// Like [`verify`], with the algorithm already parsed.
pub(crate) fn verify_raw(
    spki_der: &[u8],
    algorithm: &AlgorithmIdentifier<'_>,
    signature: &[u8],
    data: &[u8],
) -> SignatureCheck {
    let spki = match SubjectPublicKeyInfo::from_der(spki_der) {
        Ok((_, spki)) => spki,
        Err(e) => return SignatureCheck::Invalid(format!("the signer's key does not parse: {e}")),
    };
    // aws-lc-rs refuses RSA keys below 2048 bits with the same error as a bad signature; say
    // what really happened instead.
    if let Ok(PublicKey::RSA(rsa)) = spki.parsed()
        && rsa.key_size() < 2048
    {
        return SignatureCheck::Unverifiable(format!(
            "the signer's {}-bit RSA key is below the 2048 bits the verifier accepts",
            rsa.key_size()
        ));
    }
    let bits = x509_parser::asn1_rs::BitString::new(0, signature);
    match x509_parser::verify::verify_signature(&spki, algorithm, &bits, data) {
        Ok(()) => SignatureCheck::Valid,
        Err(x509_parser::error::X509Error::SignatureUnsupportedAlgorithm) => {
            SignatureCheck::Unverifiable(format!(
                "signature algorithm {} with this key is not supported by the verifier",
                algorithm.algorithm.to_id_string()
            ))
        }
        Err(e) => SignatureCheck::Invalid(format!("the signature does not verify: {e}")),
    }
}
