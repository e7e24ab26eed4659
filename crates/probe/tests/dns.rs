//! DNS probes against an in-process authoritative zone.

mod common;

use govscan_model::{FailureKind, MxRecord, Probed};
use govscan_probe::Prober;

#[tokio::test]
async fn reads_address_txt_mx_dmarc_and_soa() {
    let dns = common::start_dns().await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let obs = prober.probe_domain("Good.Test.").await;
    assert_eq!(obs.domain, "good.test");
    assert_eq!(obs.dns.resolver, dns.addr.to_string());
    assert_eq!(
        obs.dns.a.value().expect("A"),
        &vec!["127.0.0.1".to_string()]
    );
    assert_eq!(obs.dns.aaaa.value().expect("AAAA"), &Vec::<String>::new());
    let mut txt = obs.dns.txt.value().expect("TXT").clone();
    txt.sort();
    assert_eq!(txt, ["other", "v=spf1 -all"]);
    assert_eq!(
        obs.dns.dmarc.value().expect("DMARC"),
        &vec!["v=DMARC1; p=reject; rua=mailto:d@good.test".to_string()]
    );
    assert_eq!(
        obs.dns.mx.value().expect("MX"),
        &vec![MxRecord {
            preference: 10,
            exchange: "mail.good.test".into()
        }]
    );
    let soa = obs.dns.soa.value().expect("SOA from the authority section");
    assert_eq!(
        (soa.zone.as_str(), soa.mname.as_str(), soa.serial),
        ("test", "ns1.test", 2024010101)
    );
    assert_eq!(
        obs.dns.ns.value().expect("NS at a non-apex name"),
        &Vec::<String>::new()
    );
    // CAA: none on the way up to the TLD.
    let caa = obs.dns.caa.value().expect("CAA");
    assert_eq!(caa.found_at, None);
    assert_eq!(caa.queried, ["good.test", "test"]);
    // One endpoint from the A record; nothing listens there, so the probes fail, never pass.
    assert_eq!(obs.endpoints.len(), 1);
    assert!(matches!(
        obs.endpoints[0].tls,
        Probed::Failed {
            kind: FailureKind::Refused,
            ..
        }
    ));
}

#[tokio::test]
async fn caa_climbs_to_the_closest_ancestor_with_records() {
    let dns = common::start_dns().await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let obs = prober.probe_domain("a.b.caa.test").await;
    let caa = obs.dns.caa.value().expect("CAA");
    assert_eq!(caa.found_at.as_deref(), Some("caa.test"));
    assert_eq!(caa.queried, ["a.b.caa.test", "b.caa.test", "caa.test"]);
    let mut tags: Vec<(bool, &str, &str)> = caa
        .records
        .iter()
        .map(|r| (r.critical, r.tag.as_str(), r.value.as_str()))
        .collect();
    tags.sort();
    assert_eq!(
        tags,
        [
            (false, "issue", "ca.example.net"),
            (true, "iodef", "mailto:sec@caa.test")
        ]
    );
}

#[tokio::test]
async fn null_mx_and_nxdomain_are_observations_not_failures() {
    let dns = common::start_dns().await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let obs = prober.probe_domain("nullmx.test").await;
    assert_eq!(
        obs.dns.mx.value().expect("MX"),
        &vec![MxRecord {
            preference: 0,
            exchange: String::new()
        }]
    );

    let nx = prober.probe_domain("nx.test").await;
    assert_eq!(
        nx.dns.a.value().expect("NXDOMAIN is an empty answer"),
        &Vec::<String>::new()
    );
    assert_eq!(nx.dns.txt.value().expect("TXT"), &Vec::<String>::new());
    assert!(nx.endpoints.is_empty(), "no address, no endpoint");
    assert!(nx.dns.nxdomain, "NXDOMAIN must be recorded");
    assert!(!obs.dns.nxdomain, "an existing name is not NXDOMAIN");
    assert_eq!(
        nx.dns
            .soa
            .value()
            .expect("SOA from NXDOMAIN authority")
            .zone,
        "test"
    );
}

#[tokio::test]
async fn a_refusing_server_is_a_dns_failure() {
    let dns = common::start_dns().await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    // The fixture is authoritative only for test.; it refuses other zones.
    let obs = prober.probe_domain("example.org").await;
    assert!(
        matches!(
            obs.dns.a,
            Probed::Failed {
                kind: FailureKind::Dns,
                ..
            }
        ),
        "{:?}",
        obs.dns.a
    );
    assert!(
        matches!(
            obs.dns.soa,
            Probed::Failed {
                kind: FailureKind::Dns,
                ..
            }
        ),
        "{:?}",
        obs.dns.soa
    );
}

