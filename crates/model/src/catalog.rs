//! The metadata of the checks a scan ran (built-in and declarative), handed to whatever
//! renders its results, so that no consumer reads a global registry.

use crate::check::CheckMeta;

/// The metadata of every check of one check set, in the set's order (built-ins in registry
/// order, then declarative checks by id). Ids are unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckCatalog {
    metas: Vec<&'static CheckMeta>,
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
        CheckCatalog { metas: kept }
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
