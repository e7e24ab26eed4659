//! Content-Security-Policy parsing (W3C CSP Level 3 §2.2) and what one enforced policy lets
//! injected markup do, read as a browser reads it: the fetch-directive fallback lists (§6.8.3),
//! the inline rule (§6.7.3.2) and `'strict-dynamic'` (§8.2: host and scheme sources ignored for
//! scripts); what each source expression reaches is in `csp_source`.

use std::collections::BTreeMap;

use crate::http::csp_source::{
    SourceReach, allows_all_inline, frame_ancestors_allow_anyone, reach,
};

/// Most directives kept from one policy (real ones have a few dozen at most).
const MAX_DIRECTIVES: usize = 128;

/// One parsed policy: directive name (lower case) → source tokens (lower case); the first
/// occurrence of a directive wins (§2.2.1 step 2.5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CspPolicy {
    pub(crate) directives: BTreeMap<String, Vec<String>>,
}

/// Parses one header value, which may hold several policies separated by commas (§2.2.2: each
/// comma-separated token is its own policy, enforced independently of the others).
pub(crate) fn parse_header(value: &str) -> Vec<CspPolicy> {
    value
        .split(',')
        .map(parse_policy)
        .filter(|p| !p.directives.is_empty())
        .collect()
}

/// Parses one serialized policy (§2.2.1: directives separated by `;`, a non-ASCII token skipped,
/// names case-insensitive, a repeated directive ignored). Tokens whose name is not a
/// `directive-name` (letters, digits, `-`) are dropped: they could only name an unknown
/// directive, which restricts nothing.
pub(crate) fn parse_policy(text: &str) -> CspPolicy {
    let mut policy = CspPolicy::default();
    for token in text.split(';') {
        if !token.is_ascii() {
            continue;
        }
        let mut words = token.split_ascii_whitespace();
        let Some(name) = words.next() else { continue };
        let name = name.to_ascii_lowercase();
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        if policy.directives.len() >= MAX_DIRECTIVES || policy.directives.contains_key(&name) {
            continue;
        }
        let sources = words.map(str::to_ascii_lowercase).collect();
        policy.directives.insert(name, sources);
    }
    policy
}

/// §6.8.3 "get fetch directive fallback list" for inline `<script>` elements and external
/// scripts loaded by them.
const SCRIPT_ELEM: &[&str] = &["script-src-elem", "script-src", "default-src"];
/// The same for inline event handlers (`onclick=…`).
const SCRIPT_ATTR: &[&str] = &["script-src-attr", "script-src", "default-src"];
/// String compilation (`eval`) is checked against script-src, then default-src (CSP3
/// "EnsureCSPDoesNotBlockStringCompilation").
const SCRIPT_EVAL: &[&str] = &["script-src", "default-src"];
/// `<object>` and `<embed>`.
const OBJECT: &[&str] = &["object-src", "default-src"];

/// Something one policy lets an attacker who can inject markup do. The page can do it only if
/// every enforced policy allows it (§8.1: each policy is enforced independently).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Grant {
    /// Run an inline `<script>` element.
    InlineScript,
    /// Run an inline event handler attribute.
    InlineHandler,
    /// Load a `<script src>` from any https host.
    ScriptFromAnyHost,
    /// Load a `<script src="data:…">`.
    ScriptFromData,
    /// Load a `<script src="blob:…">` (or `filesystem:`).
    ScriptFromBlob,
    /// Compile strings into code (`eval`, `new Function`).
    Eval,
    /// Load `<object>`/`<embed>` from anywhere (no object-src nor default-src).
    ObjectUnrestricted,
    /// Load `<object>`/`<embed>` from any host or from data:/blob: URLs.
    ObjectFromAnyHost,
    /// Be framed by any site (no frame-ancestors, or one that allows every origin).
    FramingByAnyone,
}

impl Grant {
    /// Every grant, in order.
    pub(crate) const ALL: [Grant; 9] = [
        Grant::InlineScript,
        Grant::InlineHandler,
        Grant::ScriptFromAnyHost,
        Grant::ScriptFromData,
        Grant::ScriptFromBlob,
        Grant::Eval,
        Grant::ObjectUnrestricted,
        Grant::ObjectFromAnyHost,
        Grant::FramingByAnyone,
    ];

    /// Stable key for evidence.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Grant::InlineScript => "inline_script",
            Grant::InlineHandler => "inline_event_handler",
            Grant::ScriptFromAnyHost => "script_from_any_host",
            Grant::ScriptFromData => "script_from_data_url",
            Grant::ScriptFromBlob => "script_from_blob_url",
            Grant::Eval => "eval",
            Grant::ObjectUnrestricted => "object_unrestricted",
            Grant::ObjectFromAnyHost => "object_from_any_host",
            Grant::FramingByAnyone => "framing_by_anyone",
        }
    }
}

