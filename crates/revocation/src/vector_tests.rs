//! Reads every OCSP response and CRL of `fixtures/revocation/vectors.json` (written by
//! python3-cryptography, see `fixtures/checks/_scripts/make_revocation_fixtures.py`) and asserts
//! the answer each must give.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use govscan_model::CrlRead;
use serde_json::Value;
use x509_ocsp::OcspRequest;

use crate::{Answer, Cert, crl, ocsp};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/revocation/vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("vectors.json is readable");
    serde_json::from_str(&text).expect("vectors.json is JSON")
}

fn bytes(v: &Value) -> Vec<u8> {
    STANDARD
        .decode(v.as_str().expect("base64 string"))
        .expect("base64")
}

fn cert(all: &Value, name: &str) -> Cert {
    Cert::parse(&bytes(&all["certs"][name])).expect("vector certificate parses")
}

/// `good`, `unknown`, `revoked`, `revoked:<reason>` or `problem:<kind>`.
fn label(answer: &Answer) -> String {
    match answer {
        Answer::Good => "good".into(),
        Answer::Unknown => "unknown".into(),
        Answer::Revoked { reason: None, .. } => "revoked".into(),
        Answer::Revoked {
            reason: Some(r), ..
        } => format!("revoked:{r}"),
        Answer::Problem(p) => format!("problem:{}", p.kind.key()),
    }
}

#[test]
fn every_ocsp_vector_gives_its_answer() {
    let all = vectors();
    let now = all["now"].as_i64().expect("now");
    let mut wrong = Vec::new();
    for v in all["ocsp"].as_array().expect("ocsp[]") {
        let leaf = cert(&all, v["leaf"].as_str().expect("leaf"));
        let issuer = cert(&all, v["issuer"].as_str().expect("issuer"));
        let reading = ocsp::read_response(&bytes(&v["der"]), &leaf, &issuer, now);
        let got = label(&reading.answer);
        if got != v["expect"].as_str().expect("expect") {
            wrong.push(format!(
                "{}: got {got} ({:?}), want {}",
                v["name"], reading.answer, v["expect"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_crl_vector_gives_its_answer() {
    let all = vectors();
    let now = all["now"].as_i64().expect("now");
    let mut wrong = Vec::new();
    for v in all["crl"].as_array().expect("crl[]") {
        let leaf = cert(&all, v["leaf"].as_str().expect("leaf"));
        let issuer = cert(&all, v["issuer"].as_str().expect("issuer"));
        let url = v["url"].as_str().expect("url");
        let got = match crl::read(&bytes(&v["der"]), &leaf, &issuer, url) {
            CrlRead::Read { value } => label(&crl::judge(&value, now)),
            CrlRead::Unreadable { detail } => format!("unreadable: {detail}"),
        };
        if got != v["expect"].as_str().expect("expect") {
            wrong.push(format!("{}: got {got}, want {}", v["name"], v["expect"]));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_revoked_entry_and_crl_facts_are_recorded() {
    let all = vectors();
    let v = all["crl"]
        .as_array()
        .expect("crl[]")
        .iter()
        .find(|v| v["name"] == "lists_the_certificate")
        .expect("vector");
    let leaf = cert(&all, "leaf_revoked");
    let CrlRead::Read { value } = crl::read(&bytes(&v["der"]), &leaf, &cert(&all, "inter"), "x")
    else {
        panic!("the CRL reads");
    };
    let entry = value.entry.expect("the certificate is listed");
    assert_eq!(entry.serial, leaf.serial_hex());
    assert_eq!(entry.reason.as_deref(), Some("keyCompromise"));
    assert_eq!(
        entry.revoked_at,
        all["now"].as_i64().expect("now") - 7 * 86_400
    );
    assert_eq!(value.crl_number.as_deref(), Some("42"));
    assert_eq!(value.entries, 1);
    assert_eq!(value.signature, "valid");
    assert!(value.issuer_matches);
}

#[test]
fn a_request_names_the_certificate_and_its_issuer() {
    let all = vectors();
    let leaf = cert(&all, "leaf_good");
    let issuer = cert(&all, "inter");
    let der = ocsp::request(&leaf, &issuer).expect("request encodes");
    let parsed = OcspRequest::from_der(&der).expect("request decodes");
    let list = &parsed.tbs_request.request_list;
    assert_eq!(list.len(), 1);
    assert!(parsed.optional_signature.is_none());
    assert!(parsed.tbs_request.request_extensions.is_none(), "no nonce");
    // The response for the good leaf answers this very CertID.
    let good = all["ocsp"]
        .as_array()
        .expect("ocsp[]")
        .iter()
        .find(|v| v["name"] == "good_by_issuer")
        .expect("vector");
    let response = x509_ocsp::OcspResponse::from_der(&bytes(&good["der"])).expect("response");
    let basic = x509_ocsp::BasicOcspResponse::from_der(
        response.response_bytes.expect("bytes").response.as_bytes(),
    )
    .expect("basic");
    assert_eq!(
        basic.tbs_response_data.responses[0].cert_id,
        list[0].req_cert
    );
}

#[test]
fn get_urls_are_url_encoded_base64_and_long_requests_are_posted() {
    let url = ocsp::get_url("http://ocsp.example.test", &[0xfb, 0xff, 0xfe]).expect("short");
    assert_eq!(url, "http://ocsp.example.test/%2B%2F%2F%2B");
    let url = ocsp::get_url("http://ocsp.example.test/", &[0x30]).expect("short");
    assert_eq!(url, "http://ocsp.example.test/MA%3D%3D");
    assert!(ocsp::get_url("http://o.test", &[0u8; 300]).is_none());
}

#[test]
fn hostile_bytes_never_panic() {
    let all = vectors();
    let leaf = cert(&all, "leaf_good");
    let issuer = cert(&all, "inter");
    let good = bytes(&all["ocsp"][0]["der"]);
    let crl_der = bytes(&all["crl"][0]["der"]);
    for cut in 0..good.len() {
        let _ = ocsp::read_response(&good[..cut], &leaf, &issuer, 0);
    }
    for cut in 0..crl_der.len() {
        let _ = crl::read(&crl_der[..cut], &leaf, &issuer, "x");
    }
    let mut flipped = good.clone();
    for i in 0..flipped.len() {
        flipped[i] ^= 0xff;
        let reading = ocsp::read_response(&flipped, &leaf, &issuer, 0);
        assert_ne!(
            reading.answer,
            Answer::Good,
            "a changed byte {i} still reads good"
        );
        flipped[i] ^= 0xff;
    }
}
