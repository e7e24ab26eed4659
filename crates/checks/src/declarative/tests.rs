//! Loader tests (every error names its line) and the shipped checks (`checks/*.yaml`) in a
//! check set; their fixture cases (`fixtures/checks/<id>/`) run in `crate::fixtures`.

use std::path::PathBuf;

use govscan_model::Status;

use super::*;
use crate::fixtures::load;

const VALID: &str = "\
id: http.example-header
family: http
title: An example header is sent
level: should
rationale: Because.
remediation: Send it.
references:
  - title: Example
    url: https://example.org/spec
rule:
  header:
    name: X-Example
    expect: present
";

fn load_err(text: &str) -> DeclarativeError {
    match DeclarativeCheck::from_yaml("t.yaml", text) {
        Ok(c) => panic!("loaded {:?}, expected an error", c.meta().id),
        Err(e) => e,
    }
}

/// Replaces one line of VALID (1-based) with `with` (may be several lines).
fn edit(line: usize, with: &str) -> String {
    let mut lines: Vec<&str> = VALID.lines().collect();
    lines[line - 1] = with;
    lines.join("\n") + "\n"
}

/// VALID with its `rule:` block replaced by `body` (indented under `rule:`, from line 11).
fn with_rule(body: &str) -> String {
    let head = VALID.split("rule:\n").next().unwrap_or_default();
    format!("{head}rule:\n{body}")
}

#[test]
fn a_valid_check_loads_with_its_metadata() {
    let check = DeclarativeCheck::from_yaml("t.yaml", VALID).expect("valid");
    let meta = check.meta();
    assert_eq!(meta.id, "http.example-header");
    assert_eq!(meta.family, govscan_model::Family::Http);
    assert_eq!(meta.level, govscan_model::Level::Should);
    assert_eq!(meta.references[0].url, "https://example.org/spec");
    assert_eq!(check.source(), "t.yaml:1");
    assert_eq!(check.on_mismatch(), Status::Fail);
    assert!(
        matches!(check.rule(), Rule::Header { name, expect: HeaderExpect::Present } if name == "x-example")
    );
}

#[test]
fn the_catalog_names_each_declarative_checks_file_and_conversion() {
    let converted =
        format!("{VALID}origin: Nuclei template example (example.yaml), severity low\n");
    let set = CheckSet::from_checks(vec![
        DeclarativeCheck::from_yaml("examples/checks/t.yaml", &converted).expect("valid"),
    ])
    .expect("a set");
    let catalog = set.catalog();
    assert_eq!(
        catalog.origin("http.example-header"),
        Some(&govscan_model::CheckOrigin {
            file: "examples/checks/t.yaml".to_owned(),
            converted_from: Some("Nuclei template example (example.yaml), severity low".to_owned()),
        })
    );
    assert_eq!(
        catalog.origin("http.hsts"),
        None,
        "a built-in check has no origin"
    );
    assert!(catalog.find("http.hsts").is_some());
}

#[test]
fn every_error_names_the_file_and_line() {
    let cases: Vec<(String, u64, &str)> = vec![
        (format!("{VALID}colour: blue\n"), 14, "colour"),
        (
            edit(13, "    expect: present\n    colour: blue"),
            14,
            "colour",
        ),
        (edit(1, "id: web.example"), 1, "unknown family prefix"),
        (edit(1, "id: http.Example_Header"), 1, "kebab-case"),
        (edit(1, "id: nodot"), 1, "<family>"),
        (edit(2, "family: dns"), 2, "does not match"),
        (edit(4, "level: required"), 4, "must, should or may"),
        (edit(9, "    url: http://example.org/spec"), 9, "https"),
        (
            edit(13, "    expect: matches\n    pattern: '(unclosed'"),
            14,
            "bad regex",
        ),
        (edit(13, "    expect: matches"), 13, "needs a pattern"),
        (
            edit(13, "    expect: sometimes"),
            13,
            "present, absent or matches",
        ),
        (edit(12, "    name: 'bad header'"), 12, "field name"),
        (edit(3, "title: ''"), 3, "title is empty"),
        (
            VALID.replace(
                "references:\n  - title: Example\n    url: https://example.org/spec\n",
                "references: []\n",
            ),
            7,
            "at least one",
        ),
        (
            with_rule("  dns_txt:\n    at: dmarc\n    expect: matches\n    pattern: x\n"),
            12,
            "belongs to family",
        ),
        (
            format!("{VALID}on_mismatch: explode\n"),
            14,
            "fail, warn or info",
        ),
        (
            with_rule("  path:\n    path: //evil.example/x\n    status: [200]\n"),
            12,
            "same-origin",
        ),
        (with_rule("  path:\n    path: /x\n"), 12, "at least one of"),
        (
            with_rule("  path:\n    path: /x\n    status: [1000]\n"),
            13,
            "status",
        ),
        (
            with_rule(
                "  header:\n    name: X\n    expect: present\n  path:\n    path: /x\n    status: [200]\n",
            ),
            11,
            "exactly one",
        ),
        ("id: [unclosed\n".to_owned(), 1, ""),
    ];
    for (text, line, needle) in cases {
        let err = load_err(&text);
        assert_eq!(err.file, "t.yaml", "{err}");
        assert_eq!(err.line, Some(line), "{err}\n--- for:\n{text}");
        assert!(
            err.message.contains(needle),
            "{err} does not say {needle:?}"
        );
        assert!(
            err.to_string().starts_with(&format!("t.yaml:{line}: ")),
            "{err}"
        );
    }
}

