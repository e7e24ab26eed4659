//! The SPF tree (RFC 7208 §4.6.4, §5): the probe follows include: and redirect= in evaluation
//! order, asks what the limits need, and stops at the lookup limit and its query budget.

mod common;

use govscan_model::{FailureKind, Probed, SpfAnswer, SpfQueryType, SpfTree};
use govscan_probe::Prober;

const SPF_ZONE: &str = r#"
$ORIGIN test.
$TTL 60
@        IN SOA  ns1.test. hostmaster.test. 2024010101 3600 600 86400 60
@        IN NS   ns1.test.
ns1      IN A    127.0.0.1
chain    IN TXT  "v=spf1 include:c1.spf.test -all"
c1.spf   IN TXT  "v=spf1 include:c2.spf.test -all"
c2.spf   IN TXT  "v=spf1 include:c3.spf.test -all"
c3.spf   IN TXT  "v=spf1 include:c4.spf.test -all"
c4.spf   IN TXT  "v=spf1 include:c5.spf.test -all"
c5.spf   IN TXT  "v=spf1 include:c6.spf.test -all"
c6.spf   IN TXT  "v=spf1 include:c7.spf.test -all"
c7.spf   IN TXT  "v=spf1 include:c8.spf.test -all"
c8.spf   IN TXT  "v=spf1 include:c9.spf.test -all"
c9.spf   IN TXT  "v=spf1 include:c10.spf.test -all"
c10.spf  IN TXT  "v=spf1 include:c11.spf.test -all"
c11.spf  IN TXT  "v=spf1 ip4:192.0.2.11 -all"
void     IN TXT  "v=spf1 a:nx1.test mx:nx2.test exists:nx3.test exists:%{i}.nx4.test -all"
shared   IN TXT  "v=spf1 include:_spf.provider.test mx a:mail.provider.test -all"
shared   IN MX   10 mail.provider.test.
_spf.provider IN TXT "v=spf1 ip4:192.0.2.0/24 ~all"
_spf.provider IN TXT "provider-site-verification=abc"
mail.provider IN A 192.0.2.25
redir    IN TXT  "v=spf1 redirect=_spf.provider.test"
early    IN TXT  "v=spf1 -all include:never.test redirect=never.test"
loop1    IN TXT  "v=spf1 include:loop2.test -all"
loop2    IN TXT  "v=spf1 include:loop1.test -all"
outside  IN TXT  "v=spf1 include:_spf.example.org -all"
many     IN TXT  "v=spf1 a:h1.test a:h2.test a:h3.test a:h4.test a:h5.test a:h6.test a:h7.test a:h8.test a:h9.test a:h10.test exists:h11.test -all"
twice    IN TXT  "v=spf1 -all"
twice    IN TXT  "v=spf1 ~all"
"#;

async fn tree_of(prober: &Prober, domain: &str) -> SpfTree {
    let obs = prober.probe_domain(domain).await;
    match obs.dns.spf {
        Probed::Ok { value } => value,
        other => panic!("{domain}: no SPF tree: {other:?}"),
    }
}

fn asked(tree: &SpfTree) -> Vec<String> {
    tree.queries
        .iter()
        .map(|q| format!("{} {:?}", q.name, q.rtype))
        .collect()
}

#[tokio::test]
async fn a_chain_of_includes_is_followed_up_to_the_lookup_limit() {
    let dns = common::start_dns_zone(SPF_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let tree = tree_of(&prober, "chain.test").await;
    // Ten includes are within the limit; the eleventh (c10's include of c11) is a permerror,
    // so c11 is never asked.
    let expected: Vec<String> = (1..=10).map(|i| format!("c{i}.spf.test Txt")).collect();
    assert_eq!(asked(&tree), expected);
    assert_eq!(tree.stopped, None);
    assert_eq!(
        tree.answer("c10.spf.test", SpfQueryType::Txt),
        Some(&SpfAnswer::Records {
            records: vec!["v=spf1 include:c11.spf.test -all".into()]
        })
    );
}

#[tokio::test]
async fn void_lookups_are_recorded_and_macros_are_not_asked() {
    let dns = common::start_dns_zone(SPF_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let tree = tree_of(&prober, "void.test").await;
    assert_eq!(
        asked(&tree),
        ["nx1.test A", "nx1.test Aaaa", "nx2.test Mx", "nx3.test A"]
    );
    assert!(tree.queries.iter().all(|q| q.answer == SpfAnswer::NxDomain));
}

#[tokio::test]
async fn includes_mx_and_a_are_asked_and_only_spf_strings_kept() {
    let dns = common::start_dns_zone(SPF_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let tree = tree_of(&prober, "shared.test").await;
    assert_eq!(
        asked(&tree),
        [
            "_spf.provider.test Txt",
            "shared.test Mx",
            "mail.provider.test A",
            "mail.provider.test Aaaa"
        ]
    );
    assert_eq!(
        tree.answer("_spf.provider.test", SpfQueryType::Txt),
        Some(&SpfAnswer::Records {
            records: vec!["v=spf1 ip4:192.0.2.0/24 ~all".into()]
        })
    );
    assert_eq!(
        tree.answer("shared.test", SpfQueryType::Mx),
        Some(&SpfAnswer::Records {
            records: vec!["mail.provider.test".into()]
        })
    );
    assert_eq!(
        tree.answer("mail.provider.test", SpfQueryType::Aaaa),
        Some(&SpfAnswer::NoData)
    );
    // The provider's record is shared: a second domain gets the same answer (from the
    // per-scan cache).
    let again = tree_of(&prober, "redir.test").await;
    assert_eq!(asked(&again), ["_spf.provider.test Txt"]);
}

#[tokio::test]
async fn nothing_after_all_is_asked_and_loops_end_at_the_limit() {
    let dns = common::start_dns_zone(SPF_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    assert!(tree_of(&prober, "early.test").await.queries.is_empty());
    let looped = tree_of(&prober, "loop1.test").await;
    assert_eq!(asked(&looped), ["loop2.test Txt", "loop1.test Txt"]);
    assert_eq!(looped.stopped, None);
}

#[tokio::test]
async fn a_failed_query_is_recorded_as_failed() {
    let dns = common::start_dns_zone(SPF_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let tree = tree_of(&prober, "outside.test").await;
    // The fixture server is authoritative for test. only: it refuses example.org.
    assert!(matches!(
        tree.answer("_spf.example.org", SpfQueryType::Txt),
        Some(SpfAnswer::Failed {
            kind: FailureKind::Dns | FailureKind::Timeout,
            ..
        })
    ));
}

#[tokio::test]
async fn the_walk_stops_at_the_lookup_limit_within_its_query_budget() {
    let dns = common::start_dns_zone(SPF_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let tree = tree_of(&prober, "many.test").await;
    // Ten `a` terms cost twenty queries; the `exists` after them is the eleventh term (over
    // the limit), so it is not asked.
    assert_eq!(tree.queries.len(), 20);
    assert_eq!(tree.stopped, None);
    assert!(!asked(&tree).contains(&"h11.test A".to_string()));
}

#[tokio::test]
async fn two_spf_records_are_not_expanded() {
    let dns = common::start_dns_zone(SPF_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let obs = prober.probe_domain("twice.test").await;
    assert!(
        matches!(obs.dns.spf, Probed::Skipped { .. }),
        "{:?}",
        obs.dns.spf
    );
    assert_eq!(obs.dns.organisational_domain.as_deref(), Some("twice.test"));
}
