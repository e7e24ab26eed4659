//! Running out of file descriptors is the scanner's failure, never the target's: with the
//! open-files limit at the number already open, every connect fails with EMFILE and is
//! recorded as `FailureKind::Scanner`. Alone in its test binary, because the limit is
//! process-wide.

mod common;

use std::net::IpAddr;

use govscan_model::{FailureKind, Probed};
use govscan_probe::Prober;
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Descriptors open in this process now.
fn open_descriptors() -> u64 {
    std::fs::read_dir("/proc/self/fd").map_or(0, |dir| dir.count() as u64)
}

#[tokio::test]
async fn no_free_descriptor_is_a_scanner_side_failure() {
    let dns = common::start_dns().await;
    let mut cfg = common::config(dns.addr);
    cfg.tls_scan = false;
    let ip: IpAddr = "127.0.0.1".parse().expect("ip");
    cfg.connect_overrides.insert("good.test".into(), vec![ip]);
    let prober = Prober::new(cfg).expect("prober");
    let before = getrlimit(Resource::Nofile);
    // The listing of /proc/self/fd held one more descriptor while it counted.
    let now = open_descriptors().saturating_sub(1);
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(now),
            maximum: before.maximum,
        },
    )
    .expect("lower the soft limit");
    let obs = prober.probe_domain("good.test").await;
    setrlimit(Resource::Nofile, before).expect("restore the limit");
    let ep = &obs.endpoints[0];
    for (what, probe) in [
        ("tls", ep.tls.as_result().err().map(|e| e.to_string())),
        ("http", ep.http.as_result().err().map(|e| e.to_string())),
    ] {
        let reason = probe.unwrap_or_else(|| panic!("{what} cannot succeed without descriptors"));
        assert!(reason.starts_with("Scanner failure"), "{what}: {reason}");
        assert!(reason.contains("scanner's side"), "{what}: {reason}");
    }
    assert!(matches!(
        ep.tls,
        Probed::Failed {
            kind: FailureKind::Scanner,
            ..
        }
    ));
}
