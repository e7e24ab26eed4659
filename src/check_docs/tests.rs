//! The committed `docs/checks/` is what the generator writes (ruff's check mode), and a check
//! file with hostile text still gives a well-formed page.

use std::collections::BTreeMap;
use std::path::Path;

use govscan_checks::Check as _;
use govscan_checks::declarative::DeclarativeCheck;
use serde_json::json;

use super::*;

/// Compares every generated file with `docs/checks/`; with `GOVSCAN_UPDATE_DOCS` set, writes
/// them and removes pages of checks that no longer exist.
#[test]
fn check_docs_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = render_docs(root).unwrap_or_else(|e| panic!("rendering the check docs: {e}"));
    let update = std::env::var_os("GOVSCAN_UPDATE_DOCS").is_some();
    let problems = sync_dir(&root.join("docs/checks"), &files, update);
    assert!(
        problems.is_empty(),
        "{}\nregenerate with: GOVSCAN_UPDATE_DOCS=1 cargo test -p govscan --lib check_docs",
        problems.join("\n")
    );
}

/// What differs between `dir` and `files` (a missing, stale or orphan `.md` file), or, with
/// `update`, nothing after making `dir` match.
fn sync_dir(dir: &Path, files: &BTreeMap<String, String>, update: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, content) in files {
        let path = dir.join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == *content {
            continue;
        }
        if update {
            std::fs::write(&path, content).expect("write a check page");
        } else if committed.is_empty() {
            problems.push(format!("docs/checks/{name} is missing"));
        } else {
            problems.push(format!("docs/checks/{name} is out of date"));
        }
    }
    for entry in std::fs::read_dir(dir).expect("docs/checks") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".md") && !files.contains_key(&name) {
            if update {
                std::fs::remove_file(dir.join(&name)).expect("remove an orphan page");
            } else {
                problems.push(format!("docs/checks/{name} belongs to no check"));
            }
        }
    }
    problems
}

#[test]
fn a_stale_a_missing_and_an_orphan_page_are_found_and_fixed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: BTreeMap<String, String> = [
        ("README.md".to_owned(), "index\n".to_owned()),
        ("a.b.md".to_owned(), "page\n".to_owned()),
        ("a.c.md".to_owned(), "new\n".to_owned()),
    ]
    .into();
    std::fs::write(dir.path().join("README.md"), "index\n").expect("write");
    std::fs::write(dir.path().join("a.b.md"), "old page\n").expect("write");
    std::fs::write(dir.path().join("gone.check.md"), "orphan\n").expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not a page").expect("write");
    let problems = sync_dir(dir.path(), &files, false);
    assert_eq!(
        problems,
        [
            "docs/checks/a.b.md is out of date",
            "docs/checks/a.c.md is missing",
            "docs/checks/gone.check.md belongs to no check"
        ]
    );
    assert!(sync_dir(dir.path(), &files, true).is_empty());
    assert!(sync_dir(dir.path(), &files, false).is_empty(), "updated");
    assert!(!dir.path().join("gone.check.md").exists());
    assert!(
        dir.path().join("notes.txt").exists(),
        "only pages are touched"
    );
}

#[test]
fn every_check_of_the_set_gets_a_page_and_an_index_link() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = render_docs(root).expect("render");
    let set = govscan_checks::CheckSet::load(&[root.join("checks")]).expect("shipped checks");
    assert!(
        !set.declarative().is_empty(),
        "checks/ ships declarative checks"
    );
    let index = &files["README.md"];
    for id in set.ids() {
        let page = files
            .get(&format!("{id}.md"))
            .unwrap_or_else(|| panic!("{id} has no page"));
        assert!(
            index.contains(&format!("]({id}.md)")),
            "the index links {id}"
        );
        for section in [
            "## Findings",
            "## Parameters",
            "## In the shipped baselines",
            "## Sources",
        ] {
            assert!(page.contains(section), "{id}: no {section}");
        }
        assert!(page.contains("baselines/estonia.yaml"), "{id}");
        assert!(page.contains("baselines/netherlands.yaml"), "{id}");
    }
    let hsts = &files["http.hsts.md"];
    assert!(hsts.contains("`min_max_age`"), "parameters are listed");
    assert!(
        hsts.contains("| pass | one year |"),
        "fixture cases are listed in words"
    );
    assert!(
        hsts.contains("crates/checks/src/http/hsts.rs"),
        "the origin is named"
    );
    let declarative = &files["http.x-powered-by-absent.md"];
    assert!(declarative.contains("declarative check, [`checks/http.x-powered-by-absent.yaml`]"));
    assert!(
        declarative.contains("expect: absent"),
        "the rule as written"
    );
    assert!(declarative.contains("| warn | express |"), "{declarative}");
}