#[tokio::test]
async fn a_silent_resolver_is_a_timeout() {
    // A UDP socket that never answers, and a TCP listener on the same port that never
    // answers either: a resolver that is there but silent (one with nothing listening is
    // down, which is the scanner's failure: see the next test).
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let _tcp = std::net::TcpListener::bind(socket.local_addr().expect("addr")).expect("tcp");
    let mut cfg = common::config(socket.local_addr().expect("addr"));
    cfg.dns_timeout = std::time::Duration::from_millis(300);
    let prober = Prober::new(cfg).expect("prober");
    let started = std::time::Instant::now();
    let obs = prober.probe_domain("good.test").await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            obs.dns.a,
            Probed::Failed {
                kind: FailureKind::Timeout,
                ..
            }
        ),
        "{:?}",
        obs.dns.a
    );
    drop(socket);
}

/// A resolver that answers every query with an empty NOERROR answer and no SOA (what hickory
/// makes of a CNAME loop), except CNAME queries, which it answers SERVFAIL.
async fn resolver_failing_cname_queries() -> std::net::SocketAddr {
    use hickory_server::proto::op::{Message, OpCode, ResponseCode};
    use hickory_server::proto::rr::RecordType;
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = socket.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        while let Ok((len, peer)) = socket.recv_from(&mut buf).await {
            let Ok(query) = Message::from_vec(&buf[..len]) else {
                continue;
            };
            let cname = query
                .queries
                .iter()
                .any(|q| q.query_type() == RecordType::CNAME);
            let code = if cname {
                ResponseCode::ServFail
            } else {
                ResponseCode::NoError
            };
            let mut answer = Message::error_msg(query.metadata.id, OpCode::Query, code);
            answer.metadata.recursion_available = true;
            for q in &query.queries {
                answer.add_query(q.clone());
            }
            if let Ok(bytes) = answer.to_vec() {
                let _ = socket.send_to(&bytes, peer).await;
            }
        }
    });
    addr
}

#[tokio::test]
async fn an_empty_answer_whose_cname_chain_cannot_be_followed_is_a_failure_not_no_records() {
    // Before, a failed CNAME query ended the chain check as if the chain were fine, and the
    // empty answer stood as "no records": a DMARC record read that way was a false fail.
    let addr = resolver_failing_cname_queries().await;
    let prober = Prober::new(common::config(addr)).expect("prober");
    let obs = prober.probe_domain("good.test").await;
    match &obs.dns.dmarc {
        Probed::Failed { detail, .. } => assert!(
            detail.contains("its CNAME chain could not be followed"),
            "{detail}"
        ),
        other => panic!("_dmarc read as an answer: {other:?}"),
    }
    assert!(
        matches!(&obs.dns.txt, Probed::Failed { .. }),
        "{:?}",
        obs.dns.txt
    );
}

#[tokio::test]
async fn a_cname_loop_is_a_dns_failure_not_an_empty_answer() {
    let dns = common::start_dns().await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let obs = prober.probe_domain("loop.test").await;
    // hickory alone follows the loop to its depth limit and reports "no TXT records".
    match &obs.dns.txt {
        Probed::Failed {
            kind: FailureKind::Dns,
            detail,
        } => assert!(
            detail.contains("CNAME loop: loop.test -> loop2.test -> loop.test"),
            "{detail}"
        ),
        other => panic!("TXT of a CNAME loop: {other:?}"),
    }
    assert!(
        matches!(&obs.dns.a, Probed::Failed { detail, .. } if detail.contains("CNAME loop")),
        "{:?}",
        obs.dns.a
    );
    assert!(obs.endpoints.is_empty());
}

#[tokio::test]
async fn domains_of_one_zone_share_its_zone_facts() {
    let dns = common::start_dns().await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let (a, b) = tokio::join!(
        prober.probe_domain("good.test"),
        prober.probe_domain("nullmx.test")
    );
    let ns_a = a.dns.nameservers.value().expect("name servers of test.");
    assert_eq!(ns_a.zone, "test");
    assert_eq!(a.dns.nameservers, b.dns.nameservers);
    assert_eq!(a.dns.dnssec, b.dns.dnssec);
}

