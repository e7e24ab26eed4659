//! The metadata of the checks a scan ran (built-in and declarative), handed to whatever
//! renders its results, so that no consumer reads a global registry. A declarative check also
//! carries its origin (the file it was loaded from), so that a report names it.

use std::fmt;

use crate::check::CheckMeta;

/// Where a declarative check came from, for the reader of a report (built-in checks have none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOrigin {
    /// The file it was loaded from, as the run named it: e.g. `checks/http-env.yaml` (`./checks`),
    /// `/usr/share/govscan/checks/…` (the shipped checks) or a `--checks-dir` path.
    pub file: String,
    /// What it was converted from, when the file says (`origin:`, e.g. a Nuclei template).
    pub converted_from: Option<String>,
}

impl fmt::Display for CheckOrigin {
    /// One sentence: `declarative check from FILE` and, when known, `, converted from …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "declarative check from {}", self.file)?;
        if let Some(from) = &self.converted_from {
            write!(f, ", converted from {from}")?;
        }
        Ok(())
    }
}

/// The metadata of every check of one check set, in the set's order (built-ins in registry
/// order, then declarative checks by id). Ids are unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckCatalog {
    metas: Vec<&'static CheckMeta>,
    /// Check id → origin, for the declarative checks of the set.
    origins: Vec<(&'static str, CheckOrigin)>,
}

impl CheckCatalog {
    /// A catalogue of these checks; a later entry with an id already listed is dropped.
    pub fn new(metas: impl IntoIterator<Item = &'static CheckMeta>) -> CheckCatalog {
        let mut kept: Vec<&'static CheckMeta> = Vec::new();
        for meta in metas {
            if !kept.iter().any(|m| m.id == meta.id) {
                kept.push(meta);
            }
        }
        CheckCatalog {
            metas: kept,
            origins: Vec::new(),
        }
    }

    /// Records where check `id` came from (a check not in the catalogue is ignored; a second
    /// origin for the same id replaces the first).
    pub fn with_origin(mut self, id: &str, origin: CheckOrigin) -> CheckCatalog {
        let Some(meta) = self.find(id) else {
            return self;
        };
        self.origins.retain(|(known, _)| *known != meta.id);
        self.origins.push((meta.id, origin));
        self
    }

    /// Where check `id` came from, when it is a declarative check with a known origin.
    pub fn origin(&self, id: &str) -> Option<&CheckOrigin> {
        self.origins
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, origin)| origin)
    }

    /// The metadata of check `id`, if it is in the catalogue.
    pub fn find(&self, id: &str) -> Option<&'static CheckMeta> {
        self.metas.iter().copied().find(|m| m.id == id)
    }

    /// Every check's metadata, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = &'static CheckMeta> + '_ {
        self.metas.iter().copied()
    }

    /// How many checks.
    pub fn len(&self) -> usize {
        self.metas.len()
    }

    /// True when there are no checks.
    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Family, Level};

    static META: CheckMeta = CheckMeta {
        id: "http.example-yaml",
        family: Family::Http,
        title: "An example",
        level: Level::May,
        rationale: "",
        remediation: "",
        references: &[],
        needs: &[],
        findings: &[],
        params: &[],
    };

    fn origin(file: &str) -> CheckOrigin {
        CheckOrigin {
            file: file.to_owned(),
            converted_from: None,
        }
    }

    #[test]
    fn an_origin_is_kept_for_a_listed_check_only() {
        let catalog = CheckCatalog::new([&META])
            .with_origin("http.example-yaml", origin("checks/a.yaml"))
            .with_origin("http.not-listed", origin("checks/b.yaml"))
            .with_origin("http.example-yaml", origin("examples/checks/a.yaml"));
        assert_eq!(
            catalog.origin("http.example-yaml").map(|o| o.file.as_str()),
            Some("examples/checks/a.yaml")
        );
        assert_eq!(catalog.origin("http.not-listed"), None);
    }

    #[test]
    fn an_origin_reads_as_one_sentence() {
        let mut o = origin("checks/a.yaml");
        assert_eq!(o.to_string(), "declarative check from checks/a.yaml");
        o.converted_from = Some("Nuclei template x (x.yaml), severity high".to_owned());
        assert_eq!(
            o.to_string(),
            "declarative check from checks/a.yaml, converted from Nuclei template x (x.yaml), severity high"
        );
    }
}
