//! End-to-end probes of the loopback lab (ci/lab): real Knot DNS and nginx/OpenSSL.
//! Runs only with GOVSCAN_LAB=1 (the lab must be started with `ci/lab/start`).

use std::path::PathBuf;
use std::time::Duration;

use govscan_model::{FailureKind, Observations, Probed, RedirectEnd};
use govscan_probe::{ProbeConfig, Prober};

fn lab_prober() -> Option<Prober> {
    if std::env::var("GOVSCAN_LAB").ok().as_deref() != Some("1") {
        eprintln!("skipped: set GOVSCAN_LAB=1 with the lab running");
        return None;
    }
    let ca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ci/lab/run/pki/ca.pem");
    let cfg = ProbeConfig {
        resolver: Some("127.10.0.53:53".parse().expect("addr")),
        extra_roots_pem: vec![ca],
        connect_timeout: Duration::from_secs(2),
        handshake_timeout: Duration::from_secs(3),
        read_timeout: Duration::from_secs(3),
        domain_timeout: Duration::from_secs(30),
        retries: 0,
        // The lab is on loopback, which the address policy blocks unless allowed.
        allow_private: true,
        ..ProbeConfig::default()
    };
    Some(Prober::new(cfg).expect("prober"))
}

fn v4(obs: &Observations) -> &govscan_model::EndpointObservations {
    obs.endpoints
        .iter()
        .find(|e| !e.is_ipv6())
        .expect("an IPv4 endpoint")
}

#[tokio::test]
async fn lab_profiles() {
    let Some(prober) = lab_prober() else { return };

    let good = prober.probe_domain("good.lab.test").await;
    assert_eq!(
        good.dns.a.value().expect("A"),
        &vec!["127.10.0.1".to_string()]
    );
    assert_eq!(good.dns.soa.value().expect("SOA").zone, "lab.test");
    assert_eq!(
        good.dns.caa.value().expect("CAA").found_at.as_deref(),
        Some("good.lab.test")
    );
    assert!(
        good.dns
            .txt
            .value()
            .expect("TXT")
            .iter()
            .any(|t| t == "v=spf1 -all")
    );
    assert!(
        good.dns
            .dmarc
            .value()
            .expect("DMARC")
            .iter()
            .any(|t| t.starts_with("v=DMARC1; p=reject"))
    );
    let ep = v4(&good);
    let tls = ep.tls.value().expect("TLS");
    assert_eq!(tls.version, "TLSv1_3");
    assert_eq!(tls.chain.len(), 2, "leaf + intermediate");
    assert_eq!(tls.trust.at_scan_time, None, "{:?}", tls.trust);
    let http = ep.http.value().expect("http chain");
    assert_eq!(http.hops[0].status, 301);
    assert_eq!(http.end, RedirectEnd::Final);
    assert!(
        http.last()
            .expect("last")
            .url
            .starts_with("https://good.lab.test/")
    );
    let https = ep.https.value().expect("https chain");
    assert!(
        https
            .last()
            .expect("last")
            .header("strict-transport-security")
            .is_some()
    );
    assert_eq!(ep.security_txt.value().expect("security.txt").status, 200);

    let expired = prober.probe_domain("expired.lab.test").await;
    let trust = &v4(&expired).tls.value().expect("TLS").trust;
    assert_eq!(
        trust.at_scan_time.as_ref().map(|e| e.kind.as_str()),
        Some("expired")
    );
    assert_eq!(trust.chain_only, None);

    let wrong = prober.probe_domain("wrongname.lab.test").await;
    let trust = &v4(&wrong).tls.value().expect("TLS").trust;
    assert_eq!(
        trust.at_scan_time.as_ref().map(|e| e.kind.as_str()),
        Some("not_valid_for_name")
    );

    let tls12 = prober.probe_domain("tls12only.lab.test").await;
    assert_eq!(v4(&tls12).tls.value().expect("TLS").version, "TLSv1_2");

    let nohsts = prober.probe_domain("nohsts.lab.test").await;
    let http = v4(&nohsts).http.value().expect("http");
    assert_eq!((http.hops.len(), http.hops[0].status), (1, 200));
    assert_eq!(nohsts.dns.caa.value().expect("CAA").found_at, None);

    let httponly = prober.probe_domain("httponly.lab.test").await;
    assert!(matches!(
        v4(&httponly).tls,
        Probed::Failed {
            kind: FailureKind::Refused,
            ..
        }
    ));
    assert!(v4(&httponly).http.value().is_some());

    let unreachable = prober.probe_domain("unreachable.lab.test").await;
    assert!(v4(&unreachable).tls.value().is_none());
    assert!(v4(&unreachable).http.value().is_none());

    let nx = prober.probe_domain("nxdomain.lab.test").await;
    assert_eq!(nx.dns.a.value().expect("A"), &Vec::<String>::new());
    assert!(nx.endpoints.is_empty());
}
