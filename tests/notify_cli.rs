//! Alerts on change end to end through the binary, against a real HTTP receiver on loopback
//! (hyper's server, in process) and a sendmail stand-in script: `govscan notify` on the demo
//! week's history, `govscan scan --notify` on offline scans through a loopback DNS server that
//! refuses every query (sent only when something changed), every payload format, and failures that are reported with exit 4 while the scan
//! stays saved.

#[path = "common/receiver.rs"]
mod receiver;
#[path = "common/refusing_dns.rs"]
mod refusing_dns;

use std::path::Path;
use std::process::{Command, Output};

use receiver::Receiver;
use refusing_dns::RefusingDns;

const GOVSCAN: &str = env!("CARGO_BIN_EXE_govscan");

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

/// The demo week (seven scans) saved in `dir/demo.db`.
fn demo_db(dir: &Path) {
    let demo = govscan(
        dir,
        &["demo", "--out", "demo", "--db", "demo.db", "--quiet"],
    );
    assert_eq!(demo.status.code(), Some(0), "{}", stderr(&demo));
}

#[test]
fn notify_posts_what_diff_shows_for_the_latest_scan() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    demo_db(dir);
    let receiver = Receiver::start(200);
    let hook = receiver.url("/hooks/s3cret-token");
    let out = govscan(
        dir,
        &[
            "notify",
            "--db",
            "demo.db",
            "--to",
            &hook,
            "--report-url",
            "https://reports.gov.example/govscan/",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "notified generic http://{}/…: HTTP 200",
            receiver.address
        )),
        "{err}"
    );
    assert!(
        !err.contains("s3cret"),
        "the webhook's path is a secret: {err}"
    );
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    let payload = &bodies[0];
    assert_eq!(payload["govscan_notification"], 1);
    assert_eq!(payload["kind"], "changes");
    assert_eq!(payload["scan"]["id"], 7);
    assert_eq!(payload["previous_scan"]["id"], 6);
    assert_eq!(
        payload["report_url"],
        "https://reports.gov.example/govscan/"
    );
    // The same diff as `govscan diff` (latest vs the one before).
    let diff = govscan(dir, &["diff", "--db", "demo.db", "--format", "json"]);
    let diff: serde_json::Value = serde_json::from_slice(&diff.stdout).expect("diff JSON");
    for list in [
        "new_failures",
        "fixed",
        "score_moves",
        "domains_added",
        "domains_removed",
    ] {
        assert_eq!(
            payload["counts"][list].as_u64(),
            diff[list].as_array().map(|a| a.len() as u64),
            "{list}"
        );
        let sent: Vec<(&serde_json::Value, &serde_json::Value)> = payload["changes"][list]
            .as_array()
            .expect("list")
            .iter()
            .map(|c| (&c["domain"], &c["check"]))
            .collect();
        let shown: Vec<(&serde_json::Value, &serde_json::Value)> = diff[list]
            .as_array()
            .expect("list")
            .iter()
            .map(|c| (&c["domain"], &c["check"]))
            .collect();
        assert_eq!(sent, shown, "{list}");
    }
}

#[test]
fn every_format_reaches_the_receiver() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    demo_db(dir);
    let receiver = Receiver::start(200);
    let slack = format!("slack:{}", receiver.url("/slack"));
    let teams = format!("teams:{}", receiver.url("/teams"));
    let mattermost = receiver.url("/mattermost");
    let out = govscan(
        dir,
        &[
            "notify",
            "--db",
            "demo.db",
            "--scan",
            "4",
            "--to",
            &slack,
            "--to",
            &teams,
            "--to",
            &mattermost,
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        receiver.bodies().is_empty(),
        "day 4 of the demo week changed nothing"
    );
    let out = govscan(
        dir,
        &[
            "notify",
            "--db",
            "demo.db",
            "--scan",
            "5",
            "--to",
            &slack,
            "--to",
            &teams,
            "--to",
            &mattermost,
            "--notify-format",
            "mattermost",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "--quiet prints nothing on success");
    let requests = receiver.requests.lock().expect("log").clone();
    assert_eq!(requests.len(), 3);
    for (path, body) in requests {
        let payload: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        match path.as_str() {
            "/slack" => assert_eq!(payload["blocks"][0]["type"], "header"),
            "/teams" => assert_eq!(payload["attachments"][0]["content"]["type"], "AdaptiveCard"),
            "/mattermost" => assert!(
                payload["text"]
                    .as_str()
                    .expect("text")
                    .starts_with("#### govscan scan #5: 1 new failure")
            ),
            other => panic!("unexpected path {other}"),
        }
    }
}

#[test]
fn the_first_scan_is_sent_only_when_asked() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    demo_db(dir);
    let receiver = Receiver::start(200);
    let hook = receiver.url("/hook");
    let quiet = govscan(
        dir,
        &["notify", "--db", "demo.db", "--scan", "1", "--to", &hook],
    );
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(
        stderr(&quiet).contains("first scan saved"),
        "{}",
        stderr(&quiet)
    );
    assert!(receiver.bodies().is_empty());
    let always = govscan(
        dir,
        &[
            "notify",
            "--db",
            "demo.db",
            "--scan",
            "1",
            "--to",
            &hook,
            "--notify-always",
        ],
    );
    assert_eq!(always.status.code(), Some(0), "{}", stderr(&always));
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["kind"], "first_scan");
    assert!(bodies[0]["previous_scan"].is_null());
}