const HOSTILE: &str = r##"id: http.odd-text
family: http
title: "A | B <script>alert(1)</script> ``` # [x](javascript:alert(1))"
level: may
rationale: "# not a heading\n- not a list\n```\n</details> | <img src=x onerror=alert(1)>\n    indented"
remediation: "1. not a list\n> not a quote\n`unclosed code | pipe"
references:
  - title: "a | b ](javascript:alert(1)) ["
    url: "https://example.test/a)b|c<d>"
findings:
  - key: rule_holds
    status: pass
    meaning: "a | b <b>bold</b>"
  - key: rule_mismatch
    status: warn
    meaning: "```"
params:
  words:
    type: list
    default: ["a|b", "`c`"]
    doc: "pipes | and </td> in a doc"
on_mismatch: warn
rule:
  all:
    # ```` a fence inside a comment
    - read: tls.versions
      contains: tls13
    - read: cert.issuer
      in: "{params.words}"
"##;

/// The page without its fenced blocks and code spans (whose content Markdown shows
/// literally).
fn outside_code(text: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let run: String = line.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(open) if run == *open && line.trim_end() == open.as_str() => fence = None,
            Some(_) => {}
            None if run.len() >= 3 => fence = Some(run),
            None => {
                let mut in_span: Option<usize> = None;
                let chars: Vec<char> = line.chars().collect();
                let mut i = 0;
                while i < chars.len() {
                    if chars[i] == '`' && (i == 0 || chars[i - 1] != '\\') {
                        let len = chars[i..].iter().take_while(|c| **c == '`').count();
                        in_span = match in_span {
                            Some(open) if open == len => None,
                            Some(open) => Some(open),
                            None => Some(len),
                        };
                        i += len;
                        continue;
                    }
                    if in_span.is_none() {
                        out.push(chars[i]);
                    }
                    i += 1;
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Cells of a table row: `|` not escaped by a backslash, minus the outer two.
fn cells(line: &str) -> usize {
    let mut count: usize = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count.saturating_sub(1)
}

#[test]
fn a_check_file_with_odd_text_gives_a_well_formed_page() {
    let check = DeclarativeCheck::from_yaml("checks/odd.yaml", HOSTILE)
        .unwrap_or_else(|e| panic!("the hostile file must load: {e}"));
    let cases = vec![FixtureCase {
        path: "fixtures/checks/http.odd-text/warn_a_b.json".to_owned(),
        status: "warn".to_owned(),
        case: "a | b </summary><script>".to_owned(),
        finding: Some("rule_mismatch".to_owned()),
        params: Some(json!({"words": ["```"]})),
        base: Some("http".to_owned()),
        now_unix: None,
        observations: json!({"note": "```` </details> | <script>"}),
    }];
    let page = CheckPage {
        meta: check.meta(),
        defined_in: DefinedIn::Declarative {
            file: "checks/odd (1).yaml".to_owned(),
            converted_from: Some("Nuclei | x <b>".to_owned()),
            rule_text: rule_text(HOSTILE),
        },
        cases: &cases,
    };
    let text = render_page(&page, &[]);
    // Raw HTML and links from the file never reach the page unescaped (code is literal).
    let prose = outside_code(&text);
    for bad in ["<script", "<img", "<b>", "</td>", "](javascript"] {
        let escaped = format!("\\{bad}");
        assert_eq!(
            prose.matches(bad).count(),
            prose.matches(&escaped).count(),
            "{bad} unescaped in\n{prose}"
        );
    }
    assert_eq!(prose.matches("</details>").count(), 1, "{text}");
    // Only the generator's headings are headings.
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(headings.len(), 9, "{headings:?}");
    // Every table row has as many cells as its header.
    let mut columns = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let n = cells(line);
        match columns {
            None => columns = Some(n),
            Some(c) => assert_eq!(n, c, "row {line:?}"),
        }
    }
    // Fences: every fence that opens is closed by the same fence (the content holds
    // shorter backtick runs only).
    let fences: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("```"))
        .map(|l| l.trim_end_matches(|c: char| c.is_ascii_alphabetic()))
        .collect();
    assert_eq!(fences.len() % 2, 0, "{fences:?}");
    for pair in fences.chunks(2) {
        assert_eq!(pair[0], pair[1], "{text}");
    }
    assert!(
        text.contains("checks/odd%20%281%29.yaml"),
        "link targets are encoded"
    );
}

#[test]
fn the_rule_is_cut_out_with_its_comments() {
    let text = rule_text(
        "id: a.b\non_mismatch: warn\nrule:\n  # why\n  header:\n    name: X\n\n# next\nfindings: []\n",
    );
    assert_eq!(
        text,
        "on_mismatch: warn\nrule:\n  # why\n  header:\n    name: X\n"
    );
}
