//! The cases of issue 17 on recorded lab observations (`tests/fixtures/lab-scan.json`, a real
//! scan of the loopback lab and two hostile servers), judged again with this build's checks:
//! a starved domain, an unreachable host and a tarpit beside a reachable weak site, a required
//! rule failed at any grade, a portfolio that grows between scans, a baseline change between
//! scans, the first scan, a domain that could not be scored, a check reported but not scored,
//! and a fix whose gain is a floor.

mod common;

use std::collections::BTreeMap;

use govscan_checks::Context;
use govscan_model::{FailureKind, GainBound, Observations, Outcome, Probed, ScanResult, Status};
use govscan_report::{HistoryEntry, ReportInput, dashboard_model, render_report};
use govscan_score::{
    Baseline, RuleLevel, SCORING_VERSION, score_domain, score_domain_detailed, scored_domain,
};
use serde_json::Value;

use common::builtin_checks;

const RECORDED: &str = include_str!("fixtures/lab-scan.json");
const NETHERLANDS: &str = include_str!("../../../baselines/netherlands.yaml");
/// What the probe records for a probe cut off by the domain's budget.
const BUDGET: &str =
    "the domain's budget of 20s (domain_timeout) ran out before this probe finished";

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds of an RFC 3339 UTC timestamp (to the second).
fn unix(ts: &str) -> i64 {
    let n = |a: usize, b: usize| ts[a..b].parse::<i64>().expect("timestamp digits");
    days_from_civil(n(0, 4), n(5, 7), n(8, 10)) * 86_400
        + n(11, 13) * 3600
        + n(14, 16) * 60
        + n(17, 19)
}

fn recorded() -> ScanResult {
    serde_json::from_str(RECORDED).expect("the recorded lab scan parses")
}

/// Judges every domain's observations again, as of the scan's start, under `baseline`.
fn judge(mut scan: ScanResult, baseline: &Baseline) -> ScanResult {
    let context = Context {
        now_unix: unix(&scan.started_at),
        params: baseline.params(),
    };
    scan.domains = std::mem::take(&mut scan.domains)
        .into_iter()
        .map(|d| {
            let outcomes = govscan_checks::evaluate_all(&d.observations, &context);
            scored_domain(d.domain, d.organisation, outcomes, d.observations, baseline)
        })
        .collect();
    scan.baseline = baseline.reference();
    scan.scoring_version = SCORING_VERSION;
    scan
}

/// The observations of a domain whose budget ran out during its TLS probes: every probe that
/// needs a TLS connection is the timeout the probe records.
fn starve(obs: &mut Observations) {
    for ep in &mut obs.endpoints {
        ep.tls = Probed::failed(FailureKind::Timeout, BUDGET);
        ep.tls_scan = Probed::failed(FailureKind::Timeout, BUDGET);
        ep.https = Probed::failed(FailureKind::Timeout, BUDGET);
        ep.security_txt = Probed::failed(FailureKind::Timeout, BUDGET);
    }
}

fn only(scan: &ScanResult, names: &[&str]) -> ScanResult {
    let mut out = scan.clone();
    out.domains.retain(|d| names.contains(&d.domain.as_str()));
    out
}

fn domain<'a>(scan: &'a ScanResult, name: &str) -> &'a govscan_model::DomainResult {
    scan.domains
        .iter()
        .find(|d| d.domain == name)
        .unwrap_or_else(|| panic!("{name} in the recorded scan"))
}

fn grade_rank(grade: &str) -> usize {
    ["A+", "A", "B", "C", "D", "E", "F", "?"]
        .iter()
        .position(|g| *g == grade)
        .unwrap_or(99)
}

/// The fact of a kind in the paragraph, if there is one.
fn fact<'a>(model: &'a Value, kind: &str) -> Option<&'a Value> {
    model["read_aloud_facts"]
        .as_array()?
        .iter()
        .find(|f| f["fact"] == kind)
}

/// Scoring version 1's number: credit over the judged weight only (what the issue saw).
fn over_judged_only(outcomes: &[Outcome], baseline: &Baseline) -> f64 {
    let (mut earned, mut judged) = (0.0, 0.0);
    for (check, rule) in &baseline.rules {
        let credit = match outcomes
            .iter()
            .find(|o| &o.check == check)
            .map(|o| o.status)
        {
            Some(Status::Pass) => 1.0,
            Some(Status::Warn) => 0.5,
            Some(Status::Fail) => 0.0,
            _ => continue,
        };
        earned += credit * rule.weight;
        judged += rule.weight;
    }
    (1000.0 * earned / judged).round() / 10.0
}