#[test]
fn a_failed_delivery_exits_4_and_names_the_destination() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    demo_db(dir);
    let receiver = Receiver::start(500);
    let hook = receiver.url("/hooks/s3cret");
    let out = govscan(
        dir,
        &[
            "notify",
            "--db",
            "demo.db",
            "--to",
            &hook,
            "--notify-retries",
            "1",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "notification to generic http://{}/… failed: HTTP 500: ok (attempt 2 of 2)",
            receiver.address
        )),
        "{err}"
    );
    assert!(!err.contains("s3cret"));
    assert_eq!(receiver.bodies().len(), 2, "one retry");
}

#[test]
fn mail_goes_through_sendmail() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    demo_db(dir);
    let sendmail = dir.join("sendmail");
    std::fs::write(
        &sendmail,
        format!(
            "#!/bin/sh\necho \"$@\" > '{0}/args'\ncat > '{0}/mail'\n",
            dir.display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&sendmail, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = govscan(
        dir,
        &[
            "notify",
            "--db",
            "demo.db",
            "--to",
            "mailto:soc@gov.example",
            "--sendmail",
            sendmail.to_str().expect("path"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("args")).expect("args"),
        "-t -i\n"
    );
    let mail = std::fs::read_to_string(dir.join("mail")).expect("mail");
    assert!(
        mail.starts_with("To: soc@gov.example\nSubject: [govscan] scan #7: "),
        "{mail}"
    );
    assert!(mail.contains("\nAuto-Submitted: auto-generated\n"));

    let bad = govscan(
        dir,
        &[
            "notify",
            "--db",
            "demo.db",
            "--to",
            "mailto:soc@gov.example%0aBcc:x@y.example",
        ],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

/// An offline scan of `domains` into `dir/h.db` through `resolver`: a loopback server that
/// refuses every query (a healthy scan), or a closed loopback port (an unhealthy one).
fn offline_scan(dir: &Path, resolver: &str, domains: &[&str], extra: &[&str]) -> Output {
    let mut args = vec![
        "scan",
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
    args.extend_from_slice(domains);
    args.extend_from_slice(extra);
    govscan(dir, &args)
}

#[test]
fn scan_notify_sends_only_when_something_changed() {
    let dns = RefusingDns::start();
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let receiver = Receiver::start(200);
    let hook = receiver.url("/hook");
    let first = offline_scan(
        dir,
        &dns.resolver(),
        &["one.example.test"],
        &["--notify", &hook],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        receiver.bodies().is_empty(),
        "a first scan has nothing to compare"
    );
    let same = offline_scan(
        dir,
        &dns.resolver(),
        &["one.example.test"],
        &["--notify", &hook],
    );
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(
        receiver.bodies().is_empty(),
        "nothing changed, nothing sent"
    );
    let grown = offline_scan(
        dir,
        &dns.resolver(),
        &["one.example.test", "two.example.test"],
        &["--notify", &hook],
    );
    assert_eq!(grown.status.code(), Some(0), "{}", stderr(&grown));
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["scan"]["id"], 3);
    assert_eq!(bodies[0]["counts"]["domains_added"], 1);
    assert_eq!(
        bodies[0]["changes"]["domains_added"][0]["domain"],
        "two.example.test"
    );
}

#[test]
fn a_failed_notification_never_loses_the_scan() {
    let dns = RefusingDns::start();
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hook = format!("http://{}/hook", closed.local_addr().expect("address"));
    drop(closed);
    let out = offline_scan(
        dir,
        &dns.resolver(),
        &["one.example.test"],
        &[
            "--notify",
            &hook,
            "--notify-always",
            "--notify-retries",
            "0",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("notification to generic http://127.0.0.1:"),
        "{}",
        stderr(&out)
    );
    let history = govscan(dir, &["history", "--db", "h.db", "--format", "json"]);
    let scans: serde_json::Value = serde_json::from_slice(&history.stdout).expect("history JSON");
    assert_eq!(scans.as_array().map(Vec::len), Some(1), "the scan is saved");
}

#[test]
fn bad_destinations_stop_before_any_probe() {
    let dns = RefusingDns::start();
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    for bad in [
        "ftp://x.example/",
        "slack:",
        "mailto:nobody",
        "@missing-file",
    ] {
        let out = offline_scan(
            dir,
            &dns.resolver(),
            &["one.example.test"],
            &["--notify", bad],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains("--notify"), "{}", stderr(&out));
    }
    let out = offline_scan(
        dir,
        &dns.resolver(),
        &["one.example.test"],
        &["--notify", "http://127.0.0.1:9/", "--no-db"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "--notify needs the history: {}",
        stderr(&out)
    );
    assert!(!dir.join("h.db").exists(), "nothing was scanned");
}

#[test]
fn an_unhealthy_scan_is_told_and_later_scans_compare_with_the_last_measured_one() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let dns = RefusingDns::start();
    let receiver = Receiver::start(200);
    let hook = receiver.url("/hook");
    let slack = format!("slack:{}", receiver.url("/slack"));
    let notify = ["--notify", hook.as_str(), "--notify", slack.as_str()];
    let first = offline_scan(dir, &dns.resolver(), &["one.example.test"], &notify);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(receiver.bodies().is_empty());

    // Nothing listens at the resolver: the scan measured this machine. Told at once, though
    // nothing about the domains is known to have changed.
    let offline = offline_scan(dir, "127.0.0.1:9", &["one.example.test"], &notify);
    assert_eq!(offline.status.code(), Some(3), "{}", stderr(&offline));
    let requests = receiver.requests.lock().expect("log").clone();
    assert_eq!(requests.len(), 2, "{}", stderr(&offline));
    for (path, body) in &requests {
        let payload: serde_json::Value = serde_json::from_slice(body).expect("JSON");
        match path.as_str() {
            "/hook" => {
                assert_eq!(payload["kind"], "unhealthy", "{payload}");
                assert_eq!(payload["scan"]["id"], 2);
                assert!(payload["changes"].is_null(), "no diff: {payload}");
                let health = &payload["scan_health"];
                assert_eq!(health["main_cause"], "resolver_down", "{payload}");
                assert_eq!(health["not_measured"], 1);
                let happened = health["what_happened"].as_str().expect("text");
                assert!(
                    happened.contains("nothing listens on 127.0.0.1:9"),
                    "{happened}"
                );
                let title = payload["title"].as_str().expect("title");
                assert!(
                    title.starts_with(
                        "govscan scan #2 did not measure the domains: No DNS answers from the \
                         resolver"
                    ),
                    "{title}"
                );
            }
            "/slack" => {
                let text = String::from_utf8_lossy(body);
                assert!(
                    text.contains("What to try: Check that this machine is online"),
                    "{text}"
                );
            }
            other => panic!("unexpected {other}"),
        }
    }

    // Back online with one more domain: the change is told against scan #1, the last scan
    // that measured the domains, not the unhealthy #2.
    let back = offline_scan(
        dir,
        &dns.resolver(),
        &["one.example.test", "two.example.test"],
        &["--notify", &hook],
    );
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    let bodies = receiver.bodies();
    let last = bodies.last().expect("a third notification");
    assert_eq!(last["kind"], "changes", "{last}");
    assert_eq!(last["previous_scan"]["id"], 1, "{last}");
    assert_eq!(last["counts"]["domains_added"], 1, "{last}");
    assert_eq!(last["counts"]["became_inconclusive"], 0, "{last}");
}
