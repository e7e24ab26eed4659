//! Bad input everywhere (issue 7): every malformed file, flag or value gives a clear message that
//! names the input, a non-zero exit (2 for input errors), no panic, bounded time, and nothing
//! half-written in `--out`. docs/reliability.md lists the same cases and what govscan does.
//! No test sends traffic beyond loopback: scans that could start are pointed at 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
}

/// Runs govscan in `dir`, killing it after 60 s (a hang is a failure, not a wait).
fn govscan_in(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn govscan");
    let stderr_pipe = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr_pipe }, &mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("govscan {args:?} ran for more than 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stderr: reader.join().expect("stderr reader"),
        elapsed: started.elapsed(),
    }
}

/// Asserts the common contract: exit `code`, no panic, stderr names every `needle`.
fn expect(run: &Run, code: i32, needles: &[&str]) {
    assert_eq!(run.code, Some(code), "exit code; stderr:\n{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            run.stderr
        );
    }
}

/// A scan of one loopback-only target that fails on its input before probing; `--out` must be
/// left absent or empty.
fn scan_with(dir: &Path, extra: &[&str]) -> (Run, PathBuf) {
    let out = dir.join("out");
    let mut args = vec![
        "scan",
        "--quiet",
        "--out",
        out.to_str().expect("utf-8"),
        "--resolver",
        "127.0.0.1:9",
        "--connect-timeout",
        "1s",
        "--domain-timeout",
        "3s",
    ];
    if !extra.contains(&"--db") {
        args.push("--no-db");
    }
    args.extend_from_slice(extra);
    let run = govscan_in(dir, &args);
    (run, out)
}

fn assert_nothing_written(out: &Path) {
    if out.exists() {
        let entries: Vec<_> = std::fs::read_dir(out)
            .expect("read out")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(entries.is_empty(), "--out holds {entries:?}");
    }
}

/// Writes `bytes` as `name` in a fresh directory, scans it as --targets and expects exit 2
/// naming the file.
fn bad_target_file(name: &str, bytes: &[u8], needles: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let (run, out) = scan_with(dir.path(), &["--targets", path.to_str().expect("utf-8")]);
    let mut all = vec![name];
    all.extend_from_slice(needles);
    expect(&run, 2, &all);
    assert_nothing_written(&out);
    run
}

#[test]
fn target_file_syntax_error() {
    bad_target_file(
        "syntax.yaml",
        b"organisations:\n  - name: [unclosed\n",
        &["invalid target file"],
    );
}

#[test]
fn target_file_wrong_types() {
    bad_target_file("types.yaml", b"organisations: 5\n", &[]);
    bad_target_file(
        "types2.yaml",
        b"organisations:\n  - name: Gov\n    kind: government\n    domains: gov.je\n",
        &[],
    );
    bad_target_file(
        "kind.yaml",
        b"organisations:\n  - name: Gov\n    kind: empire\n    domains: []\n",
        &["empire"],
    );
}

#[test]
fn target_file_unknown_keys() {
    bad_target_file(
        "unknown.yaml",
        b"organisations: []\norganizations: []\n",
        &["organizations"],
    );
    bad_target_file(
        "unknown2.yaml",
        b"organisations:\n  - name: Gov\n    kind: government\n    website: gov.je\n",
        &["website"],
    );
}

