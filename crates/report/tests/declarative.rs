//! A declarative check (from the repository's `checks/`) is described like a built-in one on
//! every output: its domain page, the dashboard, `findings.csv` and `results.sarif` take its
//! title, level and remedy from the check set the report is given, not from the built-in
//! registry.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use govscan_checks::CheckSet;
use govscan_model::{CheckCatalog, Outcome, ScanResult, Status};
use govscan_report::{ReportInput, render_report};
use govscan_score::{Baseline, score_domain};
use serde_json::{Value, json};

use common::{builtin_checks, sample_result};

/// A declarative check shipped in `checks/`, level `must` (SARIF `error`).
const ID: &str = "http.git-metadata-not-exposed";
const MESSAGE: &str = "/.git/HEAD serves a Git reference: the repository is exposed.";
const NOT_DESCRIBED: &str = "(a check not described in this report)";

/// The repository's declarative checks plus the built-ins.
fn shipped() -> CheckSet {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../checks");
    CheckSet::load(&[dir]).expect("the shipped declarative checks load")
}

/// The Estonia baseline with a rule for the declarative check, so it is scored and can be a
/// top fix on the dashboard.
fn baseline() -> Baseline {
    let text = include_str!("../../../baselines/estonia.yaml").replacen(
        "rules:\n",
        &format!(
            "rules:\n  {ID}:\n    level: required\n    weight: 10\n    source:\n      \
             issuer: OWASP\n      title: WSTG-CONF-04\n      url: https://owasp.org/\n      \
             section: \"4.2.4\"\n      strength: must\n      read_on: \"2026-11-27\"\n    \
             origin: external\n\n"
        ),
        1,
    );
    Baseline::from_yaml("estonia+declarative", &text).expect("baseline")
}

/// The sample scan where the first domain fails the declarative check, scored again.
fn scan(baseline: &Baseline) -> ScanResult {
    let mut scan = sample_result();
    scan.baseline = baseline.reference();
    let d = &mut scan.domains[0];
    d.outcomes.push(Outcome::new(
        ID,
        Status::Fail,
        "body_matches",
        MESSAGE,
        json!({ "path": "/.git/HEAD" }),
    ));
    let score = score_domain(&d.outcomes, baseline);
    d.score = score.score;
    d.grade = score.grade;
    d.grade_cap = score.cap;
    d.coverage = score.coverage;
    d.families = score.families;
    d.provisional = score.provisional;
    scan
}

fn files(scan: &ScanResult, baseline: &Baseline, checks: CheckCatalog) -> BTreeMap<String, String> {
    render_report(&ReportInput::new(scan, baseline, checks))
        .expect("renders")
        .into_iter()
        .collect()
}

fn title() -> &'static str {
    shipped().catalog().find(ID).expect("shipped").title
}

fn domain_page(files: &BTreeMap<String, String>) -> &str {
    files
        .iter()
        .find(|(path, text)| path.starts_with("domains/") && text.contains(MESSAGE))
        .map(|(_, text)| text.as_str())
        .expect("the failing domain's page")
}

#[test]
fn a_declarative_failure_is_described_on_its_domain_page() {
    let baseline = baseline();
    let scan = scan(&baseline);
    let page = domain_page(&files(&scan, &baseline, shipped().catalog())).to_owned();
    assert!(page.contains(title()), "the check's title is on the page");
    assert!(!page.contains(NOT_DESCRIBED));
    // The bug this guards against: described by the built-in registry alone, the same page
    // says the check is unknown.
    let builtin_only = files(&scan, &baseline, builtin_checks());
    assert!(domain_page(&builtin_only).contains(NOT_DESCRIBED));
}

#[test]
fn a_declarative_failure_reaches_the_dashboard() {
    let baseline = baseline();
    let scan = scan(&baseline);
    let model =
        govscan_report::dashboard_model(&ReportInput::new(&scan, &baseline, shipped().catalog()))
            .expect("model");
    let fix = model["fixes"]
        .as_array()
        .expect("fixes")
        .iter()
        .find(|f| f["check"] == ID)
        .expect("the declarative check is a top fix");
    assert_eq!(fix["title"], title());
    assert!(!fix["how"].as_str().expect("how").is_empty(), "its remedy");
    let reference = model["reference"]["rows"]
        .as_array()
        .expect("reference rows")
        .iter()
        .find(|r| r["check"] == ID)
        .expect("in the reference table");
    assert_eq!(reference["title"], title());
    let index = &files(&scan, &baseline, shipped().catalog())["index.html"];
    assert!(index.contains(title()));
}

#[test]
fn a_declarative_failure_is_a_csv_row_with_level_and_title() {
    let baseline = baseline();
    let scan = scan(&baseline);
    let csv = govscan_report::render_findings_csv(&scan, &shipped().catalog());
    let row = csv
        .lines()
        .find(|l| l.contains(ID))
        .expect("a row for the declarative check");
    assert!(row.contains(",must,"), "its level: {row}");
    assert!(row.contains(title()), "its title: {row}");
    assert!(row.contains(",fail,"), "its status: {row}");
}

#[test]
fn a_declarative_failure_is_a_sarif_result_with_its_rule() {
    let baseline = baseline();
    let scan = scan(&baseline);
    let checks = shipped().catalog();
    let sarif: Value =
        serde_json::from_str(&govscan_report::render_sarif(&scan, &checks).expect("renders"))
            .expect("JSON");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), checks.len(), "one rule per check of the set");
    let index = rules
        .iter()
        .position(|r| r["id"] == ID)
        .expect("a rule for the declarative check");
    assert_eq!(rules[index]["shortDescription"]["text"], title());
    assert_eq!(rules[index]["defaultConfiguration"]["level"], "error");
    let result = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == ID)
        .expect("the failure is a result");
    assert_eq!(result["ruleIndex"], index);
    let message = result["message"]["text"].as_str().expect("message");
    assert!(message.ends_with(MESSAGE), "{message}");
}
