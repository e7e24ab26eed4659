//! CAA climbing as RFC 8659 §3 says: the relevant RRset is the closest ancestor's of the name
//! asked, following CNAMEs at each name but never climbing from a CNAME's target.

mod common;

use govscan_model::{FailureKind, Probed};
use govscan_probe::Prober;

const CAA_ZONE: &str = r#"
$ORIGIN test.
$TTL 60
@        IN SOA  ns1.test. hostmaster.test. 2024010101 3600 600 86400 60
@        IN NS   ns1.test.
ns1      IN A    127.0.0.1
sub      IN CAA  0 issue "ca.example"
host.sub IN A    127.0.0.1
alias    IN CNAME host.sub.test.
direct   IN CNAME withcaa.test.
withcaa  IN CAA  0 issue "other-ca.example"
"#;

#[tokio::test]
async fn a_cname_target_parent_is_not_climbed() {
    let dns = common::start_dns_zone(CAA_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    // host.sub.test has no CAA; its parent sub.test has.
    let obs = prober.probe_domain("host.sub.test").await;
    let caa = obs.dns.caa.value().expect("CAA");
    assert_eq!(caa.found_at.as_deref(), Some("sub.test"));
    // alias.test is a CNAME to host.sub.test: the target's own (empty) set is used, then the
    // climb goes on from alias.test's parent (test.), not from sub.test.
    let obs = prober.probe_domain("alias.test").await;
    let caa = obs.dns.caa.value().expect("CAA");
    assert_eq!(caa.found_at, None, "{caa:?}");
    assert_eq!(caa.queried, ["alias.test", "test"]);
    // A CNAME whose target has a CAA set: that set is the name's own.
    let obs = prober.probe_domain("direct.test").await;
    let caa = obs.dns.caa.value().expect("CAA");
    assert_eq!(caa.found_at.as_deref(), Some("direct.test"));
    assert_eq!(caa.records[0].value, "other-ca.example");
}

#[tokio::test]
async fn a_name_too_deep_to_climb_is_not_reported_as_having_no_caa() {
    let dns = common::start_dns_zone(CAA_ZONE).await;
    let prober = Prober::new(common::config(dns.addr)).expect("prober");
    let deep = format!("{}sub.test", "l.".repeat(16));
    let obs = prober.probe_domain(&deep).await;
    assert!(
        matches!(
            obs.dns.caa,
            Probed::Failed {
                kind: FailureKind::TooLarge,
                ..
            }
        ),
        "{:?}",
        obs.dns.caa
    );
}
