//! `diff_scans` over hand-built scans: every kind of change and every cause of a score move.

// The store tests' hand-built scans (one definition of the fixture for both crates).
#[path = "../../store/tests/common/mod.rs"]
mod common;

use common::{domain, scan};
use govscan_model::{DomainResult, ScanResult, Status};
use govscan_score::{CheckChange, DiffCounts, MoveCause, ScanDiff, diff_scans};

use Status::{Fail, Inconclusive, Info, NotApplicable, Pass, Warn};

fn one(name: &str, score: f64, outcomes: &[(&str, Status)]) -> DomainResult {
    domain(name, Some(score), "B", outcomes)
}

fn pairs(changes: &[CheckChange]) -> Vec<(String, Option<Status>, Option<Status>)> {
    changes
        .iter()
        .map(|c| (c.check.clone(), c.old_status, c.new_status))
        .collect()
}

#[test]
fn identical_scans_differ_in_nothing_even_when_probed_at_another_time() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![one("a.gov", 80.0, &[("c1", Pass), ("c2", Fail)])],
    );
    let mut new = old.clone();
    new.started_at = "2026-03-08T00:00:00Z".into();
    new.domains[0].observations.probed_at = "2026-03-08T00:00:01Z".into();
    new.domains[0].observations.duration_ms = 99;
    let diff = diff_scans(&old, &new);
    assert!(diff.is_empty(), "{diff:#?}");
    assert_eq!(diff.counts(), DiffCounts::default());
    assert!(!diff.baseline_changed);
}

#[test]
fn status_changes_are_filed_under_the_right_heading() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![one(
            "a.gov",
            50.0,
            &[
                ("pass_to_fail", Pass),
                ("warn_to_fail", Warn),
                ("inconclusive_to_fail", Inconclusive),
                ("na_to_fail", NotApplicable),
                ("pass_to_warn", Pass),
                ("fail_to_warn", Fail),
                ("fail_to_pass", Fail),
                ("warn_to_pass", Warn),
                ("pass_to_inconclusive", Pass),
                ("inconclusive_to_pass", Inconclusive),
                ("removed", Fail),
                ("fail_stays", Fail),
                ("info_stays", Info),
            ],
        )],
    );
    let new = scan(
        "2026-03-08T00:00:00Z",
        vec![one(
            "a.gov",
            50.0,
            &[
                ("pass_to_fail", Fail),
                ("warn_to_fail", Fail),
                ("inconclusive_to_fail", Fail),
                ("na_to_fail", Fail),
                ("added_failing", Fail),
                ("pass_to_warn", Warn),
                ("fail_to_warn", Warn),
                ("fail_to_pass", Pass),
                ("warn_to_pass", Pass),
                ("pass_to_inconclusive", Inconclusive),
                ("inconclusive_to_pass", Pass),
                ("fail_stays", Fail),
                ("info_stays", Info),
            ],
        )],
    );
    let diff = diff_scans(&old, &new);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        pairs(&diff.new_failures),
        vec![
            (s("pass_to_fail"), Some(Pass), Some(Fail)),
            (s("warn_to_fail"), Some(Warn), Some(Fail)),
            (s("inconclusive_to_fail"), Some(Inconclusive), Some(Fail)),
            (s("na_to_fail"), Some(NotApplicable), Some(Fail)),
            (s("added_failing"), None, Some(Fail)),
        ]
    );
    assert_eq!(
        pairs(&diff.new_warnings),
        vec![(s("pass_to_warn"), Some(Pass), Some(Warn))]
    );
    assert_eq!(
        pairs(&diff.improved),
        vec![(s("fail_to_warn"), Some(Fail), Some(Warn))]
    );
    assert_eq!(
        pairs(&diff.fixed),
        vec![
            (s("fail_to_pass"), Some(Fail), Some(Pass)),
            (s("warn_to_pass"), Some(Warn), Some(Pass))
        ]
    );
    assert_eq!(
        pairs(&diff.became_inconclusive),
        vec![(s("pass_to_inconclusive"), Some(Pass), Some(Inconclusive))]
    );
    assert_eq!(
        pairs(&diff.other_changes),
        vec![
            (s("inconclusive_to_pass"), Some(Inconclusive), Some(Pass)),
            (s("removed"), Some(Fail), None)
        ]
    );
    let first = &diff.new_failures[0];
    assert_eq!(first.domain, "a.gov");
    assert_eq!(first.old_finding.as_deref(), Some("pass_finding"));
    assert_eq!(first.new_finding.as_deref(), Some("fail_finding"));
    assert!(
        first.message.starts_with("pass_to_fail is fail"),
        "{}",
        first.message
    );
    assert_eq!(
        diff.other_changes[1].message,
        "removed is fail — “quoted” ünïcode"
    );
    // Same score and grade: no move, but the diff is not empty.
    assert!(diff.score_moves.is_empty());
    assert!(!diff.is_empty());
    assert_eq!(diff.counts().new_failures, 5);
    assert_eq!(diff.counts().fixed, 2);
}

