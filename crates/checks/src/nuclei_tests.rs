//! The Nuclei importer over templates written for these tests in Nuclei's format
//! (`fixtures/nuclei/{accepted,refused}`): the passive ones convert into checks that load and
//! judge; every other one is refused with its reason.

use std::path::PathBuf;

use govscan_model::{Observations, Status};
use serde_json::json;

use crate::declarative::DeclarativeCheck;
use crate::fixtures::{FIXTURE_NOW, base_observations, merge_patch};
use crate::nuclei::convert;
use crate::{Check, Context};

fn dir(kind: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/nuclei")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect()
}

#[test]
fn passive_templates_convert_into_checks_that_load() {
    let accepted = dir("accepted");
    assert!(accepted.len() >= 4);
    for (name, text) in accepted {
        let converted = convert(&name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let check = DeclarativeCheck::from_yaml(&name, &converted.yaml).expect("loads");
        assert_eq!(check.meta().id, converted.id);
        assert!(
            check
                .origin()
                .is_some_and(|o| o.contains("Nuclei template")),
            "{name}"
        );
    }
}

#[test]
fn every_other_template_is_refused_with_its_reason() {
    let expected = [
        ("code.yaml", "code"),
        ("dsl-beyond.yaml", "dsl"),
        ("fuzzing.yaml", "fuzzing"),
        ("headers.yaml", "headers"),
        ("headless.yaml", "browser"),
        ("multistep.yaml", "multi-step"),
        ("offsite.yaml", "same origin"),
        ("oob.yaml", "out-of-band"),
        ("payloads.yaml", "payloads"),
        ("post.yaml", "body"),
    ];
    let refused = dir("refused");
    assert_eq!(refused.len(), expected.len());
    for ((name, text), (want_name, reason)) in refused.iter().zip(expected) {
        assert_eq!(name, want_name);
        let err = convert(name, text).expect_err(name).to_string();
        assert!(
            err.starts_with("refused:") && err.contains(reason),
            "{name}: {err}"
        );
    }
}

fn with_path(path: &str, status: u16, body: &str) -> Observations {
    let mut o = base_observations();
    merge_patch(
        &mut o,
        &json!({"dns": {"a": {"state": "ok", "value": ["192.0.2.10"]}}, "endpoints": [{
            "address": "192.0.2.10",
            "tls": {"state": "skipped", "why": "-"}, "http": {"state": "skipped", "why": "-"},
            "https": {"state": "skipped", "why": "-"}, "security_txt": {"state": "skipped", "why": "-"},
            "paths": [{"path": path, "result": {"state": "ok", "value": {
                "url": format!("https://example.test{path}"), "status": status, "headers": [],
                "body_len": body.len(), "body_truncated": false, "body_text": body}}}]}]}),
    );
    serde_json::from_value(o).expect("observations")
}

#[test]
fn a_converted_template_judges_like_the_template_matches() {
    let text = dir("accepted")
        .into_iter()
        .find(|(n, _)| n == "exposed-backup-listing.yaml")
        .expect("template")
        .1;
    let converted = convert("exposed-backup-listing.yaml", &text).expect("converts");
    let check = DeclarativeCheck::from_yaml("x.yaml", &converted.yaml).expect("loads");
    assert_eq!(check.declared_paths(), vec!["/backup/".to_owned()]);
    let ctx = Context::with_now(FIXTURE_NOW);
    let judge = |o: &Observations| crate::runner::evaluate_one(&check, o, &ctx).status;
    let listing = "<title>Index of /backup</title><a href=\"/\">Parent Directory</a>";
    assert_eq!(judge(&with_path("/backup/", 200, listing)), Status::Fail);
    assert_eq!(judge(&with_path("/backup/", 404, listing)), Status::Pass);
    assert_eq!(
        judge(&with_path("/backup/", 200, "<title>Home</title>")),
        Status::Pass
    );
    // Nuclei's words are case-sensitive unless the template says otherwise.
    assert_eq!(
        judge(&with_path("/backup/", 200, "index of /BACKUP")),
        Status::Pass
    );
}
