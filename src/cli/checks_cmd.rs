//! `govscan checks list|explain`: print check metadata from the registry.

use anyhow::anyhow;
use govscan_model::{CheckMeta, Level};
use govscan_score::Baseline;

use super::args::{ChecksAction, ChecksArgs, Format};
use super::{CliError, exit};

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Must => "must",
        Level::Should => "should",
        Level::May => "may",
    }
}

/// Runs the checks command.
pub(super) fn run(args: ChecksArgs) -> Result<u8, CliError> {
    let metas: Vec<&'static CheckMeta> = govscan_checks::ALL.iter().map(|c| c.meta()).collect();
    match args.action {
        ChecksAction::List {
            format: Format::Json,
        } => {
            let json = serde_json::to_string_pretty(&metas).map_err(CliError::runtime)?;
            println!("{json}");
        }
        ChecksAction::List {
            format: Format::Text,
        } => {
            for meta in &metas {
                println!(
                    "{:<32} {:<7} {}",
                    meta.id,
                    level_word(meta.level),
                    meta.title
                );
            }
        }
        ChecksAction::Explain { id, format } => {
            let meta = metas.iter().find(|m| m.id == id).ok_or_else(|| {
                CliError::usage(anyhow!("unknown check {id:?}; see `govscan checks list`"))
            })?;
            let baseline = Baseline::builtin_estonia();
            let rule = baseline.rules.get(meta.id);
            match format {
                Format::Json => {
                    let json = serde_json::json!({ "check": meta, "baseline_rule": rule });
                    let text = serde_json::to_string_pretty(&json).map_err(CliError::runtime)?;
                    println!("{text}");
                }
                Format::Text => {
                    println!("{} — {}", meta.id, meta.title);
                    println!("level in its source: {}", level_word(meta.level));
                    if let Some(rule) = rule {
                        let rule = serde_json::to_string(rule).unwrap_or_default();
                        println!("Estonia baseline rule: {rule}");
                    }
                    println!(
                        "\nWhy it matters\n  {}",
                        meta.rationale.replace('\n', "\n  ")
                    );
                    println!(
                        "\nHow to fix it\n  {}",
                        meta.remediation.replace('\n', "\n  ")
                    );
                    println!("\nReferences");
                    for r in meta.references {
                        println!("  - {}: {}", r.title, r.url);
                    }
                }
            }
        }
    }
    Ok(exit::DONE)
}
