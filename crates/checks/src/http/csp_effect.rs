//! What several enforced Content-Security-Policies allow together, and the page's weaknesses
//! that follow. W3C CSP Level 3 §8.1 ("the effect of multiple policies"): every enforced policy
//! is applied on its own, so a page allows something only when every policy allows it. A
//! weakness of one policy that another enforced policy removes is not a weakness of the page.

use serde_json::{Value, json};

use crate::http::csp_policy::{CspPolicy, Grant};

/// A weakness of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum CspIssue {
    /// No enforced policy has script-src-elem, script-src or default-src.
    ScriptUnrestricted,
    /// Every policy lets an inline `<script>` run (`'unsafe-inline'` without nonce, hash or
    /// `'strict-dynamic'`, or no script directive).
    UnsafeInline,
    /// Every policy lets inline event handlers (`onerror=…`) run.
    UnsafeInlineHandlers,
    /// Every policy lets scripts (or objects) come from any host, `data:` or `blob:`.
    WildcardSource,
    /// Every policy allows `eval`.
    UnsafeEval,
    /// No policy has object-src or default-src.
    ObjectSrcMissing,
    /// No policy has frame-ancestors (it does not fall back to default-src).
    FrameAncestorsMissing,
    /// Every frame-ancestors present lets any site frame the page.
    FrameAncestorsPermissive,
}

impl CspIssue {
    /// Stable key.
    pub(crate) fn key(self) -> &'static str {
        match self {
            CspIssue::ScriptUnrestricted => "script_unrestricted",
            CspIssue::UnsafeInline => "unsafe_inline",
            CspIssue::UnsafeInlineHandlers => "unsafe_inline_handlers",
            CspIssue::WildcardSource => "wildcard_source",
            CspIssue::UnsafeEval => "unsafe_eval",
            CspIssue::ObjectSrcMissing => "object_src_missing",
            CspIssue::FrameAncestorsMissing => "frame_ancestors_missing",
            CspIssue::FrameAncestorsPermissive => "frame_ancestors_permissive",
        }
    }

    /// True for issues that defeat the policy's protection against script injection.
    pub(crate) fn is_severe(self) -> bool {
        matches!(
            self,
            CspIssue::ScriptUnrestricted
                | CspIssue::UnsafeInline
                | CspIssue::UnsafeInlineHandlers
                | CspIssue::WildcardSource
        )
    }
}

/// The combined effect of a page's enforced policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageEffect {
    /// What every policy allows, in `Grant` order.
    pub(crate) grants: Vec<Grant>,
    /// The page's weaknesses, sorted (most severe first).
    pub(crate) issues: Vec<CspIssue>,
    /// Grants some policy allows that another policy removes: (grant, policies that allow it,
    /// policies that block it), policies numbered from 1 in header order.
    pub(crate) removed: Vec<(Grant, Vec<usize>, Vec<usize>)>,
    /// Weaknesses a policy has on its own that the page does not have (another policy
    /// removes them), with the policies that have them.
    pub(crate) removed_issues: Vec<(CspIssue, Vec<usize>)>,
}

