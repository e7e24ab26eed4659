//! The revocation probe on loopback: a leaf whose CRL (served over http://) lists it, fetched
//! once per scan however many endpoints ask; the address policy; a dead source; and the OCSP
//! request a responder receives.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use govscan_model::{CrlRead, FailureKind, Probed, RevocationObservation, RevocationSource};
use govscan_probe::{ProbeConfig, Prober};
use rcgen::{
    CertificateParams, CertificateRevocationListParams, CrlDistributionPoint, CustomExtension,
    KeyIdMethod, KeyPair, RevocationReason, RevokedCertParams, SerialNumber,
};
use rustls::version::TLS13;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

const SERIAL: [u8; 8] = [0x42, 1, 2, 3, 4, 5, 6, 7];

/// A leaf for good.test and a.b.caa.test (both 127.0.0.1 in the test zone) naming `crl` as
/// its CRL distribution point and `ocsp` as its OCSP responder.
fn leaf(pki: &common::Pki, crl: Option<String>, ocsp: Option<&str>) -> common::Leaf {
    let mut params =
        CertificateParams::new(vec!["good.test".to_string(), "a.b.caa.test".to_string()])
            .expect("params");
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(30);
    params.serial_number = Some(SerialNumber::from_slice(&SERIAL));
    if let Some(url) = crl {
        params.crl_distribution_points = vec![CrlDistributionPoint { uris: vec![url] }];
    }
    if let Some(url) = ocsp {
        params.custom_extensions = vec![aia_ocsp(url)];
    }
    let key = KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, &pki.ca).expect("sign");
    common::Leaf {
        chain: vec![cert.der().clone(), pki.ca.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// Authority Information Access with one id-ad-ocsp URI (RFC 5280 §4.2.2.1), DER by hand.
fn aia_ocsp(url: &str) -> CustomExtension {
    let oid = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
    let mut name = vec![0x86, u8::try_from(url.len()).expect("short url")];
    name.extend_from_slice(url.as_bytes());
    let mut desc = vec![0x30, u8::try_from(oid.len() + name.len()).expect("short")];
    desc.extend_from_slice(&oid);
    desc.extend_from_slice(&name);
    let mut seq = vec![0x30, u8::try_from(desc.len()).expect("short")];
    seq.extend_from_slice(&desc);
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], seq)
}

/// The CA's CRL listing the leaf as revoked for key compromise.
fn crl_listing_the_leaf(pki: &common::Pki) -> Vec<u8> {
    let now = time::OffsetDateTime::now_utc();
    CertificateRevocationListParams {
        this_update: now - time::Duration::hours(1),
        next_update: now + time::Duration::days(1),
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: vec![RevokedCertParams {
            serial_number: SerialNumber::from_slice(&SERIAL),
            revocation_time: now - time::Duration::days(2),
            reason_code: Some(RevocationReason::KeyCompromise),
            invalidity_date: None,
        }],
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&pki.ca)
    .expect("crl")
    .der()
    .to_vec()
}

/// An http server answering `body` on every path, counting and recording requests.
async fn source(body: Vec<u8>, seen: Arc<Mutex<Vec<String>>>) -> u16 {
    common::http_server(Arc::new(move |path: &str| {
        seen.lock().expect("lock").push(path.to_string());
        common::response("200 OK", &[("Content-Type", "application/pkix-crl")], &body)
    }))
    .await
}

async fn scan(cfg: ProbeConfig, domains: &[&str]) -> Vec<RevocationObservation> {
    let prober = Prober::new(cfg).expect("prober");
    let mut out = Vec::new();
    for domain in domains {
        let obs = prober.probe_domain(domain).await;
        match &obs.endpoints[0].revocation {
            Probed::Ok { value } => out.push(value.clone()),
            other => panic!("{domain}: revocation not asked: {other:?}"),
        }
    }
    out
}

async fn config_for(pki: &common::Pki, leaf: common::Leaf) -> (ProbeConfig, common::DnsFixture) {
    let dns = common::start_dns().await;
    let port = common::https_server(leaf, &[&TLS13], Vec::new(), common::ok_handler()).await;
    let mut cfg = common::config(dns.addr);
    cfg.https_port = port;
    cfg.extra_roots_pem = vec![pki.ca_file.clone()];
    cfg.tls_scan = false;
    cfg.allow_private = true;
    // The second domain (a.b.caa.test, A 127.0.0.2 in the zone) is served by the same server.
    cfg.connect_overrides.insert(
        "a.b.caa.test".into(),
        vec!["127.0.0.1".parse().expect("ip")],
    );
    (cfg, dns)
}

