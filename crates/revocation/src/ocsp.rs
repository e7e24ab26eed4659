//! OCSP (RFC 6960): the request for one certificate (RFC 5019 profile: one SHA-1 CertID, no
//! nonce, GET when short), and the reading of a response for it — responseStatus, the CertID
//! that matches the certificate and its issuer, certStatus, the signer (the issuer itself or a
//! delegated responder it certified for id-kp-OCSPSigning, §4.2.2.2) and freshness (§4.2.2.1).

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use der::asn1::{Null, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Header, Reader, SliceReader};
use serde::Serialize;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request,
    ResponderId, SingleResponse, TbsRequest, Version,
};

use crate::answer::{Answer, Problem, ProblemKind, fresh, reason_name};
use crate::cert::{Cert, strip_leading_zeros};
use crate::signature::{SignatureCheck, verify};

/// id-pkix-ocsp-basic (RFC 6960 §4.2.1).
const OID_OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// SHA-1, the CertID hash of RFC 5019 §2.1.1.
const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// Longest URL-encoded request sent with GET (RFC 6960 Appendix A.1: "less than 255 bytes").
pub const MAX_GET_REQUEST: usize = 255;

/// Why an OCSP request could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The leaf's serial number is not one DER can carry (e.g. longer than 20 octets).
    #[error("the serial number cannot be put in a request: {0}")]
    Serial(#[source] der::Error),
    /// The request did not encode.
    #[error("cannot encode the OCSP request: {0}")]
    Encode(#[source] der::Error),
}

/// The DER OCSPRequest for `leaf`, issued by `issuer`.
pub fn request(leaf: &Cert, issuer: &Cert) -> Result<Vec<u8>, RequestError> {
    let sha1 = |bytes: &[u8]| {
        OctetString::new(
            digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, bytes)
                .as_ref()
                .to_vec(),
        )
    };
    let cert_id = CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: OID_SHA1,
            parameters: Some(Null.into()),
        },
        issuer_name_hash: sha1(&issuer.subject_raw).map_err(RequestError::Encode)?,
        issuer_key_hash: sha1(&issuer.key_bits).map_err(RequestError::Encode)?,
        serial_number: SerialNumber::new(&leaf.serial).map_err(RequestError::Serial)?,
    };
    let request = OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![Request {
                req_cert: cert_id,
                single_request_extensions: None,
            }],
            request_extensions: None,
        },
        optional_signature: None,
    };
    request.to_der().map_err(RequestError::Encode)
}

/// The GET URL for `request` at `responder` (RFC 6960 Appendix A.1), or `None` when the
/// encoded request is too long for GET (then POST it).
pub fn get_url(responder: &str, request: &[u8]) -> Option<String> {
    let encoded: String = STANDARD
        .encode(request)
        .chars()
        .map(|c| match c {
            '+' => "%2B".to_string(),
            '/' => "%2F".to_string(),
            '=' => "%3D".to_string(),
            c => c.to_string(),
        })
        .collect();
    if encoded.len() > MAX_GET_REQUEST {
        return None;
    }
    let separator = if responder.ends_with('/') { "" } else { "/" };
    Some(format!("{responder}{separator}{encoded}"))
}

/// The facts of a response, for evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OcspFacts {
    /// responseStatus (`successful`, `tryLater`, ...), when it parsed.
    pub response_status: Option<String>,
    /// producedAt, Unix seconds.
    pub produced_at: Option<i64>,
    /// How many SingleResponses the response carries.
    pub single_responses: usize,
    /// The matching SingleResponse's thisUpdate.
    pub this_update: Option<i64>,
    /// The matching SingleResponse's nextUpdate.
    pub next_update: Option<i64>,
    /// `good`, `revoked` or `unknown`.
    pub cert_status: Option<String>,
    /// revocationTime, Unix seconds.
    pub revoked_at: Option<i64>,
    /// revocationReason (RFC 5280 §5.3.1 name).
    pub reason: Option<String>,
    /// Who signed: `the issuer (…)` or `delegated responder …`.
    pub signer: Option<String>,
}

/// A response read for one certificate at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspReading {
    /// What the response says.
    pub facts: OcspFacts,
    /// What it means for the certificate.
    pub answer: Answer,
}

