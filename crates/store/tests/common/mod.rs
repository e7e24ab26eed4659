//! Hand-built scans for the store tests and the score crate's diff tests (which include this file).
#![allow(dead_code, unreachable_pub)]

use govscan_model::*;
use serde_json::json;

/// Observations with one endpoint, every kind of `Probed` and some awkward text.
pub fn observations(domain: &str, address: &str) -> Observations {
    let exchange = HttpExchange {
        url: format!("https://{domain}/"),
        status: 200,
        headers: vec![
            HttpHeader {
                name: "strict-transport-security".into(),
                value: "max-age=31536000".into(),
            },
            HttpHeader {
                name: "set-cookie".into(),
                value: "a=1; Secure".into(),
            },
            HttpHeader {
                name: "set-cookie".into(),
                value: "b=\"ü\"; HttpOnly".into(),
            },
        ],
        body_len: 1234,
        body_truncated: false,
        body_text: Some("Contact: mailto:cert@example.gov\n".into()),
    };
    Observations {
        domain: domain.into(),
        probed_at: "2026-03-01T10:00:00Z".into(),
        duration_ms: 812,
        dns: DnsObservations {
            a: Probed::ok(vec![address.into()]),
            aaaa: Probed::failed(FailureKind::NoData, "no AAAA records"),
            ns: Probed::ok(vec!["ns1.example.gov".into()]),
            mx: Probed::ok(vec![MxRecord {
                preference: 10,
                exchange: "mx.example.gov".into(),
            }]),
            txt: Probed::ok(vec!["v=spf1 -all".into()]),
            caa: Probed::ok(CaaObservation {
                found_at: Some(domain.into()),
                records: vec![CaaRecord {
                    critical: false,
                    tag: "issue".into(),
                    value: "letsencrypt.org".into(),
                }],
                queried: vec![domain.into()],
            }),
            dmarc: Probed::skipped("not asked"),
            soa: Probed::ok(SoaRecord {
                zone: domain.into(),
                mname: "ns1.example.gov".into(),
                rname: "hostmaster.example.gov".into(),
                serial: 2026030101,
            }),
            resolver: "127.10.0.53:53".into(),
            nxdomain: false,
            root_nxdomain: false,
            dnssec: not_probed(),
            nameservers: not_probed(),
            mta_sts: not_probed(),
            mta_sts_policy: not_probed(),
            tls_rpt: not_probed(),
            dmarc_organisational: not_probed(),
            read_with_cd: Vec::new(),
            organisational_domain: None,
            spf: not_probed(),
            extra: Vec::new(),
        },
        endpoints: vec![EndpointObservations {
            address: address.into(),
            tls: Probed::ok(TlsObservation {
                version: "TLSv1_3".into(),
                cipher_suite: "TLS13_AES_256_GCM_SHA384".into(),
                key_exchange_group: Some("X25519".into()),
                alpn: None,
                chain: vec![CertificateDer {
                    der_base64: "MIIB".into(),
                }],
                ocsp_stapled: None,
                trust: TrustVerdict {
                    at_scan_time: Some(VerifierError {
                        kind: "expired".into(),
                        detail: "expired".into(),
                    }),
                    chain_only: None,
                    roots: "webpki-roots".into(),
                },
                sni: domain.into(),
                handshake_signature: String::new(),
            }),
            http: Probed::ok(RedirectChain {
                hops: vec![exchange.clone()],
                end: RedirectEnd::Offsite {
                    location: "https://elsewhere.example/".into(),
                    reason: String::new(),
                },
            }),
            https: Probed::failed(FailureKind::Timeout, "read 10s"),
            security_txt: Probed::ok(exchange),
            tls_scan: Probed::skipped("not probed in this fixture"),
            paths: vec![],
            connections: Default::default(),
            revocation: govscan_model::Probed::skipped("not probed in this test"),
        }],
        addresses: Default::default(),
        mail_servers: govscan_model::not_probed(),
        web_tlsa: govscan_model::not_probed(),
        rpki: govscan_model::not_probed(),
        dkim: govscan_model::not_probed(),
    }
}

/// An outcome with evidence that exercises JSON numbers and text.
pub fn outcome(check: &str, status: Status) -> Outcome {
    Outcome::new(
        check,
        status,
        &format!("{}_finding", status.as_str()),
        format!("{check} is {} — “quoted” ünïcode", status.as_str()),
        json!({ "max_age": 31536000u64, "ratio": 0.1 + 0.2, "neg": -7, "list": [1.5e300, null, true] }),
    )
}

/// A domain with the given outcomes.
pub fn domain(
    name: &str,
    score: Option<f64>,
    grade: &str,
    outcomes: &[(&str, Status)],
) -> DomainResult {
    DomainResult {
        domain: name.into(),
        organisation: Some("Ministry of Tests".into()),
        score,
        grade: grade.into(),
        grade_cap: score
            .filter(|s| *s < 50.0)
            .map(|_| "required check failed".into()),
        coverage: 0.875,
        families: vec![
            FamilyScore {
                family: Family::Tls,
                score: Some(87.5),
                coverage: 1.0,
                checks_judged: 3,
                checks_total: 3,
            },
            FamilyScore {
                family: Family::Mail,
                score: None,
                coverage: 0.0,
                checks_judged: 0,
                checks_total: 2,
            },
        ],
        provisional: None,
        outcomes: outcomes
            .iter()
            .map(|(check, status)| outcome(check, *status))
            .collect(),
        observations: observations(name, "127.10.0.1"),
    }
}

/// A scan started at `started_at` with the `estonia 2026.1` baseline.
pub fn scan(started_at: &str, domains: Vec<DomainResult>) -> ScanResult {
    ScanResult {
        schema_version: SCHEMA_VERSION,
        govscan_version: "0.1.0".into(),
        scoring_version: 1,
        started_at: started_at.into(),
        finished_at: started_at.into(),
        baseline: BaselineRef {
            id: "estonia".into(),
            version: "2026.1".into(),
            sha256: "ab".repeat(32),
        },
        organisations: vec![Organisation {
            name: "Ministry of Tests".into(),
            kind: OrgKind::Ministry,
            parent: Some("Government".into()),
        }],
        domains,
    }
}

/// A typical two-domain scan.
pub fn sample_scan(started_at: &str) -> ScanResult {
    scan(
        started_at,
        vec![
            domain(
                "good.example.gov",
                Some(92.25),
                "A",
                &[
                    ("tls.version", Status::Pass),
                    ("http.hsts", Status::Warn),
                    ("mail.dmarc", Status::NotApplicable),
                ],
            ),
            domain(
                "bad.example.gov",
                None,
                "?",
                &[
                    ("tls.version", Status::Inconclusive),
                    ("http.hsts", Status::Fail),
                ],
            ),
        ],
    )
}