#[test]
fn new_failures_come_first_when_serialised_and_the_diff_round_trips() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![one("a.gov", 90.0, &[("c1", Pass)])],
    );
    let new = scan(
        "2026-03-08T00:00:00Z",
        vec![one("a.gov", 40.0, &[("c1", Fail)])],
    );
    let diff = diff_scans(&old, &new);
    let json = serde_json::to_string(&diff).expect("serialise");
    assert!(json.starts_with("{\"new_failures\":[{"), "{json}");
    let back: ScanDiff = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, diff);
    // Same baseline, scoring and govscan version, same evidence, yet another verdict: the
    // cause is not known (a date-dependent check can do this), and the diff says so.
    assert!(json.contains("\"cause\":\"unknown\""), "{json}");
}

#[test]
fn domains_added_and_removed_are_listed_with_their_failures() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![
            one("kept.gov", 80.0, &[("c1", Pass)]),
            one("gone.gov", 30.0, &[("c1", Fail), ("c2", Pass)]),
        ],
    );
    let new = scan(
        "2026-03-08T00:00:00Z",
        vec![
            one("fresh.gov", 20.0, &[("c1", Fail), ("c2", Fail)]),
            one("kept.gov", 80.0, &[("c1", Pass)]),
        ],
    );
    let diff = diff_scans(&old, &new);
    assert_eq!(diff.domains_added.len(), 1);
    assert_eq!(diff.domains_added[0].domain, "fresh.gov");
    assert_eq!(diff.domains_added[0].failing_checks, vec!["c1", "c2"]);
    assert_eq!(diff.domains_added[0].score, Some(20.0));
    assert_eq!(diff.domains_removed.len(), 1);
    assert_eq!(diff.domains_removed[0].domain, "gone.gov");
    assert_eq!(diff.domains_removed[0].failing_checks, vec!["c1"]);
    // A new domain's failures are reported with the domain, not as regressions.
    assert!(diff.new_failures.is_empty());
    assert!(diff.score_moves.is_empty());
}

fn moved(old: &ScanResult, new: &ScanResult) -> Vec<(String, MoveCause, Option<f64>)> {
    diff_scans(old, new)
        .score_moves
        .into_iter()
        .map(|m| (m.domain, m.cause, m.delta))
        .collect()
}

#[test]
fn a_move_with_the_same_baseline_and_new_evidence_is_blamed_on_the_servers() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![one("a.gov", 90.0, &[("c1", Pass), ("c2", Pass)])],
    );
    let mut new = scan(
        "2026-03-08T00:00:00Z",
        vec![one("a.gov", 60.0, &[("c1", Fail), ("c2", Pass)])],
    );
    new.domains[0].grade = "D".into();
    // What the check recorded changed (the raw observations always differ and are not read).
    new.domains[0].outcomes[0].evidence = serde_json::json!({ "max_age": 300 });
    new.domains[0].observations.probed_at = "2026-03-08T00:00:01Z".into();
    let diff = diff_scans(&old, &new);
    assert_eq!(diff.score_moves.len(), 1);
    let m = &diff.score_moves[0];
    assert_eq!(
        (m.old_score, m.new_score, m.delta),
        (Some(90.0), Some(60.0), Some(-30.0))
    );
    assert_eq!((m.old_grade.as_str(), m.new_grade.as_str()), ("B", "D"));
    assert_eq!(m.cause, MoveCause::Servers);
    assert_eq!(
        pairs(&m.checks),
        vec![("c1".to_owned(), Some(Pass), Some(Fail))]
    );
}

