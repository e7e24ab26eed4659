//! Trust judging: the root store, a recording certificate verifier, and error classification.
//!
//! The verifier records the presented chain, the stapled OCSP response and the verdict of a real
//! `WebPkiServerVerifier` (twice: at scan time, and inside the leaf's validity window), then lets
//! the handshake go on. Handshake signatures are verified for real, with one exception: a
//! signature by an RSA key below 2048 bits, which modern verifiers refuse, is recorded as
//! unverified and the handshake goes on, so the weak certificate is seen and judged (a check
//! fails it) instead of the whole endpoint becoming inconclusive.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use govscan_model::VerifierError;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::{
    CertificateError, DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::ProbeConfig;
use crate::error::ProbeError;

/// The roots and the real verifier, shared by every connection.
#[derive(Debug, Clone)]
pub(crate) struct TrustStore {
    pub(crate) provider: Arc<CryptoProvider>,
    verifier: Arc<WebPkiServerVerifier>,
    /// Which roots were used, for evidence.
    pub(crate) roots: String,
}

impl TrustStore {
    /// Loads webpki-roots plus every certificate of the extra PEM files.
    pub(crate) fn new(config: &ProbeConfig) -> Result<TrustStore, ProbeError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut store = RootCertStore::empty();
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let mut roots = format!(
            "webpki-roots 1.0 ({} roots)",
            webpki_roots::TLS_SERVER_ROOTS.len()
        );
        for path in &config.extra_roots_pem {
            let count = add_pem_roots(&mut store, path)?;
            let file = path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            );
            roots.push_str(&format!(" + --ca-file {file} ({count} certs)"));
        }
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
                .build()
                .map_err(|e| ProbeError::Verifier(e.to_string()))?;
        Ok(TrustStore {
            provider,
            verifier,
            roots,
        })
    }

    /// A fresh recording verifier for one connection.
    pub(crate) fn recorder(&self) -> (Arc<RecordingVerifier>, Arc<Mutex<Option<Seen>>>) {
        let seen = Arc::new(Mutex::new(None));
        let verifier = RecordingVerifier {
            inner: self.verifier.clone(),
            provider: self.provider.clone(),
            seen: seen.clone(),
        };
        (Arc::new(verifier), seen)
    }
}

/// Adds every certificate of one PEM file; returns how many.
fn add_pem_roots(store: &mut RootCertStore, path: &Path) -> Result<usize, ProbeError> {
    let err = |detail: String| ProbeError::Roots {
        path: path.to_path_buf(),
        detail,
    };
    let iter = CertificateDer::pem_file_iter(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let mut count = 0;
    for cert in iter {
        let cert = cert.map_err(|e| err(format!("bad PEM: {e}")))?;
        store
            .add(cert)
            .map_err(|e| err(format!("unusable certificate: {e}")))?;
        count += 1;
    }
    if count == 0 {
        return Err(err("no CERTIFICATE block found".to_string()));
    }
    Ok(count)
}

/// What the verifier saw during one handshake.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// The chain, leaf first, DER.
    pub(crate) chain: Vec<CertificateDer<'static>>,
    /// Stapled OCSP response (empty if none).
    pub(crate) ocsp: Vec<u8>,
    /// Verdict at scan time for the name.
    pub(crate) at_scan_time: Option<VerifierError>,
    /// Verdict inside the leaf's validity window.
    pub(crate) chain_only: Option<VerifierError>,
    /// How the handshake signature was judged (see `TlsObservation::handshake_signature`).
    pub(crate) handshake_signature: String,
}

/// A verifier that records and never refuses a certificate (signatures are still checked).
#[derive(Debug)]
pub(crate) struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    provider: Arc<CryptoProvider>,
    seen: Arc<Mutex<Option<Seen>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let verdict = |at: UnixTime| {
            self.inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, at)
                .err()
                .map(|e| classify(&e))
        };
        let at_scan_time = verdict(now);
        let chain_only = match validity_midpoint(end_entity.as_ref()) {
            Ok(mid) => verdict(mid),
            Err(detail) => Some(VerifierError {
                kind: "bad_encoding".into(),
                detail,
            }),
        };
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        let seen = Seen {
            chain,
            ocsp: ocsp_response.to_vec(),
            at_scan_time,
            chain_only,
            handshake_signature: "not checked (no signature seen)".to_string(),
        };
        // A poisoned lock only means another thread panicked mid-write; the slot is still usable.
        let mut slot = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some(seen);
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        let algorithms = &self.provider.signature_verification_algorithms;
        let result = verify_tls12_signature(message, cert, dss, algorithms);
        self.judge_signature(result, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        let algorithms = &self.provider.signature_verification_algorithms;
        let result = verify_tls13_signature(message, cert, dss, algorithms);
        self.judge_signature(result, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

impl RecordingVerifier {
    /// Records how the signature was judged; lets a failure through only when the key is an
    /// RSA key too small for the verifier (the certificate checks then judge that key).
    fn judge_signature(
        &self,
        result: Result<HandshakeSignatureValid, TlsError>,
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        let (note, outcome) = match result {
            Ok(valid) => ("verified".to_string(), Ok(valid)),
            Err(error) => match small_rsa_key_bits(cert.as_ref()) {
                Some(bits) => (
                    format!(
                        "unverified: the certificate's {bits}-bit RSA key is below the 2048-bit minimum of the verifier, so the {:?} signature was not checked ({error}); the handshake was kept to record the certificate",
                        dss.scheme
                    ),
                    Ok(HandshakeSignatureValid::assertion()),
                ),
                None => (format!("failed: {error}"), Err(error)),
            },
        };
        let mut slot = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(seen) = slot.as_mut() {
            seen.handshake_signature = note;
        }
        outcome
    }
}

/// The size of the certificate's RSA key when it is below 2048 bits, else `None`.
fn small_rsa_key_bits(cert_der: &[u8]) -> Option<usize> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    match cert.public_key().parsed().ok()? {
        x509_parser::public_key::PublicKey::RSA(rsa) => {
            let bits = rsa.key_size();
            (bits < 2048).then_some(bits)
        }
        _ => None,
    }
}

/// The middle of the leaf's validity window, so time alone cannot make the chain fail.
fn validity_midpoint(leaf_der: &[u8]) -> Result<UnixTime, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(leaf_der).map_err(|e| {
        format!("leaf certificate could not be parsed for its validity window: {e}")
    })?;
    let validity = cert.validity();
    let from = validity.not_before.timestamp();
    let to = validity.not_after.timestamp();
    let mid = from + (to - from) / 2;
    Ok(UnixTime::since_unix_epoch(Duration::from_secs(
        mid.max(0).unsigned_abs(),
    )))
}

/// Classifies a verifier error into the model's kinds.
pub(crate) fn classify(error: &TlsError) -> VerifierError {
    let kind = match error {
        TlsError::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => "unknown_issuer",
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => "expired",
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "not_valid_yet"
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "not_valid_for_name"
            }
            CertificateError::BadSignature
            | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                "bad_signature"
            }
            CertificateError::Revoked => "revoked",
            CertificateError::BadEncoding => "bad_encoding",
            _ => "other",
        },
        _ => "other",
    };
    VerifierError {
        kind: kind.to_string(),
        detail: error.to_string(),
    }
}
