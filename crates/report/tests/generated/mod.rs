//! Generated portfolios for property tests: each domain a status per rule of the baseline
//! (or no outcome), sometimes nothing judged or every TLS and certificate check starved, an
//! unruled check passing or failing, and one of four organisations (one an agency of another).

#![allow(dead_code)]

use govscan_model::{
    BaselineRef, OrgKind, Organisation, Outcome, SCHEMA_VERSION, ScanResult, Status,
};
use govscan_score::{Baseline, SCORING_VERSION, scored_domain};
use proptest::prelude::*;
use serde_json::json;

/// A check without a rule in the baseline (declarative checks are like this).
pub(crate) const UNRULED: &str = "http.x-powered-by-absent";

/// The number of rules of the built-in Estonian baseline (the plans draw one status per rule).
pub(crate) fn rule_count() -> usize {
    Baseline::builtin_estonia().rules.len()
}

/// What each domain looks like: a status per rule (`None`: no outcome), and whether an
/// unruled check fails on it.
#[derive(Debug, Clone)]
pub(crate) struct DomainPlan {
    statuses: Vec<Option<Status>>,
    unruled_fail: bool,
    org: usize,
}

fn status() -> impl Strategy<Value = Option<Status>> {
    prop_oneof![
        6 => Just(Some(Status::Pass)),
        2 => Just(Some(Status::Fail)),
        2 => Just(Some(Status::Warn)),
        2 => Just(Some(Status::Inconclusive)),
        1 => Just(Some(Status::NotApplicable)),
        1 => Just(None),
    ]
}

/// A domain: mostly judged; sometimes nothing judged (unreachable), sometimes starved (every
/// TLS and certificate check inconclusive).
pub(crate) fn domain_plan(n_rules: usize) -> impl Strategy<Value = DomainPlan> {
    (
        proptest::collection::vec(status(), n_rules),
        0u8..10,
        any::<bool>(),
        0usize..4,
    )
        .prop_map(|(mut statuses, kind, unruled_fail, org)| {
            if kind == 0 {
                statuses
                    .iter_mut()
                    .for_each(|s| *s = Some(Status::Inconclusive));
            }
            DomainPlan {
                statuses,
                unruled_fail,
                org,
            }
        })
}

pub(crate) fn build(
    name_prefix: &str,
    started_at: &str,
    plans: &[DomainPlan],
    baseline: &Baseline,
    starve: bool,
) -> ScanResult {
    let checks: Vec<&String> = baseline.rules.keys().collect();
    let orgs = ["Ministry A", "Agency A1", "Ministry B", "Office C"];
    let domains = plans
        .iter()
        .enumerate()
        .map(|(i, plan)| {
            let name = format!("{name_prefix}{i}.example");
            let mut outcomes: Vec<Outcome> = checks
                .iter()
                .zip(&plan.statuses)
                .filter_map(|(id, s)| {
                    let s = if starve
                        && i == 0
                        && (id.starts_with("tls.") || id.starts_with("cert."))
                    {
                        Some(Status::Inconclusive)
                    } else {
                        *s
                    };
                    s.map(|s| Outcome::new(id, s, "generated", "generated outcome", json!({})))
                })
                .collect();
            outcomes.push(Outcome::new(
                UNRULED,
                if plan.unruled_fail {
                    Status::Fail
                } else {
                    Status::Pass
                },
                "header_present",
                "https://x/ sends X-Powered-By, matching (?i)^php",
                json!({}),
            ));
            let observations = crate::common::skipped_observations(&name);
            scored_domain(
                name,
                Some(orgs[plan.org].to_owned()),
                outcomes,
                observations,
                baseline,
            )
        })
        .collect();
    ScanResult {
        schema_version: SCHEMA_VERSION,
        govscan_version: "0.1.0".to_owned(),
        scoring_version: SCORING_VERSION,
        started_at: started_at.to_owned(),
        finished_at: started_at.to_owned(),
        baseline: BaselineRef {
            ..baseline.reference()
        },
        organisations: vec![
            Organisation {
                name: orgs[0].to_owned(),
                kind: OrgKind::Ministry,
                parent: None,
            },
            Organisation {
                name: orgs[1].to_owned(),
                kind: OrgKind::Agency,
                parent: Some(orgs[0].to_owned()),
            },
            Organisation {
                name: orgs[2].to_owned(),
                kind: OrgKind::Ministry,
                parent: None,
            },
            Organisation {
                name: orgs[3].to_owned(),
                kind: OrgKind::Other,
                parent: None,
            },
        ],
        domains,
    }
}
