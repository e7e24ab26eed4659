//! Packages and shell integration without a source checkout: completion scripts for each
//! shell, manual pages that groff renders without warnings, and the search order for shipped
//! data (`./checks` and `./baselines`, else `$GOVSCAN_DATA_DIR` or `/usr/share/govscan`, and
//! the built-in baseline).

#[path = "common/refusing_dns.rs"]
mod refusing_dns;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GOVSCAN: &str = env!("CARGO_BIN_EXE_govscan");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs govscan in `dir` with `GOVSCAN_DATA_DIR` set to `data` (an empty string when `None`:
/// the compiled-in default, which the test machine may or may not have).
fn govscan(dir: &Path, data: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(GOVSCAN);
    command.current_dir(dir).args(args);
    match data {
        Some(data) => command.env("GOVSCAN_DATA_DIR", data),
        None => command.env("GOVSCAN_DATA_DIR", "/nonexistent/govscan-data"),
    };
    command.output().expect("run govscan")
}

fn stdout(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A data directory laid out as the Debian package installs it: baselines/ and checks/.
fn data_dir(root: &Path) -> PathBuf {
    let data = root.join("share/govscan");
    for sub in ["baselines", "checks"] {
        std::fs::create_dir_all(data.join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(repo().join(sub)).expect("read") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, data.join(sub).join(path.file_name().expect("name")))
                .expect("copy");
        }
    }
    data
}

#[test]
fn completions_for_every_shell() {
    let tmp = tempfile::tempdir().expect("tmp");
    for (shell, marker) in [
        ("bash", "complete -F _govscan"),
        ("zsh", "#compdef govscan"),
        ("fish", "complete -c govscan"),
        ("elvish", "edit:completion:arg-completer[govscan]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let text = stdout(&govscan(tmp.path(), None, &["completions", shell]));
        assert!(text.contains(marker), "{shell}: {marker} missing");
        assert!(
            text.contains("notify"),
            "{shell}: subcommands are completed"
        );
    }
    let bash = stdout(&govscan(tmp.path(), None, &["completions", "bash"]));
    assert!(bash.contains("--notify-format"));
    // bash itself accepts the script.
    let script = tmp.path().join("govscan.bash");
    std::fs::write(&script, bash).expect("write");
    let check = Command::new("bash")
        .args([
            "-c",
            &format!("source {} && complete -p govscan", script.display()),
        ])
        .output()
        .expect("bash");
    assert!(String::from_utf8_lossy(&check.stdout).contains("-F _govscan govscan"));
    let bad = govscan(tmp.path(), None, &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_pages_render() {
    let tmp = tempfile::tempdir().expect("tmp");
    let page = stdout(&govscan(tmp.path(), None, &["man"]));
    assert!(page.contains(".TH govscan 1"), "{page}");
    assert!(page.contains(".SH FILES") && page.contains("GOVSCAN_DATA_DIR"));
    let out = stdout(&govscan(tmp.path(), None, &["man", "--out", "man"]));
    assert_eq!(out, "");
    let mut pages: Vec<String> = std::fs::read_dir(tmp.path().join("man"))
        .expect("pages")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for expected in [
        "govscan.1",
        "govscan-scan.1",
        "govscan-notify.1",
        "govscan-baseline-list.1",
    ] {
        assert!(
            pages.iter().any(|p| p == expected),
            "{expected} in {pages:?}"
        );
    }
    assert!(
        !pages.iter().any(|p| p.contains("help")),
        "no pages for `help`: {pages:?}"
    );
    // groff (when installed) reads every page without a warning.
    for page in &pages {
        let path = tmp.path().join("man").join(page);
        match Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&path)
            .output()
        {
            Ok(out) => assert!(
                out.status.success() && out.stderr.is_empty(),
                "{page}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => {
                eprintln!("groff not installed: manual pages not rendered");
                break;
            }
        }
    }
}

#[test]
fn shipped_data_is_found_without_a_checkout() {
    let tmp = tempfile::tempdir().expect("tmp");
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).expect("mkdir");
    let data = data_dir(tmp.path());

    // No checkout, no data directory: the built-in baseline only, no declarative check.
    let bare = stdout(&govscan(&work, None, &["baseline", "list"]));
    assert_eq!(bare.lines().count(), 2, "{bare}");
    assert!(bare.contains("built in"));
    let checks = stdout(&govscan(&work, None, &["checks", "list"]));
    assert!(!checks.contains("[declarative"), "{checks}");

    // The data directory: its baselines and checks.
    let listed = stdout(&govscan(&work, Some(&data), &["baseline", "list"]));
    assert!(
        listed.contains(&format!(
            "{}",
            data.join("baselines/netherlands.yaml").display()
        )),
        "{listed}"
    );
    let checks = stdout(&govscan(&work, Some(&data), &["checks", "list"]));
    let shipped = format!("[declarative: {}", data.join("checks").display());
    let in_repo = std::fs::read_dir(repo().join("checks"))
        .expect("checks/")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        })
        .count();
    assert_eq!(checks.matches(&shipped).count(), in_repo, "{checks}");
    let shown = stdout(&govscan(
        &work,
        Some(&data),
        &["baseline", "show", "netherlands"],
    ));
    assert!(shown.contains("netherlands"));

    // `--baseline NAME` finds the file in the data directory (a healthy scan: the loopback
    // resolver answers, refusing every query).
    let dns = refusing_dns::RefusingDns::start();
    let resolver = dns.resolver();
    let scan = govscan(
        &work,
        Some(&data),
        &[
            "scan",
            "one.example.test",
            "--baseline",
            "netherlands",
            "--no-db",
            "--format",
            "json",
            "--resolver",
            &resolver,
            "--dns-timeout",
            "1s",
            "--domain-timeout",
            "10s",
            "--no-tls-scan",
        ],
    );
    let result: serde_json::Value = serde_json::from_str(&stdout(&scan)).expect("json");
    assert_eq!(result["baseline"]["id"], "netherlands");
    let missing = govscan(
        &work,
        Some(&data),
        &["scan", "x.example.test", "--baseline", "nosuch", "--no-db"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--baseline nosuch: no such file"));

    // A checkout's ./checks wins over the data directory (never both: the ids would clash).
    std::fs::create_dir(work.join("checks")).expect("mkdir");
    std::fs::copy(
        repo().join("checks/http.x-powered-by-absent.yaml"),
        work.join("checks/http.x-powered-by-absent.yaml"),
    )
    .expect("copy");
    let checks = stdout(&govscan(&work, Some(&data), &["checks", "list"]));
    assert_eq!(checks.matches("[declarative").count(), 1, "{checks}");
    assert!(
        checks.contains("[declarative: checks/http.x-powered-by-absent.yaml"),
        "{checks}"
    );
}
