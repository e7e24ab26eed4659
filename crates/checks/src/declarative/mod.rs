//! Declarative checks: `checks/*.yaml` files, one check each, that judge data the probes
//! already collect (see `docs/checks-format.md`).
//!
//! A file carries the same metadata as a built-in check and a rule: a tree (`all`/`any`/`not`
//! over leaves that read any recorded observation, `tree`, `tree_leaf`, `sources`) or one of
//! the three original single rules (`rule`: a home-page header, TXT records, a declared path).
//! Files are validated when loaded (`compile`, `compile_rule`, `tree_compile`,
//! `params_compile`: unknown keys, bad values and regexes, duplicate ids, ids that clash with
//! built-in checks, bad family prefixes, non-https references), and every error names the file
//! and the line. The metadata is leaked to `&'static` (`meta`) so that it is the same
//! `CheckMeta` as a built-in check's; checks are loaded once per process.

mod check_set;
mod compile;
mod compile_rule;
mod findings;
mod judge;
mod meta;
pub mod params;
mod params_compile;
mod read_dns;
mod read_tls;
mod rule;
mod schema;
pub mod sources;
#[cfg(test)]
mod tests;
pub mod tree;
mod tree_compile;
mod tree_leaf;
#[cfg(test)]
mod tree_tests;
#[cfg(test)]
mod twin_tests;

use std::fmt;
use std::path::{Path, PathBuf};

use govscan_model::{CheckMeta, Observations, Outcome, Status};

use crate::{Check, Context};

pub use check_set::{CheckSet, default_dirs};
pub use rule::{HeaderExpect, Rule, TxtAt, TxtExpect};

/// Largest accepted check file.
const MAX_FILE_BYTES: u64 = 256 * 1024;

/// A declarative check that could not be loaded: the file, the line when known, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarativeError {
    /// The file (as given, e.g. `checks/http-x-powered-by.yaml`).
    pub file: String,
    /// 1-based line of the offending value, when known.
    pub line: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl DeclarativeError {
    fn at(file: &str, line: Option<u64>, message: impl Into<String>) -> Self {
        DeclarativeError {
            file: file.to_owned(),
            // serde-saphyr reports line 0 when it does not know the position.
            line: line.filter(|l| *l > 0),
            message: message.into(),
        }
    }
}

impl fmt::Display for DeclarativeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for DeclarativeError {}

/// One loaded declarative check.
#[derive(Debug)]
pub struct DeclarativeCheck {
    meta: &'static CheckMeta,
    rule: Rule,
    on_mismatch: Status,
    source: String,
    line: u64,
    params: Vec<params::ParamDecl>,
    /// Message templates (pass, fail) of a tree rule.
    messages: (Option<String>, Option<String>),
    origin: Option<String>,
    applies_when: Option<tree::Node>,
}

impl DeclarativeCheck {
    /// The rule.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The status given when the rule does not hold (fail, warn or info).
    pub fn on_mismatch(&self) -> Status {
        self.on_mismatch
    }

    /// The file the check was loaded from and the line of its id, e.g. `checks/x.yaml:1`.
    pub fn source(&self) -> String {
        format!("{}:{}", self.source, self.line)
    }

    /// The parameters the check declares.
    pub fn params(&self) -> &[params::ParamDecl] {
        &self.params
    }

    /// Where a converted check came from (e.g. a Nuclei template), if it says.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The same-origin paths this check fetches (a path rule's, or a tree's `fetch:`).
    pub fn declared_paths(&self) -> Vec<String> {
        let mut paths = match &self.rule {
            Rule::Path { path, .. } => vec![path.clone()],
            Rule::Tree(root) => root
                .leaves()
                .iter()
                .filter_map(|l| match &l.source {
                    sources::Source::Http(sources::HttpTarget::Path(p), _) => Some(p.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        paths.sort();
        paths.dedup();
        paths
    }

    /// The DNS record sets (name template, type) this check reads.
    pub fn declared_dns(&self) -> Vec<(String, String)> {
        let mut queries: Vec<(String, String)> = match &self.rule {
            Rule::Tree(root) => root
                .leaves()
                .iter()
                .filter_map(|l| match &l.source {
                    sources::Source::Dns { name, rtype } => Some((name.clone(), rtype.clone())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        queries.sort();
        queries.dedup();
        queries
    }

    /// Parses and validates one check; `name_for_errors` is the file name used in errors.
    pub fn from_yaml(
        name_for_errors: &str,
        text: &str,
    ) -> Result<DeclarativeCheck, DeclarativeError> {
        let raw: schema::RawCheck = serde_saphyr::from_str(text).map_err(|err| {
            let line = err.location().map(|l| l.line());
            let message = err.without_snippet().to_string();
            let message = message.lines().next().unwrap_or("invalid YAML").to_owned();
            DeclarativeError::at(name_for_errors, line, message)
        })?;
        let compiled = compile::Validator {
            file: name_for_errors,
        }
        .check(&raw)?;
        Ok(DeclarativeCheck {
            meta: meta::leak_meta(&compiled),
            rule: compiled.rule,
            on_mismatch: compiled.on_mismatch,
            source: name_for_errors.to_owned(),
            line: compiled.id_line,
            params: compiled.params,
            messages: compiled.messages,
            origin: compiled.origin,
            applies_when: compiled.applies_when,
        })
    }

    /// Reads and validates one file.
    pub fn load(path: &Path) -> Result<DeclarativeCheck, DeclarativeError> {
        let name = path.display().to_string();
        let read_error =
            |e: std::io::Error| DeclarativeError::at(&name, None, format!("cannot read: {e}"));
        let len = std::fs::metadata(path).map_err(read_error)?.len();
        if len > MAX_FILE_BYTES {
            return Err(DeclarativeError::at(
                &name,
                None,
                format!("file is larger than {MAX_FILE_BYTES} bytes"),
            ));
        }
        let text = std::fs::read_to_string(path).map_err(read_error)?;
        DeclarativeCheck::from_yaml(&name, &text)
    }
}

impl Check for DeclarativeCheck {
    fn meta(&self) -> &'static CheckMeta {
        self.meta
    }

    fn evaluate(&self, obs: &Observations, ctx: &Context) -> Outcome {
        match &self.rule {
            Rule::Tree(root) => judge::judge_tree(self, root, obs, ctx),
            rule => rule::evaluate(self.meta.id, rule, self.on_mismatch, obs),
        }
    }
}

/// The `*.yaml` / `*.yml` files of a directory, sorted by name.
fn check_files(dir: &Path) -> Result<Vec<PathBuf>, DeclarativeError> {
    let name = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        DeclarativeError::at(&name, None, format!("cannot read checks directory: {e}"))
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| {
                DeclarativeError::at(&name, None, format!("cannot read checks directory: {e}"))
            })?
            .path();
        let yaml = path.extension().is_some_and(|x| x == "yaml" || x == "yml");
        if yaml && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
