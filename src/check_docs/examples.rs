//! The examples section of a check's page: its fixture cases, each with its status, the case
//! in words, the finding it expects, a link to the file, and its observations (cut to
//! [`MAX_PATCH_LINES`] lines).

use std::fmt::Write as _;

use super::fixture_cases::{FixtureCase, shown_patch, status_word};
use super::markdown::cell;
use super::markdown::{code, code_block, code_link, html};
use super::page::from_docs;

/// Most lines of a fixture's observations shown on a page (the file has them all).
const MAX_PATCH_LINES: usize = 40;

/// The `## Examples` section: a table of the cases, then each case's observations.
pub(crate) fn examples(out: &mut String, cases: &[FixtureCase]) {
    out.push_str("\n## Examples\n\n");
    if cases.is_empty() {
        out.push_str("(no fixture cases)\n");
        return;
    }
    out.push_str(
        "The fixture cases the check is tested with: observations (a JSON merge patch over \
         the base observations, in which every DNS lookup is answered with no records and \
         there is no endpoint, or over the per-family base a case names) and the verdict the \
         check must give. Below, probes skipped as \"not needed\" are left out, \
         long strings shortened and long patches cut (the fixture file has it all).\n\n",
    );
    out.push_str("| status | case | finding | fixture |\n|---|---|---|---|\n");
    for case in cases {
        let finding = case
            .finding
            .as_deref()
            .map_or_else(|| "—".to_owned(), |f| code(f, true));
        let file = case.path.rsplit('/').next().unwrap_or(&case.path);
        let _ = writeln!(
            out,
            "| {} | {} | {finding} | {} |",
            status_word(&case.status),
            cell(&case.case),
            code_link(file, &from_docs(&case.path), true)
        );
    }
    out.push('\n');
    for case in cases {
        let _ = writeln!(
            out,
            "<details><summary>{}: {}</summary>\n",
            html(status_word(&case.status)),
            html(&case.case)
        );
        let mut given = Vec::new();
        if let Some(base) = &case.base {
            given.push(format!("base {}", code(base, false)));
        }
        if let Some(params) = &case.params {
            given.push(format!("parameters {}", code(&params.to_string(), false)));
        }
        if let Some(now) = case.now_unix {
            given.push(format!("judged at Unix time {now}"));
        }
        let expect = case.finding.as_deref().map_or_else(
            || status_word(&case.status).to_owned(),
            |f| format!("{} with {}", status_word(&case.status), code(f, false)),
        );
        let _ = writeln!(
            out,
            "{} expects {expect}{}.\n",
            code_link(&case.path, &from_docs(&case.path), false),
            if given.is_empty() {
                String::new()
            } else {
                format!(" ({})", given.join("; "))
            }
        );
        out.push_str(&code_block(
            &shown_patch(&case.observations, MAX_PATCH_LINES),
            "json",
        ));
        out.push_str("\n</details>\n\n");
    }
}
