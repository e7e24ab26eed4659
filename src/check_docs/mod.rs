//! The generated check documentation, `docs/checks/`: one page per check (`<id>.md`, built-in
//! and the declarative checks shipped in `checks/`) and the index (`README.md`), rendered from
//! the checks' metadata, the shipped baselines (`baselines/*.yaml`) and the fixture cases.
//! It lives in this crate because it needs both the checks and the score crate (checks must
//! not depend on score). A test (`check_docs::tests`) fails when a committed page is stale or
//! a page exists for no check; `GOVSCAN_UPDATE_DOCS=1` makes it rewrite them.

mod examples;
mod fixture_cases;
mod index;
mod markdown;
mod page;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use govscan_checks::CheckSet;
use govscan_checks::declarative::DeclarativeCheck;
use govscan_score::Baseline;

pub use fixture_cases::{FixtureCase, fixture_cases, fixture_dirs};
pub use page::{CheckPage, DefinedIn, render_page};

/// The line under every generated page's title.
pub(crate) const GENERATED_NOTE: &str = "<!-- Generated from the check's metadata, the shipped \
baselines and the fixtures; do not edit. Regenerate: GOVSCAN_UPDATE_DOCS=1 cargo test -p govscan \
--lib check_docs -->";

/// A baseline shipped in `baselines/`, with its path relative to the repository.
#[derive(Debug, Clone)]
pub struct ShippedBaseline {
    /// e.g. `baselines/estonia.yaml`.
    pub path: String,
    /// The loaded baseline.
    pub baseline: Baseline,
}

/// Why the docs could not be rendered: a file that could not be read or loaded, named.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DocsError(String);

/// Every file of `docs/checks/` for the repository at `root`: file name → content. The
/// checks are the built-in ones plus `root/checks/*.yaml`, loaded as a scan loads them.
pub fn render_docs(root: &Path) -> Result<BTreeMap<String, String>, DocsError> {
    let set = CheckSet::load(&[root.join("checks")]).map_err(|e| DocsError(e.to_string()))?;
    let baselines = shipped_baselines(root)?;
    let mut files = BTreeMap::new();
    for id in set.ids() {
        if let Some(page) = render_check_page(root, &set, id, &baselines)? {
            files.insert(format!("{id}.md"), page);
        }
    }
    let declarative: Vec<(&'static govscan_model::CheckMeta, String)> = set
        .declarative()
        .iter()
        .map(|c| {
            let meta = govscan_checks::Check::meta(c);
            (meta, relative_source(root, c))
        })
        .collect();
    files.insert(
        "README.md".to_owned(),
        index::render_index(&declarative, &baselines),
    );
    Ok(files)
}

/// The page of check `id` of `set` (`None` when the set has no such check). `root` is where
/// the source files and fixtures are looked for (a checkout; elsewhere the page says
/// "built-in check" without a file and has no examples), and paths are shown relative to it.
pub fn render_check_page(
    root: &Path,
    set: &CheckSet,
    id: &str,
    baselines: &[ShippedBaseline],
) -> Result<Option<String>, DocsError> {
    let Some(check) = set.find(id) else {
        return Ok(None);
    };
    let meta = check.meta();
    let cases = fixture_cases(root, meta.id).map_err(DocsError)?;
    let defined_in = match set.find_declarative(meta.id) {
        Some(check) => declarative_origin(root, check)?,
        None => {
            let file = builtin_file(root, meta.id);
            let judges = file.as_deref().and_then(|f| module_doc(root, f));
            DefinedIn::BuiltIn { file, judges }
        }
    };
    let page = CheckPage {
        meta,
        defined_in,
        cases: &cases,
    };
    Ok(Some(render_page(&page, baselines)))
}

/// Every `baselines/*.yaml` of the repository, loaded with the score crate's loader, by name.
pub fn shipped_baselines(root: &Path) -> Result<Vec<ShippedBaseline>, DocsError> {
    baselines_in(&root.join("baselines"), "baselines")
}

/// Every `*.yaml` of `dir`, loaded with the score crate's loader, by name; each shown as
/// `shown_as/NAME.yaml`.
pub fn baselines_in(dir: &Path, shown_as: &str) -> Result<Vec<ShippedBaseline>, DocsError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| DocsError(format!("{}: cannot read: {e}", dir.display())))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = format!("{shown_as}/{name}");
            let text = std::fs::read_to_string(dir.join(&name))
                .map_err(|e| DocsError(format!("{path}: cannot read: {e}")))?;
            let baseline =
                Baseline::from_yaml(&path, &text).map_err(|e| DocsError(e.to_string()))?;
            Ok(ShippedBaseline { path, baseline })
        })
        .collect()
}

