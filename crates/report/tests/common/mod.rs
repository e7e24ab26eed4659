//! A realistic scan result for the report tests: every status, failed and skipped probes,
//! every redirect ending, and hostile values where a server controls the text.

#![allow(dead_code)]

use govscan_model::{
    BaselineRef, CaaObservation, CaaRecord, CertificateDer, DnsObservations, DomainResult,
    EndpointObservations, FailureKind, HttpExchange, HttpHeader, MxRecord, Observations, OrgKind,
    Organisation, Outcome, Probed, RedirectChain, RedirectEnd, SCHEMA_VERSION, ScanResult,
    SoaRecord, SpfAnswer, SpfQuery, SpfQueryType, SpfTree, Status, TlsObservation, TrustVerdict,
    VerifierError,
};
use govscan_score::{Baseline, SCORING_VERSION, scored_domain};
use serde_json::json;

/// Text a hostile server might send.
pub(crate) const SCRIPT: &str = "<script>alert(1)</script>";
/// An attribute break-out attempt.
pub(crate) const ATTR: &str = "\" onmouseover=alert(2) x=\"";

fn exchange(url: &str, status: u16, headers: &[(&str, &str)]) -> HttpExchange {
    HttpExchange {
        url: url.to_owned(),
        status,
        headers: headers
            .iter()
            .map(|(n, v)| HttpHeader {
                name: (*n).to_owned(),
                value: (*v).to_owned(),
            })
            .collect(),
        body_len: 512,
        body_truncated: false,
        body_text: None,
    }
}

/// An SPF tree with one answer of each kind, so the schema's variants are exercised.
fn spf_tree() -> SpfTree {
    let query = |name: &str, rtype, answer| SpfQuery {
        name: name.to_owned(),
        rtype,
        answer,
    };
    SpfTree {
        queries: vec![
            query(
                "_spf.provider.test",
                SpfQueryType::Txt,
                SpfAnswer::Records {
                    records: vec!["v=spf1 ip4:192.0.2.0/24 -all".to_owned()],
                },
            ),
            query("old.lab.test", SpfQueryType::A, SpfAnswer::NxDomain),
            query("old.lab.test", SpfQueryType::Aaaa, SpfAnswer::NoData),
            query(
                "lab.test",
                SpfQueryType::Mx,
                SpfAnswer::Failed {
                    kind: FailureKind::Timeout,
                    detail: "5s".to_owned(),
                },
            ),
        ],
        stopped: None,
    }
}

fn good_dns() -> DnsObservations {
    DnsObservations {
        a: Probed::ok(vec!["127.10.0.1".to_owned()]),
        aaaa: Probed::ok(vec!["::1".to_owned()]),
        ns: Probed::ok(vec!["ns1.lab.test".to_owned()]),
        mx: Probed::ok(vec![MxRecord {
            preference: 0,
            exchange: String::new(),
        }]),
        txt: Probed::ok(vec!["v=spf1 -all".to_owned()]),
        caa: Probed::ok(CaaObservation {
            found_at: Some("good.lab.test".to_owned()),
            records: vec![CaaRecord {
                critical: false,
                tag: "issue".to_owned(),
                value: "ca.lab.test".to_owned(),
            }],
            queried: vec!["good.lab.test".to_owned()],
        }),
        dmarc: Probed::ok(vec!["v=DMARC1; p=reject".to_owned()]),
        soa: Probed::ok(SoaRecord {
            zone: "lab.test".to_owned(),
            mname: "ns1.lab.test".to_owned(),
            rname: "hostmaster.lab.test".to_owned(),
            serial: 2026112701,
        }),
        resolver: "127.10.0.53:53".to_owned(),
        dnssec: Probed::skipped("not probed in this fixture"),
        nameservers: Probed::skipped("not probed in this fixture"),
        mta_sts: Probed::skipped("not probed in this fixture"),
        mta_sts_policy: Probed::skipped("not probed in this fixture"),
        tls_rpt: Probed::skipped("not probed in this fixture"),
        dmarc_organisational: Probed::skipped("not probed in this fixture"),
        read_with_cd: Vec::new(),
        organisational_domain: Some("lab.test".to_owned()),
        spf: Probed::ok(spf_tree()),
        extra: Vec::new(),
        nxdomain: false,
        root_nxdomain: false,
    }
}