#[test]
fn target_file_empty_or_missing() {
    bad_target_file("empty.yaml", b"", &[]);
    bad_target_file("blank.yaml", b"\n\n# only a comment\n", &[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (run, out) = scan_with(dir.path(), &["--targets", "no-such-file.yaml"]);
    expect(&run, 2, &["no-such-file.yaml"]);
    assert_nothing_written(&out);
}

#[test]
fn target_file_binary_garbage() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    bad_target_file("garbage.yaml", &garbage, &[]);
    bad_target_file("nul.yaml", b"organisations:\0\0\0\n", &[]);
}

#[test]
fn target_file_of_10_mib_is_rejected_in_bounded_time() {
    // One huge scalar and a list of a quarter of a million junk entries.
    let mut big = b"description: \"".to_vec();
    big.resize(10 * 1024 * 1024, b'a');
    big.extend_from_slice(b"\"\n");
    let run = bad_target_file("big.yaml", &big, &[]);
    assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
    let mut many = b"organisations:\n".to_vec();
    while many.len() < 10 * 1024 * 1024 {
        many.extend_from_slice(b"  - {name: x, kind: nope}\n");
    }
    // Parsed whole before it is refused (the node budget admits every file under the 16 MiB
    // cap, so that a nation-sized portfolio loads): linear in the size, ~35 s for a debug
    // build on a loaded 2-core machine. The bound is a guard against a hang or a super-linear
    // parse, not a timing.
    let run = bad_target_file("many.yaml", &many, &[]);
    assert!(run.elapsed < Duration::from_secs(120), "{:?}", run.elapsed);
}

#[test]
fn deeply_nested_yaml_is_rejected_without_overflow() {
    for depth in [100, 10_000, 100_000] {
        let mut text = b"organisations: ".to_vec();
        text.extend(std::iter::repeat_n(b'[', depth));
        text.extend(std::iter::repeat_n(b']', depth));
        text.push(b'\n');
        bad_target_file(&format!("nested{depth}.yaml"), &text, &[]);
        let mut block = b"organisations:\n".to_vec();
        for level in 0..depth.min(10_000) {
            block.extend(std::iter::repeat_n(b' ', level + 2));
            block.extend_from_slice(b"- \n");
        }
        bad_target_file(&format!("block{depth}.yaml"), &block, &[]);
    }
}

/// Nine levels of nine-fold aliases: 9^9 (387 million) leaves if expanded.
fn billion_laughs(prefix: &str, target: &str) -> String {
    let mut text = String::from(prefix);
    text.push_str(
        "l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for level in 1..9 {
        let prev = level - 1;
        let items = vec![format!("*l{prev}"); 9].join(",");
        text.push_str(&format!("l{level}: &l{level} [{items}]\n"));
    }
    text.push_str(&format!("{target}: *l8\n"));
    text
}

#[test]
fn yaml_alias_bomb_is_bounded() {
    for (name, text) in [
        ("laughs1.yaml", billion_laughs("", "organisations")),
        (
            "laughs2.yaml",
            billion_laughs("organisations: []\n", "description"),
        ),
    ] {
        let run = bad_target_file(name, text.as_bytes(), &[]);
        assert!(
            run.elapsed < Duration::from_secs(10),
            "{name}: {:?}",
            run.elapsed
        );
    }
    let nested = billion_laughs("organisations: []\n", "x");
    let err = govscan_targets::parse("laughs3.yaml", &nested).expect_err("rejected");
    assert!(err.to_string().starts_with("laughs3.yaml"), "{err}");
    // Where any shape is accepted, serde-saphyr's default budget (max_events 1,000,000 and
    // max_recorded_anchor_events, counted while replaying aliases) stops the expansion.
    let started = Instant::now();
    let generic = serde_saphyr::from_str::<serde_json::Value>(&billion_laughs("", "bomb"));
    let err = generic.expect_err("the budget stops 9^9 leaves");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    eprintln!("generic alias bomb: {err}");
}

#[test]
fn baseline_file_with_errors_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        ("syntax.yaml", "rules: [\n"),
        ("empty.yaml", ""),
        ("types.yaml", "rules: 5\n"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let (run, out) = scan_with(
            dir.path(),
            &["--baseline", path.to_str().expect("utf-8"), "example.test"],
        );
        expect(&run, 2, &[name]);
        assert_nothing_written(&out);
        let run = govscan_in(
            dir.path(),
            &["baseline", "validate", path.to_str().expect("utf-8")],
        );
        expect(&run, 2, &[name]);
    }
    let laughs = dir.path().join("laughs.yaml");
    std::fs::write(&laughs, billion_laughs("", "rules")).expect("write");
    let run = govscan_in(
        dir.path(),
        &["baseline", "validate", laughs.to_str().expect("utf-8")],
    );
    expect(&run, 2, &["laughs.yaml"]);
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
}

