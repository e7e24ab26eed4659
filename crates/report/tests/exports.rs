//! The exports: `findings.csv` (RFC 4180, one row per domain × check, formula-guarded) and
//! `results.sarif` (SARIF 2.1.0 with rules from the check metadata).

mod common;

use common::{SCRIPT, builtin_checks, sample_result};
use govscan_model::Status;
use govscan_report::{CSV_COLUMNS, SARIF_VERSION, render_findings_csv, render_sarif};
use serde_json::Value;

/// A minimal RFC 4180 reader for the test: records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF line ends");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "ends with CRLF");
    records
}

#[test]
fn csv_has_one_row_per_domain_and_check_and_is_formula_safe() {
    let mut result = sample_result();
    result.domains[0].organisation = Some("=HYPERLINK(\"http://evil\",\"x\")".to_owned());
    result.domains[1].outcomes[0].message = "-1+1, \"quoted\"\nsecond line".to_owned();
    let csv = render_findings_csv(&result, &builtin_checks());
    let records = parse_csv(&csv);
    assert_eq!(records[0], CSV_COLUMNS);
    let outcomes: usize = result.domains.iter().map(|d| d.outcomes.len()).sum();
    assert_eq!(records.len(), outcomes + 1);
    assert!(
        records.iter().all(|r| r.len() == CSV_COLUMNS.len()),
        "every row has every column"
    );
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).expect("column");
    let first = &records[1];
    assert_eq!(first[col("domain")], result.domains[0].domain);
    assert_eq!(first[col("check")], result.domains[0].outcomes[0].check);
    assert_eq!(
        first[col("organisation")],
        "'=HYPERLINK(\"http://evil\",\"x\")",
        "formula neutralised"
    );
    let hostile_row = records
        .iter()
        .find(|r| r[col("message")].contains("second line"))
        .expect("multi-line message");
    assert_eq!(
        hostile_row[col("message")],
        "'-1+1, \"quoted\"\nsecond line"
    );
    assert!(
        csv.contains(SCRIPT) || !csv.contains("<script"),
        "CSV is data, not HTML"
    );
    for r in &records[1..] {
        for cell in r {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "unguarded formula cell {cell:?}"
            );
        }
    }
}

#[test]
fn sarif_is_version_2_1_0_with_rules_and_located_results() {
    let result = sample_result();
    let sarif: Value =
        serde_json::from_str(&render_sarif(&result, &builtin_checks()).expect("renders"))
            .expect("JSON");
    assert_eq!(sarif["version"], SARIF_VERSION);
    assert_eq!(SARIF_VERSION, "2.1.0");
    assert!(
        sarif["$schema"]
            .as_str()
            .expect("schema")
            .contains("sarif-2.1.0")
    );
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "govscan");
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), govscan_checks::ALL.len());
    for (rule, check) in rules.iter().zip(govscan_checks::ALL) {
        let meta = check.meta();
        assert_eq!(rule["id"], meta.id);
        assert_eq!(rule["shortDescription"]["text"], meta.title);
        assert_eq!(rule["help"]["text"], meta.remediation);
    }
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let problems = result
        .domains
        .iter()
        .flat_map(|d| &d.outcomes)
        .filter(|o| {
            matches!(o.status, Status::Fail | Status::Warn)
                && govscan_checks::find(&o.check).is_some()
        })
        .count();
    assert_eq!(
        results.len(),
        problems,
        "one result per failed or warned outcome"
    );
    assert!(!results.is_empty());
    for r in results {
        let index = usize::try_from(r["ruleIndex"].as_u64().expect("index")).expect("usize");
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        assert!(matches!(r["level"].as_str(), Some("error" | "warning")));
        let location = &r["locations"][0];
        let uri = location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        let name = location["logicalLocations"][0]["name"]
            .as_str()
            .expect("name");
        assert_eq!(uri, format!("https://{name}/"));
        assert!(result.domains.iter().any(|d| d.domain == name));
    }
}
