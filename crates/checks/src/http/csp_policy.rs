//! Content-Security-Policy parsing (CSP Level 3 §2.2) and the Observatory-style analysis of one
//! policy: unsafe-inline, unsafe-eval, wildcard or scheme-only sources, object-src and
//! frame-ancestors.

use std::collections::BTreeMap;

/// Most directives kept from one policy (real ones have a few dozen at most).
const MAX_DIRECTIVES: usize = 128;

/// One parsed policy: directive name (lower case) → source tokens; the first occurrence of a
/// directive wins, as in the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CspPolicy {
    pub(crate) directives: BTreeMap<String, Vec<String>>,
}

/// Parses one header value, which may hold several policies separated by commas.
pub(crate) fn parse_header(value: &str) -> Vec<CspPolicy> {
    value
        .split(',')
        .map(parse_policy)
        .filter(|p| !p.directives.is_empty())
        .collect()
}

/// Parses one serialized policy (directives separated by `;`).
pub(crate) fn parse_policy(text: &str) -> CspPolicy {
    let mut policy = CspPolicy::default();
    for directive in text.split(';') {
        let mut tokens = directive.split_ascii_whitespace();
        let Some(name) = tokens.next() else { continue };
        let name = name.to_ascii_lowercase();
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        if policy.directives.len() >= MAX_DIRECTIVES || policy.directives.contains_key(&name) {
            continue;
        }
        let sources = tokens.map(str::to_ascii_lowercase).collect();
        policy.directives.insert(name, sources);
    }
    policy
}

/// A weakness found in a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum CspIssue {
    /// Neither script-src nor default-src: scripts are not restricted at all.
    ScriptUnrestricted,
    /// `'unsafe-inline'` in the script sources without a nonce, hash or strict-dynamic.
    UnsafeInline,
    /// `*`, a scheme-only source (`https:`, `data:`…) or an `http://` host in scripts or objects.
    WildcardSource,
    /// `'unsafe-eval'` in the script sources.
    UnsafeEval,
    /// Neither object-src nor default-src.
    ObjectSrcMissing,
    /// No frame-ancestors (it does not fall back to default-src).
    FrameAncestorsMissing,
}

impl CspIssue {
    /// Stable key.
    pub(crate) fn key(self) -> &'static str {
        match self {
            CspIssue::ScriptUnrestricted => "script_unrestricted",
            CspIssue::UnsafeInline => "unsafe_inline",
            CspIssue::WildcardSource => "wildcard_source",
            CspIssue::UnsafeEval => "unsafe_eval",
            CspIssue::ObjectSrcMissing => "object_src_missing",
            CspIssue::FrameAncestorsMissing => "frame_ancestors_missing",
        }
    }

    /// True for issues that defeat the policy's protection against script injection.
    pub(crate) fn is_severe(self) -> bool {
        matches!(
            self,
            CspIssue::ScriptUnrestricted | CspIssue::UnsafeInline | CspIssue::WildcardSource
        )
    }
}

impl CspPolicy {
    /// The sources governing `directive`, falling back to default-src.
    fn effective(&self, directive: &str) -> Option<&Vec<String>> {
        self.directives
            .get(directive)
            .or_else(|| self.directives.get("default-src"))
    }

    /// The issues of this one policy, sorted.
    pub(crate) fn issues(&self) -> Vec<CspIssue> {
        let mut issues = Vec::new();
        match self.effective("script-src") {
            None => issues.push(CspIssue::ScriptUnrestricted),
            Some(sources) => {
                let has = |t: &str| sources.iter().any(|s| s == t);
                let nonce_or_hash = sources.iter().any(|s| {
                    s.starts_with("'nonce-")
                        || s.starts_with("'sha256-")
                        || s.starts_with("'sha384-")
                        || s.starts_with("'sha512-")
                }) || has("'strict-dynamic'");
                if has("'unsafe-inline'") && !nonce_or_hash {
                    issues.push(CspIssue::UnsafeInline);
                }
                if has("'unsafe-eval'") {
                    issues.push(CspIssue::UnsafeEval);
                }
                if sources.iter().any(|s| is_wildcard(s)) {
                    issues.push(CspIssue::WildcardSource);
                }
            }
        }
        match self.effective("object-src") {
            None => issues.push(CspIssue::ObjectSrcMissing),
            Some(sources) => {
                if sources.iter().any(|s| is_wildcard(s))
                    && !issues.contains(&CspIssue::WildcardSource)
                {
                    issues.push(CspIssue::WildcardSource);
                }
            }
        }
        if !self.directives.contains_key("frame-ancestors") {
            issues.push(CspIssue::FrameAncestorsMissing);
        }
        issues.sort();
        issues
    }
}

/// `*`, a scheme-only source, or a plain-http host source.
fn is_wildcard(source: &str) -> bool {
    const SCHEMES: [&str; 6] = ["http:", "https:", "data:", "blob:", "filesystem:", "ws:"];
    source == "*"
        || SCHEMES.contains(&source)
        || source.starts_with("http://")
        || (source.starts_with("https://*") && !source.starts_with("https://*."))
}

/// The issues left when several policies are enforced together: an issue counts only if every
/// policy has it (each policy restricts independently).
pub(crate) fn combined_issues(policies: &[CspPolicy]) -> Vec<CspIssue> {
    let mut per_policy = policies.iter().map(CspPolicy::issues);
    let Some(first) = per_policy.next() else {
        return Vec::new();
    };
    per_policy.fold(first, |acc, next| {
        acc.into_iter().filter(|i| next.contains(i)).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn issues(text: &str) -> Vec<&'static str> {
        combined_issues(&parse_header(text))
            .into_iter()
            .map(CspIssue::key)
            .collect()
    }

    #[test]
    fn a_strict_policy_has_no_issue() {
        assert!(issues("default-src 'self'; object-src 'none'; frame-ancestors 'none'").is_empty());
        assert!(
            issues("script-src 'nonce-abc' 'unsafe-inline' 'strict-dynamic'; object-src 'none'; frame-ancestors 'self'")
                .is_empty()
        );
    }

    #[test]
    fn unsafe_keywords_and_wildcards_are_found() {
        assert_eq!(
            issues("default-src 'self' 'unsafe-inline' 'unsafe-eval'"),
            ["unsafe_inline", "unsafe_eval", "frame_ancestors_missing"]
        );
        assert_eq!(
            issues("script-src https:; object-src 'none'; frame-ancestors 'none'"),
            ["wildcard_source"]
        );
        assert_eq!(
            issues("script-src 'self'; object-src *; frame-ancestors 'none'"),
            ["wildcard_source"]
        );
        assert_eq!(
            issues("img-src *"),
            [
                "script_unrestricted",
                "object_src_missing",
                "frame_ancestors_missing"
            ]
        );
    }

    #[test]
    fn first_directive_wins_and_case_is_ignored() {
        let p = parse_policy("SCRIPT-SRC 'self'; script-src *");
        assert_eq!(p.directives["script-src"], ["'self'"]);
    }

    #[test]
    fn an_issue_counts_only_if_every_policy_has_it() {
        assert_eq!(
            issues("default-src 'self' 'unsafe-inline', script-src 'self'"),
            ["frame_ancestors_missing"]
        );
    }

    #[test]
    fn garbage_gives_no_directives() {
        assert!(parse_header("<script>alert(1)</script>").is_empty());
        assert!(parse_header(";;;,,,").is_empty());
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in ".{0,400}") {
            let policies = parse_header(&text);
            let _ = combined_issues(&policies);
        }
    }
}
