//! The index of the generated check docs, `docs/checks/README.md`: every built-in check and
//! every shipped declarative check, each id linked to its page, with its level, parameters and
//! weight in each shipped baseline; then the runner's findings, which every check can get.

use std::fmt::Write as _;

use govscan_checks::ALL;
use govscan_model::{CheckMeta, RUNNER_FINDINGS};
use govscan_score::RuleLevel;

use super::ShippedBaseline;
use super::markdown::{cell, code, code_link, inline, link_target};
use super::page::{findings_table, level_word, weight_text};

const INTRO: &str = "\
# Checks

Every check govscan runs: the built-in checks (Rust, one file per check under
`crates/checks/src/<family>/`) and the declarative checks shipped in `checks/` (YAML,
[format](../checks-format.md)). Each id links to the check's page: the requirement, why it
matters, how to fix it, every finding it can give and every parameter it reads, its rule in
each shipped baseline, its sources, and the fixture cases it is tested with.

`level` is how strongly the check's normative source words the requirement (RFC 2119); the
baseline decides how much each check counts: the baseline columns give the weight, with
**required** when a failure caps the grade at C (see [scoring](../scoring.md)); `—` means no
rule (run and reported, not scored). A baseline rule may set the parameters listed; any other
is rejected when the baseline is loaded. `govscan checks explain <id>` prints a check's
metadata on the command line.

Every file in this directory is generated and checked by a test; regenerate them with
`GOVSCAN_UPDATE_DOCS=1 cargo test -p govscan --lib check_docs`.
";

/// Renders the index; `declarative` is every shipped declarative check with its file
/// (relative to the repository), sorted by id.
pub(crate) fn render_index(
    declarative: &[(&'static CheckMeta, String)],
    baselines: &[ShippedBaseline],
) -> String {
    let mut out = String::from(INTRO);
    out.push_str("\n## Built-in checks\n\n");
    header(&mut out, baselines, false);
    for check in ALL {
        row(&mut out, check.meta(), baselines, None);
    }
    out.push_str("\n## Declarative checks shipped in `checks/`\n\n");
    if declarative.is_empty() {
        out.push_str("(none)\n");
    } else {
        header(&mut out, baselines, true);
        for (meta, file) in declarative {
            row(&mut out, meta, baselines, Some(file));
        }
    }
    out.push_str(
        "\n## Findings of every check\n\nBesides its own findings (listed on its page), any \
         check can get these from the runner, when a domain cannot be judged or has no web \
         endpoint:\n\n",
    );
    findings_table(&mut out, RUNNER_FINDINGS);
    out
}

fn header(out: &mut String, baselines: &[ShippedBaseline], with_file: bool) {
    let mut columns = vec!["id".to_owned(), "title".into(), "level".into()];
    columns.push("parameters (default)".into());
    for b in baselines {
        columns.push(inline(&b.baseline.id, true));
    }
    if with_file {
        columns.push("file".into());
    }
    let _ = writeln!(out, "| {} |", columns.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
}

fn row(out: &mut String, meta: &CheckMeta, baselines: &[ShippedBaseline], file: Option<&str>) {
    let params: Vec<String> = meta
        .params
        .iter()
        .map(|p| {
            format!(
                "{} ({})",
                code(p.name, true),
                cell(&p.default_json().to_string())
            )
        })
        .collect();
    let mut cells = vec![
        format!(
            "[{}]({})",
            code(meta.id, true),
            link_target(&format!("{}.md", meta.id))
        ),
        cell(meta.title),
        level_word(meta.level).to_owned(),
        params.join(", "),
    ];
    for b in baselines {
        cells.push(match b.baseline.rules.get(meta.id) {
            Some(rule) if rule.level == RuleLevel::Required => {
                format!("{} **required**", weight_text(rule.weight))
            }
            Some(rule) => weight_text(rule.weight),
            None => "—".to_owned(),
        });
    }
    if let Some(file) = file {
        cells.push(code_link(file, &format!("../../{file}"), true));
    }
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}
