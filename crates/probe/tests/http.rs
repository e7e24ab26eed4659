//! HTTP redirect walking, headers and limits against a tiny scripted server.

mod common;

use std::sync::Arc;

use govscan_model::{FailureKind, Observations, Probed, RedirectChain, RedirectEnd};
use govscan_probe::{ProbeConfig, Prober};

/// Probes good.test with http on a server answering with `handler`; `tune` adjusts the config.
async fn probe_http(
    handler: common::Handler,
    tune: impl FnOnce(&mut ProbeConfig),
) -> (Observations, u16) {
    let dns = common::start_dns().await;
    let port = common::http_server(handler).await;
    let mut cfg = common::config(dns.addr);
    cfg.http_port = port;
    tune(&mut cfg);
    (
        Prober::new(cfg)
            .expect("prober")
            .probe_domain("good.test")
            .await,
        port,
    )
}

fn chain(obs: &Observations) -> &RedirectChain {
    obs.endpoints[0]
        .http
        .value()
        .unwrap_or_else(|| panic!("http chain: {:?}", obs.endpoints[0].http))
}

fn redirect(location: &str) -> Vec<u8> {
    common::response("301 Moved Permanently", &[("Location", location)], b"")
}

#[tokio::test]
async fn follows_a_same_host_chain_with_relative_and_absolute_locations() {
    let handler: common::Handler = Arc::new(|path: &str| match path {
        "/" => redirect("/a"),
        "/a" => redirect("b?x=1"),
        "/b?x=1" => common::response("200 OK", &[("X-Content-Type-Options", "nosniff")], b"hello"),
        _ => common::response("404 Not Found", &[], b""),
    });
    let (obs, port) = probe_http(handler, |_| {}).await;
    let c = chain(&obs);
    assert_eq!(c.end, RedirectEnd::Final);
    let urls: Vec<&str> = c.hops.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            format!("http://good.test:{port}/"),
            format!("http://good.test:{port}/a"),
            format!("http://good.test:{port}/b?x=1")
        ]
    );
    assert_eq!(
        c.hops.iter().map(|h| h.status).collect::<Vec<_>>(),
        [301, 301, 200]
    );
    let last = c.last().expect("last");
    assert_eq!(last.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        (
            last.body_len,
            last.body_truncated,
            last.body_text.as_deref()
        ),
        (5, false, None)
    );
    assert!(
        last.headers
            .iter()
            .all(|h| h.name == h.name.to_ascii_lowercase())
    );
}

#[tokio::test]
async fn detects_a_loop() {
    let handler: common::Handler = Arc::new(|path: &str| match path {
        "/" => redirect("/x"),
        _ => redirect("/"),
    });
    let (obs, port) = probe_http(handler, |_| {}).await;
    let c = chain(&obs);
    assert_eq!(
        c.end,
        RedirectEnd::Loop {
            location: format!("http://good.test:{port}/")
        }
    );
    assert_eq!(c.hops.len(), 2);
}

#[tokio::test]
async fn records_an_offsite_redirect_without_fetching_it() {
    let handler: common::Handler =
        Arc::new(|_: &str| redirect("https://www.elsewhere.test/landing"));
    let (obs, _) = probe_http(handler, |_| {}).await;
    let c = chain(&obs);
    assert_eq!(
        c.end,
        RedirectEnd::Offsite {
            location: "https://www.elsewhere.test/landing".into(),
            reason: "www.elsewhere.test is not in the target set".into(),
        }
    );
    assert_eq!(c.hops.len(), 1);
}

/// good.test redirects to a.b.caa.test (A 127.0.0.2 in the test zone) on the same server.
fn to_other_host(port: u16) -> common::Handler {
    Arc::new(move |path: &str| match path {
        "/" => redirect(&format!("http://a.b.caa.test:{port}/landing")),
        "/landing" => common::response("200 OK", &[], b"landed"),
        _ => common::response("404 Not Found", &[], b""),
    })
}

