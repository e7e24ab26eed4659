//! No control character from scan data reaches the terminal: every printer of the real binary
//! (diff, the scan summary, rescore, history, `checks list|explain`, `baseline show`, errors
//! that quote a value or a path, warnings, and every `--format json`) is fed a hostile string —
//! a window-title OSC, a screen-clearing CSI, a colour, a carriage return, the 8-bit CSI, a
//! right-to-left override and DEL — and its stdout and stderr must hold none of the characters
//! of `govscan_model::terminal::is_unsafe_for_terminal`, while showing the escaped form.
//! A source test also proves that nothing in the project prints around the filter.

mod terminal_support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use govscan_store::Store;
use serde_json::Value;
use terminal_support::{assert_clean, govscan, recorded_scan};

/// What a hostile certificate SAN, header or target file could carry.
const HOSTILE: &str =
    "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31m\rhidden\u{9b}31m\u{202e}gro.live\u{7f}\u{8}";
/// The same string in a YAML double-quoted scalar.
const HOSTILE_YAML: &str = r#""evil\e]0;pwned\a\e[2J\e[31m\rhidden\x9b31m\u202Egro.live\x7f\b""#;

/// A recorded scan whose first domain has a hostile name, grade cap and outcome messages,
/// with the first outcome's status set to `status`.
fn hostile_scan(day: u32, status: &str) -> Value {
    let mut scan = recorded_scan(&format!("2026-11-0{day}T02:30:00Z"));
    let domain = &mut scan["domains"][0];
    domain["domain"] = Value::from(format!("{HOSTILE}.example"));
    domain["grade_cap"] = Value::from(HOSTILE);
    for outcome in domain["outcomes"].as_array_mut().expect("outcomes") {
        outcome["message"] = Value::from(format!("SAN {HOSTILE}"));
    }
    domain["outcomes"][0]["status"] = Value::from(status);
    scan
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(value).expect("json")).expect("write");
}

#[test]
fn diff_never_prints_a_control_character() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, new) = (dir.path().join("old.json"), dir.path().join("new.json"));
    write_json(&old, &hostile_scan(1, "pass"));
    write_json(&new, &hostile_scan(1, "fail"));
    for format in ["text", "json"] {
        let output = govscan(dir.path(), args!["diff", &old, &new, "--format", format]);
        assert!(output.status.success(), "{output:?}");
        assert_clean(&format!("diff --format {format}"), &output);
    }
    // The JSON is still the same document.
    let output = govscan(dir.path(), args!["diff", &old, &new, "--format", "json"]);
    let diff: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(
        diff["new_failures"][0]["domain"],
        Value::from(format!("{HOSTILE}.example"))
    );
}

#[test]
fn rescore_and_its_summary_never_print_a_control_character() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scan = dir.path().join("scan.json");
    write_json(&scan, &hostile_scan(2, "fail"));
    let out = dir.path().join("report");
    let output = govscan(dir.path(), args!["rescore", "--scan", &scan, "--out", &out]);
    assert!(output.status.success(), "{output:?}");
    assert_clean("rescore (summary)", &output);
    let output = govscan(
        dir.path(),
        args!["rescore", "--scan", &scan, "--format", "json"],
    );
    assert!(output.status.success(), "{output:?}");
    assert_clean("rescore --format json", &output);
}

#[test]
fn history_never_prints_a_control_character() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db");
    let mut store = Store::open(&db).expect("open");
    for day in [1, 2] {
        let mut scan: govscan_model::ScanResult =
            serde_json::from_value(hostile_scan(day, if day == 1 { "pass" } else { "fail" }))
                .expect("scan");
        scan.govscan_version = HOSTILE.to_owned();
        scan.baseline.version = HOSTILE.to_owned();
        store.save_scan(&scan).expect("save");
    }
    drop(store);
    for format in ["text", "json"] {
        let output = govscan(
            dir.path(),
            args!["history", "--db", &db, "--format", format],
        );
        assert!(output.status.success(), "{output:?}");
        assert_clean(&format!("history --format {format}"), &output);
    }
    let output = govscan(dir.path(), args!["diff", "--db", &db]);
    assert!(output.status.success(), "{output:?}");
    assert_clean("diff --db", &output);
}