#[tokio::test]
async fn a_resolver_that_is_not_there_is_the_scanners_failure() {
    // Nothing listens on this port: the resolver is down, which says nothing about the domain.
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], common::closed_port()));
    let mut cfg = common::config(addr);
    cfg.dns_timeout = std::time::Duration::from_millis(500);
    cfg.retries = 0;
    let prober = Prober::new(cfg).expect("prober");
    let obs = prober.probe_domain("good.test").await;
    for (label, probe) in [("A", &obs.dns.a), ("AAAA", &obs.dns.aaaa)] {
        assert!(
            matches!(
                probe,
                Probed::Failed {
                    kind: FailureKind::Scanner,
                    ..
                }
            ),
            "{label}: {probe:?}"
        );
    }
}

/// A stand-in for a validating resolver in front of a bogus zone: every query without the CD
/// bit is answered SERVFAIL; with CD it is forwarded to `upstream` and the answer relayed.
async fn servfail_unless_cd(upstream: std::net::SocketAddr) -> std::net::SocketAddr {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = socket.local_addr().expect("addr");
    tokio::spawn(async move {
        let relay = tokio::net::UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind relay");
        let mut buf = vec![0u8; 4096];
        loop {
            let Ok((n, client)) = socket.recv_from(&mut buf).await else {
                return;
            };
            let query = &buf[..n];
            if n < 12 {
                continue;
            }
            let checking_disabled = query[3] & 0x10 != 0;
            let reply = if checking_disabled {
                if relay.send_to(query, upstream).await.is_err() {
                    continue;
                }
                let mut answer = vec![0u8; 4096];
                match tokio::time::timeout(
                    std::time::Duration::from_secs(2),
                    relay.recv_from(&mut answer),
                )
                .await
                {
                    Ok(Ok((m, _))) => answer[..m].to_vec(),
                    _ => continue,
                }
            } else {
                // Header and question only: QR, RA, RCODE 2 (SERVFAIL), no other records.
                let mut end = 12;
                while end < n && query[end] != 0 {
                    end += usize::from(query[end]) + 1;
                }
                let end = (end + 5).min(n);
                let mut reply = query[..end].to_vec();
                reply[2] |= 0x80;
                reply[3] = 0x80 | 0x02;
                reply[6..12].fill(0);
                reply
            };
            let _ = socket.send_to(&reply, client).await;
        }
    });
    addr
}

#[tokio::test]
async fn a_servfail_is_read_again_with_cd_and_the_domain_is_probed() {
    let dns = common::start_dns().await;
    let validating = servfail_unless_cd(dns.addr).await;
    // An anchor for another zone only: test. is under no anchor (insecure, nothing to prime).
    let dir = tempfile::tempdir().expect("tempdir");
    let anchor = dir.path().join("anchor.txt");
    std::fs::write(&anchor, "example.org. DS 1 13 2 AA\n").expect("write");
    let mut config = common::config(validating);
    config.trust_anchor = Some(anchor);
    let prober = Prober::new(config).expect("prober");
    let obs = prober.probe_domain("good.test").await;
    assert_eq!(obs.dns.a, Probed::ok(vec!["127.0.0.1".to_string()]));
    assert!(
        matches!(&obs.dns.mx, Probed::Ok { value } if value.len() == 1),
        "{:?}",
        obs.dns.mx
    );
    for read in [
        "A good.test",
        "MX good.test",
        "TXT good.test",
        "SOA good.test",
    ] {
        assert!(
            obs.dns.read_with_cd.iter().any(|r| r == read),
            "{read} not in {:?}",
            obs.dns.read_with_cd
        );
    }
    let addresses: Vec<&str> = obs.endpoints.iter().map(|e| e.address.as_str()).collect();
    assert_eq!(
        addresses,
        ["127.0.0.1"],
        "the web is probed at the address read with CD"
    );
    // The zone was found from the SOA read with CD; no anchor covers it: insecure.
    let dnssec = obs.dns.dnssec.value().expect("dnssec observed");
    assert_eq!(dnssec.zone, "test");
    assert!(dnssec.no_anchor, "{dnssec:?}");
    assert_eq!(dnssec.status, govscan_model::DnssecStatus::Insecure);

    // Without SERVFAIL nothing is read with CD.
    let direct = Prober::new(common::config(dns.addr)).expect("prober");
    assert!(
        direct
            .probe_domain("good.test")
            .await
            .dns
            .read_with_cd
            .is_empty()
    );
}