fn good_endpoint(address: &str) -> EndpointObservations {
    EndpointObservations {
        address: address.to_owned(),
        tls: Probed::ok(TlsObservation {
            version: "TLSv1_3".to_owned(),
            cipher_suite: "TLS13_AES_256_GCM_SHA384".to_owned(),
            key_exchange_group: Some("X25519".to_owned()),
            alpn: None,
            chain: vec![CertificateDer {
                der_base64: "MIIBkTCCATegAwIBAgIU".to_owned(),
            }],
            ocsp_stapled: None,
            trust: TrustVerdict {
                at_scan_time: None,
                chain_only: None,
                roots: "webpki-roots + lab-ca.pem".to_owned(),
            },
            sni: "good.lab.test".to_owned(),
            handshake_signature: String::new(),
        }),
        http: Probed::ok(RedirectChain {
            hops: vec![
                exchange(
                    "http://good.lab.test/",
                    301,
                    &[("location", "https://good.lab.test/")],
                ),
                exchange(
                    "https://good.lab.test/",
                    200,
                    &[("strict-transport-security", "max-age=31536000")],
                ),
            ],
            end: RedirectEnd::Final,
        }),
        https: Probed::ok(RedirectChain {
            hops: vec![exchange(
                "https://good.lab.test/",
                200,
                &[
                    ("strict-transport-security", "max-age=31536000"),
                    ("x-content-type-options", "nosniff"),
                ],
            )],
            end: RedirectEnd::Final,
        }),
        security_txt: Probed::ok(HttpExchange {
            body_text: Some(
                "Contact: mailto:security@lab.test\nExpires: 2027-01-01T00:00:00Z\n".to_owned(),
            ),
            ..exchange(
                "https://good.lab.test/.well-known/security.txt",
                200,
                &[("content-type", "text/plain")],
            )
        }),
        tls_scan: Probed::skipped("not probed in this fixture"),
        paths: Vec::new(),
        connections: Default::default(),
        revocation: govscan_model::Probed::skipped("not probed in this test"),
    }
}

fn hostile_endpoint() -> EndpointObservations {
    EndpointObservations {
        address: "127.10.0.4".to_owned(),
        tls: Probed::ok(TlsObservation {
            version: "TLSv1_2".to_owned(),
            cipher_suite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".to_owned(),
            key_exchange_group: None,
            alpn: Some("http/1.1".to_owned()),
            chain: vec![],
            ocsp_stapled: Some("AAEC".to_owned()),
            trust: TrustVerdict {
                at_scan_time: Some(VerifierError {
                    kind: "expired".to_owned(),
                    detail: SCRIPT.to_owned(),
                }),
                chain_only: Some(VerifierError {
                    kind: "unknown_issuer".to_owned(),
                    detail: "no root".to_owned(),
                }),
                roots: "webpki-roots".to_owned(),
            },
            sni: "nohsts.lab.test".to_owned(),
            handshake_signature: String::new(),
        }),
        http: Probed::ok(RedirectChain {
            hops: vec![exchange(
                "http://nohsts.lab.test/",
                302,
                &[("location", ATTR)],
            )],
            end: RedirectEnd::BadLocation {
                location: Some(ATTR.to_owned()),
            },
        }),
        https: Probed::ok(RedirectChain {
            hops: vec![exchange(
                "https://nohsts.lab.test/",
                200,
                &[("x-content-type-options", SCRIPT)],
            )],
            end: RedirectEnd::HopFailed {
                url: "https://nohsts.lab.test/next".to_owned(),
                detail: "reset".to_owned(),
                failure: Some(FailureKind::Http),
            },
        }),
        security_txt: Probed::failed(FailureKind::Http, "malformed response"),
        tls_scan: Probed::skipped("not probed in this fixture"),
        paths: Vec::new(),
        connections: Default::default(),
        revocation: govscan_model::Probed::skipped("not probed in this test"),
    }
}

fn other_ends() -> Vec<RedirectEnd> {
    vec![
        RedirectEnd::Offsite {
            location: "https://elsewhere.test/".to_owned(),
            reason: String::new(),
        },
        RedirectEnd::Loop {
            location: "https://a.test/".to_owned(),
        },
        RedirectEnd::TooManyRedirects { limit: 10 },
        RedirectEnd::BadLocation { location: None },
    ]
}

