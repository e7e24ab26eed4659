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
    assert!(limits.describe_wait(WaitStage::Domain, 2).contains("own 2"));
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

#[tokio::test(start_paused = true)]
async fn the_network_cap_blocks_another_address_in_the_block_but_not_another_block() {
    // 8 in all, 4 per address, 2 per /24: the block binds first.
    let limits = Limits::new(8, 4).with_per_network(2);
    let none = ConnCounter::default();
    let ip = |text: &str| text.parse::<IpAddr>().expect("ip");
    let _first = limits
        .acquire_for(ip("203.0.113.1"), &none)
        .await
        .expect("1");
    let _second = limits
        .acquire_for(ip("203.0.113.2"), &none)
        .await
        .expect("2");
    let waiting = ConnCounter::default();
    let third = limits.acquire_for(ip("203.0.113.3"), &waiting);
    let mut third = std::pin::pin!(third);
    let waited = tokio::time::timeout(Duration::from_secs(1), &mut third).await;
    assert!(waited.is_err(), "a third address in the /24 must wait");
    let block: IpNet = "203.0.113.0/24".parse().expect("net");
    assert_eq!(waiting.waiting_for(), Some(WaitStage::Network(block)));
    let other_block = tokio::time::timeout(
        Duration::from_secs(1),
        limits.acquire_for(ip("203.0.112.3"), &none),
    );
    assert!(other_block.await.is_ok(), "another /24 is not held up");
    drop(_first);
    let third = tokio::time::timeout(Duration::from_secs(1), &mut third).await;
    assert!(
        third.is_ok(),
        "the freed block slot goes to the waiting connection"
    );
    assert_eq!(waiting.waiting_for(), None);
}

#[tokio::test(start_paused = true)]
async fn the_network_cap_groups_ipv6_addresses_by_their_slash_48() {
    let limits = Limits::new(8, 4).with_per_network(1);
    let none = ConnCounter::default();
    let ip = |text: &str| text.parse::<IpAddr>().expect("ip");
    let _held = limits
        .acquire_for(ip("2001:db8:1::1"), &none)
        .await
        .expect("1");
    let same_48 = tokio::time::timeout(
        Duration::from_secs(1),
        limits.acquire_for(ip("2001:db8:1:ffff::2"), &none),
    );
    assert!(
        same_48.await.is_err(),
        "another /64 of the same /48 must wait"
    );
    let other_48 = tokio::time::timeout(
        Duration::from_secs(1),
        limits.acquire_for(ip("2001:db8:2::1"), &none),
    );
    assert!(other_48.await.is_ok(), "another /48 is not held up");
    let loopback =
        tokio::time::timeout(Duration::from_secs(1), limits.acquire_for(ip("::1"), &none));
    assert!(loopback.await.is_ok(), "::1 is in ::/48");
}

#[tokio::test(start_paused = true)]
async fn a_network_cap_below_the_address_cap_wins() {
    let limits = Limits::new(8, 4).with_per_network(1);
    let none = ConnCounter::default();
    let ip: IpAddr = "192.0.2.1".parse().expect("ip");
    let _held = limits.acquire_for(ip, &none).await.expect("first");
    let again = tokio::time::timeout(Duration::from_secs(1), limits.acquire_for(ip, &none));
    assert!(again.await.is_err(), "the address allows 4, its block 1");
}

