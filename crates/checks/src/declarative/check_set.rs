//! The checks a run judges: every built-in check plus the declarative ones that were loaded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use govscan_model::{CheckCatalog, CheckOrigin, Observations, Outcome};

use super::{DeclarativeCheck, DeclarativeError, check_files};
use crate::registry::ALL;
use crate::runner::evaluate_one;
use crate::{Check, Context};

/// Built-in checks plus declarative checks, with ids unique across both.
#[derive(Debug, Default)]
pub struct CheckSet {
    /// Declarative checks, sorted by id.
    declarative: Vec<DeclarativeCheck>,
}

impl CheckSet {
    /// Only the built-in checks.
    pub fn builtin() -> CheckSet {
        CheckSet::default()
    }

    /// Built-in checks plus every `*.yaml`/`*.yml` file of each directory (a directory named
    /// twice, by the same canonical path, is read once). The first error stops loading.
    pub fn load(dirs: &[PathBuf]) -> Result<CheckSet, DeclarativeError> {
        let mut seen_dirs = Vec::new();
        let mut checks = Vec::new();
        for dir in dirs {
            let canonical = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            if seen_dirs.contains(&canonical) {
                continue;
            }
            seen_dirs.push(canonical);
            for file in check_files(dir)? {
                checks.push(DeclarativeCheck::load(&file)?);
            }
        }
        CheckSet::from_checks(checks)
    }

    /// A set from checks already parsed; rejects ids that repeat or clash with built-ins.
    pub fn from_checks(mut checks: Vec<DeclarativeCheck>) -> Result<CheckSet, DeclarativeError> {
        let mut first_seen: BTreeMap<&'static str, String> = BTreeMap::new();
        for check in &checks {
            let id = check.meta.id;
            let clash = |message: String| DeclarativeError {
                file: check.source.clone(),
                line: Some(check.line),
                message,
            };
            if ALL.iter().any(|b| b.meta().id == id) {
                return Err(clash(format!(
                    "id {id:?} is already used by a built-in check"
                )));
            }
            if let Some(first) = first_seen.get(id) {
                return Err(clash(format!("id {id:?} is already used by {first}")));
            }
            first_seen.insert(id, check.source());
        }
        checks.sort_by_key(|c| c.meta.id);
        Ok(CheckSet {
            declarative: checks,
        })
    }

    /// The declarative checks, sorted by id.
    pub fn declarative(&self) -> &[DeclarativeCheck] {
        &self.declarative
    }

    /// Every check: built-ins in registry order, then declarative checks by id.
    pub fn checks(&self) -> Vec<&dyn Check> {
        ALL.iter()
            .copied()
            .map(|c| c as &dyn Check)
            .chain(self.declarative.iter().map(|c| c as &dyn Check))
            .collect()
    }

    /// The metadata of every check, in the order of [`CheckSet::checks`], with the origin of
    /// each declarative check (its file, and what it was converted from): what a report of this
    /// set's results is rendered with.
    pub fn catalog(&self) -> CheckCatalog {
        let catalog = CheckCatalog::new(self.checks().iter().map(|c| c.meta()));
        self.declarative.iter().fold(catalog, |catalog, check| {
            catalog.with_origin(
                check.meta.id,
                CheckOrigin {
                    file: check.source.clone(),
                    converted_from: check.origin.clone(),
                },
            )
        })
    }

    /// Every check id, in the order of [`CheckSet::checks`].
    pub fn ids(&self) -> Vec<&'static str> {
        self.checks().iter().map(|c| c.meta().id).collect()
    }

    /// A check by id.
    pub fn find(&self, id: &str) -> Option<&dyn Check> {
        self.checks().into_iter().find(|c| c.meta().id == id)
    }

    /// A declarative check by id.
    pub fn find_declarative(&self, id: &str) -> Option<&DeclarativeCheck> {
        self.declarative.iter().find(|c| c.meta.id == id)
    }

    /// The same-origin paths the declarative checks need fetched (sorted, unique), for
    /// `ProbeConfig::extra_paths`.
    pub fn declared_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .declarative
            .iter()
            .flat_map(DeclarativeCheck::declared_paths)
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// The DNS record sets (name template with `{domain}`, type) the declarative checks read,
    /// sorted and unique; the probe queries those it does not record anyway.
    pub fn declared_dns(&self) -> Vec<(String, String)> {
        let mut queries: Vec<(String, String)> = self
            .declarative
            .iter()
            .flat_map(DeclarativeCheck::declared_dns)
            .filter(|(name, rtype)| !super::sources::recorded_anyway(name, rtype))
            .collect();
        queries.sort();
        queries.dedup();
        queries
    }

    /// Runs every check of the set over one domain's observations.
    pub fn evaluate_all(&self, obs: &Observations, ctx: &Context) -> Vec<Outcome> {
        self.checks()
            .into_iter()
            .map(|c| evaluate_one(c, obs, ctx))
            .collect()
    }
}

/// The directories a command loads when none is given: `checks/` in the current directory,
/// when it exists (so that running govscan from a checkout picks up the shipped checks).
pub fn default_dirs() -> Vec<PathBuf> {
    let dir = Path::new("checks");
    if dir.is_dir() {
        vec![dir.to_path_buf()]
    } else {
        Vec::new()
    }
}
