//! The one explicit list of built-in checks, sorted by id.

use crate::Check;
use crate::http::x_content_type_options::XContentTypeOptions;

/// Every built-in check, sorted by id.
pub static ALL: &[&dyn Check] = &[&XContentTypeOptions];

/// Finds a built-in check by id.
pub fn find(id: &str) -> Option<&'static dyn Check> {
    ALL.iter().copied().find(|c| c.meta().id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use govscan_model::Family;

    #[test]
    fn ids_are_unique_sorted_and_match_their_family() {
        let ids: Vec<&str> = ALL.iter().map(|c| c.meta().id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "registry must be sorted and unique");
        for check in ALL {
            let meta = check.meta();
            let (prefix, slug) = meta.id.split_once('.').expect("id has a family prefix");
            assert_eq!(Family::from_prefix(prefix), Some(meta.family), "{}", meta.id);
            assert!(
                !slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} slug must be kebab-case",
                meta.id
            );
            assert!(!meta.references.is_empty(), "{} cites no source", meta.id);
            for r in meta.references {
                assert!(r.url.starts_with("https://"), "{} reference {} is not https", meta.id, r.url);
            }
        }
    }
}