#[test]
fn a_starved_domain_is_provisional_and_never_above_its_full_judgement() {
    let baseline = Baseline::builtin_estonia();
    let full = judge(recorded(), &baseline);
    let mut starved_scan = recorded();
    for d in &mut starved_scan.domains {
        if d.domain == "expired.lab.test" {
            starve(&mut d.observations);
        }
    }
    let starved_scan = judge(starved_scan, &baseline);
    let (seen, starved) = (
        domain(&full, "expired.lab.test"),
        domain(&starved_scan, "expired.lab.test"),
    );
    // Fully judged, the expired certificate fails a required rule.
    let seen_detail = score_domain_detailed(&seen.outcomes, &baseline);
    assert!(
        seen_detail
            .failed_required
            .contains(&"cert.not-expired".to_owned())
    );
    assert!(seen.provisional.is_none(), "{:?}", seen.provisional);
    // Starved, the failure is hidden: over the judged weight alone (version 1) it would score
    // above its full judgement; now it is provisional and a floor of it, score and grade.
    let starved_detail = score_domain_detailed(&starved.outcomes, &baseline);
    assert!(starved_detail.failed_required.is_empty());
    assert!(
        starved_detail
            .unjudged_required
            .contains(&"cert.not-expired".to_owned())
    );
    let version_1 = over_judged_only(&starved.outcomes, &baseline);
    assert!(
        version_1 > seen.score.expect("scored"),
        "the defect: {version_1} over the judged weight"
    );
    assert!(starved.provisional.is_some());
    assert!(
        starved.score <= seen.score,
        "{:?} > {:?}",
        starved.score,
        seen.score
    );
    assert!(grade_rank(&starved.grade) >= grade_rank(&seen.grade));
    assert!(starved.coverage < govscan_score::COVERAGE_FLOOR);

    // The dashboard says so: the headline counts it, the domain's row says why.
    let model = dashboard_model(&ReportInput::new(
        &starved_scan,
        &baseline,
        builtin_checks(),
    ))
    .expect("model");
    let expected_provisional = starved_scan
        .domains
        .iter()
        .filter(|d| d.provisional.is_some())
        .count();
    assert_eq!(model["headline"]["provisional"], expected_provisional);
    let row = model["domains"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["domain"] == "expired.lab.test")
        .expect("row");
    assert!(
        row["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("provisional: ")),
        "{row}"
    );
    let score = fact(&model, "score").expect("score fact");
    assert!(
        score["text"]
            .as_str()
            .is_some_and(|t| t.contains("provisional"))
    );
}

#[test]
fn an_unreachable_host_and_a_tarpit_earn_nothing_for_what_was_not_seen() {
    let baseline = Baseline::builtin_estonia();
    let scan = judge(recorded(), &baseline);
    for name in ["unreachable.lab.test", "tarpit.hostile.test"] {
        let d = domain(&scan, name);
        let detail = score_domain_detailed(&d.outcomes, &baseline);
        assert!(!detail.unjudged_required.is_empty(), "{name}");
        assert!(d.provisional.is_some(), "{name}");
        assert!(
            grade_rank(&d.grade) >= grade_rank("C"),
            "{name}: {}",
            d.grade
        );
        // What was not seen counts exactly as a failure would: the same score either way.
        let as_failed: Vec<Outcome> = d
            .outcomes
            .iter()
            .map(|o| {
                let mut o = o.clone();
                if o.status == Status::Inconclusive {
                    o.status = Status::Fail;
                }
                o
            })
            .collect();
        assert_eq!(d.score, score_domain(&as_failed, &baseline).score, "{name}");
        // Version 1 put the same host higher, over the little that was judged.
        let version_1 = over_judged_only(&d.outcomes, &baseline);
        assert!(version_1 > d.score.unwrap_or(0.0), "{name}: {version_1}");
    }
    // The reachable weak site (port 80 only) is judged on what it showed, like them.
    let weak = domain(&scan, "httponly.lab.test");
    let tarpit = domain(&scan, "tarpit.hostile.test");
    assert!(
        tarpit.score <= weak.score,
        "{:?} vs {:?}",
        tarpit.score,
        weak.score
    );
    // The league table shows the provisional groups.
    let model =
        dashboard_model(&ReportInput::new(&scan, &baseline, builtin_checks())).expect("model");
    let league = model["league"].as_array().expect("league");
    let finance = league
        .iter()
        .find(|r| r["name"] == "Ministry of Finance")
        .expect("row");
    assert_eq!(finance["provisional"], true);
}

#[test]
fn failing_a_required_rule_counts_every_such_domain_whatever_its_grade() {
    let baseline = Baseline::builtin_estonia();
    let scan = judge(recorded(), &baseline);
    let failing: Vec<&govscan_model::DomainResult> = scan
        .domains
        .iter()
        .filter(|d| {
            baseline.rules.iter().any(|(id, r)| {
                r.level == RuleLevel::Required
                    && d.outcomes
                        .iter()
                        .find(|o| &o.check == id)
                        .is_some_and(|o| o.status == Status::Fail)
            })
        })
        .collect();
    let capped = scan
        .domains
        .iter()
        .filter(|d| {
            d.grade_cap
                .as_deref()
                .is_some_and(|c| c.starts_with("required check failed"))
        })
        .count();
    assert!(
        failing.len() > capped,
        "the old count ({capped}) missed some"
    );
    assert!(
        failing
            .iter()
            .any(|d| grade_rank(&d.grade) > grade_rank("C")),
        "a domain already below C fails a required rule too"
    );
    let model =
        dashboard_model(&ReportInput::new(&scan, &baseline, builtin_checks())).expect("model");
    assert_eq!(model["headline"]["failing_required"], failing.len());
    let sentence = fact(&model, "failing_required").expect("fact");
    assert_eq!(sentence["domains"], failing.len());
    assert!(sentence["text"].as_str().is_some_and(|t| {
        t.starts_with(&format!("{} domains fail a required rule", failing.len()))
    }));
}

#[test]
fn a_portfolio_that_grows_is_compared_over_the_domains_both_scans_share() {
    let baseline = Baseline::builtin_estonia();
    let mut before = judge(
        only(&recorded(), &["good.lab.test", "tls12only.lab.test"]),
        &baseline,
    );
    before.started_at = "2026-12-02T12:00:00Z".to_owned();
    let now = judge(recorded(), &baseline);
    let input = ReportInput::new(&now, &baseline, builtin_checks())
        .with_history(vec![
            HistoryEntry::from_scan("#1", &before),
            HistoryEntry::from_scan("#2", &now),
        ])
        .with_previous(&before, &baseline);
    let model = dashboard_model(&input).expect("model");
    // The plain means differ a lot: weak domains were added, nothing regressed.
    let mean_before = govscan_score::roll_up(&before, &baseline)
        .portfolio
        .score
        .expect("score");
    let mean_now = input.rollups.portfolio.score.expect("score");
    assert!(mean_now < mean_before - 10.0, "{mean_before} → {mean_now}");
    let change = fact(&model, "change").expect("a like-for-like change");
    assert_eq!(change["shared"], 2);
    assert_eq!(change["added"], now.domains.len() - 2);
    assert_eq!(change["removed"], 0);
    assert_eq!(change["delta"], 0.0);
    let text = change["text"].as_str().expect("text");
    assert!(
        text.contains("the 2 domains scored in both went from"),
        "{text}"
    );
    assert!(text.contains("no change (7 added, 0 removed)"), "{text}");
    assert_eq!(model["headline"]["trend"]["short"], "±0.0");
    assert!(
        model["headline"]["trend"]["text"].as_str().is_some_and(
            |t| t.contains("over the 2 domains scored in both scans (7 added, 0 removed)")
        )
    );
    let rows = model["chart"]["rows"].as_array().expect("rows");
    assert_eq!(rows[1]["change"], "±0.0");
    assert!(
        rows[1]["change_note"]
            .as_str()
            .is_some_and(|n| n.contains("7 added"))
    );
    // No ministry moved: its shared domains are the same.
    for row in model["league"].as_array().expect("league") {
        assert!(row["trend"]["class"] != "trend-down", "{row}");
    }
}

#[test]
fn a_baseline_change_is_not_compared_and_breaks_the_trend_line() {
    let estonia = Baseline::builtin_estonia();
    let netherlands = Baseline::from_yaml("netherlands.yaml", NETHERLANDS).expect("baseline");
    let mut before = judge(recorded(), &netherlands);
    before.started_at = "2026-12-02T12:00:00Z".to_owned();
    let now = judge(recorded(), &estonia);
    let input = ReportInput::new(&now, &estonia, builtin_checks())
        .with_history(vec![
            HistoryEntry::from_scan("#1", &before),
            HistoryEntry::from_scan("#2", &now),
        ])
        .with_previous(&before, &netherlands);
    let model = dashboard_model(&input).expect("model");
    let not = fact(&model, "not_compared").expect("not compared");
    assert!(
        not["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("the baseline changed (netherlands")),
        "{not}"
    );
    assert!(fact(&model, "change").is_none() && fact(&model, "changes").is_none());
    assert_eq!(model["headline"]["trend"]["short"], "not compared");
    assert_eq!(model["chart"]["breaks"].as_array().map(Vec::len), Some(1));
    assert_eq!(model["chart"]["rows"][1]["change"], "not compared");
    assert_eq!(model["changes"]["has_previous"], false);
    assert!(
        model["changes"]["not_compared"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    // Every trend point records what judged it.
    for row in model["chart"]["rows"].as_array().expect("rows") {
        assert!(
            row["versions"]
                .as_str()
                .is_some_and(|v| v.contains("scoring 2")),
            "{row}"
        );
    }
}

#[test]
fn the_first_scan_says_there_is_nothing_to_compare_with() {
    let baseline = Baseline::builtin_estonia();
    let scan = judge(recorded(), &baseline);
    let input = ReportInput::new(&scan, &baseline, builtin_checks())
        .with_history(vec![HistoryEntry::from_scan("#1", &scan)]);
    let model = dashboard_model(&input).expect("model");
    assert!(fact(&model, "first_scan").is_some());
    assert_eq!(
        model["headline"]["trend"]["text"],
        "no earlier scan to compare with"
    );
    let files: BTreeMap<String, String> =
        render_report(&input).expect("report").into_iter().collect();
    for (name, html) in &files {
        assert!(!html.contains("new since the previous scan"), "{name}");
    }
}

#[test]
fn a_domain_that_could_not_be_scored_is_counted_and_explained_everywhere() {
    let baseline = Baseline::builtin_estonia();
    let scan = judge(recorded(), &baseline);
    let input = ReportInput::new(&scan, &baseline, builtin_checks());
    let model = dashboard_model(&input).expect("model");
    let unscored = &model["headline"]["unscored"];
    assert_eq!(unscored[0]["domain"], "nxdomain.lab.test");
    assert!(
        unscored[0]["why"]
            .as_str()
            .is_some_and(|w| w.contains("NXDOMAIN")),
        "{unscored}"
    );
    assert_eq!(
        model["headline"]["counts_text"],
        "9 checked, 8 scored, 1 could not be scored"
    );
    // The board's only scored domain is tls12only.lab.test; the other could not be scored, so
    // its grade is provisional and never A or A+, whatever the points say.
    let board = model["league"]
        .as_array()
        .expect("league")
        .iter()
        .find(|r| r["name"] == "Tax and Customs Board")
        .expect("row");
    assert_eq!(board["domains_text"], "2 (1 scored)");
    assert_eq!(board["provisional"], true);
    assert!(board["grade"] != "A+" && board["grade"] != "A", "{board}");
    let files: BTreeMap<String, String> =
        render_report(&input).expect("report").into_iter().collect();
    let org = &files["orgs/tax-and-customs-board.html"];
    let row = org
        .split("<tr>")
        .find(|r| r.contains(">nxdomain.lab.test</a>"))
        .expect("the unscored domain's row");
    assert!(!row.contains("<td>none</td>"), "{row}");
    assert!(row.contains("unknown: could not be scored"), "{row}");
    assert!(org.contains("2 checked, 1 scored, 1 could not be scored"));
}

#[test]
fn a_check_without_a_rule_is_reported_not_scored_and_never_shows_a_pattern() {
    let baseline = Baseline::builtin_estonia();
    let mut scan = judge(recorded(), &baseline);
    let pattern = "(?i)^(php|asp\\.net)";
    let good = scan
        .domains
        .iter_mut()
        .find(|d| d.domain == "good.lab.test")
        .expect("good");
    let before = good.clone();
    good.outcomes.push(Outcome::new(
        "http.x-powered-by-absent",
        Status::Fail,
        "header_present",
        format!("https://good.lab.test/ sends X-Powered-By matching {pattern}"),
        serde_json::json!({ "pattern": pattern }),
    ));
    assert_eq!(
        score_domain(&good.outcomes, &baseline),
        score_domain(&before.outcomes, &baseline)
    );
    let input = ReportInput::new(&scan, &baseline, builtin_checks());
    let model = dashboard_model(&input).expect("model");
    let row = model["domains"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["domain"] == "good.lab.test")
        .expect("row");
    assert_eq!(row["not_scored"], 1);
    let failing: Vec<String> = before
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Fail)
        .map(|o| format!("{} {}: {}", o.check, o.finding, o.message))
        .collect();
    // The recorded certificate names no revocation source (a scored fail of cert.not-revoked
    // today); the unruled failure must not add to the scored ones.
    assert_eq!(
        row["fail"],
        failing.len(),
        "not counted as a scored failure: {failing:?}"
    );
    let files: BTreeMap<String, String> =
        render_report(&input).expect("report").into_iter().collect();
    let page = &files["domains/good.lab.test.html"];
    assert!(page.contains("reported, not scored"));
    assert!(!page.contains("not a check of this govscan version"));
    let message = page
        .split("<p class=\"message\">")
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .expect("the first outcome's message");
    assert!(!message.contains("(?i)"), "{message}");
    let org = &files["orgs/ministry-of-the-interior.html"];
    let row = org
        .split("<tr>")
        .find(|r| r.contains(">good.lab.test</a>"))
        .expect("row");
    assert!(row.contains("Also failing, reported but not scored: http.x-powered-by-absent"));
    let scored_part = row.split("Also failing").next().unwrap_or_default();
    assert!(
        !scored_part.contains("x-powered-by"),
        "not among the scored failures: {row}"
    );
}

#[test]
fn a_fix_on_a_provisional_domain_is_a_floor() {
    let baseline = Baseline::builtin_estonia();
    let scan = judge(recorded(), &baseline);
    let rollups = govscan_score::roll_up(&scan, &baseline);
    let fix = rollups
        .top_fixes
        .iter()
        .find(|f| {
            f.domains
                .iter()
                .any(|d| rollups.domains[d.index].domain == "httponly.lab.test")
        })
        .expect("a fix for the port-80-only site");
    // Never exact: a floor when every other domain it touches was fully judged, "about" when
    // one of them was only partly judged (the recorded scan has such domains).
    assert_ne!(fix.bound, GainBound::Exact, "{}", fix.check);
    let model =
        dashboard_model(&ReportInput::new(&scan, &baseline, builtin_checks())).expect("model");
    for view in model["fixes"].as_array().expect("fixes") {
        let bound = view["bound"].as_str().unwrap_or_default();
        let after = view["after"].as_str().unwrap_or_default();
        let words = view["gain_words"].as_str().unwrap_or_default();
        match bound {
            "at_least" => assert!(after.starts_with("at least ") && words.starts_with("at least ")),
            "uncertain" => assert!(after.starts_with("about ") && words.starts_with("about ")),
            _ => assert!(!after.contains(' ') && !words.contains("at least")),
        }
    }
}

#[test]
fn a_scan_stored_under_scoring_version_1_is_recomputed_and_not_compared_with_version_1_scans() {
    let baseline = Baseline::builtin_estonia();
    let mut before = judge(recorded(), &baseline);
    before.started_at = "2026-12-02T12:00:00Z".to_owned();
    before.scoring_version = 1;
    let mut now = judge(recorded(), &baseline);
    now.scoring_version = 1;
    // Both stored by version 1: the store pairs them; the page's numbers are version 2.
    let input = ReportInput::new(&now, &baseline, builtin_checks())
        .with_history(vec![
            HistoryEntry::from_scan("#1", &before),
            HistoryEntry::from_scan("#2", &now),
        ])
        .with_previous(&before, &baseline);
    let model = dashboard_model(&input).expect("model");
    let not = fact(&model, "not_compared").expect("not compared");
    assert_eq!(
        not["reason"],
        "the scoring rules changed (scoring version 1 then, 2 now)"
    );
    assert_eq!(model["meta"]["scoring_version"], SCORING_VERSION);
    assert!(
        model["meta"]["scoring_note"]
            .as_str()
            .is_some_and(|n| n.contains("stored with scoring version 1"))
    );
    assert_eq!(model["chart"]["breaks"].as_array().map(Vec::len), Some(1));
}

#[test]
fn trend_labels_never_repeat_a_date_for_several_scans_of_a_day() {
    let baseline = Baseline::builtin_estonia();
    let now = judge(recorded(), &baseline);
    let at = |ts: &str| {
        let mut scan = now.clone();
        scan.started_at = ts.to_owned();
        scan
    };
    let (a, b, c) = (
        at("2026-12-01T09:00:00Z"),
        at("2026-12-02T14:00:05Z"),
        at("2026-12-02T14:00:40Z"),
    );
    let input = ReportInput::new(&now, &baseline, builtin_checks()).with_history(vec![
        HistoryEntry::from_scan("#1", &a),
        HistoryEntry::from_scan("#2", &b),
        HistoryEntry::from_scan("#3", &c),
    ]);
    let model = dashboard_model(&input).expect("model");
    let dates: Vec<&str> = model["chart"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["date"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        dates,
        [
            "1 Dec 2026",
            "2 Dec 2026 14:00:05 UTC",
            "2 Dec 2026 14:00:40 UTC",
            "3 Dec 2026"
        ]
    );
}
