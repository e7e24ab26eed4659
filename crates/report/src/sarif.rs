//! `results.sarif`: SARIF 2.1.0 for code-scanning dashboards. Rules come from the check
//! metadata; one result per failed or warned outcome, located at the domain's URL.

use govscan_model::{
    CheckCatalog, CheckMeta, CheckOrigin, DomainResult, ScanHeader, ScanResult, Status,
};
use serde::Serialize;

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    invocations: Vec<Invocation>,
    properties: serde_json::Value,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: String,
    rules: Vec<Rule>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: serde_json::Value,
}

#[derive(Serialize, Clone)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize, Clone)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    properties: serde_json::Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    start_time_utc: String,
    end_time_utc: String,
}

/// Renders the SARIF log as pretty JSON.
pub fn render_sarif(
    result: &ScanResult,
    checks: &CheckCatalog,
) -> Result<String, serde_json::Error> {
    let rules = rules(checks);
    let results = result
        .domains
        .iter()
        .flat_map(|d| domain_results(&rules, d))
        .collect();
    let mut text = serde_json::to_string_pretty(&log(&ScanHeader::from(result), rules, results))?;
    text.push('\n');
    Ok(text)
}

/// The log of `result` with an empty `results` array, pretty, split around that array: what
/// goes before the first result and what goes after the last (for a streamed writer).
pub(crate) fn sarif_around_results(
    result: &ScanHeader,
    checks: &CheckCatalog,
) -> Result<(String, String, Vec<Rule>), serde_json::Error> {
    let rules = rules(checks);
    let mut text = serde_json::to_string_pretty(&log(result, rules.clone(), Vec::new()))?;
    text.push('\n');
    let marker = "\n      \"results\": []";
    let (head, tail) = match text.find(marker) {
        Some(at) => (
            format!("{}\n      \"results\": [", &text[..at]),
            format!("]{}", &text[at + marker.len()..]),
        ),
        None => (text, String::new()),
    };
    Ok((head, tail, rules))
}

/// One rule per check of the catalogue, built-in and declarative alike.
fn rules(checks: &CheckCatalog) -> Vec<Rule> {
    checks
        .iter()
        .map(|m| {
            let level = match m.level {
                govscan_model::Level::Must => "error",
                govscan_model::Level::Should => "warning",
                govscan_model::Level::May => "note",
            };
            Rule {
                id: m.id.to_owned(),
                name: m.id.replace(['.', '-'], "_"),
                short_description: Text {
                    text: m.title.to_owned(),
                },
                full_description: Text {
                    text: m.rationale.to_owned(),
                },
                help: Text {
                    text: m.remediation.to_owned(),
                },
                help_uri: m.references.first().map(|r| r.url.to_owned()),
                default_configuration: Configuration { level },
                properties: rule_properties(m, checks.origin(m.id)),
            }
        })
        .collect()
}

/// A rule's property bag: family, tags, references and, for a declarative check, `origin`
/// (`file`, and `convertedFrom` when the file says what it was converted from).
fn rule_properties(m: &CheckMeta, origin: Option<&CheckOrigin>) -> serde_json::Value {
    let mut properties = serde_json::json!({
        "family": m.family.prefix(),
        "tags": ["security", m.family.prefix()],
        "references": m.references.iter().map(|r| r.url).collect::<Vec<_>>(),
    });
    if let Some(o) = origin {
        properties["origin"] = serde_json::json!({
            "file": o.file,
            "convertedFrom": o.converted_from,
        });
    }
    properties
}

/// One SARIF result per failed or warned outcome of a domain.
pub(crate) fn domain_results(rules: &[Rule], d: &DomainResult) -> Vec<SarifResult> {
    d.outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Fail | Status::Warn))
        .filter_map(|o| {
            let rule_index = rules.iter().position(|r| r.id == o.check)?;
            let org = d.organisation.clone().unwrap_or_default();
            Some(SarifResult {
                rule_id: o.check.clone(),
                rule_index,
                level: if o.status == Status::Fail {
                    "error"
                } else {
                    "warning"
                },
                message: Text {
                    text: format!("{}: {}", d.domain, o.message),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: format!("https://{}/", d.domain),
                        },
                    },
                    logical_locations: vec![LogicalLocation {
                        name: d.domain.clone(),
                        fully_qualified_name: if org.is_empty() {
                            d.domain.clone()
                        } else {
                            format!("{org}/{}", d.domain)
                        },
                        kind: "resource",
                    }],
                }],
                properties: serde_json::json!({
                    "finding": o.finding,
                    "organisation": d.organisation,
                    "evidence": o.evidence,
                }),
            })
        })
        .collect()
}

fn log(result: &ScanHeader, rules: Vec<Rule>, results: Vec<SarifResult>) -> Log {
    Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "govscan",
                    version: result.govscan_version.clone(),
                    rules,
                },
            },
            results,
            invocations: vec![Invocation {
                execution_successful: true,
                start_time_utc: result.started_at.clone(),
                end_time_utc: result.finished_at.clone(),
            }],
            properties: serde_json::json!({
                "baseline": result.baseline,
                "scoringVersion": result.scoring_version,
            }),
        }],
    }
}