#[test]
fn unknown_flags_and_subcommands_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    expect(
        &govscan_in(dir.path(), &["scan", "--frobnicate", "example.test"]),
        2,
        &["--frobnicate"],
    );
    expect(&govscan_in(dir.path(), &["scna"]), 2, &["scna"]);
    expect(&govscan_in(dir.path(), &[]), 2, &["Usage"]);
    expect(
        &govscan_in(dir.path(), &["scan", "--concurrency", "0", "example.test"]),
        2,
        &["--concurrency"],
    );
    expect(
        &govscan_in(dir.path(), &["scan", "--per-network", "0", "example.test"]),
        2,
        &["--per-network", "0"],
    );
    expect(
        &govscan_in(dir.path(), &["scan", "--format", "xml", "example.test"]),
        2,
        &["xml"],
    );
}

#[test]
fn invalid_durations_exit_2_naming_the_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (flag, value) in [
        ("--connect-timeout", "5parsecs"),
        ("--read-timeout", "-1s"),
        ("--domain-timeout", ""),
        ("--dns-timeout", "99999999999999999999999s"),
        ("--handshake-timeout", "ten seconds"),
    ] {
        // `--flag=value` so that "-1s" is read as the value, not as a flag.
        let run = govscan_in(
            dir.path(),
            &["scan", &format!("{flag}={value}"), "example.test"],
        );
        expect(&run, 2, &[flag]);
    }
}

#[test]
fn unwritable_output_directory_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").expect("write");
    for out in [
        file.join("sub"),
        file.clone(),
        PathBuf::from("/proc/govscan-out"),
    ] {
        let out_text = out.to_str().expect("utf-8");
        let run = govscan_in(
            dir.path(),
            &[
                "scan",
                "--no-db",
                "--out",
                out_text,
                "--resolver",
                "127.0.0.1:9",
                "example.test",
            ],
        );
        expect(&run, 2, &[out_text]);
    }
    assert_eq!(std::fs::read(&file).expect("read"), b"x", "file untouched");
}

#[test]
fn connect_garbage_exits_2_naming_the_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    for value in [
        "nohost",
        "a.example=not-an-ip",
        "=127.0.0.1",
        "bad_host!=127.0.0.1",
        "a.example=127.0.0.1:443",
        "a.example=",
    ] {
        let (run, out) = scan_with(dir.path(), &["--connect", value, "a.example"]);
        expect(&run, 2, &["--connect", value]);
        assert_nothing_written(&out);
    }
}

#[test]
fn exclude_file_garbage_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (text, needles) in [
        (
            "# owners\ngov.example\nnot a domain\n",
            &["skip.txt:3", "one entry per line"][..],
        ),
        ("192.0.2.0/33\n", &["skip.txt:1", "not a CIDR range"][..]),
        ("\n\nlocalhost\n", &["skip.txt:3", "single label"][..]),
        ("gov.example\n\u{0}\n", &["skip.txt:2"][..]),
    ] {
        let list = dir.path().join("skip.txt");
        std::fs::write(&list, text).expect("write");
        let (run, out) = scan_with(
            dir.path(),
            &["--exclude", list.to_str().expect("utf-8"), "a.example"],
        );
        expect(&run, 2, needles);
        assert_nothing_written(&out);
    }
    let binary = dir.path().join("binary.txt");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    let (run, out) = scan_with(
        dir.path(),
        &["--exclude", binary.to_str().expect("utf-8"), "a.example"],
    );
    expect(&run, 2, &["binary.txt", "not UTF-8"]);
    assert_nothing_written(&out);
    let missing = dir.path().join("none.txt");
    let (run, _) = scan_with(
        dir.path(),
        &["--exclude", missing.to_str().expect("utf-8"), "a.example"],
    );
    expect(&run, 2, &["none.txt", "cannot read"]);
}

