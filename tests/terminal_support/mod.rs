//! What the terminal tests share: running the binary, the check that no control character
//! left it, and the recorded lab scan the hostile values are put into.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use govscan_model::terminal::is_unsafe_for_terminal;
use serde_json::Value;

/// Runs the real binary in `dir`.
pub(crate) fn govscan(dir: &Path, args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govscan"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run govscan")
}

/// `&[&OsStr]` from strings and paths.
#[macro_export]
macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$(OsStr::new($a)),*] };
}

/// Both streams are free of the unsafe set; at least one shows the escaped ESC (`\x1b` in
/// text, `\u001b` in JSON, `\u{1b}` in a Rust-quoted value), so the hostile string really went through this printer.
pub(crate) fn assert_clean(what: &str, output: &Output) {
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
pub(crate) fn recorded_scan(started_at: &str) -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/recorded/lab-scan.json");
    let mut scan: Value =
        serde_json::from_slice(&std::fs::read(path).expect("read fixture")).expect("json");
    scan["started_at"] = Value::from(started_at);
    scan["finished_at"] = Value::from(started_at);
    scan
}