/// Probes good.test whose `/` redirects to a.b.caa.test on the same loopback server.
async fn probe_offsite(tune: impl FnOnce(&mut ProbeConfig)) -> (Observations, u16) {
    let dns = common::start_dns().await;
    let port = common::http_server_with(to_other_host).await;
    let mut cfg = common::config(dns.addr);
    cfg.http_port = port;
    cfg.allowed_redirect_hosts = ["good.test", "a.b.caa.test"]
        .into_iter()
        .map(String::from)
        .collect();
    tune(&mut cfg);
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    (obs, port)
}

#[tokio::test]
async fn a_target_host_at_a_blocked_address_is_not_followed() {
    // good.test (127.0.0.1) is allowed explicitly; a.b.caa.test resolves to 127.0.0.2, which
    // only --allow-private or a wider --allow-cidr would allow.
    let (obs, port) = probe_offsite(|c| {
        c.allow_private = false;
        c.allow_cidrs = vec!["127.0.0.1/32".parse().expect("net")];
    })
    .await;
    let c = chain(&obs);
    assert_eq!(c.hops.len(), 1, "{c:?}");
    match &c.end {
        RedirectEnd::Offsite { location, reason } => {
            assert_eq!(location, &format!("http://a.b.caa.test:{port}/landing"));
            assert!(
                reason.contains("127.0.0.2 is loopback")
                    && reason.contains("--allow-private")
                    && reason.contains("not followed"),
                "{reason}"
            );
        }
        other => panic!("expected an offsite end, got {other:?}"),
    }
}

#[tokio::test]
async fn a_target_host_on_the_exclude_list_is_not_followed() {
    let (obs, _) = probe_offsite(|c| {
        c.exclude.rules.push(govscan_probe::ExcludeRule {
            target: govscan_probe::ExcludeTarget::Domain("caa.test".into()),
            origin: "skip.txt:2".into(),
        });
    })
    .await;
    match &chain(&obs).end {
        RedirectEnd::Offsite { reason, .. } => {
            assert!(
                reason.contains("exclude list") && reason.contains("skip.txt:2"),
                "{reason}"
            );
        }
        other => panic!("expected an offsite end, got {other:?}"),
    }
}

#[tokio::test]
async fn a_target_host_is_followed_when_allowed_and_counted() {
    // --connect names the address to use for the other host (the server listens on 127.0.0.1).
    let (obs, port) = probe_offsite(|c| {
        c.connect_overrides.insert(
            "a.b.caa.test".into(),
            vec!["127.0.0.1".parse().expect("ip")],
        );
    })
    .await;
    let c = chain(&obs);
    assert_eq!(c.end, RedirectEnd::Final, "{c:?}");
    let urls: Vec<&str> = c.hops.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            format!("http://good.test:{port}/"),
            format!("http://a.b.caa.test:{port}/landing")
        ]
    );
    assert_eq!(c.hops[1].status, 200);
    // The first hop's connection, the other host's connection; https/TLS ports are closed
    // (one refused attempt each for the modern handshake; the TLS scan is not attempted).
    let count = obs.endpoints[0].connections;
    assert_eq!(count.tcp_connects, 3, "{count:?}");
    assert_eq!(count.tls_handshakes, 0, "{count:?}");
}

#[tokio::test]
async fn stops_after_max_redirects() {
    let handler: common::Handler = Arc::new(|path: &str| {
        let n: u32 = path.trim_start_matches("/n").parse().unwrap_or(0);
        redirect(&format!("/n{}", n + 1))
    });
    let (obs, _) = probe_http(handler, |c| c.max_redirects = 3).await;
    let c = chain(&obs);
    assert_eq!(c.end, RedirectEnd::TooManyRedirects { limit: 3 });
    assert_eq!(c.hops.len(), 4, "the request plus 3 followed redirects");
}

#[tokio::test]
async fn a_redirect_without_location_is_a_bad_location() {
    let handler: common::Handler = Arc::new(|path: &str| match path {
        "/" => common::response("302 Found", &[], b""),
        _ => common::response("200 OK", &[], b""),
    });
    let (obs, _) = probe_http(handler, |_| {}).await;
    assert_eq!(chain(&obs).end, RedirectEnd::BadLocation { location: None });

    let garbage: common::Handler = Arc::new(|_: &str| redirect("http://[::1"));
    let (obs, _) = probe_http(garbage, |_| {}).await;
    assert_eq!(
        chain(&obs).end,
        RedirectEnd::BadLocation {
            location: Some("http://[::1".into())
        }
    );
}