#[test]
fn allow_cidr_and_max_addresses_garbage_exit_2_naming_the_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    for value in ["127.10.0.0/99", "lab", "", "10.0.0.0/8/8"] {
        let (run, out) = scan_with(dir.path(), &["--allow-cidr", value, "a.example"]);
        expect(&run, 2, &["--allow-cidr", value]);
        assert_nothing_written(&out);
    }
    for value in ["0", "-1", "many", "100000"] {
        let flag = format!("--max-addresses={value}");
        let (run, out) = scan_with(dir.path(), &[&flag, "a.example"]);
        expect(&run, 2, &["--max-addresses"]);
        assert_nothing_written(&out);
    }
}

#[test]
fn resolver_garbage_exits_2_naming_the_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    for value in [
        "ns.example",
        "127.0.0.1:99999",
        "1.2.3",
        "",
        "127.0.0.1:53:53",
        "::1]:53x",
    ] {
        let out = dir.path().join("out");
        let run = govscan_in(
            dir.path(),
            &[
                "scan",
                "--no-db",
                "--out",
                out.to_str().expect("utf-8"),
                "--resolver",
                value,
                "example.test",
            ],
        );
        expect(&run, 2, &["--resolver"]);
        assert_nothing_written(&out);
    }
}

#[test]
fn corrupt_database_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("corrupt.db");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend((0..8192u32).map(|i| (i.wrapping_mul(7919) >> 3) as u8));
    for (name, content) in [
        ("corrupt.db", bytes),
        ("text.db", b"not a database\n".to_vec()),
    ] {
        let db = dir.path().join(name);
        std::fs::write(&db, &content).expect("write");
        let db_text = db.to_str().expect("utf-8");
        let run = govscan_in(dir.path(), &["history", "--db", db_text]);
        expect(&run, 2, &[name]);
        let out = dir.path().join("demo-out");
        let run = govscan_in(
            dir.path(),
            &[
                "demo",
                "--quiet",
                "--out",
                out.to_str().expect("utf-8"),
                "--db",
                db_text,
            ],
        );
        expect(&run, 2, &[name]);
        assert_nothing_written(&out);
        let (run, out) = scan_with(dir.path(), &["--db", db_text, "example.test"]);
        expect(&run, 2, &[name]);
        assert_nothing_written(&out);
        assert_eq!(
            std::fs::read(&db).expect("read"),
            content,
            "{name} untouched"
        );
    }
    let _ = db;
}

#[test]
fn locked_database_exits_3_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("locked.db");
    let mut store = govscan_store::Store::open(&db).expect("open");
    let header = govscan_store::ScanHeader {
        schema_version: govscan_model::SCHEMA_VERSION,
        govscan_version: "test".into(),
        scoring_version: govscan_score::SCORING_VERSION,
        started_at: "2026-11-27T00:00:00Z".into(),
        finished_at: "2026-11-27T00:00:01Z".into(),
        baseline: govscan_score::Baseline::builtin_estonia().reference(),
        organisations: Vec::new(),
    };
    let writer = store.begin_scan(&header).expect("hold the write lock");
    let out = dir.path().join("demo-out");
    let run = govscan_in(
        dir.path(),
        &[
            "demo",
            "--quiet",
            "--out",
            out.to_str().expect("utf-8"),
            "--db",
            db.to_str().expect("utf-8"),
        ],
    );
    let db_text = db.to_str().expect("utf-8");
    let (scan, scan_out) = scan_with(dir.path(), &["--db", db_text, "example.test"]);
    drop(writer);
    expect(&run, 3, &["locked.db", "locked"]);
    assert_nothing_written(&out);
    expect(&scan, 3, &["locked.db", "locked"]);
    assert_nothing_written(&scan_out);
}