#[tokio::test]
async fn a_revoked_leaf_is_found_in_its_crl_fetched_once_per_scan() {
    let pki = common::Pki::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let crl_port = source(crl_listing_the_leaf(&pki), seen.clone()).await;
    let url = format!("http://127.0.0.1:{crl_port}/ca.crl");
    let (cfg, _dns) = config_for(&pki, leaf(&pki, Some(url.clone()), None)).await;
    let found = scan(cfg, &["good.test", "a.b.caa.test"]).await;
    for (i, obs) in found.iter().enumerate() {
        let q = &obs.queries[0];
        assert_eq!(
            (q.source, q.url.as_str(), q.method.as_str()),
            (RevocationSource::Crl, url.as_str(), "GET")
        );
        assert_eq!(
            q.shared,
            i == 1,
            "the second domain shares the first one's fetch"
        );
        let response = q.response.value().expect("fetched");
        assert_eq!(response.status, 200);
        assert!(response.body_base64.is_none(), "CRL bytes are not kept");
        let Some(CrlRead::Read { value }) = &q.crl else {
            panic!("the CRL was read: {:?}", q.crl);
        };
        assert_eq!(value.signature, "valid", "{}", value.signature_detail);
        assert!(value.issuer_matches);
        let entry = value.entry.as_ref().expect("the leaf is listed");
        assert_eq!(entry.reason.as_deref(), Some("keyCompromise"));
        assert_eq!(entry.serial, "42:01:02:03:04:05:06:07");
    }
    assert_eq!(
        seen.lock().expect("lock").as_slice(),
        ["/ca.crl"],
        "one request per scan"
    );
}

#[tokio::test]
async fn a_private_source_is_not_asked_without_allow_private() {
    let pki = common::Pki::new();
    // The CRL source listens on another loopback address than the target: only the target's
    // own address is allowed (its `--connect` override), so the source must be refused.
    let listener = tokio::net::TcpListener::bind("127.0.0.3:0")
        .await
        .expect("bind 127.0.0.3");
    let crl_port = listener.local_addr().expect("addr").port();
    let accepted = Arc::new(AtomicUsize::new(0));
    {
        let accepted = accepted.clone();
        tokio::spawn(async move {
            while listener.accept().await.is_ok() {
                accepted.fetch_add(1, Ordering::SeqCst);
            }
        });
    }
    let (mut cfg, _dns) = config_for(
        &pki,
        leaf(
            &pki,
            Some(format!("http://127.0.0.3:{crl_port}/ca.crl")),
            None,
        ),
    )
    .await;
    cfg.allow_private = false;
    cfg.connect_overrides
        .insert("good.test".into(), vec!["127.0.0.1".parse().expect("ip")]);
    let found = scan(cfg, &["good.test"]).await;
    let why = match &found[0].queries[0].response {
        Probed::Failed { kind, detail } if *kind == FailureKind::Blocked => detail.clone(),
        Probed::Skipped { why } => why.clone(),
        other => panic!("not refused: {other:?}"),
    };
    assert!(
        why.contains("loopback") && why.contains("--allow-private"),
        "{why}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 0, "nothing was sent");
}

#[tokio::test]
async fn a_dead_source_fails_once_and_the_next_source_is_asked() {
    let pki = common::Pki::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let tries = Arc::new(AtomicUsize::new(0));
    let ocsp_port = {
        let seen = seen.clone();
        let tries = tries.clone();
        common::http_server(Arc::new(move |path: &str| {
            tries.fetch_add(1, Ordering::SeqCst);
            seen.lock().expect("lock").push(path.to_string());
            // tryLater (RFC 6960 §4.2.1): a real answer that carries no status.
            common::response(
                "200 OK",
                &[("Content-Type", "application/ocsp-response")],
                &[0x30, 0x03, 0x0a, 0x01, 0x03],
            )
        }))
        .await
    };
    let dead = format!("http://127.0.0.1:{}/ca.crl", common::closed_port());
    let responder = format!("http://127.0.0.1:{ocsp_port}");
    let (cfg, _dns) = config_for(&pki, leaf(&pki, Some(dead.clone()), Some(&responder))).await;
    let found = scan(cfg, &["good.test", "a.b.caa.test"]).await;
    for (i, obs) in found.iter().enumerate() {
        let [crl, ocsp] = obs.queries.as_slice() else {
            panic!("two queries: {obs:?}");
        };
        assert!(
            matches!(
                crl.response,
                Probed::Failed {
                    kind: FailureKind::Refused,
                    ..
                }
            ),
            "{:?}",
            crl.response
        );
        assert_eq!(crl.shared, i == 1, "the failure is shared, not retried");
        assert_eq!(ocsp.source, RevocationSource::Ocsp);
        assert_eq!(ocsp.method, "GET");
        let body = ocsp
            .response
            .value()
            .and_then(|r| r.body_base64.clone())
            .expect("body kept");
        assert_eq!(
            STANDARD.decode(body).expect("base64"),
            [0x30, 0x03, 0x0a, 0x01, 0x03]
        );
    }
    assert_eq!(tries.load(Ordering::SeqCst), 1, "one OCSP request per scan");
    // The GET path is the URL-encoded base64 of an OCSPRequest for this leaf (RFC 6960 A.1).
    let path = seen.lock().expect("lock")[0].clone();
    let encoded = path
        .trim_start_matches('/')
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    let request = x509_ocsp::OcspRequest::from_der(&STANDARD.decode(encoded).expect("base64"))
        .expect("an OCSPRequest");
    let cert_id = &request.tbs_request.request_list[0].req_cert;
    assert_eq!(cert_id.serial_number.as_bytes(), SERIAL);
}
