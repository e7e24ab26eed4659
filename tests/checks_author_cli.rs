//! The check author's commands: `checks test` judges a file over recorded observations
//! (`--domain`, `--expect` for CI), `checks lint` reports every bad file, `checks
//! import-nuclei` converts or refuses templates, and a baseline may set a declarative check's
//! declared parameters (and only those, within bounds).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn govscan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(repo())
        .args(args)
        .output()
        .expect("run govscan")
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const TLS13: &str = "examples/checks/tls.tls13-supported-yaml.yaml";
const RECORDED: &str = "fixtures/demo/day-7.json";

#[test]
fn checks_test_judges_recorded_observations_and_asserts_for_ci() {
    let out = govscan(&["checks", "test", TLS13, "--observations", RECORDED]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("good.lab.test") && stdout.contains("tls.tls13-supported-yaml:"),
        "{stdout}"
    );

    let args = [
        "checks",
        "test",
        TLS13,
        "--observations",
        RECORDED,
        "--domain",
        "good.lab.test",
    ];
    let out = govscan(&[&args[..], &["--expect", "pass"]].concat());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let out = govscan(&[&args[..], &["--expect", "fail"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("expected status fail"));

    let out = govscan(&[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["results"][0]["outcome"]["status"], "pass");
    assert!(
        json["results"][0]["outcome"]["evidence"]["endpoints"][0]["evidence"]["leaves"].is_array()
    );

    let out = govscan(&[
        "checks",
        "test",
        TLS13,
        "--observations",
        RECORDED,
        "--domain",
        "nope.test",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn checks_lint_reports_every_bad_file_with_its_line() {
    let out = govscan(&["checks", "lint", "examples/checks"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = govscan(&["checks", "lint", "checks"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let dir = scratch("lint");
    let good = std::fs::read_to_string(repo().join(TLS13)).expect("read");
    std::fs::write(dir.join("a-good.yaml"), &good).expect("write");
    std::fs::write(
        dir.join("b-bad.yaml"),
        good.replace("read: tls.versions", "read: tls.colours"),
    )
    .expect("write");
    std::fs::write(
        dir.join("c-bad.yaml"),
        good.replace("level: should", "level: sometimes"),
    )
    .expect("write");
    let out = govscan(&["checks", "lint", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("b-bad.yaml:") && stderr.contains("tls.colours"),
        "{stderr}"
    );
    assert!(
        stderr.contains("c-bad.yaml:") && stderr.contains("sometimes"),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("3 file(s), 1 valid, 2 error(s)"));
}

#[test]
fn import_nuclei_converts_passive_templates_and_refuses_the_rest() {
    let dir = scratch("nuclei");
    let dir_text = dir.to_str().expect("utf-8");
    let out = govscan(&[
        "checks",
        "import-nuclei",
        "fixtures/nuclei/accepted",
        "--out",
        dir_text,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = govscan(&["checks", "lint", dir_text]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("4 file(s), 4 valid"));
    let out = govscan(&[
        "checks",
        "explain",
        "http.nuclei-govscan-test-phpinfo",
        "--checks-dir",
        dir_text,
    ]);
    assert!(
        text(&out.stdout).contains("converted from Nuclei template govscan-test-phpinfo"),
        "{}",
        text(&out.stdout)
    );

    let out = govscan(&["checks", "import-nuclei", "fixtures/nuclei/refused"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("post.yaml: refused") && stderr.contains("0 converted, 10 refused"),
        "{stderr}"
    );
}

#[test]
fn a_baseline_sets_declared_parameters_within_bounds() {
    let estonia = std::fs::read_to_string(repo().join("baselines/estonia.yaml")).expect("read");
    let rule = |bits: &str| {
        format!(
            "rules:\n  cert.key-strength-yaml:\n    level: required\n    weight: 1\n    params:\n      {bits}\n    source:\n      issuer: \"Example\"\n      title: \"Example\"\n      url: \"https://example.org/\"\n      section: \"§1\"\n      strength: must\n      read_on: \"2026-12-01\"\n    origin: external\n"
        )
    };
    let dir = scratch("params");
    let write = |name: &str, bits: &str| {
        let path = dir.join(name);
        std::fs::write(&path, estonia.replacen("rules:\n", &rule(bits), 1)).expect("write");
        path.to_str().expect("utf-8").to_owned()
    };
    let rescore = |baseline: &str| {
        let out_dir = dir.join("out");
        govscan(&[
            "rescore",
            "--scan",
            RECORDED,
            "--baseline",
            baseline,
            "--checks-dir",
            "examples/checks",
            "--out",
            out_dir.to_str().expect("utf-8"),
        ])
    };
    let good = write("good.yaml", "min_rsa_bits: 4096");
    let out = rescore(&good);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for (name, bits, says) in [
        ("high.yaml", "min_rsa_bits: 99999", "min_rsa_bits"),
        ("unknown.yaml", "max_rsa_bits: 4096", "unknown parameter"),
    ] {
        let out = rescore(&write(name, bits));
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            text(&out.stderr).contains(says),
            "{name}: {}",
            text(&out.stderr)
        );
    }
}
