//! `govscan scan --metrics FILE` end to end: the file is Prometheus text exposition that a real
//! parser accepts (`promtool check metrics`, from Debian's prometheus package, which `ci/test`
//! installs), label values from the target file are escaped, the file is replaced atomically,
//! and a metrics path in a missing directory stops the scan before any probe.

#[path = "common/refusing_dns.rs"]
mod refusing_dns;

use std::path::Path;
use std::process::{Command, Output, Stdio};

const GOVSCAN: &str = env!("CARGO_BIN_EXE_govscan");

/// Organisation names a target file may hold that the text format must escape.
const TARGETS: &str = r#"portfolio: Metrics test
organisations:
  - name: "Treasury \"HQ\" \\ finance"
    kind: ministry
    domains:
      - name: one.example.test
  - name: "Agence d'État — Ünïcode"
    kind: agency
    parent: "Treasury \"HQ\" \\ finance"
    domains:
      - name: two.example.test
"#;

fn govscan(dir: &Path, args: &[&str]) -> Output {
    Command::new(GOVSCAN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run govscan")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A scan of the targets through `resolver` (a closed port: nothing answers, the scan is
/// unhealthy; a refusing server: a healthy scan).
fn offline_scan(dir: &Path, resolver: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "scan",
        "--targets",
        "targets.yaml",
        "--resolver",
        resolver,
        "--dns-timeout",
        "1s",
        "--connect-timeout",
        "1s",
        "--domain-timeout",
        "10s",
        "--no-tls-scan",
        "--quiet",
        "--db",
        "h.db",
    ];
    args.extend_from_slice(extra);
    govscan(dir, &args)
}

/// `promtool check metrics` on `text`: Some(output) when promtool ran, None when it is not
/// installed (allowed only outside `ci/test`, which sets GOVSCAN_LAB and installs it).
fn promtool(text: &str) -> Option<(bool, String)> {
    let child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            assert!(
                std::env::var_os("GOVSCAN_LAB").is_none(),
                "promtool is needed under ci/test (Debian package prometheus): {e}"
            );
            eprintln!(
                "promtool not installed: the real-parser check is skipped (apt-get install prometheus)"
            );
            return None;
        }
    };
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), text.as_bytes())
        .expect("write");
    drop(child.stdin.take());
    let output = child.wait_with_output().expect("promtool");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Some((output.status.success(), said))
}

/// The value of the sample `name` (no labels) in `text`.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.parse().ok())
}

#[test]
fn metrics_are_valid_exposition_text() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    std::fs::write(dir.join("targets.yaml"), TARGETS).expect("targets");
    std::fs::create_dir(dir.join("textfile")).expect("dir");
    std::fs::write(dir.join("textfile/govscan.prom"), "stale\n").expect("old file");
    // A healthy scan first: the resolver answers (REFUSED), the scan measured the domains.
    let dns = refusing_dns::RefusingDns::start();
    let out = offline_scan(
        dir,
        &dns.resolver(),
        &["--metrics", "textfile/govscan.prom"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let healthy = std::fs::read_to_string(dir.join("textfile/govscan.prom")).expect("metrics");
    assert!(healthy.contains("govscan_scan_healthy 1\n"), "{healthy}");
    let success = sample(&healthy, "govscan_last_success_timestamp_seconds").expect("success");
    assert_eq!(
        Some(success),
        sample(&healthy, "govscan_last_scan_timestamp_seconds")
    );
    // Then nothing listens at the resolver: the scan measured this machine (unhealthy, exit
    // 3), its metrics say so, and the last success stays the first scan's.
    let out = offline_scan(dir, "127.0.0.1:9", &["--metrics", "textfile/govscan.prom"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("textfile/govscan.prom")).expect("metrics");
    let entries: Vec<String> = std::fs::read_dir(dir.join("textfile"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        entries,
        ["govscan.prom"],
        "no temporary file is left behind"
    );

    for line in [
        "govscan_scan_id 2",
        "govscan_scan_domains_probed 2",
        "govscan_domains{state=\"unscored\"} 2",
        "govscan_organisation_coverage_ratio{organisation=\"Treasury \\\"HQ\\\" \\\\ finance\",scope=\"with_children\"} 0",
        "govscan_organisation_domains{organisation=\"Treasury \\\"HQ\\\" \\\\ finance\",scope=\"with_children\"} 2",
        "govscan_organisation_domains{organisation=\"Agence d'État — Ünïcode\",scope=\"own\"} 1",
        "govscan_check_outcomes{check=\"http.hsts\",status=\"inconclusive\"} 2",
        "govscan_probe_failures{kind=\"scanner\"} ",
        "govscan_probe_failures{kind=\"blocked\"} 0",
        "govscan_scan_healthy 0",
        "govscan_scan_domains_not_measured 2",
        "# TYPE govscan_last_scan_timestamp_seconds gauge",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert_eq!(
        sample(&text, "govscan_last_success_timestamp_seconds"),
        Some(success),
        "an unhealthy scan is no success:\n{text}"
    );
    // Every sample line: a metric name, optional labels, one number.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').expect("series value");
        assert!(value.parse::<f64>().is_ok_and(f64::is_finite), "{line}");
        assert!(series.starts_with("govscan_"), "{line}");
    }
    if let Some((ok, said)) = promtool(&text) {
        assert!(ok, "promtool check metrics: {said}\n{text}");
    }
    // The parser itself rejects an unescaped label, so the check above means something.
    if let Some((ok, _)) = promtool("# TYPE x gauge\nx{a=\"b\"c\"} 1\n") {
        assert!(!ok, "promtool accepted a broken label");
    }
}

#[test]
fn a_metrics_file_in_a_missing_directory_stops_the_scan_first() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    std::fs::write(dir.join("targets.yaml"), TARGETS).expect("targets");
    let out = offline_scan(dir, "127.0.0.1:9", &["--metrics", "nowhere/govscan.prom"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--metrics nowhere/govscan.prom: no such directory"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("h.db").exists(), "nothing was scanned");
}
