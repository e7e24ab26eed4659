//! Page names for every domain and organisation, chosen once so all pages link consistently;
//! and the one place where names from scan data become file names ([`unique_slugs`]).

use std::collections::{BTreeMap, BTreeSet};

use govscan_model::{LightScan, Rollups};
use sha2::{Digest, Sha256};

use crate::orgs::org_slugs;

/// Domain and organisation → page path relative to the report root.
#[derive(Debug, Clone, Default)]
pub(crate) struct Links {
    domains: BTreeMap<String, String>,
    orgs: BTreeMap<String, String>,
}

impl Links {
    /// Page names for a scan and its roll-ups.
    pub(crate) fn new(scan: &LightScan, rollups: &Rollups) -> Links {
        let names: Vec<&str> = scan.domains().map(|d| d.domain()).collect();
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

    /// Every page path, domains then organisations.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.domains
            .values()
            .chain(self.orgs.values())
            .map(String::as_str)
    }
}

/// Longest stem taken from a name, in bytes (a disambiguating suffix may follow).
const SLUG_MAX: usize = 80;

/// Safe, collision-free, stable file-name stems for names taken from scan data, in input order
/// (a name given twice gets the same stem). Each stem is lower-case ASCII letters, digits, `.`
/// and `-`, never starts with `.`, never holds `..`, at most 80 bytes plus a suffix.
///
/// A name whose [`slug`] no other name of the set shares keeps it (`good.lab.test`,
/// `ministry-of-the-interior`). Names that share a slug (`A B`, `A-B`, `a b`; `Gov.je` and
/// `gov.je`) each get `<slug>-<first 8 hex digits of SHA-256 of the exact name>`, so every
/// page name depends only on its own name and the set, not on order; if even that is taken
/// (a name that is literally another's suffixed stem, or a hash prefix shared), 16 digits,
/// then `-2`, `-3` … in name order. The result is the same for the same set of names in any
/// order, and two different names never get the same stem.
pub(crate) fn unique_slugs<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let names: Vec<&str> = names.into_iter().collect();
    let distinct: BTreeSet<&str> = names.iter().copied().collect();
    let mut by_slug: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in &distinct {
        by_slug.entry(slug(name)).or_default().push(name);
    }
    let mut chosen: BTreeMap<&str, String> = BTreeMap::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (stem, owners) in &by_slug {
        if let [only] = owners.as_slice() {
            chosen.insert(only, stem.clone());
            taken.insert(stem.clone());
        }
    }
    // Shared slugs, in name order (BTreeMap and its sorted lists): deterministic for the set.
    for (stem, owners) in &by_slug {
        if owners.len() < 2 {
            continue;
        }
        for name in owners {
            let digest = hex_sha256(name);
            let mut candidates = [8, 16]
                .into_iter()
                .map(|digits| format!("{stem}-{}", &digest[..digits]));
            let free = candidates.find(|c| !taken.contains(c)).unwrap_or_else(|| {
                let long = format!("{stem}-{}", &digest[..16]);
                (2u64..)
                    .map(|n| format!("{long}-{n}"))
                    .find(|c| !taken.contains(c))
                    .unwrap_or(long)
            });
            taken.insert(free.clone());
            chosen.insert(name, free);
        }
    }
    names
        .iter()
        .map(|name| chosen.get(name).cloned().unwrap_or_else(|| slug(name)))
        .collect()
}

/// One safe stem, not unique: lower-case ASCII letters, digits, `.` and `-` (every other
/// character, and each run of them, becomes one `-`; the name's own dashes are kept, so
/// `xn--` labels survive), no leading or trailing `-` or `.`, no
/// `..`, at most 80 bytes; `unnamed` when nothing is left.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let keep = c.is_ascii_alphanumeric() || c == '.' || c == '-';
        if !keep && out.ends_with('-') {
            continue;
        }
        // A `-` of the name is kept as is (punycode's `xn--`); a run of others becomes one.
        out.push(if keep { c } else { '-' });
        if out.len() >= SLUG_MAX {
            break;
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    if trimmed.is_empty() {
        "unnamed".to_owned()
    } else {
        trimmed.replace("..", "-")
    }
}

fn hex_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(stem: &str) -> bool {
        !stem.starts_with('.')
            && !stem.contains("..")
            && stem
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    }

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slug("good.lab.test"), "good.lab.test");
        assert_eq!(slug("Ministry of the Interior"), "ministry-of-the-interior");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("<script>"), "script");
        assert_eq!(slug("..."), "unnamed");
        assert_eq!(slug(""), "unnamed");
        assert_eq!(slug("Õiguskantsler"), "iguskantsler");
        assert_eq!(slug("xn--iguskantsler-g8a.ee"), "xn--iguskantsler-g8a.ee");
        assert_eq!(slug("A - B"), "a--b");
        assert!(slug(&"a".repeat(500)).len() <= SLUG_MAX);
        for s in unique_slugs(["..", "/", "a/../b", "c\0d", ".", "-", "a..b", "a. .b"]) {
            assert!(safe(&s), "{s}");
        }
    }

    #[test]
    fn names_that_share_a_slug_never_share_a_page() {
        // The names of the report that had two pages and one wrong link.
        let names = ["A B", "A-B", "a-b-2", "a-b", "a b", "x"];
        let stems = unique_slugs(names);
        let distinct: BTreeSet<&String> = stems.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{stems:?}");
        assert_eq!(stems[2], "a-b-2", "a name nobody shares keeps its slug");
        assert_eq!(stems[5], "x");
        assert_eq!(stems[0], format!("a-b-{}", &hex_sha256("A B")[..8]));
        for s in &stems {
            assert!(safe(s), "{s}");
        }
    }

    #[test]
    fn domain_names_that_differ_in_case_or_form_never_share_a_page() {
        let names = [
            "gov.je",
            "GOV.JE",
            "gov.je.",
            "xn--riigikantselei-7ib.ee",
            "riigikantseleİ.ee",
            "good.lab.test",
        ];
        let stems = unique_slugs(names);
        let distinct: BTreeSet<&String> = stems.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{stems:?}");
        assert_eq!(stems[3], "xn--riigikantselei-7ib.ee");
        assert_eq!(stems[5], "good.lab.test");
    }

    #[test]
    fn stems_are_stable_for_the_same_set_in_any_order() {
        let names = ["A B", "A-B", "a-b-2", "Ministry", "ministry", "Z"];
        let forward = unique_slugs(names);
        let mut reversed = unique_slugs(names.iter().rev().copied());
        reversed.reverse();
        assert_eq!(forward, reversed);
        assert_eq!(unique_slugs(names), forward, "same set, same run or not");
        // A name given twice is one page.
        let twice = unique_slugs(["A B", "a-b", "A B"]);
        assert_eq!(twice[0], twice[2]);
        assert_ne!(twice[0], twice[1]);
    }

    #[test]
    fn a_name_that_spells_another_names_suffixed_stem_does_not_take_its_page() {
        let hashed = format!("a-b-{}", &hex_sha256("A B")[..8]);
        let names = ["A B", "a-b", hashed.as_str()];
        let stems = unique_slugs(names);
        let distinct: BTreeSet<&String> = stems.iter().collect();
        assert_eq!(distinct.len(), 3, "{stems:?}");
        assert_eq!(stems[2], hashed, "the literal name keeps its own slug");
        assert_eq!(stems[0], format!("a-b-{}", &hex_sha256("A B")[..16]));
    }
}
