//! Tests that every check declares what it emits (`CheckMeta::findings`): every check, built-in
//! and shipped declarative, is run over every recorded fixture of every check, and each
//! outcome's (finding, status) must be declared by the check or the runner
//! (`govscan_model::RUNNER_FINDINGS`). The runner's property tests assert the same of the
//! outcomes they provoke.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use govscan_model::{CheckMeta, Outcome, RUNNER_FINDINGS, Status};

use crate::CheckSet;
use crate::fixtures::load;
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

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `*.json` file under `dir`, at any depth, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_finding_any_check_emits_on_any_fixture_is_declared() {
    let set = CheckSet::load(&[repo().join("checks")]).expect("shipped checks load");
    let mut fixtures = json_files(&repo().join("fixtures/checks"));
    fixtures.extend(json_files(&repo().join("fixtures/declarative")));
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
    let set = CheckSet::load(&[repo().join("checks")]).expect("shipped checks load");
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
