//! E-mail delivery through a sendmail stand-in script that records its arguments and standard
//! input: the flags, the message as handed over, a failing and a hanging sendmail.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use govscan_notify::{
    DeliveryOptions, Destination, Format, WebhookOptions, deliver_all, parse_destination,
};

/// Writes an executable shell script `name` into `dir`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

fn options(sendmail: PathBuf, timeout: Duration) -> DeliveryOptions {
    DeliveryOptions {
        webhook: WebhookOptions {
            timeout: Duration::from_secs(1),
            retries: 0,
            extra_roots: Vec::new(),
        },
        sendmail,
        sendmail_timeout: timeout,
    }
}

fn mail(to: &str) -> Destination {
    parse_destination(&format!("mailto:{to}"), Format::Generic).expect("mailto")
}

#[test]
fn sendmail_gets_the_message_on_stdin_with_t_and_i() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().display().to_string();
    let sendmail = script(
        dir.path(),
        "sendmail",
        &format!("printf '%s\\n' \"$@\" > '{record}/args'\ncat > '{record}/stdin'"),
    );
    let n = common::notification(2, Some("https://reports.gov.example/"));
    let results = deliver_all(
        &n,
        &[mail("soc@gov.example")],
        &options(sendmail, Duration::from_secs(10)),
    );
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].destination, "mailto:soc@gov.example");
    assert!(results[0].result.is_ok(), "{:?}", results[0].result);
    let args = std::fs::read_to_string(dir.path().join("args")).expect("args");
    assert_eq!(args, "-t\n-i\n", "recipients come from the To: header only");
    let stdin = std::fs::read_to_string(dir.path().join("stdin")).expect("stdin");
    assert!(
        stdin.starts_with("To: soc@gov.example\nSubject: [govscan] scan #5: 2 new failures"),
        "{stdin}"
    );
    assert!(stdin.contains("\nContent-Transfer-Encoding: quoted-printable\n"));
    let (headers, _) = stdin.split_once("\n\n").expect("blank line");
    assert!(!headers.contains("Bcc"), "{headers}");
}

#[test]
fn a_failing_sendmail_is_reported_with_what_it_said() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sendmail = script(
        dir.path(),
        "sendmail",
        "cat > /dev/null\necho 'sendmail: fatal: no route to the mail hub' >&2\nexit 75",
    );
    let n = common::notification(1, None);
    let results = deliver_all(
        &n,
        &[mail("soc@gov.example")],
        &options(sendmail, Duration::from_secs(10)),
    );
    let error = results[0].result.as_ref().expect_err("fails").to_string();
    assert!(error.contains("exit status: 75"), "{error}");
    assert!(error.contains("no route to the mail hub"), "{error}");
}

#[test]
fn a_hanging_sendmail_is_killed_at_the_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sendmail = script(dir.path(), "sendmail", "exec sleep 30");
    let n = common::notification(1, None);
    let started = Instant::now();
    let results = deliver_all(
        &n,
        &[mail("soc@gov.example")],
        &options(sendmail, Duration::from_millis(500)),
    );
    let error = results[0]
        .result
        .as_ref()
        .expect_err("times out")
        .to_string();
    assert!(error.contains("did not finish"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_missing_sendmail_is_reported() {
    let n = common::notification(1, None);
    let results = deliver_all(
        &n,
        &[mail("soc@gov.example")],
        &options(
            PathBuf::from("/nonexistent/sendmail"),
            Duration::from_secs(1),
        ),
    );
    let error = results[0].result.as_ref().expect_err("missing").to_string();
    assert!(
        error.starts_with("cannot run /nonexistent/sendmail"),
        "{error}"
    );
}