#[test]
fn a_move_under_a_new_baseline_or_scoring_version_is_blamed_on_the_baseline() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![one("a.gov", 90.0, &[("c1", Pass)])],
    );
    let mut new = scan(
        "2026-03-08T00:00:00Z",
        vec![one("a.gov", 70.0, &[("c1", Warn)])],
    );
    new.baseline.sha256 = "cd".repeat(32);
    // Raw observations differ (they always do); the check's evidence is the same, so the new
    // baseline's parameters, not the servers, changed the verdict.
    new.domains[0].observations.probed_at = "2026-03-08T00:00:00Z".into();
    new.domains[0].observations.dns.resolver = "192.0.2.53:53".into();
    assert_eq!(
        moved(&old, &new),
        vec![("a.gov".to_owned(), MoveCause::Baseline, Some(-20.0))]
    );
    assert!(diff_scans(&old, &new).baseline_changed);

    let mut rescored = scan(
        "2026-03-08T00:00:00Z",
        vec![one("a.gov", 95.0, &[("c1", Pass)])],
    );
    rescored.scoring_version = 2;
    assert_eq!(
        moved(&old, &rescored),
        vec![("a.gov".to_owned(), MoveCause::Baseline, Some(5.0))]
    );

    let mut both = new.clone();
    both.domains[0].outcomes[0].evidence = serde_json::json!({ "max_age": 300 });
    assert_eq!(
        moved(&old, &both),
        vec![("a.gov".to_owned(), MoveCause::Both, Some(-20.0))]
    );
}

#[test]
fn a_move_with_nothing_else_changed_is_blamed_on_the_checks() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![one("a.gov", 90.0, &[("c1", Pass)])],
    );
    let mut new = scan(
        "2026-03-08T00:00:00Z",
        vec![one("a.gov", 85.0, &[("c1", Warn)])],
    );
    new.govscan_version = "0.2.0".into();
    assert_eq!(
        moved(&old, &new),
        vec![("a.gov".to_owned(), MoveCause::Checks, Some(-5.0))]
    );
    // A new govscan and new evidence: either could explain the move, so it is not named.
    new.domains[0].outcomes[0].evidence = serde_json::json!({ "max_age": 300 });
    assert_eq!(
        moved(&old, &new),
        vec![("a.gov".to_owned(), MoveCause::Unknown, Some(-5.0))]
    );
}

#[test]
fn a_move_where_checks_could_or_could_not_be_judged_is_blamed_on_reach() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![one("a.gov", 90.0, &[("c1", Pass), ("c2", Pass)])],
    );
    let new = scan(
        "2026-03-08T00:00:00Z",
        vec![one("a.gov", 80.0, &[("c1", Inconclusive), ("c2", Pass)])],
    );
    assert_eq!(
        moved(&old, &new),
        vec![("a.gov".to_owned(), MoveCause::Reach, Some(-10.0))]
    );
}

#[test]
fn score_moves_are_sorted_largest_fall_first_and_unscored_moves_last() {
    let old = scan(
        "2026-03-01T00:00:00Z",
        vec![
            one("up.gov", 50.0, &[]),
            one("lost_score.gov", 50.0, &[]),
            one("small_fall.gov", 50.0, &[]),
            one("big_fall.gov", 90.0, &[]),
            one("noise.gov", 50.0, &[]),
        ],
    );
    let mut new = old.clone();
    new.domains[0].score = Some(75.0);
    new.domains[1].score = None;
    new.domains[2].score = Some(45.0);
    new.domains[3].score = Some(10.0);
    new.domains[4].score = Some(50.0 + 1e-12);
    let order: Vec<(String, Option<f64>)> = diff_scans(&old, &new)
        .score_moves
        .into_iter()
        .map(|m| (m.domain, m.delta))
        .collect();
    assert_eq!(
        order,
        vec![
            ("big_fall.gov".to_owned(), Some(-80.0)),
            ("small_fall.gov".to_owned(), Some(-5.0)),
            ("up.gov".to_owned(), Some(25.0)),
            ("lost_score.gov".to_owned(), None),
        ]
    );
}
