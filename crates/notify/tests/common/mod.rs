//! A notification with one item of every kind, whose messages carry what a hostile server
//! could put in them: chat markup, mentions, links, control characters, bidi overrides.

#![allow(dead_code)]

use govscan_model::{BaselineRef, Status};
use govscan_notify::{Notification, ScanSide};
use govscan_score::{CheckChange, DomainPresence, MoveCause, ScanDiff, ScanIdentity, ScoreMove};

/// Server-controlled text that must reach no payload as markup.
pub(crate) const HOSTILE: &str = "<!channel> @all @here *bold* _it_ `code` [x](http://evil.example) <http://evil.example|click> {{DATE(2017-02-14T06:08:39Z,SHORT)}} \u{1b}[31mred\r\nBcc: evil@x.example \u{202e}txt.exe";

fn side(id: i64, score: f64) -> ScanSide {
    ScanSide {
        id,
        started_at: format!("2026-11-2{id}T02:30:00Z"),
        finished_at: format!("2026-11-2{id}T02:41:00Z"),
        domains: 3,
        portfolio_score: Some(score),
    }
}

fn change(domain: &str, check: &str, old: Status, new: Status, message: &str) -> CheckChange {
    CheckChange {
        domain: domain.into(),
        check: check.into(),
        old_status: Some(old),
        new_status: Some(new),
        old_finding: Some("old".into()),
        new_finding: Some("new".into()),
        message: message.into(),
    }
}

fn identity() -> ScanIdentity {
    ScanIdentity {
        started_at: "2026-11-27T02:30:00Z".into(),
        govscan_version: "0.1.0".into(),
        baseline: BaselineRef {
            id: "estonia".into(),
            version: "2026.1".into(),
            sha256: "ab".repeat(32),
        },
        scoring_version: 1,
    }
}

/// A diff with `failures` new failures (the first carrying [`HOSTILE`]), one fix, one added
/// domain and one score move.
pub(crate) fn diff(failures: usize) -> ScanDiff {
    let new_failures: Vec<CheckChange> = (0..failures)
        .map(|i| {
            let message = if i == 0 {
                HOSTILE.to_owned()
            } else {
                format!("failure {i}")
            };
            change(
                &format!("d{i}.gov.example"),
                "http.hsts",
                Status::Pass,
                Status::Fail,
                &message,
            )
        })
        .collect();
    ScanDiff {
        new_failures: new_failures.clone(),
        new_warnings: vec![],
        fixed: vec![change(
            "www.gov.example",
            "tls.min-version",
            Status::Fail,
            Status::Pass,
            "TLS 1.2 and newer only",
        )],
        improved: vec![],
        became_inconclusive: vec![],
        other_changes: vec![],
        domains_added: vec![DomainPresence {
            domain: "new.gov.example".into(),
            organisation: Some("Treasury".into()),
            score: Some(80.0),
            grade: "B".into(),
            failing_checks: vec!["http.csp".into()],
        }],
        domains_removed: vec![],
        score_moves: vec![ScoreMove {
            domain: "d0.gov.example".into(),
            old_score: Some(90.0),
            new_score: Some(70.0),
            delta: Some(-20.0),
            old_grade: "A".into(),
            new_grade: "C".into(),
            cause: MoveCause::Servers,
            checks: new_failures.into_iter().take(1).collect(),
        }],
        old: identity(),
        new: identity(),
        baseline_changed: false,
    }
}

/// Scan #5 compared with scan #4 through [`diff`].
pub(crate) fn notification(failures: usize, report_url: Option<&str>) -> Notification {
    Notification::new(
        side(5, 70.0),
        Some(side(4, 72.5)),
        Some(diff(failures)),
        report_url.map(str::to_owned),
    )
}
