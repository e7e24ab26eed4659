//! One check's page, `docs/checks/<id>.md`: requirement, rationale, findings, parameters, its
//! rule in each shipped baseline, sources, remediation, where it is defined, and its fixture
//! cases as examples. Pure: everything it shows is handed in.

use std::fmt::Write as _;

use govscan_model::{CheckMeta, FindingDecl, Level, Need, ParamKind};
use govscan_score::{Origin as SourceOrigin, RuleLevel, Strength};

use super::examples::examples;
use super::fixture_cases::FixtureCase;
use super::markdown::{cell, code, code_block, code_link, inline, line, link, paragraphs};
use super::{GENERATED_NOTE, ShippedBaseline};

/// Where a check is defined.
#[derive(Debug, Clone, PartialEq)]
pub enum DefinedIn {
    /// A built-in check; its source file relative to the repository, when found.
    BuiltIn {
        /// e.g. `crates/checks/src/http/hsts.rs`.
        file: Option<String>,
        /// What the check judges: the `//!` lines at the top of that file, when there are.
        judges: Option<String>,
    },
    /// A declarative check file.
    Declarative {
        /// The file relative to the repository, e.g. `checks/http.x-powered-by-absent.yaml`.
        file: String,
        /// What it was converted from, when the file says.
        converted_from: Option<String>,
        /// The rule as written in the file (`rule:` or `tree:` and what goes with it).
        rule_text: String,
    },
}

/// Everything one page shows.
#[derive(Debug)]
pub struct CheckPage<'a> {
    /// The check's metadata.
    pub meta: &'a CheckMeta,
    /// Where it is defined.
    pub defined_in: DefinedIn,
    /// Its fixture cases.
    pub cases: &'a [FixtureCase],
}

/// A path relative to the repository, as a link target from `docs/checks/` (an absolute
/// path, e.g. an installed check file, as it is).
pub(crate) fn from_docs(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("../../{path}")
    }
}

pub(crate) fn level_word(level: Level) -> &'static str {
    match level {
        Level::Must => "must",
        Level::Should => "should",
        Level::May => "may",
    }
}

fn need_words(need: Need) -> &'static str {
    match need {
        Need::DnsAddresses => "the A and AAAA lookups",
        Need::DnsAaaa => "the AAAA lookup",
        Need::DnsTxt => "the TXT records at the domain",
        Need::DnsDmarc => "the TXT records at `_dmarc`",
        Need::DnsCaa => "the CAA lookup",
        Need::DnsMx => "the MX lookup",
        Need::DnsNs => "the NS lookup",
        Need::DnsSoa => "the SOA lookup",
        Need::Tls => "the TLS handshake on every endpoint",
        Need::Http => "`GET /` over http:// on every endpoint",
        Need::Https => "`GET /` over https:// on every endpoint",
        Need::SecurityTxt => "`/.well-known/security.txt` on every endpoint",
        Need::Paths => "the declared same-origin paths over https:// on every endpoint",
    }
}

fn kind_words(kind: ParamKind) -> (&'static str, String) {
    match kind {
        ParamKind::Integer { min, max } => ("integer", format!("{min} to {max}")),
        ParamKind::Bool => ("boolean", "true or false".to_owned()),
        ParamKind::Text => (
            "text",
            format!("at most {} characters", govscan_model::MAX_PARAM_TEXT),
        ),
        ParamKind::List { max_items } => ("list of text", format!("at most {max_items} items")),
        ParamKind::OneOf { values } => ("one of", values.join(", ")),
    }
}

fn rule_level_words(level: RuleLevel) -> &'static str {
    match level {
        RuleLevel::Required => "**required** (a failure caps the grade at C)",
        RuleLevel::Recommended => "recommended",
        RuleLevel::Optional => "optional",
    }
}

/// A weight as people write it: at most three decimals, no float noise (`176.1`, `6`).
pub(crate) fn weight_text(weight: f64) -> String {
    let rounded = (weight * 1000.0).round() / 1000.0;
    format!("{rounded}")
}