impl PageEffect {
    /// Evidence: the page's grants and what one policy allowed that another removed.
    pub(crate) fn evidence(&self) -> Value {
        json!({
            "allowed_by_every_policy": self.grants.iter().map(|g| g.key()).collect::<Vec<_>>(),
            "removed_by_another_policy": self.removed.iter().map(|(g, allowed, blocked)| json!({
                "grant": g.key(), "allowed_by_policies": allowed, "blocked_by_policies": blocked,
            })).collect::<Vec<_>>(),
            "weaknesses_removed_by_another_policy": self.removed_issues.iter().map(|(i, by)| json!({
                "issue": i.key(), "of_policies": by,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Combines the enforced policies of one response. With no policy at all, everything is
/// allowed (the caller reports a missing policy before asking).
pub(crate) fn combine(policies: &[CspPolicy]) -> PageEffect {
    let mut effect = combine_only(policies);
    if policies.len() > 1 {
        for (n, policy) in policies.iter().enumerate() {
            for issue in combine_only(std::slice::from_ref(policy)).issues {
                if effect.issues.contains(&issue) {
                    continue;
                }
                match effect.removed_issues.iter_mut().find(|(i, _)| *i == issue) {
                    Some((_, by)) => by.push(n + 1),
                    None => effect.removed_issues.push((issue, vec![n + 1])),
                }
            }
        }
        effect.removed_issues.sort();
    }
    effect
}

/// The grants and issues of `policies` together, without the per-policy comparison.
fn combine_only(policies: &[CspPolicy]) -> PageEffect {
    let per_policy: Vec<Vec<Grant>> = policies.iter().map(CspPolicy::grant_set).collect();
    let mut grants = Vec::new();
    let mut removed = Vec::new();
    for grant in Grant::ALL {
        let (allowed, blocked): (Vec<usize>, Vec<usize>) =
            (1..=per_policy.len()).partition(|i| per_policy[i - 1].contains(&grant));
        if blocked.is_empty() {
            grants.push(grant);
        } else if !allowed.is_empty() {
            removed.push((grant, allowed, blocked));
        }
    }
    let has = |g: Grant| grants.contains(&g);
    let mut issues = Vec::new();
    if policies.iter().all(|p| !p.restricts_script_elements()) {
        issues.push(CspIssue::ScriptUnrestricted);
    } else {
        if has(Grant::InlineScript) {
            issues.push(CspIssue::UnsafeInline);
        }
        if has(Grant::InlineHandler) {
            issues.push(CspIssue::UnsafeInlineHandlers);
        }
        if has(Grant::ScriptFromAnyHost) || has(Grant::ScriptFromData) || has(Grant::ScriptFromBlob)
        {
            issues.push(CspIssue::WildcardSource);
        }
        if has(Grant::Eval) {
            issues.push(CspIssue::UnsafeEval);
        }
    }
    if has(Grant::ObjectUnrestricted) {
        issues.push(CspIssue::ObjectSrcMissing);
    } else if has(Grant::ObjectFromAnyHost) && !issues.contains(&CspIssue::WildcardSource) {
        issues.push(CspIssue::WildcardSource);
    }
    if has(Grant::FramingByAnyone) {
        if policies.iter().any(CspPolicy::has_frame_ancestors) {
            issues.push(CspIssue::FrameAncestorsPermissive);
        } else {
            issues.push(CspIssue::FrameAncestorsMissing);
        }
    }
    issues.sort();
    PageEffect {
        grants,
        issues,
        removed,
        removed_issues: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::csp_policy::tests::directive;
    use crate::http::csp_policy::{parse_header, parse_policy};
    use proptest::prelude::*;

    /// The issues of the policies in `headers` (each header may hold comma-joined policies).
    fn issues(headers: &[&str]) -> Vec<&'static str> {
        let policies: Vec<CspPolicy> = headers.iter().flat_map(|h| parse_header(h)).collect();
        combine(&policies)
            .issues
            .into_iter()
            .map(CspIssue::key)
            .collect()
    }

    #[test]
    fn one_policy_keeps_its_weaknesses() {
        assert!(
            issues(&["default-src 'self'; object-src 'none'; frame-ancestors 'none'"]).is_empty()
        );
        assert_eq!(
            issues(&["default-src 'self' 'unsafe-inline' 'unsafe-eval'"]),
            [
                "unsafe_inline",
                "unsafe_inline_handlers",
                "unsafe_eval",
                "frame_ancestors_missing"
            ]
        );
        assert_eq!(
            issues(&["script-src https:; object-src 'none'; frame-ancestors 'none'"]),
            ["wildcard_source"]
        );
        assert_eq!(
            issues(&["script-src 'self'; object-src *; frame-ancestors 'none'"]),
            ["wildcard_source"]
        );
        assert_eq!(
            issues(&["img-src *"]),
            [
                "script_unrestricted",
                "object_src_missing",
                "frame_ancestors_missing"
            ]
        );
        assert_eq!(
            issues(&["default-src 'self'; frame-ancestors https:"]),
            ["frame_ancestors_permissive"]
        );
    }

    #[test]
    fn a_weakness_another_policy_removes_is_not_the_pages() {
        // Two headers: the second removes 'unsafe-inline'.
        let weak = "default-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'";
        assert!(issues(&[weak, "script-src 'self'"]).is_empty());
        // The same as one comma-joined header.
        assert!(issues(&[&format!("{weak}, script-src 'self'")]).is_empty());
        // Each policy's weakness is removed by the other.
        assert!(
            issues(&[
                "script-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'",
                "script-src https:",
            ])
            .is_empty()
        );
        // data: in one, any https host in the other: neither URL passes both.
        assert!(
            issues(&[
                "script-src data:; object-src 'none'; frame-ancestors 'none'",
                "script-src https:",
            ])
            .is_empty()
        );
    }

    #[test]
    fn a_weakness_no_other_policy_removes_is_the_pages() {
        // script-src-elem in the second policy stops inline elements but not handlers.
        assert_eq!(
            issues(&[
                "default-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'",
                "script-src-elem 'self'",
            ]),
            ["unsafe_inline_handlers"]
        );
        // A policy about images removes nothing.
        assert_eq!(
            issues(&[
                "default-src * 'unsafe-inline'; frame-ancestors 'none'",
                "img-src 'self'"
            ]),
            ["unsafe_inline", "unsafe_inline_handlers", "wildcard_source"]
        );
    }

    #[test]
    fn removals_are_recorded() {
        let policies = parse_header("default-src 'self' 'unsafe-inline', script-src 'self'");
        let effect = combine(&policies);
        assert!(
            effect
                .removed
                .contains(&(Grant::InlineScript, vec![1], vec![2]))
        );
        assert!(!effect.grants.contains(&Grant::InlineScript));
        // frame-ancestors is missing from both, so it stays a weakness of the page.
        assert_eq!(effect.issues, [CspIssue::FrameAncestorsMissing]);
        assert_eq!(
            effect.removed_issues,
            [
                (CspIssue::UnsafeInline, vec![1]),
                (CspIssue::UnsafeInlineHandlers, vec![1]),
                (CspIssue::ObjectSrcMissing, vec![2]),
            ]
        );
    }

    proptest! {
        #[test]
        fn another_policy_never_adds_a_weakness(
            first in prop::collection::vec(directive(), 0..5),
            second in prop::collection::vec(directive(), 0..5),
        ) {
            let one = vec![parse_policy(&first.join("; "))];
            let two = vec![one[0].clone(), parse_policy(&second.join("; "))];
            let alone = combine(&one).grants;
            let together = combine(&two).grants;
            for grant in &together {
                prop_assert!(alone.contains(grant), "{grant:?} appeared with a second policy");
            }
        }

        #[test]
        fn order_of_policies_does_not_matter(
            first in prop::collection::vec(directive(), 0..5),
            second in prop::collection::vec(directive(), 0..5),
        ) {
            let a = parse_policy(&first.join("; "));
            let b = parse_policy(&second.join("; "));
            let ab = combine(&[a.clone(), b.clone()]);
            let ba = combine(&[b, a]);
            prop_assert_eq!(ab.grants, ba.grants);
            prop_assert_eq!(ab.issues, ba.issues);
        }

        #[test]
        fn a_repeated_policy_changes_nothing(directives in prop::collection::vec(directive(), 0..6)) {
            let policy = parse_policy(&directives.join("; "));
            let once = combine(std::slice::from_ref(&policy));
            let twice = combine(&[policy.clone(), policy]);
            prop_assert_eq!(once.grants, twice.grants);
            prop_assert_eq!(once.issues, twice.issues);
        }
    }
}
