//! No control character from scan data reaches the terminal: every printer of the real binary
//! (diff, the scan summary, rescore, history, `checks list|explain`, `baseline show`, errors
//! that quote a value or a path, warnings, and every `--format json`) is fed a hostile string —
//! a window-title OSC, a screen-clearing CSI, a colour, a carriage return, the 8-bit CSI, a
//! right-to-left override and DEL — and its stdout and stderr must hold none of the characters
//! of `govscan_model::terminal::is_unsafe_for_terminal`, while showing the escaped form.
//! A source test also proves that nothing in the project prints around the filter.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use govscan_model::terminal::is_unsafe_for_terminal;
use govscan_store::Store;
use serde_json::Value;

/// What a hostile certificate SAN, header or target file could carry.
const HOSTILE: &str =
    "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31m\rhidden\u{9b}31m\u{202e}gro.live\u{7f}\u{8}";
/// The same string in a YAML double-quoted scalar.
const HOSTILE_YAML: &str = r#""evil\e]0;pwned\a\e[2J\e[31m\rhidden\x9b31m\u202Egro.live\x7f\b""#;

fn govscan(dir: &Path, args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run govscan")
}

macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$(OsStr::new($a)),*] };
}

/// Both streams are free of the unsafe set; at least one shows the escaped ESC (`\x1b` in
/// text, `\u001b` in JSON, `\u{1b}` in a Rust-quoted value), so the hostile string really went through this printer.
fn assert_clean(what: &str, output: &Output) {
    for (name, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        if let Some(bad) = text.chars().find(|c| is_unsafe_for_terminal(*c)) {
            panic!(
                "{what}: {name} carries U+{:04X}:\n{}",
                u32::from(bad),
                text.escape_debug()
                    .to_string()
                    .chars()
                    .take(2000)
                    .collect::<String>()
            );
        }
    }
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        ["\\x1b]0;pwned", "\\u001b]0;pwned", "\\u{1b}]0;pwned"]
            .iter()
            .any(|shown| all.contains(shown)),
        "{what}: the hostile string was not printed at all:\n{all}"
    );
}

/// The recorded lab scan (six domains with outcomes), started at `started_at`.
fn recorded_scan(started_at: &str) -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/recorded/lab-scan.json");
    let mut scan: Value =
        serde_json::from_slice(&std::fs::read(path).expect("read fixture")).expect("json");
    scan["started_at"] = Value::from(started_at);
    scan["finished_at"] = Value::from(started_at);
    scan
}

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
    assert!(output.status.success(), "{output:?}");
    assert_clean("scan warning and --format json", &output);
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

/// The attack as it was found: a real certificate whose only SAN carries a window-title OSC, a
/// screen clear and a colour, served by `openssl s_server`, probed and judged by the real
/// pipeline, saved in the history, and shown by `govscan diff` as a new failure.
#[test]
fn a_certificate_san_with_escape_sequences_reaches_diff_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = make_certificate(dir.path(), "good", "DNS:hostile.test");
    let evil = make_certificate(
        dir.path(),
        "evil",
        "DNS:evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31m.example",
    );
    let db = dir.path().join("history.db");
    let mut store = Store::open(&db).expect("open");
    for (day, (cert, key)) in [good, evil].into_iter().enumerate() {
        let port = free_port();
        let mut server = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("openssl s_server (package openssl)");
        let domain = wait_then_probe(port);
        let _ = server.kill();
        let _ = server.wait();
        let hostname = domain
            .outcomes
            .iter()
            .find(|o| o.check == "cert.hostname-match")
            .expect("judged");
        assert_eq!(
            hostname.status,
            if day == 0 {
                govscan_model::Status::Pass
            } else {
                govscan_model::Status::Fail
            },
            "{}",
            hostname.message
        );
        let mut scan: govscan_model::ScanResult =
            serde_json::from_value(recorded_scan(&format!("2026-11-0{}T02:30:00Z", day + 1)))
                .expect("scan");
        scan.domains = vec![domain];
        store.save_scan(&scan).expect("save");
    }
    drop(store);
    let output = govscan(dir.path(), args!["diff", "--db", &db]);
    assert!(output.status.success(), "{output:?}");
    assert_clean("diff of a hostile certificate", &output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("the certificate is for evil\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m.example"),
        "{text}"
    );
}