/// Reads the DER OCSPResponse `der` about `leaf` (issued by `issuer`) at `now` (Unix seconds).
pub fn read_response(der: &[u8], leaf: &Cert, issuer: &Cert, now: i64) -> OcspReading {
    let mut facts = OcspFacts::default();
    let answer = match read_into(der, leaf, issuer, now, &mut facts) {
        Ok(answer) => answer,
        Err(problem) => Answer::Problem(problem),
    };
    OcspReading { facts, answer }
}

fn read_into(
    der: &[u8],
    leaf: &Cert,
    issuer: &Cert,
    now: i64,
    facts: &mut OcspFacts,
) -> Result<Answer, Problem> {
    let unparseable = |what: &str, e: der::Error| {
        Problem::new(
            ProblemKind::Unparseable,
            format!("{what} does not parse: {e}"),
        )
    };
    let response = OcspResponse::from_der(der).map_err(|e| unparseable("the OCSPResponse", e))?;
    facts.response_status = Some(status_name(response.response_status).to_string());
    if response.response_status != OcspResponseStatus::Successful {
        return Err(Problem::new(
            ProblemKind::NotSuccessful,
            format!(
                "the responder answered {} instead of a status (RFC 6960 §2.3)",
                status_name(response.response_status)
            ),
        ));
    }
    let bytes = response.response_bytes.ok_or_else(|| {
        Problem::new(
            ProblemKind::Unparseable,
            "a successful OCSPResponse without responseBytes",
        )
    })?;
    if bytes.response_type != OID_OCSP_BASIC {
        return Err(Problem::new(
            ProblemKind::Unparseable,
            format!(
                "response type {} is not id-pkix-ocsp-basic",
                bytes.response_type
            ),
        ));
    }
    let basic_der = bytes.response.as_bytes();
    let basic = BasicOcspResponse::from_der(basic_der)
        .map_err(|e| unparseable("the BasicOCSPResponse", e))?;
    let tbs_raw = first_element(basic_der).map_err(|e| unparseable("tbsResponseData", e))?;
    let data = &basic.tbs_response_data;
    facts.produced_at = Some(unix(&data.produced_at));
    facts.single_responses = data.responses.len();
    let single = data
        .responses
        .iter()
        .find(|r| matches_certificate(&r.cert_id, leaf, issuer))
        .ok_or_else(|| {
            Problem::new(
                ProblemKind::WrongCertificate,
                format!(
                    "none of its {} answer(s) is about this certificate (serial {}) and issuer",
                    data.responses.len(),
                    leaf.serial_hex()
                ),
            )
        })?;
    record_single(single, facts);
    facts.signer = Some(check_signer(&basic, tbs_raw, issuer, now)?);
    let this_update = unix(&single.this_update);
    let next_update = single.next_update.as_ref().map(unix);
    match single.cert_status {
        CertStatus::Revoked(info) => Ok(Answer::Revoked {
            at: unix(&info.revocation_time),
            reason: info.revocation_reason.map(|r| reason_name(r as u32)),
        }),
        CertStatus::Good(_) => fresh(this_update, next_update, now).map(|()| Answer::Good),
        CertStatus::Unknown(_) => fresh(this_update, next_update, now).map(|()| Answer::Unknown),
    }
}

fn record_single(single: &SingleResponse, facts: &mut OcspFacts) {
    facts.this_update = Some(unix(&single.this_update));
    facts.next_update = single.next_update.as_ref().map(unix);
    let (status, revoked_at, reason) = match single.cert_status {
        CertStatus::Good(_) => ("good", None, None),
        CertStatus::Revoked(info) => (
            "revoked",
            Some(unix(&info.revocation_time)),
            info.revocation_reason.map(|r| reason_name(r as u32)),
        ),
        CertStatus::Unknown(_) => ("unknown", None, None),
    };
    facts.cert_status = Some(status.to_string());
    facts.revoked_at = revoked_at;
    facts.reason = reason;
}

/// The DER of the first element inside the SEQUENCE `der` (the signed tbsResponseData, as sent).
fn first_element(der: &[u8]) -> der::Result<&[u8]> {
    let mut reader = SliceReader::new(der)?;
    let _outer = Header::decode(&mut reader)?;
    reader.tlv_bytes()
}