#[test]
fn a_huge_regex_is_refused_not_compiled() {
    let err = load_err(&edit(
        13,
        "    expect: matches\n    pattern: '(\\w{100}){100}'",
    ));
    assert_eq!(err.line, Some(14), "{err}");
    assert!(err.message.contains("bad regex"), "{err}");
}

fn write_dir(files: &[(&str, &str)]) -> tempdir::Dir {
    let dir = tempdir::Dir::new();
    for (name, text) in files {
        std::fs::write(dir.0.join(name), text).expect("write");
    }
    dir
}

/// A throw-away directory under the target dir (no extra dev-dependency).
mod tempdir {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU32, Ordering};

    static NEXT: AtomicU32 = AtomicU32::new(0);

    pub(super) struct Dir(pub(super) PathBuf);

    impl Dir {
        pub(super) fn new() -> Dir {
            let n = NEXT.fetch_add(1, Ordering::SeqCst);
            let path = std::env::temp_dir()
                .join(format!("govscan-declarative-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("mkdir");
            Dir(path)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn duplicate_ids_are_refused_naming_both_files() {
    let dir = write_dir(&[("a.yaml", VALID), ("b.yaml", VALID)]);
    let err = CheckSet::load(std::slice::from_ref(&dir.0)).expect_err("duplicate");
    assert!(err.file.ends_with("b.yaml"), "{err}");
    assert_eq!(err.line, Some(1));
    assert!(err.message.contains("a.yaml:1"), "{err}");
}

#[test]
fn an_id_of_a_builtin_check_is_refused() {
    let text = VALID.replace("http.example-header", "http.hsts");
    let dir = write_dir(&[("hsts.yaml", &text)]);
    let err = CheckSet::load(std::slice::from_ref(&dir.0)).expect_err("clash");
    assert_eq!(err.line, Some(1), "{err}");
    assert!(err.message.contains("built-in"), "{err}");
}

#[test]
fn the_same_directory_twice_is_read_once_and_other_files_are_ignored() {
    let dir = write_dir(&[("a.yaml", VALID), ("notes.txt", "not a check")]);
    let set = CheckSet::load(&[dir.0.clone(), dir.0.join("."), dir.0.clone()]).expect("loads");
    assert_eq!(set.declarative().len(), 1);
    assert_eq!(set.ids().len(), crate::ALL.len() + 1);
    assert!(set.find("http.example-header").is_some());
    assert!(set.find("http.hsts").is_some());
}

#[test]
fn a_missing_directory_is_an_error() {
    let err = CheckSet::load(&[PathBuf::from("/nonexistent/govscan-checks")]).expect_err("missing");
    assert!(
        err.message.contains("cannot read checks directory"),
        "{err}"
    );
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shipped() -> CheckSet {
    CheckSet::load(&[repo().join("checks")]).expect("the shipped checks load")
}

#[test]
fn shipped_checks_load_and_declare_their_paths() {
    let set = shipped();
    assert!(set.declarative().len() >= 3);
    assert_eq!(
        set.declared_paths(),
        [
            "/",
            "/.DS_Store",
            "/.env",
            "/.git/HEAD",
            "/icons/",
            "/server-status"
        ]
    );
    for check in set.declarative() {
        let file = repo()
            .join("checks")
            .join(format!("{}.yaml", check.meta().id));
        assert!(
            file.is_file(),
            "{} is not in {}",
            check.meta().id,
            file.display()
        );
    }
}

#[test]
fn check_set_evaluates_builtins_and_declarative_checks() {
    let set = shipped();
    let (obs, ctx, _) = load(&crate::fixtures::case_path(
        "http.x-powered-by-absent",
        "warn_express",
    ));
    let outcomes = set.evaluate_all(&obs, &ctx);
    assert_eq!(outcomes.len(), crate::ALL.len() + set.declarative().len());
    let builtin = crate::evaluate_all(&obs, &ctx);
    assert_eq!(&outcomes[..builtin.len()], &builtin[..]);
    let powered = outcomes
        .iter()
        .find(|o| o.check == "http.x-powered-by-absent")
        .expect("outcome");
    assert_eq!(powered.status, Status::Warn);
}

#[test]
fn a_dns_txt_rule_can_read_the_dmarc_record_that_applies() {
    let mail = VALID
        .replace("id: http.example-header", "id: mail.example-dmarc")
        .replace("family: http", "family: mail");
    let rule = |at: &str| {
        let head = mail.split("rule:\n").next().unwrap_or_default();
        format!("{head}rule:\n  dns_txt:\n    at: {at}\n    expect: matches\n    pattern: rua\n")
    };
    let check = DeclarativeCheck::from_yaml("t.yaml", &rule("dmarc_record")).expect("valid");
    assert!(matches!(
        check.rule(),
        Rule::DnsTxt {
            at: TxtAt::DmarcRecord,
            ..
        }
    ));
    assert_eq!(check.meta().needs, &[govscan_model::Need::DnsDmarc]);
    let err = load_err(&rule("dmarc_policy"));
    assert_eq!(err.line, Some(12), "{err}");
    assert!(err.message.contains("dmarc_record"), "{err}");
}

#[test]
fn the_rule_s_findings_are_declared_with_the_file_s_meanings() {
    let generic = DeclarativeCheck::from_yaml("t.yaml", VALID).expect("valid");
    let keys: Vec<(&str, Status)> = generic
        .meta()
        .findings
        .iter()
        .map(|f| (f.key, f.status))
        .collect();
    assert_eq!(
        keys,
        [
            ("header_present", Status::Pass),
            ("header_missing", Status::Fail)
        ]
    );
    let own = VALID.replace(
        "rule:\n",
        "on_mismatch: warn\nfindings:\n  - key: header_missing\n    status: warn\n    meaning: no X-Example, so nobody knows\nrule:\n",
    );
    let check = DeclarativeCheck::from_yaml("t.yaml", &own).expect("valid");
    let missing = check.meta().finding("header_missing").expect("declared");
    assert_eq!(missing.status, Status::Warn);
    assert_eq!(missing.meaning, "no X-Example, so nobody knows");
    assert_eq!(
        check.meta().finding("header_present").map(|f| f.meaning),
        Some("the header is sent")
    );
}

#[test]
fn a_finding_the_rule_does_not_emit_or_with_another_status_is_an_error_at_its_line() {
    let with = |entry: &str| VALID.replace("rule:\n", &format!("findings:\n{entry}rule:\n"));
    let err = load_err(&with(
        "  - key: header_absent\n    status: pass\n    meaning: x\n",
    ));
    assert_eq!(err.line, Some(11), "{err}");
    assert!(
        err.message.contains("header_present, header_missing"),
        "{err}"
    );
    let err = load_err(&with(
        "  - key: header_missing\n    status: warn\n    meaning: x\n",
    ));
    assert_eq!(err.line, Some(12), "{err}");
    assert!(err.message.contains("has status fail"), "{err}");
    let twice = "  - key: header_missing\n    status: fail\n    meaning: x\n";
    let err = load_err(&with(&format!("{twice}{twice}")));
    assert!(err.message.contains("declared twice"), "{err}");
    let err = load_err(&with(
        "  - key: header_missing\n    status: fail\n    meaning: \"\"\n",
    ));
    assert!(err.message.contains("meaning"), "{err}");
}

#[test]
fn declared_parameters_are_in_the_metadata_with_their_doc() {
    let text = "\
id: cert.key-strength-yaml
family: cert
title: Keys are strong
level: must
rationale: Because.
remediation: Use a longer key.
references:
  - title: Example
    url: https://example.org/spec
params:
  min_rsa_bits: {type: integer, default: 2048, min: 1024, max: 16384, doc: smallest RSA key}
rule:
  all:
    - read: cert.rsa_bits
      at_least: \"{params.min_rsa_bits}\"
";
    let check = DeclarativeCheck::from_yaml("t.yaml", text).expect("valid");
    let param = check.meta().param("min_rsa_bits").expect("declared");
    assert_eq!(param.doc, "smallest RSA key");
    assert_eq!(param.default_json(), serde_json::json!(2048));
    assert_eq!(check.params(), check.meta().params);
}
