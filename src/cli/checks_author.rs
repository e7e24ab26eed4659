//! `govscan checks test|lint|import-nuclei`: the loop of a check author, usable in a team's
//! own CI (no network: `test` judges observations recorded by an earlier scan).

use std::path::Path;

use anyhow::{Context as _, anyhow};
use govscan_checks::declarative::{DeclarativeCheck, DeclarativeError};
use govscan_checks::{Check, CheckSet, Context};
use govscan_model::{ScanResult, Status};
use serde_json::json;

use super::args::{ChecksAction, Format};
use super::terminal::{errln, outln};
use super::{CliError, exit};

/// Runs the author commands; `None` for the other `checks` actions.
pub(super) fn run(action: &ChecksAction) -> Result<Option<u8>, CliError> {
    match action {
        ChecksAction::Test {
            file,
            observations,
            domains,
            expect,
            params,
            format,
        } => test(
            file,
            observations,
            domains,
            expect.as_deref(),
            params.as_deref(),
            *format,
        )
        .map(Some),
        ChecksAction::Lint { dir } => lint(dir).map(Some),
        ChecksAction::ImportNuclei { input, out } => {
            super::nuclei_cmd::run(input, out.as_deref()).map(Some)
        }
        _ => Ok(None),
    }
}

fn parse_status(text: &str) -> Result<Status, CliError> {
    serde_json::from_value(json!(text)).map_err(|_| {
        CliError::usage(anyhow!(
            "--expect {text:?}: expected pass, fail, warn, info, inconclusive or not_applicable"
        ))
    })
}

fn test(
    file: &Path,
    observations: &Path,
    domains: &[String],
    expect: Option<&str>,
    params: Option<&str>,
    format: Format,
) -> Result<u8, CliError> {
    let expect = expect.map(parse_status).transpose()?;
    let check = DeclarativeCheck::load(file)
        .context("declarative check")
        .map_err(CliError::usage)?;
    let id = check.meta().id;
    // The file alone (no ./checks), so that it may be a new version of a loaded check.
    let set = CheckSet::from_checks(vec![check])
        .context("declarative check")
        .map_err(CliError::usage)?;
    let text = std::fs::read_to_string(observations)
        .with_context(|| observations.display().to_string())
        .map_err(CliError::usage)?;
    let scan: ScanResult = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a govscan results.json", observations.display()))
        .map_err(CliError::usage)?;
    let now_unix = time::OffsetDateTime::parse(
        &scan.started_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map(time::OffsetDateTime::unix_timestamp)
    .with_context(|| format!("started_at {:?}", scan.started_at))
    .map_err(CliError::usage)?;
    let mut context = Context::with_now(now_unix);
    if let Some(params) = params {
        let value: serde_json::Value = serde_json::from_str(params)
            .context("--params: not JSON")
            .map_err(CliError::usage)?;
        // Built-in and declarative checks declare their parameters the same way.
        if let Some(check) = set.find(id) {
            let given = value
                .as_object()
                .ok_or_else(|| CliError::usage(anyhow!("--params: not a JSON object")))?;
            govscan_model::validate_params(id, check.meta().params, given)
                .context("--params")
                .map_err(CliError::usage)?;
        }
        context.params.insert(id.to_owned(), value);
    }
    for wanted in domains {
        if !scan.domains.iter().any(|d| &d.domain == wanted) {
            return Err(CliError::usage(anyhow!(
                "--domain {wanted}: not in {}",
                observations.display()
            )));
        }
    }
    let checks = set.checks();
    let Some(check) = checks.iter().find(|c| c.meta().id == id) else {
        return Err(CliError::runtime(anyhow!(
            "check {id} vanished from its set"
        )));
    };
    let mut judged = Vec::new();
    for d in &scan.domains {
        if !domains.is_empty() && !domains.contains(&d.domain) {
            continue;
        }
        let outcome = govscan_checks::runner::evaluate_one(*check, &d.observations, &context);
        judged.push((d.domain.clone(), outcome));
    }
    let mismatched = expect.map_or(0, |want| {
        judged.iter().filter(|(_, o)| o.status != want).count()
    });
    match format {
        Format::Json => {
            let rows: Vec<_> = judged
                .iter()
                .map(|(domain, o)| json!({ "domain": domain, "outcome": o }))
                .collect();
            let text = serde_json::to_string_pretty(&json!({ "check": id, "results": rows }))
                .map_err(CliError::runtime)?;
            super::terminal::print_json(&text);
        }
        Format::Text => {
            for (domain, o) in &judged {
                outln!("{domain:<32} {:<14} {}", o.status.as_str(), o.message);
            }
            let mut counts = std::collections::BTreeMap::new();
            for (_, o) in &judged {
                *counts.entry(o.status.as_str()).or_insert(0u32) += 1;
            }
            let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
            outln!("{id}: {} domain(s): {}", judged.len(), summary.join(", "));
        }
    }
    if mismatched > 0 {
        errln!(
            "govscan: {mismatched} domain(s) did not get the expected status {}",
            expect.map_or("", Status::as_str)
        );
        return Ok(exit::FAIL_ON_TRIPPED);
    }
    Ok(exit::DONE)
}

/// Validates every check file of `dir`; reports every bad file, not only the first.
fn lint(dir: &Path) -> Result<u8, CliError> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read directory", dir.display()))
        .map_err(CliError::usage)?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    let mut loaded = Vec::new();
    let mut errors: Vec<DeclarativeError> = Vec::new();
    for file in &files {
        match DeclarativeCheck::load(file) {
            Ok(check) => loaded.push(check),
            Err(e) => errors.push(e),
        }
    }
    let good = loaded.len();
    if let Err(e) = CheckSet::from_checks(loaded) {
        errors.push(e);
    }
    for e in &errors {
        errln!("{e}");
    }
    outln!(
        "{}: {} file(s), {good} valid, {} error(s)",
        dir.display(),
        files.len(),
        errors.len()
    );
    Ok(if errors.is_empty() {
        exit::DONE
    } else {
        exit::USAGE
    })
}