impl CspPolicy {
    /// The directive that governs a fetch or inline check: the first one of `fallback` the
    /// policy has (§6.8.4 "should fetch directive execute"), with its name.
    pub(crate) fn effective(&self, fallback: &[&'static str]) -> Option<(&'static str, &[String])> {
        fallback
            .iter()
            .find_map(|name| self.directives.get(*name).map(|l| (*name, l.as_slice())))
    }

    /// True when some directive of the script-element fallback list is present.
    pub(crate) fn restricts_script_elements(&self) -> bool {
        self.effective(SCRIPT_ELEM).is_some()
    }

    /// True when the policy has a frame-ancestors directive (which makes browsers ignore
    /// X-Frame-Options entirely).
    pub(crate) fn has_frame_ancestors(&self) -> bool {
        self.directives.contains_key("frame-ancestors")
    }

    /// Whether this policy lets `grant` happen.
    pub(crate) fn grants(&self, grant: Grant) -> bool {
        let reaches = |list: &[String], r: SourceReach| list.iter().any(|s| reach(s) == r);
        let script = |fallback: &[&'static str], r: SourceReach| match self.effective(fallback) {
            None => true,
            // §8.2: with 'strict-dynamic', host and scheme sources are ignored for scripts.
            Some((_, list)) => !list.iter().any(|s| s == "'strict-dynamic'") && reaches(list, r),
        };
        match grant {
            Grant::InlineScript => self
                .effective(SCRIPT_ELEM)
                .is_none_or(|(_, l)| allows_all_inline(l)),
            Grant::InlineHandler => self
                .effective(SCRIPT_ATTR)
                .is_none_or(|(_, l)| allows_all_inline(l)),
            Grant::ScriptFromAnyHost => script(SCRIPT_ELEM, SourceReach::AnyHost),
            Grant::ScriptFromData => script(SCRIPT_ELEM, SourceReach::Data),
            Grant::ScriptFromBlob => script(SCRIPT_ELEM, SourceReach::Blob),
            Grant::Eval => self
                .effective(SCRIPT_EVAL)
                .is_none_or(|(_, l)| l.iter().any(|s| s == "'unsafe-eval'")),
            Grant::ObjectUnrestricted => self.effective(OBJECT).is_none(),
            Grant::ObjectFromAnyHost => self
                .effective(OBJECT)
                .is_none_or(|(_, l)| l.iter().any(|s| reach(s) != SourceReach::Narrow)),
            Grant::FramingByAnyone => self
                .directives
                .get("frame-ancestors")
                .is_none_or(|l| frame_ancestors_allow_anyone(l)),
        }
    }

    /// Every grant of this policy.
    pub(crate) fn grant_set(&self) -> Vec<Grant> {
        Grant::ALL.into_iter().filter(|g| self.grants(*g)).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn grants(text: &str) -> Vec<&'static str> {
        parse_policy(text)
            .grant_set()
            .into_iter()
            .map(Grant::key)
            .collect()
    }

    #[test]
    fn first_directive_wins_and_case_is_ignored() {
        let p = parse_policy("SCRIPT-SRC 'self'; script-src *");
        assert_eq!(p.directives["script-src"], ["'self'"]);
    }

    #[test]
    fn garbage_gives_no_directives() {
        assert!(parse_header("<script>alert(1)</script>").is_empty());
        assert!(parse_header(";;;,,,").is_empty());
        assert!(
            parse_policy("script-src 'self' \u{e9}")
                .directives
                .is_empty()
        );
    }

    #[test]
    fn comma_separates_policies() {
        let policies = parse_header("default-src 'self', script-src *;object-src 'none'");
        assert_eq!(policies.len(), 2);
        assert!(policies[1].directives.contains_key("object-src"));
    }

    #[test]
    fn a_strict_policy_grants_nothing() {
        assert!(grants("default-src 'self'; object-src 'none'; frame-ancestors 'none'").is_empty());
        // The strict-dynamic policy Google recommends, with fallbacks for old browsers.
        assert!(grants("script-src 'nonce-abc' 'unsafe-inline' 'strict-dynamic' https: http:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'").is_empty());
    }

    #[test]
    fn unsafe_inline_is_ignored_with_a_nonce_or_hash() {
        assert_eq!(
            grants("script-src 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'"),
            ["inline_script", "inline_event_handler"]
        );
        assert!(grants("script-src 'unsafe-inline' 'sha256-abc='; object-src 'none'; frame-ancestors 'none'").is_empty());
        assert!(
            grants(
                "script-src 'unsafe-inline' 'nonce-r4nd'; object-src 'none'; frame-ancestors 'none'"
            )
            .is_empty()
        );
        // A malformed nonce (no closing quote) is not a nonce.
        assert_eq!(
            grants(
                "script-src 'unsafe-inline' 'nonce-r4nd; object-src 'none'; frame-ancestors 'none'"
            ),
            ["inline_script", "inline_event_handler"]
        );
    }

    #[test]
    fn script_src_elem_and_attr_fall_back_separately() {
        // script-src-elem restricts elements only: handlers fall back to default-src.
        assert_eq!(
            grants(
                "default-src 'self' 'unsafe-inline'; script-src-elem 'self'; object-src 'none'; frame-ancestors 'none'"
            ),
            ["inline_event_handler"]
        );
        // script-src-attr 'none' stops handlers even when script-src allows inline.
        assert_eq!(
            grants(
                "script-src 'self' 'unsafe-inline'; script-src-attr 'none'; object-src 'none'; frame-ancestors 'none'"
            ),
            ["inline_script"]
        );
        // Only script-src-elem: handlers and eval are unrestricted (eval reads script-src).
        assert_eq!(
            grants("script-src-elem 'self'; object-src 'none'; frame-ancestors 'none'"),
            ["inline_event_handler", "eval"]
        );
    }

    #[test]
    fn data_and_blob_script_sources_are_granted() {
        assert_eq!(
            grants("script-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'"),
            ["script_from_data_url", "script_from_blob_url"]
        );
    }

    #[test]
    fn strict_dynamic_ignores_host_and_scheme_sources() {
        assert!(grants("script-src 'strict-dynamic' 'nonce-x' * data:; object-src 'none'; frame-ancestors 'none'").is_empty());
    }

    #[test]
    fn no_script_directive_grants_every_script_capability() {
        assert_eq!(
            grants("img-src *"),
            [
                "inline_script",
                "inline_event_handler",
                "script_from_any_host",
                "script_from_data_url",
                "script_from_blob_url",
                "eval",
                "object_unrestricted",
                "object_from_any_host",
                "framing_by_anyone"
            ]
        );
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in ".{0,400}") {
            for policy in parse_header(&text) {
                let _ = policy.grant_set();
            }
        }

        #[test]
        fn case_and_spacing_do_not_change_the_grants(
            directives in prop::collection::vec(directive(), 0..6),
        ) {
            let text = directives.join(";");
            let shouted = format!("  {}  ", directives.join(" ;  ").to_ascii_uppercase());
            prop_assert_eq!(parse_policy(&text).grant_set(), parse_policy(&shouted).grant_set());
        }

        #[test]
        fn a_nonce_in_the_governing_list_neutralises_unsafe_inline(
            directives in prop::collection::vec(directive(), 0..6),
            nonce in "[a-z0-9+/]{8,24}",
        ) {
            // Whatever the other directives, a nonce in the directive that governs inline
            // scripts (or in script-src when none does) stops inline scripts.
            let mut policy = parse_policy(&directives.join("; "));
            let governing = policy.effective(SCRIPT_ELEM).map_or("script-src", |(name, _)| name);
            policy
                .directives
                .entry(governing.to_string())
                .or_default()
                .extend(["'unsafe-inline'".to_string(), format!("'nonce-{nonce}'")]);
            prop_assert!(!policy.grants(Grant::InlineScript));
        }
    }

    /// One directive built from realistic parts (shared with the combination tests).
    pub(crate) fn directive() -> impl Strategy<Value = String> {
        let name = prop::sample::select(vec![
            "default-src",
            "script-src",
            "script-src-elem",
            "script-src-attr",
            "object-src",
            "frame-ancestors",
            "img-src",
            "base-uri",
        ]);
        let source = prop::sample::select(vec![
            "'self'",
            "'none'",
            "'unsafe-inline'",
            "'unsafe-eval'",
            "'strict-dynamic'",
            "'nonce-abc'",
            "'sha256-abc='",
            "*",
            "*:443",
            "https:",
            "http:",
            "data:",
            "blob:",
            "https://*",
            "cdn.example.ee",
            "*.ria.ee",
            "*.com",
        ]);
        (name, prop::collection::vec(source, 0..4))
            .prop_map(|(name, sources)| format!("{name} {}", sources.join(" ")))
    }
}