/// True when `id` names `leaf` and `issuer` (hash algorithms SHA-1 and SHA-2 are understood).
fn matches_certificate(id: &CertId, leaf: &Cert, issuer: &Cert) -> bool {
    let Some(algorithm) = digest_for(&id.hash_algorithm.oid) else {
        return false;
    };
    let hash = |bytes: &[u8]| digest::digest(algorithm, bytes);
    strip_leading_zeros(id.serial_number.as_bytes()) == leaf.serial.as_slice()
        && hash(&issuer.subject_raw).as_ref() == id.issuer_name_hash.as_bytes()
        && hash(&issuer.key_bits).as_ref() == id.issuer_key_hash.as_bytes()
}

fn digest_for(oid: &ObjectIdentifier) -> Option<&'static digest::Algorithm> {
    Some(match *oid {
        OID_SHA1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        OID_SHA256 => &digest::SHA256,
        OID_SHA384 => &digest::SHA384,
        OID_SHA512 => &digest::SHA512,
        _ => return None,
    })
}

/// Who signed the response, once the signature and the signer's authority check out.
fn check_signer(
    basic: &BasicOcspResponse,
    tbs_raw: &[u8],
    issuer: &Cert,
    now: i64,
) -> Result<String, Problem> {
    let algorithm = basic.signature_algorithm.to_der().map_err(|e| {
        Problem::new(
            ProblemKind::Unparseable,
            format!("the signature algorithm: {e}"),
        )
    })?;
    let signature = basic.signature.raw_bytes();
    let included: Vec<Cert> = basic
        .certs
        .iter()
        .flatten()
        .filter_map(|c| c.to_der().ok().and_then(|d| Cert::parse(&d).ok()))
        .collect();
    let is_signer = |cert: &Cert| match &basic.tbs_response_data.responder_id {
        ResponderId::ByName(name) => name.to_der().is_ok_and(|n| n == cert.subject_raw),
        ResponderId::ByKey(hash) => {
            digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &cert.key_bits).as_ref()
                == hash.as_bytes()
        }
    };
    let signed =
        |cert: &Cert, who: String| match verify(&cert.spki_raw, &algorithm, signature, tbs_raw) {
            SignatureCheck::Valid => Ok(who),
            SignatureCheck::Invalid(d) => Err(Problem::new(
                ProblemKind::BadSignature,
                format!("the signature of {who} does not verify: {d}"),
            )),
            SignatureCheck::Unverifiable(d) => Err(Problem::new(ProblemKind::Unverifiable, d)),
        };
    if is_signer(issuer) {
        return signed(issuer, format!("the issuer ({})", issuer.subject));
    }
    let Some(responder) = included.iter().find(|c| is_signer(c)) else {
        return Err(Problem::new(
            ProblemKind::UnauthorizedSigner,
            "it is signed by a responder that is neither the issuer nor a certificate included in the response",
        ));
    };
    let who = format!("delegated responder {}", responder.subject);
    match responder.issued_by(issuer) {
        SignatureCheck::Valid => {}
        SignatureCheck::Invalid(d) => {
            return Err(Problem::new(
                ProblemKind::UnauthorizedSigner,
                format!("{who} was not certified by the issuer: {d}"),
            ));
        }
        SignatureCheck::Unverifiable(d) => {
            return Err(Problem::new(ProblemKind::Unverifiable, d));
        }
    }
    if !responder.ocsp_signing {
        return Err(Problem::new(
            ProblemKind::UnauthorizedSigner,
            format!("{who} is not authorised for OCSP signing (no id-kp-OCSPSigning)"),
        ));
    }
    if !responder.valid_at(now) {
        return Err(Problem::new(
            ProblemKind::UnauthorizedSigner,
            format!(
                "{who} is not valid now (valid {} to {})",
                crate::time_text(responder.not_before),
                crate::time_text(responder.not_after)
            ),
        ));
    }
    signed(responder, who)
}

fn status_name(status: OcspResponseStatus) -> &'static str {
    match status {
        OcspResponseStatus::Successful => "successful",
        OcspResponseStatus::MalformedRequest => "malformedRequest",
        OcspResponseStatus::InternalError => "internalError",
        OcspResponseStatus::TryLater => "tryLater",
        OcspResponseStatus::SigRequired => "sigRequired",
        OcspResponseStatus::Unauthorized => "unauthorized",
    }
}

fn unix(time: &x509_ocsp::OcspGeneralizedTime) -> i64 {
    i64::try_from(time.0.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}
