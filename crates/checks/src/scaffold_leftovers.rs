//! Tests of the new-check scaffold (`ci/new-check`): no placeholder it writes survives into a
//! check source, fixture, baseline or doc; and the scaffold, run on a scratch copy of the
//! files it edits, writes and registers a check and refuses what it must refuse.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The scaffold's placeholder marker, spelled in two halves so this file does not contain it.
const MARKER: &str = concat!("TODO", "(new-check)");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (at any depth) whose name ends with one of `suffixes`.
fn files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if suffixes.iter().any(|s| path.to_string_lossy().ends_with(s)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `path:line` of every line under `root` that still holds the marker: check sources,
/// fixtures, baselines, shipped declarative checks and docs.
fn leftovers(root: &Path) -> Vec<String> {
    let mut scanned = files(&root.join("crates/checks/src"), &[".rs"]);
    scanned.extend(files(&root.join("fixtures"), &[".json", ".yaml"]));
    scanned.extend(files(&root.join("baselines"), &[".yaml"]));
    scanned.extend(files(&root.join("checks"), &[".yaml", ".yml"]));
    scanned.extend(files(&root.join("docs"), &[".md"]));
    scanned.push(root.join("crates/report/src/plain.rs"));
    scanned.extend(["README.md", "CONTRIBUTING.md"].map(|f| root.join(f)));
    let mut hits = Vec::new();
    for path in scanned {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if line.contains(MARKER) {
                let shown = path.strip_prefix(root).unwrap_or(&path);
                hits.push(format!("{}:{}: {}", shown.display(), n + 1, line.trim()));
            }
        }
    }
    hits
}

#[test]
fn no_scaffold_placeholder_is_left() {
    let hits = leftovers(&repo());
    assert!(
        hits.is_empty(),
        "{} placeholder(s) of ci/new-check are left; fill them in (CONTRIBUTING.md):\n{}",
        hits.len(),
        hits.join("\n")
    );
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir =
            std::env::temp_dir().join(format!("govscan-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies into `to` what the scaffold reads and edits: the family modules, the registry, the
/// model's family list, the baselines, the report's plain-words lines, and one existing check of each family (so that an
/// existing id is refused).
fn copy_what_the_scaffold_edits(to: &Path) {
    let from = repo();
    let copy = |rel: &str| {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from.join(rel), &target).unwrap_or_else(|e| panic!("{rel}: {e}"));
    };
    for entry in std::fs::read_dir(from.join("crates/checks/src")).expect("src") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            std::fs::create_dir_all(to.join("crates/checks/src").join(&name)).expect("mkdir");
        } else if name.ends_with(".rs") {
            copy(&format!("crates/checks/src/{name}"));
        }
    }
    copy("crates/checks/src/dns/caa.rs");
    copy("crates/model/src/check.rs");
    copy("crates/report/src/plain.rs");
    copy("baselines/estonia.yaml");
    copy("baselines/netherlands.yaml");
}

