//! Tests of the HTML report: content, escaping of hostile values, self-containment, and files.

mod common;

use common::{ATTR, SCRIPT, sample_result};
use govscan_report::{ReportError, render_index, write_outputs};

const TEMPLATE: &str = include_str!("../../../reports/templates/index.hbs");

#[test]
fn hostile_values_are_escaped() {
    let html = render_index(&sample_result()).expect("renders");
    assert!(!html.contains(SCRIPT), "raw <script> leaked into the page");
    assert!(!html.contains("<script"), "no script element at all");
    assert!(!html.contains(ATTR), "attribute break-out leaked");
    assert!(
        !html.contains("\" onmouseover="),
        "attribute break-out leaked"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "script text shown escaped"
    );
    assert!(
        html.contains("&quot; onmouseover&#x3D;alert(2)"),
        "quote and = escaped"
    );
}

#[test]
fn template_never_uses_triple_stash_and_needs_no_external_resources() {
    assert!(
        !TEMPLATE.contains("{{{"),
        "triple-stash would print scan data unescaped"
    );
    let html = render_index(&sample_result()).expect("renders");
    for needle in [
        "<script", "src=", "<link", "@import", "url(", "<img", "<iframe", "<object",
    ] {
        assert!(
            !html.contains(needle),
            "page must be self-contained; found {needle:?}"
        );
    }
    for (i, _) in html.match_indices("href=\"") {
        assert!(
            html[i + 6..].starts_with('#'),
            "only in-page links: {}",
            &html[i..i + 40]
        );
    }
    assert!(
        html.contains("<style>") && html.contains("@media print"),
        "CSS is inlined"
    );
}

#[test]
fn page_shows_summary_table_and_every_outcome() {
    let result = sample_result();
    let html = render_index(&result).expect("renders");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("estonia 2026.1"));
    assert!(html.contains("<th scope=\"col\">Domain</th>"));
    assert!(html.contains("<th scope=\"row\"><a href=\"#domain-1\">good.lab.test</a></th>"));
    for domain in &result.domains {
        assert!(
            html.contains(&format!(">{}</h2>", domain.domain)),
            "{} has a section",
            domain.domain
        );
        for outcome in &domain.outcomes {
            assert!(
                html.contains(&format!("<code>{}</code>", outcome.check)),
                "{}",
                outcome.check
            );
        }
    }
    // Status shown as a word and a class for colour.
    for (class, word) in [
        ("status-pass", "Pass"),
        ("status-fail", "Fail"),
        ("status-warn", "Warning"),
        ("status-info", "Info"),
        ("status-na", "Not applicable"),
        ("status-inconclusive", "Inconclusive"),
    ] {
        assert!(
            html.contains(&format!("class=\"status {class}\"")),
            "{class}"
        );
        assert!(html.contains(&format!("</span> {word}</span>")), "{word}");
    }
    // Scores, grades, coverage and the cap.
    assert!(html.contains("<span class=\"grade grade-aplus\">A+</span>"));
    assert!(html.contains("<span class=\"grade grade-unknown\">?</span>"));
    assert!(html.contains("no score"));
    assert!(html.contains("Grade capped:</strong> required check failed: http.https-redirect"));
    // Evidence as pretty JSON in <pre>, escaped.
    assert!(html.contains("<pre>{\n  &quot;seen&quot;: &quot;All good.&quot;\n}</pre>"));
    // Probes that did not complete are listed.
    assert!(html.contains("Probes that did not complete"));
    assert!(html.contains("Timeout failure: timed out after 5s"));
}

#[test]
fn empty_scan_renders() {
    let mut result = sample_result();
    result.domains.clear();
    let html = render_index(&result).expect("renders an empty scan");
    assert!(html.contains("Domains scanned</dt><dd>0</dd>"));
}

#[test]
fn write_outputs_creates_the_directory_and_both_files() {
    let base = std::env::temp_dir().join(format!("govscan-report-test-{}", std::process::id()));
    let dir = base.join("nested/out");
    let result = sample_result();
    write_outputs(&result, &dir).expect("writes");
    let json = std::fs::read_to_string(dir.join("results.json")).expect("results.json");
    assert!(json.contains("\n  \"schema_version\": 1"), "pretty JSON");
    let back: govscan_model::ScanResult = serde_json::from_str(&json).expect("parses back");
    assert_eq!(back, result);
    let html = std::fs::read_to_string(dir.join("index.html")).expect("index.html");
    assert_eq!(html, render_index(&result).expect("renders"));
    // Writing again replaces the files and leaves no temporary file behind.
    write_outputs(&result, &dir).expect("rewrites");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    std::fs::remove_dir_all(&base).expect("cleanup");
}

#[test]
fn unwritable_directory_gives_a_clear_error() {
    let base = std::env::temp_dir().join(format!("govscan-report-blocked-{}", std::process::id()));
    std::fs::create_dir_all(&base).expect("tmp");
    let file = base.join("a-file");
    std::fs::write(&file, "not a directory").expect("write");
    let err =
        write_outputs(&sample_result(), &file.join("out")).expect_err("cannot create under a file");
    assert!(
        matches!(
            err,
            ReportError::Io {
                action: "create directory",
                ..
            }
        ),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("cannot create directory ") && text.contains("a-file/out"),
        "{text}"
    );
    std::fs::remove_dir_all(&base).expect("cleanup");
}