#[test]
fn check_metadata_never_prints_a_control_character() {
    let dir = tempfile::tempdir().expect("tempdir");
    let checks = dir.path().join("hostile-checks");
    std::fs::create_dir(&checks).expect("mkdir");
    std::fs::write(
        checks.join("http.hostile-title.yaml"),
        format!(
            "id: http.hostile-title\nfamily: http\ntitle: {HOSTILE_YAML}\nlevel: may\n\
             rationale: {HOSTILE_YAML}\nremediation: {HOSTILE_YAML}\nreferences:\n  \
             - title: {HOSTILE_YAML}\n    url: https://example.org/\non_mismatch: info\n\
             rule:\n  header:\n    name: X-Hostile\n    expect: present\n"
        ),
    )
    .expect("write check");
    let cases: [&[&OsStr]; 4] = [
        args!["checks", "--checks-dir", &checks, "list"],
        args![
            "checks",
            "--checks-dir",
            &checks,
            "list",
            "--format",
            "json"
        ],
        args![
            "checks",
            "--checks-dir",
            &checks,
            "explain",
            "http.hostile-title"
        ],
        args![
            "checks",
            "--checks-dir",
            &checks,
            "explain",
            "http.hostile-title",
            "--format",
            "json"
        ],
    ];
    for argv in cases {
        let output = govscan(dir.path(), argv);
        assert!(output.status.success(), "{argv:?}: {output:?}");
        assert_clean(&format!("{argv:?}"), &output);
    }
}

#[test]
fn errors_and_warnings_never_print_a_control_character() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A file:line error that quotes the bad value.
    let targets = dir.path().join("targets.yaml");
    std::fs::write(
        &targets,
        format!(
            "organisations:\n  - name: Org\n    kind: {HOSTILE_YAML}\n    domains:\n      - name: a.test\n"
        ),
    )
    .expect("write");
    let output = govscan(dir.path(), args!["scan", "--no-db", "--targets", &targets]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_clean("targets error", &output);

    // A baseline whose title and id are hostile: `baseline validate` names the bad id.
    let estonia = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("baselines/estonia.yaml"),
    )
    .expect("read baseline");
    let bad_id = dir.path().join("bad-id.yaml");
    std::fs::write(
        &bad_id,
        estonia.replacen("id: estonia", &format!("id: {HOSTILE_YAML}"), 1),
    )
    .expect("write");
    let output = govscan(dir.path(), args!["baseline", "validate", &bad_id]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_clean("baseline validate error", &output);
    let titled = dir.path().join("titled.yaml");
    std::fs::write(
        &titled,
        estonia.replacen("title: Estonia", &format!("title: {HOSTILE_YAML}"), 1),
    )
    .expect("write");
    let output = govscan(dir.path(), args!["baseline", "show", &titled]);
    assert!(output.status.success(), "{output:?}");
    assert_clean("baseline show", &output);

    // An error that quotes a path (a file name is data too).
    let name = dir.path().join(format!("{HOSTILE}.json"));
    std::fs::write(&name, "not json").expect("write");
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{}").expect("write");
    let output = govscan(dir.path(), args!["diff", &name, &other]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_clean("diff error naming a path", &output);

    // A warning that quotes organisation names, and the scan's JSON output.
    std::fs::write(
        &targets,
        format!(
            "organisations:\n  - name: {HOSTILE_YAML}\n    kind: agency\n    domains:\n      - name: a.test\n\
             \x20 - name: Other\n    kind: agency\n    domains:\n      - name: a.test\n"
        ),
    )
    .expect("write");
    let output = govscan(
        dir.path(),
        args![
            "scan",
            "--no-db",
            "--format",
            "json",
            "--resolver",
            "127.0.0.1:9",
            "--dns-timeout",
            "100ms",
            "--domain-timeout",
            "5s",
            "--targets",
            &targets
        ],
    );
    // Nothing listens on the resolver's port: the scan measured this host, not the domain, and
    // says so with exit 3 and its banner, which must be as clean as the warning.
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_clean("scan warning, unhealthy banner and --format json", &output);
    let json: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["organisations"][0]["name"], Value::from(HOSTILE));
}

/// Every `println!`/`print!`/`eprintln!`/`eprint!` in the project's sources either is the
/// terminal filter itself (`src/cli/terminal.rs`) or passes its text through `terminal_safe`;
/// progress-bar messages likewise.
#[test]
fn every_printer_goes_through_the_terminal_filter() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect_rs(&root.join("src"), &mut files);
    for krate in std::fs::read_dir(root.join("crates")).expect("crates") {
        collect_rs(&krate.expect("entry").path().join("src"), &mut files);
    }
    let mut raw = Vec::new();
    for file in files {
        if file.ends_with("src/cli/terminal.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read source");
        // Unit tests at the bottom of a file may print freely.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for pattern in [
            "println!(",
            "print!(",
            "eprintln!(",
            "eprint!(",
            ".set_message(",
            ".println(",
        ] {
            for (at, _) in code.match_indices(pattern) {
                let before = code[..at].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' {
                    continue; // outln!, errln!, …
                }
                let statement = code[at..].split(';').next().unwrap_or_default();
                if !statement.contains("terminal_safe") {
                    let line = code[..at].lines().count();
                    raw.push(format!("{}:{line}: {pattern}", file.display()));
                }
            }
        }
    }
    assert!(
        raw.is_empty(),
        "printing around the terminal filter (use outln!/out!/errln! from src/cli/terminal.rs):\n{}",
        raw.join("\n")
    );
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}