fn strength_word(strength: Strength) -> &'static str {
    match strength {
        Strength::Must => "must",
        Strength::Should => "should",
        Strength::May => "may",
    }
}

/// Renders the page.
pub fn render_page(page: &CheckPage<'_>, baselines: &[ShippedBaseline]) -> String {
    let meta = page.meta;
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", code(meta.id, false), line(meta.title));
    let _ = writeln!(out, "{GENERATED_NOTE}\n");
    let _ = writeln!(out, "[All checks](README.md)\n");
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(out, "| id | {} |", code(meta.id, true));
    let _ = writeln!(
        out,
        "| family | {} ({}) |",
        cell(meta.family.label()),
        code(meta.family.prefix(), true)
    );
    let _ = writeln!(
        out,
        "| requirement level | {} (how strongly its normative source words it, RFC 2119) |",
        level_word(meta.level)
    );
    let _ = writeln!(
        out,
        "| defined in | {} |",
        defined_in_cell(&page.defined_in)
    );
    let reads: Vec<&str> = meta.needs.iter().map(|n| need_words(*n)).collect();
    let reads = if reads.is_empty() {
        "the recorded observations it names (no probe is required)".to_owned()
    } else {
        reads.join("; ")
    };
    let _ = writeln!(out, "| reads | {} |\n", cell(&reads));

    out.push_str("## Requirement\n\n");
    out.push_str(&paragraphs(meta.title));
    if let DefinedIn::BuiltIn {
        judges: Some(judges),
        ..
    } = &page.defined_in
    {
        let _ = writeln!(out, "\nWhat it judges:\n");
        out.push_str(&paragraphs(judges));
    }
    if let DefinedIn::Declarative {
        file, rule_text, ..
    } = &page.defined_in
    {
        let _ = writeln!(
            out,
            "\nThe rule, as written in {}:\n",
            code_link(file, &from_docs(file), false)
        );
        out.push_str(&code_block(rule_text, "yaml"));
    }
    out.push_str("\n## Why it matters\n\n");
    out.push_str(&paragraphs(meta.rationale));
    out.push_str("\n## How to fix it\n\n");
    out.push_str(&paragraphs(meta.remediation));
    findings(&mut out, meta);
    parameters(&mut out, meta);
    baseline_rules(&mut out, meta, baselines);
    out.push_str("\n## Sources\n\n");
    if meta.references.is_empty() {
        out.push_str("(none cited)\n");
    }
    for r in meta.references {
        let _ = writeln!(out, "- {}", link(r.title, r.url, false));
    }
    examples(&mut out, page.cases);
    tidy(&out)
}

/// One blank line at most between blocks (inside fenced blocks the text is kept as it is),
/// and one newline at the end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    let mut blank_before = true;
    for line in text.lines() {
        let run_len = line.chars().take_while(|c| *c == '`').count();
        match fence {
            Some(open) if line.trim_end() == open => fence = None,
            Some(_) => {}
            None if run_len >= 3 => fence = Some(&line[..run_len]),
            None if line.trim().is_empty() => {
                if blank_before {
                    continue;
                }
                blank_before = true;
                out.push('\n');
                continue;
            }
            None => {}
        }
        blank_before = false;
        out.push_str(line);
        out.push('\n');
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
    out
}

fn defined_in_cell(defined_in: &DefinedIn) -> String {
    match defined_in {
        DefinedIn::BuiltIn {
            file: Some(file), ..
        } => {
            format!(
                "built-in check, {}",
                code_link(file, &from_docs(file), true)
            )
        }
        DefinedIn::BuiltIn { file: None, .. } => "built-in check".to_owned(),
        DefinedIn::Declarative {
            file,
            converted_from,
            ..
        } => {
            let mut text = format!(
                "declarative check, {}",
                code_link(file, &from_docs(file), true)
            );
            if let Some(from) = converted_from {
                let _ = write!(text, ", converted from {}", cell(from));
            }
            text
        }
    }
}

