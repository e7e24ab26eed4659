//! Command-line behaviour that needs no network: exit codes, input errors, check metadata.

use std::process::{Command, Output};

fn govscan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(args)
        .output()
        .expect("run govscan")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_documents_exit_codes() {
    let out = govscan(&["scan", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Exit codes",
        "--fail-on",
        "--resolver",
        "--ca-file",
        "--trust-anchor",
        "--connect",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn unknown_flag_and_missing_targets_exit_2() {
    assert_eq!(govscan(&["scan", "--no-such-flag"]).status.code(), Some(2));
    let out = govscan(&["scan"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nothing to scan"), "{}", stderr(&out));
}

#[test]
fn invalid_domain_on_command_line_exits_2() {
    let out = govscan(&["scan", "--no-db", "not a domain"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a domain"), "{}", stderr(&out));
}

#[test]
fn bad_target_file_names_file_line_and_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.yaml");
    std::fs::write(
        &path,
        "organisations:\n  - name: Gov\n    kind: government\n    domains:\n      - name: gov.je\n      - name: bad_name!.je\n",
    )
    .expect("write");
    let out = govscan(&[
        "scan",
        "--no-db",
        "--targets",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.yaml:6"), "{err}");
    assert!(err.contains("bad_name!.je"), "{err}");
}

#[test]
fn missing_ca_file_exits_2() {
    let out = govscan(&[
        "scan",
        "--no-db",
        "--ca-file",
        "/nonexistent/ca.pem",
        "example.test",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/ca.pem"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unwritable_output_directory_exits_2_before_scanning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").expect("write");
    let out_dir = file.join("sub");
    let out = govscan(&[
        "scan",
        "--no-db",
        "--out",
        out_dir.to_str().expect("utf-8"),
        "example.test",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("output directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn checks_list_and_explain() {
    let out = govscan(&["checks", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    for id in [
        "tls.https-available",
        "tls.tls13-supported",
        "cert.trusted-chain",
        "cert.hostname-match",
        "cert.not-expired",
        "http.https-redirect",
        "http.hsts",
        "http.x-content-type-options",
        "dns.caa",
        "mail.spf",
        "mail.dmarc",
        "dns.ipv6-web",
    ] {
        assert!(ids.contains(&id), "checks list lacks {id}");
    }
    let out = govscan(&["checks", "explain", "http.hsts"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("http.hsts") && text.contains("How to fix it") && text.contains("https://"),
        "{text}"
    );
    // The declared parameters and findings, from the check's metadata.
    assert!(
        text.contains("min_max_age (default 31536000)")
            && text.contains("max_age_below_minimum (warn)")
            && text.contains("\nFindings\n"),
        "{text}"
    );
    assert_eq!(
        govscan(&["checks", "explain", "no.such-check"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn checks_doc_prints_the_page_of_docs_checks() {
    // Run in the checkout, so its baselines, checks/ and fixtures are found: the page is the
    // committed docs/checks/ID.md (which check_docs_are_current keeps current).
    for id in ["http.hsts", "http.x-powered-by-absent"] {
        let out = govscan(&["checks", "doc", id]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let committed = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/checks/{id}.md")),
        )
        .expect("the committed page");
        assert_eq!(String::from_utf8_lossy(&out.stdout), committed, "{id}");
    }
    assert_eq!(
        govscan(&["checks", "doc", "no.such-check"]).status.code(),
        Some(2)
    );
}

#[test]
fn offline_scan_of_an_unresolvable_name_is_bounded_never_passes_and_says_it_measured_nothing() {
    // 127.0.0.1:9 (discard) has no DNS server: every lookup fails fast, so every check that
    // needs network data must read inconclusive, and the scan must still write its outputs.
    // The resolver being down is this host's problem: the scan is unhealthy, says so on the
    // terminal and in the report, and exits 3 (it exited 0 before scan health existed).
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.sqlite");
    let out_dir = dir.path().join("report");
    let out = govscan(&[
        "scan",
        "--db",
        db.to_str().expect("utf-8"),
        "--resolver",
        "127.0.0.1:9",
        "--dns-timeout",
        "1s",
        "--domain-timeout",
        "10s",
        "--retries",
        "0",
        "--quiet",
        "--out",
        out_dir.to_str().expect("utf-8"),
        "gov.je",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("THIS SCAN DID NOT MEASURE THE DOMAINS"),
        "{err}"
    );
    assert!(err.contains("resolver"), "{err}");
    let index = std::fs::read_to_string(out_dir.join("index.html")).expect("index.html");
    assert!(index.contains("This scan did not measure the domains"));
    assert!(
        index.contains("not counted: the scanner failed"),
        "trend row is marked"
    );
    let domain_pages: Vec<_> = std::fs::read_dir(out_dir.join("domains"))
        .expect("domains")
        .collect();
    let page = std::fs::read_to_string(domain_pages[0].as_ref().expect("page").path())
        .expect("domain page");
    assert!(page.contains("This scan did not measure the domains"));
    let history = govscan(&["history", "--db", db.to_str().expect("utf-8")]);
    let listed = String::from_utf8_lossy(&history.stdout);
    assert!(listed.contains("not measured"), "{listed}");
    let text = std::fs::read_to_string(out_dir.join("results.json")).expect("results.json");
    let results: serde_json::Value = serde_json::from_str(&text).expect("json");
    let outcomes = results["domains"][0]["outcomes"]
        .as_array()
        .expect("outcomes");
    assert!(!outcomes.is_empty());
    for outcome in outcomes {
        assert_ne!(outcome["status"], "pass", "{outcome}");
        assert_ne!(outcome["status"], "fail", "{outcome}");
        // Checks the operator did not enable (net.rpki without --rpki-vrps, mail.dkim without
        // dkim_selectors) are not run wherever the scan runs.
        if outcome["finding"] == "not_configured" {
            assert_eq!(outcome["status"], "not_applicable", "{outcome}");
            continue;
        }
        assert_eq!(outcome["finding"], "scanner_failure", "{outcome}");
    }
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(["checks", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close the read end at once: whenever govscan writes, it gets EPIPE.
    drop(child.stdout.take().expect("stdout"));
    let output = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(output.status.code(), Some(0), "{err}");
}

#[test]
fn a_bad_trust_anchor_file_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("anchors.txt");
    std::fs::write(
        &path,
        "; a DS anchor is fine, an A record is not\nlab.test. DS 1 13 2 AA\nlab.test. 60 IN A 127.0.0.1\n",
    )
    .expect("write");
    let path_text = path.to_str().expect("UTF-8 path");
    let out = govscan(&[
        "scan",
        "--no-db",
        "--trust-anchor",
        path_text,
        "example.test",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(path_text) && err.contains("line 3: A record"),
        "{err}"
    );
}

#[test]
fn exit_codes_are_defined_once() {
    use govscan::cli::exit;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "### Exit codes")
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| !l.starts_with("| code") && !l.starts_with("|---"))
        .collect();
    let expected: Vec<String> = exit::MEANINGS
        .iter()
        .map(|(code, meaning)| format!("| {code} | {meaning} |"))
        .collect();
    assert_eq!(table, expected, "README's exit-code table = exit::MEANINGS");
    let codes = [
        exit::DONE,
        exit::FAIL_ON_TRIPPED,
        exit::USAGE,
        exit::RUNTIME,
        exit::UNHEALTHY,
        exit::FOLLOW_UP_FAILED,
    ];
    for code in codes {
        assert!(
            exit::MEANINGS.iter().any(|(c, _)| *c == code),
            "exit code {code} has a meaning"
        );
    }
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    for args in [
        &["--help"][..],
        &["scan", "--help"][..],
        &["report", "--help"][..],
    ] {
        let out = govscan(args);
        let help = words(&String::from_utf8_lossy(&out.stdout));
        for (code, meaning) in exit::MEANINGS {
            let line = words(&format!("{code} {meaning}"));
            assert!(help.contains(&line), "{args:?}: --help lacks {line:?}");
        }
    }
}
