//! `govscan checks list|explain|doc`: print check metadata from the registry and the declarative
//! checks (`./checks` when it exists, plus every `--checks-dir`).

use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use govscan_checks::CheckSet;
use govscan_model::{CheckMeta, Level};
use govscan_score::Baseline;

use super::args::{ChecksAction, ChecksArgs, Format};
use super::terminal::outln;
use super::{CliError, exit};

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Must => "must",
        Level::Should => "should",
        Level::May => "may",
    }
}

/// Loads the built-in checks plus the declarative checks of `./checks` (when that directory
/// exists; otherwise the data directory's, see `data_dirs`) and of every `--checks-dir`; a bad
/// check file is an input error (exit 2) naming the file and line.
pub(super) fn load_check_set(dirs: &[PathBuf]) -> Result<CheckSet, CliError> {
    let mut all = super::data_dirs::default_checks_dirs();
    all.extend(dirs.iter().cloned());
    CheckSet::load(&all)
        .context("declarative check")
        .map_err(CliError::usage)
}

/// Runs the checks command.
pub(super) fn run(args: ChecksArgs) -> Result<u8, CliError> {
    if let Some(code) = super::checks_author::run(&args.action)? {
        return Ok(code);
    }
    let set = load_check_set(&args.checks_dirs)?;
    let metas: Vec<&'static CheckMeta> = set.checks().iter().map(|c| c.meta()).collect();
    match args.action {
        ChecksAction::List {
            format: Format::Json,
        } => {
            let json = serde_json::to_string_pretty(&metas).map_err(CliError::runtime)?;
            super::terminal::print_json(&json);
        }
        ChecksAction::List {
            format: Format::Text,
        } => {
            for meta in &metas {
                let origin = match set.find_declarative(meta.id) {
                    Some(check) => format!("  [declarative: {}]", check.source()),
                    None => String::new(),
                };
                outln!(
                    "{:<32} {:<7} {}{origin}",
                    meta.id,
                    level_word(meta.level),
                    meta.title
                );
            }
        }
        ChecksAction::Test { .. }
        | ChecksAction::Lint { .. }
        | ChecksAction::ImportNuclei { .. } => {}
        ChecksAction::Doc { id } => {
            let dir = super::data_dirs::baselines_dir(None);
            let baselines = if dir.is_dir() {
                let shown = dir.display().to_string();
                crate::check_docs::baselines_in(&dir, &shown)
                    .context("baselines")
                    .map_err(CliError::usage)?
            } else {
                vec![crate::check_docs::ShippedBaseline {
                    path: "baselines/estonia.yaml".to_owned(),
                    baseline: Baseline::builtin_estonia(),
                }]
            };
            let page = crate::check_docs::render_check_page(
                std::path::Path::new("."),
                &set,
                &id,
                &baselines,
            )
            .map_err(CliError::runtime)?
            .ok_or_else(|| {
                CliError::usage(anyhow!("unknown check {id:?}; see `govscan checks list`"))
            })?;
            outln!("{}", page.trim_end());
        }
        ChecksAction::Explain { id, format } => {
            let meta = metas.iter().find(|m| m.id == id).ok_or_else(|| {
                CliError::usage(anyhow!("unknown check {id:?}; see `govscan checks list`"))
            })?;
            let baseline = Baseline::builtin_estonia();
            let rule = baseline.rules.get(meta.id);
            match format {
                Format::Json => {
                    let source = set.find_declarative(meta.id).map(|c| c.source());
                    let json = serde_json::json!({
                        "check": meta,
                        "baseline_rule": rule,
                        "declared_in": source,
                    });
                    let text = serde_json::to_string_pretty(&json).map_err(CliError::runtime)?;
                    super::terminal::print_json(&text);
                }
                Format::Text => {
                    outln!("{} — {}", meta.id, meta.title);
                    outln!("level in its source: {}", level_word(meta.level));
                    if let Some(check) = set.find_declarative(meta.id) {
                        outln!("declarative check from {}", check.source());
                        if let Some(origin) = check.origin() {
                            outln!("converted from {origin}");
                        }
                    }
                    match rule {
                        Some(rule) => {
                            let rule = serde_json::to_string(rule).unwrap_or_default();
                            outln!("Estonia baseline rule: {rule}");
                        }
                        None => {
                            outln!("Estonia baseline rule: none (run and reported, not scored)")
                        }
                    }
                    outln!(
                        "\nWhy it matters\n  {}",
                        meta.rationale.replace('\n', "\n  ")
                    );
                    outln!(
                        "\nHow to fix it\n  {}",
                        meta.remediation.replace('\n', "\n  ")
                    );
                    if !meta.params.is_empty() {
                        outln!("\nParameters (set in the baseline rule's params:)");
                        for p in meta.params {
                            let doc = if p.doc.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", p.doc)
                            };
                            outln!("  - {} (default {}){doc}", p.name, p.default_json());
                        }
                    }
                    outln!("\nFindings");
                    for f in meta.findings {
                        outln!("  - {} ({}): {}", f.key, f.status.as_str(), f.meaning);
                    }
                    outln!("\nReferences");
                    for r in meta.references {
                        outln!("  - {}: {}", r.title, r.url);
                    }
                }
            }
        }
    }
    Ok(exit::DONE)
}