/// The source file of a built-in check, `crates/checks/src/<family>/<slug>.rs` (or the
/// `mod.rs` of a check split into a directory), when it exists.
fn builtin_file(root: &Path, id: &str) -> Option<String> {
    let (family, slug) = id.split_once('.')?;
    let slug = slug.replace('-', "_");
    [
        format!("crates/checks/src/{family}/{slug}.rs"),
        format!("crates/checks/src/{family}/{slug}/mod.rs"),
    ]
    .into_iter()
    .find(|path| root.join(path).is_file())
}

/// The `//!` lines at the top of a source file: one line per paragraph (a blank `//!` line
/// ends one).
fn module_doc(root: &Path, file: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join(file)).ok()?;
    let mut paragraphs: Vec<String> = vec![String::new()];
    for line in text
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(str::trim)
    {
        match paragraphs.last_mut() {
            Some(last) if !line.is_empty() => {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(line);
            }
            _ => paragraphs.push(String::new()),
        }
    }
    let doc = paragraphs.join("\n").trim().to_owned();
    (!doc.is_empty()).then_some(doc)
}

/// A declarative check's file relative to the repository, with `/` separators.
fn relative_source(root: &Path, check: &DeclarativeCheck) -> String {
    let source = check.source();
    let file = source
        .rsplit_once(':')
        .map_or(source.as_str(), |(file, _)| file);
    Path::new(file)
        .strip_prefix(root)
        .unwrap_or(Path::new(file))
        .to_string_lossy()
        .replace('\\', "/")
}

fn declarative_origin(root: &Path, check: &DeclarativeCheck) -> Result<DefinedIn, DocsError> {
    let file = relative_source(root, check);
    let text = std::fs::read_to_string(root.join(&file))
        .map_err(|e| DocsError(format!("{file}: cannot read: {e}")))?;
    Ok(DefinedIn::Declarative {
        file,
        converted_from: check.origin().map(str::to_owned),
        rule_text: rule_text(&text),
    })
}

/// The keys of a declarative check file that say what it judges (the rest is metadata the
/// page shows in its own sections).
const RULE_KEYS: &[&str] = &["applies_when", "rule", "on_mismatch", "message"];

/// The top-level blocks of [`RULE_KEYS`] as written in the file (comments inside them kept),
/// in file order; a note when the file is written in a form where they cannot be cut out.
pub(crate) fn rule_text(yaml: &str) -> String {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in yaml.lines() {
        let top_level = !line.is_empty() && !line.starts_with([' ', '\t', '#']);
        if top_level {
            if let Some(block) = current.take() {
                blocks.push(block);
            }
            let key = line.split(':').next().unwrap_or("").trim();
            if RULE_KEYS.contains(&key) && line.contains(':') {
                current = Some(vec![line]);
            }
        } else if let Some(block) = current.as_mut() {
            block.push(line);
        }
    }
    blocks.extend(current);
    let mut text = String::new();
    for mut block in blocks {
        while block
            .last()
            .is_some_and(|l| l.trim().is_empty() || l.starts_with('#'))
        {
            block.pop();
        }
        for line in block {
            text.push_str(line);
            text.push('\n');
        }
    }
    if text.is_empty() {
        "# (the rule could not be cut out of the file; see the file)".to_owned()
    } else {
        text
    }
}
