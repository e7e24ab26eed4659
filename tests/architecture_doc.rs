//! `docs/design/architecture.md` lists every crate of the workspace with its real
//! dependencies: the `depends on` column of its crate table must name exactly the
//! `[dependencies]` of each Cargo.toml (workspace crates in backticks, then external crates).

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The names under `[dependencies]` of a Cargo.toml (not dev- or build-dependencies).
fn cargo_dependencies(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).expect("Cargo.toml");
    text.lines()
        .skip_while(|l| l.trim() != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            l.split([' ', '.', '='])
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// (path, dependencies as written) of every row of the crate table.
fn documented() -> Vec<(String, BTreeSet<String>)> {
    let doc = std::fs::read_to_string(root().join("docs/design/architecture.md")).expect("doc");
    doc.lines()
        .skip_while(|l| *l != "## Crates")
        .filter(|l| l.starts_with("| `src/`") || l.starts_with("| `crates/"))
        .map(|row| {
            let path = row.split('`').nth(1).expect("path").to_owned();
            let column = row
                .trim_end_matches('|')
                .rsplit(" | ")
                .next()
                .expect("depends-on column");
            let names = column
                .split([',', ';'])
                .map(|n| n.trim().trim_matches('`'))
                // "—" marks a crate without dependencies.
                .filter(|n| !n.is_empty() && *n != "—")
                .map(|n| {
                    if column.contains(&format!("`{n}`")) {
                        format!("govscan-{n}")
                    } else {
                        n.to_owned()
                    }
                })
                .collect();
            (path, names)
        })
        .collect()
}

#[test]
fn the_crate_table_lists_every_crate_with_its_real_dependencies() {
    let rows = documented();
    let mut members: Vec<String> = std::fs::read_dir(root().join("crates"))
        .expect("crates/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .map(|p| format!("crates/{}", p.file_name().expect("name").to_string_lossy()))
        .collect();
    members.push("src/".to_owned());
    members.sort();
    let mut listed: Vec<String> = rows.iter().map(|(p, _)| p.clone()).collect();
    listed.sort();
    assert_eq!(listed, members, "one row per workspace crate");
    for (path, names) in rows {
        let manifest = match path.as_str() {
            "src/" => root().join("Cargo.toml"),
            crate_dir => root().join(crate_dir).join("Cargo.toml"),
        };
        assert_eq!(
            names,
            cargo_dependencies(&manifest),
            "{path}: the architecture table's dependencies differ from {}",
            manifest.display()
        );
    }
}
