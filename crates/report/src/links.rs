//! Page names for every domain and organisation, chosen once so all pages link consistently.

use std::collections::BTreeMap;

use govscan_model::{Rollups, ScanResult};

use crate::orgs::org_slugs;
use crate::text::unique_slugs;

/// Domain and organisation → page path relative to the report root.
#[derive(Debug, Clone, Default)]
pub(crate) struct Links {
    domains: BTreeMap<String, String>,
    orgs: BTreeMap<String, String>,
}

impl Links {
    /// Page names for a scan and its roll-ups.
    pub(crate) fn new(result: &ScanResult, rollups: &Rollups) -> Links {
        let names: Vec<&str> = result.domains.iter().map(|d| d.domain.as_str()).collect();
        let domains = names
            .iter()
            .zip(unique_slugs(names.iter().copied()))
            .map(|(name, slug)| ((*name).to_owned(), format!("domains/{slug}.html")))
            .collect();
        let orgs = org_slugs(rollups)
            .into_iter()
            .map(|(name, slug)| (name.to_owned(), format!("orgs/{slug}.html")))
            .collect();
        Links { domains, orgs }
    }

    /// The page of a domain, if it has one.
    pub(crate) fn domain(&self, name: &str) -> Option<&str> {
        self.domains.get(name).map(String::as_str)
    }

    /// The page of an organisation, if it has one.
    pub(crate) fn org(&self, name: &str) -> Option<&str> {
        self.orgs.get(name).map(String::as_str)
    }
}