#[tokio::test(start_paused = true)]
async fn a_connection_waiting_for_a_block_slot_holds_no_global_slot_and_is_starved() {
    // 2 global slots, 1 per /24, domain shares of 1 (a quarter of 2, at least 1).
    let limits = Limits::new(2, 2).with_per_network(1);
    let ip = |text: &str| text.parse::<IpAddr>().expect("ip");
    let holder = ConnCounter::for_domain(&limits.domain_share());
    let _block = limits
        .acquire_for(ip("192.0.2.1"), &holder)
        .await
        .expect("holder");
    // Another domain asks for another address of the same /24 and waits for the block.
    let share = limits.domain_share();
    let waiter = ConnCounter::for_domain(&share);
    let waiting = limits.acquire_for(ip("192.0.2.2"), &waiter);
    let mut waiting = std::pin::pin!(waiting);
    let waited = tokio::time::timeout(Duration::from_secs(3), &mut waiting).await;
    assert!(waited.is_err(), "the block's one slot is held");
    let block: IpNet = "192.0.2.0/24".parse().expect("net");
    assert_eq!(waiter.waiting_for(), Some(WaitStage::Network(block)));
    assert_eq!(
        share.starved(),
        Duration::from_secs(3),
        "waiting for a block slot other domains hold is starved time"
    );
    // The waiter holds no global slot: of the two, one is the holder's, one is still free.
    let third = ConnCounter::for_domain(&limits.domain_share());
    let free = tokio::time::timeout(
        Duration::from_secs(1),
        limits.acquire_for(ip("198.51.100.1"), &third),
    );
    let _free = free
        .await
        .expect("the second global slot is free")
        .expect("slot");
    let fourth = ConnCounter::for_domain(&limits.domain_share());
    let none_left = tokio::time::timeout(
        Duration::from_secs(1),
        limits.acquire_for(ip("198.18.0.1"), &fourth),
    );
    assert!(none_left.await.is_err(), "both global slots are now held");
    assert_eq!(fourth.waiting_for(), Some(WaitStage::Global));
}

#[tokio::test(start_paused = true)]
async fn a_budget_that_ends_in_the_block_queue_names_the_network_and_its_cap() {
    let limits = Limits::new(64, 2).with_per_network(16);
    let ip = |last: u8| IpAddr::from([203, 0, 113, last]);
    let other_domains = ConnCounter::default();
    let mut held = Vec::new();
    for last in 1..=16 {
        held.push(
            limits
                .acquire_for(ip(last), &other_domains)
                .await
                .expect("slot"),
        );
    }
    let share = limits.domain_share();
    let counter = ConnCounter::for_domain(&share);
    let budget = Duration::from_secs(10);
    let work = async {
        let _never = limits.acquire_for(ip(17), &counter).await;
    };
    assert!(!fair::within_budget(budget, &share, work).await);
    let stage = counter
        .waiting_for()
        .expect("still waiting when the budget ended");
    let open_own = share.open_at_budget_end().expect("the budget ended");
    assert_eq!(open_own, 0);
    assert_eq!(
        limits.describe_wait(stage, open_own),
        "one of the 16 connection slots to the network 203.0.113.0/24 (--per-network), \
         all held by other domains"
    );
    assert_eq!(
        limits.describe_wait(WaitStage::Global, open_own),
        "one of the scan's 64 connection slots (--concurrency), all held by other domains"
    );
    assert!(
        limits
            .describe_wait(stage, 2)
            .ends_with("all in use by other probes, while this domain had 2 of its own open")
    );
}

#[test]
fn a_domains_share_is_a_quarter_of_the_smaller_of_the_global_and_network_caps() {
    // The defaults: 64 in all, 16 per network: a domain holds at most 4, so no one domain can
    // take a whole network's slots; with the network cap raised the global one decides.
    assert_eq!(Limits::new(64, 2).with_per_network(16).per_domain, 4);
    assert_eq!(Limits::new(64, 2).with_per_network(256).per_domain, 16);
    assert_eq!(Limits::new(16, 2).with_per_network(16).per_domain, 4);
    assert_eq!(Limits::new(64, 2).with_per_network(1).per_domain, 1);
    let describe = Limits::new(64, 2)
        .with_per_network(16)
        .describe_wait(WaitStage::Domain, 0);
    assert!(describe.contains("own 4 connection slots"), "{describe}");
}

#[test]
fn domains_at_once_is_the_global_cap_but_never_more_than_one_networks() {
    let config = |concurrency, per_network| crate::ProbeConfig {
        concurrency,
        per_network,
        ..crate::ProbeConfig::default()
    };
    // The defaults: 16 domains at a time, as many as one network has slots.
    let defaults = crate::ProbeConfig::default();
    assert_eq!(defaults.domains_at_once(), 16);
    assert_eq!(config(256, 256).domains_at_once(), 256);
    assert_eq!(config(8, 16).domains_at_once(), 8);
    assert_eq!(config(64, 4).domains_at_once(), 4);
}
