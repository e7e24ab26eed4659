//! Alerts and metrics on real scans of the loopback lab (nginx, Knot, unbound from `ci/lab`):
//! a first scan saved quietly, a second one whose changes (expired.lab.test added, a
//! declarative check that now runs and warns on leaky.lab.test, which sends an `X-Powered-By`
//! carrying markup) reach an HTTP receiver in every payload shape with no raw markup; and the
//! metrics file of a scan with real findings accepted by `promtool check metrics`; then the
//! same scan with the resolver gone, which explains itself, is told as unhealthy and keeps the
//! metrics' last success. Skipped unless GOVSCAN_LAB is set (as `ci/test` does).

mod common;
#[path = "common/receiver.rs"]
mod receiver;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{LAB_RESOLVER, lab_anchor, lab_enabled, lab_scan_args};
use receiver::Receiver;

/// A lab scan run in `dir` (no ./checks there) into `dir/h.db`.
fn lab_scan(dir: &Path, domains: &[&str], extra: &[&str]) -> Output {
    lab_scan_via(dir, LAB_RESOLVER, domains, extra)
}

/// A lab scan asking `resolver`.
fn lab_scan_via(dir: &Path, resolver: &str, domains: &[&str], extra: &[&str]) -> Output {
    let mut args = lab_scan_args(resolver, &lab_anchor(), "20s");
    args.extend(["--db", "h.db"].map(str::to_owned));
    args.extend(domains.iter().chain(extra).map(|s| (*s).to_owned()));
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .env("GOVSCAN_DATA_DIR", "/nonexistent/govscan-data")
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .expect("run govscan")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn lab_changes_reach_every_payload_escaped() {
    if !lab_enabled("lab_ops::lab_changes_reach_every_payload_escaped") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let receiver = Receiver::start(200);
    let first = lab_scan(
        dir,
        &["good.lab.test", "leaky.lab.test"],
        &["--notify", &receiver.url("/g")],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(receiver.bodies().is_empty(), "a first scan sends nothing");

    let checks = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
    let destinations = [
        receiver.url("/generic"),
        format!("slack:{}", receiver.url("/slack")),
        format!("teams:{}", receiver.url("/teams")),
        format!("mattermost:{}", receiver.url("/mattermost")),
    ];
    let mut args = vec![
        "--checks-dir",
        checks.to_str().expect("utf-8"),
        "--metrics",
        "govscan.prom",
    ];
    for d in &destinations {
        args.extend(["--notify", d.as_str()]);
    }
    let second = lab_scan(
        dir,
        &["good.lab.test", "leaky.lab.test", "expired.lab.test"],
        &args,
    );
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let requests = receiver.requests.lock().expect("log").clone();
    assert_eq!(requests.len(), 4, "one POST per destination");
    for (path, body) in &requests {
        let text = String::from_utf8_lossy(body);
        let payload: serde_json::Value = serde_json::from_slice(body).expect("JSON");
        match path.as_str() {
            "/generic" => {
                assert_eq!(payload["scan"]["id"], 2);
                assert_eq!(
                    payload["changes"]["domains_added"][0]["domain"],
                    "expired.lab.test"
                );
                let warned = payload["changes"]["new_warnings"].as_array().expect("list");
                assert!(
                    warned.iter().any(|c| c["domain"] == "leaky.lab.test"
                        && c["check"] == "http.x-powered-by-absent"
                        && c["old_status"].is_null()),
                    "{payload}"
                );
            }
            "/slack" => {
                assert!(
                    !text.contains("<script>"),
                    "raw markup reached Slack: {text}"
                );
                assert!(text.contains("expired.lab.test"));
            }
            "/teams" => assert_eq!(payload["attachments"][0]["content"]["type"], "AdaptiveCard"),
            "/mattermost" => {
                let markdown = payload["text"].as_str().expect("text");
                let outside: String = markdown.split('`').step_by(2).collect();
                assert!(
                    !outside.contains("<script>"),
                    "markup outside code spans: {markdown}"
                );
            }
            other => panic!("unexpected {other}"),
        }
    }

    // The metrics of a scan with real findings pass the real parser.
    let metrics = std::fs::read_to_string(dir.join("govscan.prom")).expect("metrics");
    assert!(metrics.contains("govscan_portfolio_score "), "{metrics}");
    for line in [
        "govscan_check_outcomes{check=\"cert.not-expired\",status=\"fail\"} 1",
        "govscan_check_outcomes{check=\"cert.not-expired\",status=\"pass\"} 2",
        "govscan_domains{state=\"scored\"} 3",
        "govscan_scan_id 2",
    ] {
        assert!(metrics.contains(line), "{line} missing:\n{metrics}");
    }
    let mut promtool = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            panic!("promtool is needed with the lab (ci/test installs Debian's prometheus): {e}")
        }
    };
    std::io::Write::write_all(promtool.stdin.as_mut().expect("stdin"), metrics.as_bytes())
        .expect("write");
    drop(promtool.stdin.take());
    let checked = promtool.wait_with_output().expect("promtool");
    assert!(
        checked.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(metrics.contains("govscan_scan_healthy 1\n"), "{metrics}");
    let success = sample(&metrics, "govscan_last_success_timestamp_seconds").expect("success");

    // The same domains while the resolver is gone (nothing listens on its port): the scan is
    // unhealthy (exit 3), explains itself, is told to the webhook, and the metrics keep the
    // last success of scan 2.
    let before = receiver.bodies().len();
    let offline = lab_scan_via(
        dir,
        "127.10.0.53:9",
        &["good.lab.test", "leaky.lab.test", "expired.lab.test"],
        &[
            "--notify",
            &receiver.url("/offline"),
            "--metrics",
            "govscan.prom",
        ],
    );
    let said = stderr(&offline);
    assert_eq!(offline.status.code(), Some(3), "{said}");
    assert!(
        said.contains("What happened: No DNS answers from the resolver"),
        "{said}"
    );
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), before + 1, "{said}");
    let told = bodies.last().expect("told");
    assert_eq!(told["kind"], "unhealthy", "{told}");
    assert_eq!(told["scan_health"]["main_cause"], "resolver_down", "{told}");
    assert_eq!(told["scan_health"]["not_measured"], 3, "{told}");
    let metrics = std::fs::read_to_string(dir.join("govscan.prom")).expect("metrics");
    assert!(metrics.contains("govscan_scan_healthy 0\n"), "{metrics}");
    assert!(
        metrics.contains("govscan_scan_domains_not_measured 3\n"),
        "{metrics}"
    );
    assert_eq!(
        sample(&metrics, "govscan_last_success_timestamp_seconds"),
        Some(success)
    );
}

/// The value of the sample `name` (no labels) in `text`.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.parse().ok())
}