fn domain(
    name: &str,
    org: Option<&str>,
    outcomes: Vec<Outcome>,
    observations: Observations,
    baseline: &Baseline,
) -> DomainResult {
    scored_domain(
        name.to_owned(),
        org.map(str::to_owned),
        outcomes,
        observations,
        baseline,
    )
}

/// The sample scan: a good domain, a hostile one, and one where every probe failed.
pub(crate) fn sample_result() -> ScanResult {
    let baseline = Baseline::builtin_estonia();
    let o = |check: &str, status: Status, finding: &str, message: &str| {
        Outcome::new(check, status, finding, message, json!({ "seen": message }))
    };
    let good_outcomes: Vec<Outcome> = baseline
        .rules
        .keys()
        .map(|id| o(id, Status::Pass, "ok", "All good."))
        .chain([o(
            "http.security-txt",
            Status::Info,
            "present",
            "security.txt is published.",
        )])
        .collect();
    let good = domain(
        "good.lab.test",
        Some("Ministry of Tests"),
        good_outcomes,
        Observations {
            domain: "good.lab.test".to_owned(),
            probed_at: "2026-11-27T08:00:00Z".to_owned(),
            duration_ms: 812,
            dns: good_dns(),
            endpoints: vec![good_endpoint("127.10.0.1"), good_endpoint("::1")],
            addresses: Default::default(),
            mail_servers: govscan_model::not_probed(),
            web_tlsa: govscan_model::not_probed(),
            rpki: govscan_model::not_probed(),
            dkim: govscan_model::not_probed(),
        },
        &baseline,
    );

    let hostile_outcomes = vec![
        o(
            "tls.https-available",
            Status::Pass,
            "https_ok",
            "HTTPS answers.",
        ),
        o(
            "tls.tls13-supported",
            Status::Pass,
            "tls13_offered",
            "TLS 1.3 was negotiated.",
        ),
        Outcome::new(
            "http.x-content-type-options",
            Status::Fail,
            "header_invalid",
            format!("X-Content-Type-Options is {SCRIPT} {ATTR}"),
            json!({ "values": [SCRIPT, ATTR] }),
        ),
        o(
            "http.hsts",
            Status::Warn,
            "max_age_below_minimum",
            "max-age is 300.",
        ),
        o(
            "cert.not-expired",
            Status::Pass,
            "valid",
            "The certificate is valid.",
        ),
        o(
            "cert.trusted-chain",
            Status::Pass,
            "trusted",
            "The chain is trusted.",
        ),
        o(
            "cert.hostname-match",
            Status::Pass,
            "matches",
            "The name matches.",
        ),
        o("mail.spf", Status::Pass, "spf_ok", "SPF is published."),
        o(
            "dns.ipv6-web",
            Status::Pass,
            "ipv6_ok",
            "The site answers over IPv6.",
        ),
        o(
            "http.https-redirect",
            Status::Fail,
            "no_redirect",
            "http:// serves 200 without a redirect.",
        ),
        o(
            "dns.caa",
            Status::NotApplicable,
            "no_caa",
            "Not applicable here.",
        ),
        Outcome::inconclusive("mail.dmarc", "Dns failure: SERVFAIL"),
    ];
    let mut hostile_dns = good_dns();
    hostile_dns.caa = Probed::ok(CaaObservation {
        found_at: None,
        records: vec![],
        queried: vec!["nohsts.lab.test".to_owned(), "lab.test".to_owned()],
    });
    hostile_dns.dmarc = Probed::failed(FailureKind::Dns, "SERVFAIL");
    hostile_dns.txt = Probed::ok(vec![format!("v=spf1 +all {SCRIPT}")]);
    let hostile = domain(
        "nohsts.lab.test",
        Some(ATTR),
        hostile_outcomes,
        Observations {
            domain: "nohsts.lab.test".to_owned(),
            probed_at: "2026-11-27T08:00:01Z".to_owned(),
            duration_ms: 2203,
            dns: hostile_dns,
            endpoints: vec![hostile_endpoint()],
            addresses: Default::default(),
            mail_servers: govscan_model::not_probed(),
            web_tlsa: govscan_model::not_probed(),
            rpki: govscan_model::not_probed(),
            dkim: govscan_model::not_probed(),
        },
        &baseline,
    );

    let failed = |kind| Probed::failed(kind, "timed out after 5s");
    let mut endpoints = Vec::new();
    for (i, end) in other_ends().into_iter().enumerate() {
        endpoints.push(EndpointObservations {
            address: format!("127.10.0.{}", 20 + i),
            tls: failed(FailureKind::Timeout),
            http: Probed::ok(RedirectChain { hops: vec![], end }),
            https: Probed::failed(FailureKind::Refused, "connection refused"),
            security_txt: Probed::skipped("no HTTPS"),
            tls_scan: Probed::skipped("no HTTPS"),
            paths: Vec::new(),
            connections: Default::default(),
            revocation: govscan_model::Probed::skipped("not probed in this test"),
        });
    }
    let dead_dns = DnsObservations {
        a: Probed::failed(FailureKind::NoData, "NXDOMAIN"),
        aaaa: Probed::failed(FailureKind::NoData, "NXDOMAIN"),
        ns: Probed::failed(FailureKind::Timeout, "5s"),
        mx: Probed::skipped("name does not exist"),
        txt: Probed::skipped("name does not exist"),
        caa: Probed::failed(FailureKind::TooLarge, "too many records"),
        dmarc: Probed::failed(FailureKind::Other, "other"),
        soa: Probed::failed(FailureKind::Unreachable, "no route"),
        resolver: "127.10.0.53:53".to_owned(),
        dnssec: Probed::skipped("not probed in this fixture"),
        nameservers: Probed::skipped("not probed in this fixture"),
        mta_sts: Probed::skipped("not probed in this fixture"),
        mta_sts_policy: Probed::skipped("not probed in this fixture"),
        tls_rpt: Probed::skipped("not probed in this fixture"),
        dmarc_organisational: Probed::skipped("not probed in this fixture"),
        read_with_cd: Vec::new(),
        organisational_domain: None,
        spf: Probed::skipped("not probed in this fixture"),
        extra: Vec::new(),
        nxdomain: true,
        root_nxdomain: false,
    };
    let dead_outcomes: Vec<Outcome> = baseline
        .rules
        .keys()
        .map(|id| Outcome::inconclusive(id, "skipped: no A/AAAA records"))
        .collect();
    let dead = domain(
        "nxdomain.lab.test",
        None,
        dead_outcomes,
        Observations {
            domain: "nxdomain.lab.test".to_owned(),
            probed_at: "2026-11-27T08:00:02Z".to_owned(),
            duration_ms: 5004,
            dns: dead_dns,
            endpoints,
            addresses: Default::default(),
            mail_servers: govscan_model::not_probed(),
            web_tlsa: govscan_model::not_probed(),
            rpki: govscan_model::not_probed(),
            dkim: govscan_model::not_probed(),
        },
        &baseline,
    );

    ScanResult {
        schema_version: SCHEMA_VERSION,
        govscan_version: "0.1.0".to_owned(),
        scoring_version: SCORING_VERSION,
        started_at: "2026-11-27T08:00:00Z".to_owned(),
        finished_at: "2026-11-27T08:00:09Z".to_owned(),
        baseline: BaselineRef {
            ..baseline.reference()
        },
        organisations: vec![
            Organisation {
                name: "Ministry of Tests".to_owned(),
                kind: OrgKind::Ministry,
                parent: None,
            },
            Organisation {
                name: ATTR.to_owned(),
                kind: OrgKind::Agency,
                parent: Some("Ministry of Tests".to_owned()),
            },
        ],
        domains: vec![good, hostile, dead],
    }
}

/// Observations of a domain with every DNS probe skipped and no endpoint: for tests that
/// hand-build outcomes.
pub(crate) fn skipped_observations(domain: &str) -> Observations {
    let skipped = json!({"state": "skipped", "why": "not probed (test)"});
    serde_json::from_value(json!({
        "domain": domain,
        "probed_at": "1970-01-01T00:00:00Z",
        "duration_ms": 0,
        "dns": {
            "a": skipped, "aaaa": skipped, "ns": skipped, "mx": skipped, "txt": skipped,
            "caa": skipped, "dmarc": skipped, "soa": skipped, "resolver": ""
        },
        "endpoints": []
    }))
    .expect("the observations model takes skipped probes")
}

/// The catalogue of the built-in checks: what a report of a scan without declarative checks is
/// described with.
pub(crate) fn builtin_checks() -> govscan_model::CheckCatalog {
    govscan_checks::CheckSet::builtin().catalog()
}