#[tokio::test]
async fn http_to_https_on_the_same_host_is_fetched_and_a_failing_hop_keeps_earlier_hops() {
    // https:// without a port maps to the configured https_port, which is closed here.
    let handler: common::Handler = Arc::new(|_: &str| redirect("https://good.test/"));
    let (obs, _) = probe_http(handler, |_| {}).await;
    let c = chain(&obs);
    assert_eq!(c.hops.len(), 1);
    match &c.end {
        RedirectEnd::HopFailed {
            url,
            detail,
            failure,
        } => {
            assert_eq!(url, "https://good.test/");
            assert!(detail.contains("refused"), "{detail}");
            assert_eq!(*failure, Some(FailureKind::Refused));
        }
        other => panic!("expected HopFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn keeps_repeated_set_cookie_headers_in_order() {
    let handler: common::Handler = Arc::new(|_: &str| {
        common::response(
            "200 OK",
            &[
                ("Set-Cookie", "a=1; Secure"),
                ("Set-Cookie", "b=2; HttpOnly"),
                ("X-Bin", "caf\u{e9}"),
            ],
            b"",
        )
    });
    let (obs, _) = probe_http(handler, |_| {}).await;
    let hop = &chain(&obs).hops[0];
    let cookies: Vec<&str> = hop.header_values("set-cookie").collect();
    assert_eq!(cookies, ["a=1; Secure", "b=2; HttpOnly"]);
    assert_eq!(hop.header("x-bin"), Some("caf\u{e9}"));
}

#[tokio::test]
async fn caps_an_oversize_body() {
    let handler: common::Handler =
        Arc::new(|_: &str| common::response("200 OK", &[], &vec![b'x'; 50_000]));
    let (obs, _) = probe_http(handler, |c| c.body_cap = 1000).await;
    let hop = &chain(&obs).hops[0];
    assert_eq!((hop.body_len, hop.body_truncated), (1000, true));
}

#[tokio::test]
async fn an_oversize_head_is_too_large() {
    let big = "v".repeat(20_000);
    let handler: common::Handler =
        Arc::new(move |_: &str| common::response("200 OK", &[("X-Big", &big)], b""));
    let (obs, _) = probe_http(handler, |c| c.header_cap = 8192).await;
    match &obs.endpoints[0].http {
        Probed::Failed { kind, detail } => {
            assert_eq!(*kind, FailureKind::TooLarge, "{detail}");
            assert!(detail.contains("header_cap 8192"), "{detail}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_garbage_response_is_an_http_failure() {
    let port = common::raw_server(b"SSH-2.0-OpenSSH_9.2\r\n".to_vec()).await;
    let dns = common::start_dns().await;
    let mut cfg = common::config(dns.addr);
    cfg.http_port = port;
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    assert!(
        matches!(
            obs.endpoints[0].http,
            Probed::Failed {
                kind: FailureKind::Http,
                ..
            }
        ),
        "{:?}",
        obs.endpoints[0].http
    );
}

#[tokio::test]
async fn sends_host_and_user_agent() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = seen.clone();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            if let Ok((mut tcp, _)) = listener.accept().await {
                let mut buf = vec![0u8; 4096];
                let n = tcp.read(&mut buf).await.unwrap_or(0);
                seen.lock()
                    .expect("lock")
                    .push(String::from_utf8_lossy(&buf[..n]).into_owned());
                let _ = tcp
                    .write_all(&common::response("200 OK", &[("Connection", "close")], b""))
                    .await;
            }
        });
        port
    };
    let dns = common::start_dns().await;
    let mut cfg = common::config(dns.addr);
    cfg.http_port = port;
    let obs = Prober::new(cfg)
        .expect("prober")
        .probe_domain("good.test")
        .await;
    assert_eq!(chain(&obs).hops[0].status, 200);
    let request = seen.lock().expect("lock").join("").to_ascii_lowercase();
    assert!(request.starts_with("get / http/1.1\r\n"), "{request}");
    assert!(
        request.contains(&format!("host: good.test:{port}\r\n")),
        "{request}"
    );
    assert!(request.contains("user-agent: govscan/0.1"), "{request}");
}