fn new_check(root: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new("python3")
        .arg(repo().join("ci/new-check"))
        .arg("--root")
        .arg(root)
        .arg("--no-fmt")
        .arg("--")
        .args(args)
        .output()
        .expect("python3 runs ci/new-check");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_scaffold_writes_and_registers_a_check_whose_placeholders_are_caught() {
    let scratch = Scratch::new("new-check");
    let root = &scratch.0;
    copy_what_the_scaffold_edits(root);
    let registry_before = read(root, "crates/checks/src/registry.rs");

    let (ok, out) = new_check(root, &["dns", "scaffold-probe"]);
    assert!(ok, "ci/new-check failed:\n{out}");

    let source = read(root, "crates/checks/src/dns/scaffold_probe.rs");
    assert!(source.starts_with("//! "), "no module line:\n{source}");
    for needle in [
        "id: \"dns.scaffold-probe\"",
        "family: Family::Dns",
        "pub struct ScaffoldProbe;",
        "pub struct Evidence",
        "fn check(",
        "findings: &[",
        "params: &[]",
    ] {
        assert!(source.contains(needle), "check source lacks {needle}");
    }
    assert!(read(root, "crates/checks/src/dns.rs").contains("pub mod scaffold_probe;\n"));
    assert!(
        read(root, "crates/checks/src/runner_properties.rs")
            .contains("        \"dns.scaffold-probe\" => None,\n")
    );
    let registry = read(root, "crates/checks/src/registry.rs");
    assert!(registry.contains("use crate::dns::scaffold_probe::ScaffoldProbe;\n"));
    // In `ALL`, sorted by id: after dns.nameservers, before the first http check.
    let entry = registry.find("    &ScaffoldProbe,\n").expect("ALL entry");
    let nameservers = registry
        .find("    &Nameservers,\n")
        .expect("dns.nameservers");
    let cookies = registry.find("    &Cookies,\n").expect("http.cookies");
    assert!(
        nameservers < entry && entry < cookies,
        "ALL order:\n{registry}"
    );
    assert_eq!(
        registry.lines().count(),
        registry_before.lines().count() + 2,
        "one import line and one ALL line"
    );
    for status in ["pass", "fail"] {
        let rel = format!("fixtures/checks/dns.scaffold-probe/{status}_example.json");
        let fixture: serde_json::Value =
            serde_json::from_str(&read(root, &rel)).expect("fixture is JSON");
        assert_eq!(fixture["expect"]["status"], status, "{rel}");
    }
    for baseline in ["baselines/estonia.yaml", "baselines/netherlands.yaml"] {
        let text = read(root, baseline);
        assert!(text.contains("\n  dns.scaffold-probe:\n"), "{baseline}");
        let rules_end = text.find("\nreference:").expect("reference section");
        assert!(
            text.find("dns.scaffold-probe").expect("rule") < rules_end,
            "{baseline}: the rule is outside `rules:`"
        );
    }

    // Every file the scaffold wrote carries the marker, and the leftover test finds it.
    let hits = leftovers(root);
    for rel in [
        "crates/checks/src/dns/scaffold_probe.rs",
        "fixtures/checks/dns.scaffold-probe/pass_example.json",
        "fixtures/checks/dns.scaffold-probe/fail_example.json",
        "baselines/estonia.yaml",
        "baselines/netherlands.yaml",
        "crates/report/src/plain.rs",
        "crates/checks/src/runner_properties.rs",
    ] {
        assert!(
            hits.iter().any(|h| h.starts_with(&format!("{rel}:"))),
            "no placeholder caught in {rel}: {hits:?}"
        );
    }

    // The same id again is refused, and nothing changes.
    let (ok, out) = new_check(root, &["dns", "scaffold-probe"]);
    assert!(!ok && out.contains("exists already"), "{out}");
    assert_eq!(read(root, "crates/checks/src/registry.rs"), registry);
}

#[test]
fn the_scaffold_refuses_an_existing_id_an_unknown_family_and_a_bad_slug() {
    let scratch = Scratch::new("new-check-refusals");
    let root = &scratch.0;
    copy_what_the_scaffold_edits(root);
    let registry = read(root, "crates/checks/src/registry.rs");
    for (args, says) in [
        (["dns", "caa"], "exists already"),
        (["web", "thing"], "unknown family"),
        (["dns", "Bad_Slug"], "not lower-case kebab"),
        (["dns", "double--dash"], "not lower-case kebab"),
        (["dns", "-leading"], "not lower-case kebab"),
        (["dns", "9starts-with-digit"], "not lower-case kebab"),
    ] {
        let (ok, out) = new_check(root, &args);
        assert!(!ok, "{args:?} was accepted:\n{out}");
        assert!(out.contains(says), "{args:?}: {out}");
    }
    assert_eq!(read(root, "crates/checks/src/registry.rs"), registry);
}