fn findings(out: &mut String, meta: &CheckMeta) {
    out.push_str("\n## Findings\n\n");
    out.push_str(
        "Every finding the check can give (an outcome's `finding`), with its status. Any \
         check can also get the runner's findings when it cannot be judged \
         ([list](README.md#findings-of-every-check)).\n\n",
    );
    if meta.findings.is_empty() {
        out.push_str("(none declared)\n");
        return;
    }
    findings_table(out, meta.findings);
}

/// The table of `findings`: key, status, meaning (a check's page and the index's runner list).
pub(crate) fn findings_table(out: &mut String, findings: &[FindingDecl]) {
    out.push_str("| finding | status | meaning |\n|---|---|---|\n");
    for f in findings {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            code(f.key, true),
            f.status.as_str(),
            cell(f.meaning)
        );
    }
}

fn parameters(out: &mut String, meta: &CheckMeta) {
    out.push_str("\n## Parameters\n\n");
    if meta.params.is_empty() {
        out.push_str("None: a baseline rule for this check takes no `params`.\n");
        return;
    }
    out.push_str(
        "Set in a baseline rule's `params:`; a name not listed here, or a value outside its \
         bounds, is rejected when the baseline is loaded.\n\n",
    );
    out.push_str("| name | kind | default | bounds | meaning |\n|---|---|---|---|---|\n");
    for p in meta.params {
        let (kind, bounds) = kind_words(p.kind);
        let _ = writeln!(
            out,
            "| {} | {kind} | {} | {} | {} |",
            code(p.name, true),
            code(&p.default_json().to_string(), true),
            cell(&bounds),
            cell(p.doc)
        );
    }
}

fn baseline_rules(out: &mut String, meta: &CheckMeta, baselines: &[ShippedBaseline]) {
    out.push_str("\n## In the shipped baselines\n\n");
    if baselines.is_empty() {
        out.push_str("(no baseline is shipped)\n");
    }
    for shipped in baselines {
        let b = &shipped.baseline;
        let name = b.title.as_deref().unwrap_or(&b.id);
        let _ = writeln!(
            out,
            "### {}\n\n{} ({} {})\n",
            line(name),
            code_link(&shipped.path, &from_docs(&shipped.path), false),
            code(&b.id, false),
            code(&b.version, false)
        );
        let Some(rule) = b.rules.get(meta.id) else {
            out.push_str("No rule: the check is run and reported, but not scored.\n\n");
            continue;
        };
        let total: f64 = b.rules.values().map(|r| r.weight).sum();
        let _ = writeln!(
            out,
            "- level: {}\n- weight: {} (of {} in the baseline)",
            rule_level_words(rule.level),
            weight_text(rule.weight),
            weight_text(total)
        );
        if let Some(params) = rule.params.as_ref().and_then(|p| p.as_object()) {
            let set: Vec<String> = params
                .iter()
                .map(|(k, v)| code(&format!("{k}: {v}"), false))
                .collect();
            let _ = writeln!(out, "- parameters: {}", set.join(", "));
        }
        let s = &rule.source;
        let mut source = format!(
            "{}: {}",
            inline(&s.issuer, false),
            link(&s.title, &s.url, false)
        );
        if let Some(version) = &s.version {
            let _ = write!(source, " ({})", inline(version, false));
        }
        let origin = match rule.origin {
            SourceOrigin::Estonia => "an Estonian source",
            SourceOrigin::External => "an external source (Estonia is silent on the point)",
        };
        let _ = writeln!(
            out,
            "- source: {source}, {origin}\n- section: {}\n- worded as: {}, read on {}",
            inline(&s.section, false),
            strength_word(s.strength),
            inline(&s.read_on, false)
        );
        if let Some(note) = &s.note {
            let _ = writeln!(out, "- note: {}", inline(note, false));
        }
        out.push('\n');
    }
}
