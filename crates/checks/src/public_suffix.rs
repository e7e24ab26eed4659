//! The Public Suffix List, compiled into the `psl` crate (pure data, no I/O): registrable
//! domains (public suffix + one label, the same rule the probe uses for DMARC's organisational
//! domain) and whether a name is itself a public suffix.

/// A name for lookup: lower case, without a trailing dot.
fn normalised(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The registrable domain of `name` (public suffix + one label), or `None` for a public
/// suffix itself or a name the list cannot place.
pub(crate) fn registrable_domain(name: &str) -> Option<String> {
    psl::domain_str(&normalised(name)).map(str::to_string)
}

/// True when `name` is a public suffix (`com`, `gov.uk`, `github.io`): anyone can register a
/// name directly under it.
pub(crate) fn is_public_suffix(name: &str) -> bool {
    let name = normalised(name);
    !name.is_empty() && psl::suffix_str(&name) == Some(name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains_follow_the_list() {
        assert_eq!(registrable_domain("www.ria.ee").as_deref(), Some("ria.ee"));
        assert_eq!(registrable_domain("ria.ee").as_deref(), Some("ria.ee"));
        assert_eq!(
            registrable_domain("A.B.CabinetOffice.gov.uk.").as_deref(),
            Some("cabinetoffice.gov.uk")
        );
        // An unlisted TLD falls back to the default rule "*" (one-label suffix), as in the probe.
        assert_eq!(
            registrable_domain("good.lab.test").as_deref(),
            Some("lab.test")
        );
        assert_eq!(
            registrable_domain("example.test").as_deref(),
            Some("example.test")
        );
        assert_eq!(registrable_domain("com"), None);
        assert_eq!(registrable_domain("gov.uk"), None);
    }

    #[test]
    fn public_suffixes_are_recognised() {
        for suffix in ["com", "gov.uk", "ee", "github.io", "COM."] {
            assert!(is_public_suffix(suffix), "{suffix}");
        }
        for name in ["ria.ee", "example.com", "www.gov.uk", ""] {
            assert!(!is_public_suffix(name), "{name}");
        }
    }
}
