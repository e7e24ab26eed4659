//! A stored scan's light view (`Store::load_scan_light`) reads like the whole scan: it is what
//! the whole scan converts to, and it gives the same roll-ups, the same diff with a previous scan
//! and the same dashboard, over the realistic sample and generated portfolios.

mod common;
mod generated;

use common::{builtin_checks, sample_result};
use generated::{build, domain_plan, rule_count};
use govscan_model::{LightScan, ScanResult};
use govscan_report::{ReportInput, dashboard_model};
use govscan_score::{Baseline, ScanSide, diff_light, diff_scans, roll_up};
use govscan_store::Store;
use proptest::prelude::*;

/// Saves `old` then `now` in a new database, reads both back light, and checks that the light
/// views read like the whole scans.
fn check_light_views(old: &ScanResult, now: &ScanResult) {
    let baseline = Baseline::builtin_estonia();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path().join("h.db")).expect("open");
    let old_id = store.save_scan(old).expect("save old");
    let now_id = store.save_scan(now).expect("save now");
    let old_light = store.load_scan_light(old_id).expect("old light");
    let now_light = store.load_scan_light(now_id).expect("now light");

    assert_eq!(old_light, LightScan::from(old));
    assert_eq!(now_light, LightScan::from(now));
    assert_eq!(roll_up(&now_light, &baseline), roll_up(now, &baseline));
    assert_eq!(roll_up(&old_light, &baseline), roll_up(old, &baseline));

    let diff = diff_light(&old_light, &now_light, |side, domain| {
        let id = match side {
            ScanSide::Old => old_id,
            ScanSide::New => now_id,
        };
        store.load_domain(id, domain)
    })
    .expect("diff");
    assert_eq!(diff, diff_scans(old, now));

    let whole = ReportInput::new(now, &baseline, builtin_checks()).with_previous(old, &baseline);
    let light = ReportInput::from_light(&now_light, &baseline, builtin_checks())
        .with_previous_diff(&old_light, old_light.header.clone(), &baseline, diff);
    assert_eq!(
        dashboard_model(&light).expect("light dashboard"),
        dashboard_model(&whole).expect("whole dashboard")
    );
}

#[test]
fn the_sample_scan_reads_the_same_light() {
    let now = sample_result();
    let mut old = sample_result();
    old.started_at = "2026-11-20T08:00:00Z".to_owned();
    old.finished_at = "2026-11-20T08:05:00Z".to_owned();
    // One domain is new, and another changed: its first outcome flipped.
    old.domains[0].domain = "gone.example".to_owned();
    if let Some(o) = old.domains[1].outcomes.first_mut() {
        o.status = match o.status {
            govscan_model::Status::Pass => govscan_model::Status::Fail,
            _ => govscan_model::Status::Pass,
        };
    }
    check_light_views(&old, &now);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    #[test]
    fn a_generated_portfolio_reads_the_same_light(
        now_plans in proptest::collection::vec(domain_plan(rule_count()), 0..12),
        before_plans in proptest::collection::vec(domain_plan(rule_count()), 0..12),
        keep in 0usize..12,
        starve in any::<bool>(),
    ) {
        let baseline = Baseline::builtin_estonia();
        let now = build("d", "2026-11-28T08:00:00Z", &now_plans, &baseline, starve);
        let mut old = build("d", "2026-11-27T08:00:00Z", &before_plans, &baseline, false);
        // Share the first `keep` domains' names, so domains come, go and change.
        for (i, d) in old.domains.iter_mut().enumerate() {
            if i >= keep {
                d.domain = format!("old{i}.example");
            }
        }
        check_light_views(&old, &now);
    }
}
