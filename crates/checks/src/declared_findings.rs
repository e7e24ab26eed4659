//! Tests that every check declares what it emits (`CheckMeta::findings`): every check, built-in
//! and shipped declarative, is run over every recorded fixture of every check, and each
//! outcome's (finding, status) must be declared by the check or the runner
//! (`govscan_model::RUNNER_FINDINGS`). The runner's property tests assert the same of the
//! outcomes they provoke.

use std::collections::BTreeSet;

use govscan_model::{CheckMeta, Outcome, RUNNER_FINDINGS, Status};

use crate::fixtures::harness::shipped;
use crate::fixtures::{all_files, load};
use crate::runner::evaluate_one;

/// The undeclared (finding, status) of an outcome, as a line for an error, if it is.
pub(crate) fn undeclared(meta: &CheckMeta, outcome: &Outcome) -> Option<String> {
    (!meta.declares(&outcome.finding, outcome.status)).then(|| {
        format!(
            "{}: finding {:?} with status {} is not declared (META.findings)",
            meta.id,
            outcome.finding,
            outcome.status.as_str()
        )
    })
}

#[test]
fn every_finding_any_check_emits_on_any_fixture_is_declared() {
    let set = shipped();
    let fixtures = all_files();
    assert!(fixtures.len() > 300, "fixtures found: {}", fixtures.len());
    let mut missing = BTreeSet::new();
    for path in &fixtures {
        let (obs, ctx, _) = load(path);
        for check in set.checks() {
            let outcome = evaluate_one(check, &obs, &ctx);
            if let Some(line) = undeclared(check.meta(), &outcome) {
                missing.insert(line);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} undeclared findings:\n{}",
        missing.len(),
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn declarations_are_unique_and_say_what_they_mean() {
    let set = shipped();
    for check in set.checks() {
        let meta = check.meta();
        let mut keys = BTreeSet::new();
        for finding in meta.findings {
            assert!(
                keys.insert((finding.key, finding.status)),
                "{}: {} declared twice with one status",
                meta.id,
                finding.key
            );
            assert!(
                !finding.meaning.trim().is_empty(),
                "{}: {} has no meaning",
                meta.id,
                finding.key
            );
            assert!(
                !RUNNER_FINDINGS.iter().any(|r| r.key == finding.key),
                "{}: {} is the runner's finding, declared there",
                meta.id,
                finding.key
            );
        }
        let judges = meta
            .findings
            .iter()
            .any(|f| matches!(f.status, Status::Pass | Status::Info));
        assert!(judges, "{}: declares no pass or info finding", meta.id);
        let mut names = BTreeSet::new();
        for param in meta.params {
            assert!(
                names.insert(param.name),
                "{}: {} twice",
                meta.id,
                param.name
            );
            param
                .validate(&param.default_json())
                .unwrap_or_else(|e| panic!("{}: default: {e}", meta.id));
        }
    }
}