/// A self-signed P-256 certificate and key with the given subjectAltName, by the openssl CLI.
fn make_certificate(dir: &Path, name: &str, san: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    );
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "30", "-subj", "/CN=hostile certificate"])
        .arg("-addext")
        .arg(format!("subjectAltName={san}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl req");
    assert!(status.success(), "openssl req failed");
    (cert, key)
}

/// A loopback port with nothing listening (bound, then released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Waits (at most 10 s) for the server on `port`, then probes `hostile.test` there and judges
/// and scores it under the built-in baseline.
fn wait_then_probe(port: u16) -> govscan_model::DomainResult {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "s_server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let timeout = std::time::Duration::from_secs(3);
    let dns = TinyDns::start();
    let config = govscan_probe::ProbeConfig {
        resolver: Some(dns.addr),
        connect_overrides: [(
            "hostile.test".to_owned(),
            vec!["127.0.0.1".parse().expect("ip")],
        )]
        .into(),
        connect_timeout: timeout,
        handshake_timeout: timeout,
        read_timeout: timeout,
        dns_timeout: std::time::Duration::from_millis(200),
        domain_timeout: std::time::Duration::from_secs(20),
        retries: 0,
        http_port: free_port(),
        https_port: port,
        tls_scan: false,
        allow_private: true,
        ..govscan_probe::ProbeConfig::default()
    };
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let prober = govscan_probe::Prober::new(config).expect("prober");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let observations = runtime.block_on(prober.probe_domain("hostile.test"));
    dns.stop();
    let baseline = govscan_score::Baseline::builtin_estonia();
    let context = govscan_checks::Context {
        now_unix: observations_time(),
        params: baseline.params(),
    };
    let outcomes = govscan_checks::evaluate_all(&observations, &context);
    let score = govscan_score::score_domain(&outcomes, &baseline);
    govscan_model::DomainResult {
        domain: "hostile.test".to_owned(),
        organisation: None,
        score: score.score,
        grade: score.grade,
        grade_cap: score.cap,
        coverage: score.coverage,
        families: score.families,
        outcomes,
        observations,
    }
}

fn observations_time() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A loopback DNS server for the probe above: every A query is answered 127.0.0.1, every other
/// query with an empty NOERROR answer. It stops when asked (and within 100 ms).
struct TinyDns {
    addr: std::net::SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl TinyDns {
    fn start() -> TinyDns {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind dns");
        socket
            .set_read_timeout(Some(std::time::Duration::from_millis(100)))
            .expect("timeout");
        let addr = socket.local_addr().expect("addr");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok((len, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                if let Some(reply) = dns_reply(&buf[..len]) {
                    let _ = socket.send_to(&reply, from);
                }
            }
        });
        TinyDns { addr, stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

/// The reply to one query (see [`TinyDns`]); `None` for what is not a one-question query.
fn dns_reply(query: &[u8]) -> Option<Vec<u8>> {
    let mut at = 12;
    while *query.get(at)? != 0 {
        at += 1 + usize::from(query[at]);
    }
    let question_end = at + 5;
    let question = query.get(12..question_end)?;
    let qtype = u16::from_be_bytes([query[at + 1], query[at + 2]]);
    let answers: u16 = u16::from(qtype == 1);
    let mut reply = Vec::with_capacity(64);
    reply.extend_from_slice(query.get(..2)?);
    reply.extend_from_slice(&[0x81, 0x80, 0, 1]);
    reply.extend_from_slice(&answers.to_be_bytes());
    reply.extend_from_slice(&[0, 0, 0, 0]);
    reply.extend_from_slice(question);
    if answers == 1 {
        reply.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
    }
    Some(reply)
}
