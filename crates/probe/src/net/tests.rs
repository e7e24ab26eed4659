//! Tests of the connection budgets, the address policy at connect time and the fair share.

use super::*;

#[tokio::test]
async fn closed_port_is_refused_after_the_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let counter = ConnCounter::default();
    let limits = Limits::new(1, 1).with_policy(AddressPolicy::only(addr.ip()));
    let pacing = Pacing {
        limits: Some(&limits),
        counter: Some(&counter),
    };
    let err = connect_tcp(addr, Duration::from_secs(2), 1, pacing)
        .await
        .expect_err("closed port");
    assert_eq!(err.kind, FailureKind::Refused);
    assert!(err.detail.contains("2 attempt(s)"), "{}", err.detail);
    assert_eq!(
        counter.snapshot().tcp_connects,
        2,
        "both attempts are counted"
    );
}

#[tokio::test]
async fn a_blocked_address_is_never_contacted() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let counter = ConnCounter::default();
    for limits in [None, Some(&Limits::new(1, 1))] {
        let pacing = Pacing {
            limits,
            counter: Some(&counter),
        };
        let err = connect_tcp(addr, Duration::from_secs(2), 1, pacing)
            .await
            .expect_err("loopback is blocked by default");
        assert_eq!(err.kind, FailureKind::Blocked);
        assert!(err.detail.contains("loopback"), "{}", err.detail);
    }
    assert_eq!(counter.snapshot().tcp_connects, 0, "no attempt was made");
    let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(accepted.is_err(), "the listener saw a connection");
}

#[test]
fn running_out_of_descriptors_is_the_scanner_s_failure() {
    let addr: SocketAddr = "192.0.2.1:443".parse().expect("addr");
    for errno in [24, 23] {
        let failure = classify_connect_error(&io::Error::from_raw_os_error(errno), addr);
        assert_eq!(failure.kind, FailureKind::Scanner, "errno {errno}");
        assert!(
            failure.detail.contains("scanner's side"),
            "{}",
            failure.detail
        );
    }
    let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
    assert_eq!(
        classify_connect_error(&refused, addr).kind,
        FailureKind::Refused
    );
}

#[tokio::test]
async fn a_domain_holds_at_most_its_share_and_says_what_it_waits_for() {
    // 8 global slots: a domain may hold 2 of them at once.
    let limits = Limits::new(8, 8);
    let share = limits.domain_share();
    let counter = ConnCounter::for_domain(&share);
    let ip = |last: u8| IpAddr::from([192, 0, 2, last]);
    let first = limits.acquire_for(ip(1), &counter).await.expect("first");
    let _second = limits.acquire_for(ip(2), &counter).await.expect("second");
    let third = limits.acquire_for(ip(3), &counter);
    let mut third = std::pin::pin!(third);
    let waited = tokio::time::timeout(Duration::from_millis(100), &mut third).await;
    assert!(
        waited.is_err(),
        "a third connection of the domain must wait"
    );
    assert_eq!(counter.waiting_for(), Some(WaitStage::Domain));
    assert!(limits.describe_wait(WaitStage::Domain).contains("own 2"));
    // Another domain is not held up by the first one's share.
    let other = ConnCounter::for_domain(&limits.domain_share());
    let got = tokio::time::timeout(
        Duration::from_millis(100),
        limits.acquire_for(ip(4), &other),
    );
    assert!(got.await.is_ok(), "another domain gets its own slots");
    drop(first);
    let third = tokio::time::timeout(Duration::from_millis(100), &mut third).await;
    assert!(
        third.is_ok(),
        "the freed slot goes to the waiting connection"
    );
    assert_eq!(counter.waiting_for(), None);
}

#[tokio::test(start_paused = true)]
async fn min_gap_spaces_connection_starts_to_one_address() {
    let limits = Limits::new(8, 8).with_pacing(Duration::from_millis(500), None);
    let ip: IpAddr = "127.0.0.1".parse().expect("ip");
    let other: IpAddr = "127.0.0.2".parse().expect("ip");
    let t0 = Instant::now();
    limits.pace(ip).await;
    limits.pace(ip).await;
    limits.pace(ip).await;
    assert_eq!(
        t0.elapsed(),
        Duration::from_millis(1000),
        "two gaps of 500 ms"
    );
    let t1 = Instant::now();
    limits.pace(other).await;
    assert_eq!(
        t1.elapsed(),
        Duration::ZERO,
        "another address has its own gap"
    );
}

#[tokio::test(start_paused = true)]
async fn rate_limit_spaces_new_connections_scan_wide() {
    // 10 a second: a bucket of one token, then one every 100 ms, whatever the address.
    let limits = Limits::new(8, 8).with_pacing(Duration::ZERO, Some(10));
    let t0 = Instant::now();
    for i in 0..5u8 {
        limits.pace(IpAddr::from([127, 0, 0, i])).await;
    }
    assert_eq!(t0.elapsed(), Duration::from_millis(400));
    // 100 a second: a bucket of ten, so ten start at once.
    let limits = Limits::new(8, 8).with_pacing(Duration::ZERO, Some(100));
    let t0 = Instant::now();
    for i in 0..10u8 {
        limits.pace(IpAddr::from([127, 0, 0, i])).await;
    }
    assert_eq!(t0.elapsed(), Duration::ZERO);
    limits.pace(IpAddr::from([127, 0, 0, 1])).await;
    assert_eq!(t0.elapsed(), Duration::from_millis(10));
}

#[tokio::test]
async fn per_address_limit_blocks_the_next_connection() {
    let limits = Limits::new(4, 1);
    let ip: IpAddr = "127.0.0.1".parse().expect("ip");
    let none = ConnCounter::default();
    let held = limits.acquire_for(ip, &none).await.expect("first");
    let second =
        tokio::time::timeout(Duration::from_millis(100), limits.acquire_for(ip, &none)).await;
    assert!(
        second.is_err(),
        "second connection to the same address must wait"
    );
    let other = tokio::time::timeout(
        Duration::from_millis(100),
        limits.acquire_for("127.0.0.2".parse().expect("ip"), &none),
    )
    .await;
    assert!(other.is_ok(), "another address is not blocked");
    drop(held);
    assert!(
        tokio::time::timeout(Duration::from_millis(100), limits.acquire_for(ip, &none))
            .await
            .is_ok()
    );
}
