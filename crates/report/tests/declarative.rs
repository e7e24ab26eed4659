//! A declarative check (from the repository's `checks/`) is described like a built-in one on
//! every output: its domain page, the dashboard, `findings.csv` and `results.sarif` take its
//! title, level and remedy from the check set the report is given, not from the built-in
//! registry. Each also names where the check came from (its file, and what it was converted
//! from), escaped like every other text.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use govscan_checks::CheckSet;
use govscan_model::{CheckCatalog, CheckOrigin, Outcome, ScanResult, Status};
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

/// The file name the shipped check is loaded from.
const FILE: &str = "http.git-metadata-not-exposed.yaml";

/// The shipped catalogue with a hostile origin for the declarative check (a checks directory
/// may have any name; a converted check's `origin:` is author-written text).
fn hostile_origin() -> CheckCatalog {
    shipped().catalog().with_origin(
        ID,
        CheckOrigin {
            file: "/srv/<script>alert(1)</script>/x.yaml".to_owned(),
            converted_from: Some("Nuclei template \"a\" & <b>b</b>".to_owned()),
        },
    )
}

#[test]
fn a_declarative_failure_names_its_file_on_its_domain_page() {
    let baseline = baseline();
    let scan = scan(&baseline);
    let catalog = shipped().catalog();
    let origin = catalog.origin(ID).expect("the shipped check has an origin");
    assert!(origin.file.ends_with(FILE), "{}", origin.file);
    let all = files(&scan, &baseline, catalog.clone());
    let page = domain_page(&all);
    assert!(
        page.contains(&format!(
            "This is a declarative check from {}.",
            origin.file
        )),
        "the finding entry names the file"
    );
    // A built-in check's entry says nothing of the kind.
    assert_eq!(page.matches("This is a declarative check").count(), 1);
}

#[test]
fn a_declarative_checks_origin_is_escaped_on_every_page() {
    let baseline = baseline();
    let scan = scan(&baseline);
    let all = files(&scan, &baseline, hostile_origin());
    let page = domain_page(&all);
    for html in [page, all["index.html"].as_str()] {
        assert!(
            !html.contains("<script>alert(1)"),
            "raw markup from an origin"
        );
        assert!(!html.contains("<b>b</b>"), "raw markup from an origin");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("converted from Nuclei template &quot;a&quot; &amp; &lt;b&gt;"));
    }
}

#[test]
fn the_dashboards_rule_table_names_a_declarative_checks_file() {
    let baseline = baseline();
    let scan = scan(&baseline);
    let catalog = shipped().catalog();
    let model =
        govscan_report::dashboard_model(&ReportInput::new(&scan, &baseline, catalog.clone()))
            .expect("model");
    let rows = model["reference"]["rows"]
        .as_array()
        .expect("reference rows");
    let row = rows
        .iter()
        .find(|r| r["check"] == ID)
        .expect("in the table");
    let origin = row["origin"].as_str().expect("origin text");
    assert!(
        origin.starts_with("declarative check from ") && origin.ends_with(FILE),
        "{origin}"
    );
    let builtin = rows
        .iter()
        .find(|r| r["check"] != ID)
        .expect("a built-in rule");
    assert_eq!(builtin["origin"], "", "a built-in check has no origin");
    let index = &files(&scan, &baseline, catalog)["index.html"];
    assert!(index.contains(origin));
}

#[test]
fn a_declarative_rule_in_sarif_carries_its_origin() {
    let baseline = baseline();
    let scan = scan(&baseline);
    for (checks, file, converted) in [
        (shipped().catalog(), None, Value::Null),
        (
            hostile_origin(),
            Some("/srv/<script>alert(1)</script>/x.yaml"),
            json!("Nuclei template \"a\" & <b>b</b>"),
        ),
    ] {
        let sarif: Value =
            serde_json::from_str(&govscan_report::render_sarif(&scan, &checks).expect("renders"))
                .expect("JSON");
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules");
        let rule = rules.iter().find(|r| r["id"] == ID).expect("its rule");
        let origin = &rule["properties"]["origin"];
        let shown = origin["file"].as_str().expect("file");
        match file {
            Some(f) => assert_eq!(shown, f),
            None => assert!(shown.ends_with(FILE), "{shown}"),
        }
        assert_eq!(origin["convertedFrom"], converted);
        let builtin = rules
            .iter()
            .find(|r| r["id"] == "http.hsts")
            .expect("a built-in rule");
        assert!(builtin["properties"].get("origin").is_none());
    }
}
