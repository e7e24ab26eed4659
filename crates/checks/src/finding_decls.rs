//! Finding declarations written once and included by several checks: a check's
//! `META.findings` is built with [`findings!`] from its own declarations and the shared slices
//! of the helpers it judges with (e.g. `http::HOME_PAGE_FINDINGS`,
//! `mail::MAIL_SERVER_FINDINGS`), in the order given, so that `govscan checks explain` lists
//! them where the check puts them. The runner's own findings (`RUNNER_FINDINGS`) are not
//! included: every check declares those implicitly.

use govscan_model::{FindingDecl, Status};

/// The findings of `parts`, one after the other, as one array of `N` (compile-time checked:
/// a wrong `N` fails the build).
pub(crate) const fn concat<const N: usize>(parts: &[&[FindingDecl]]) -> [FindingDecl; N] {
    const UNSET: FindingDecl = FindingDecl {
        key: "",
        status: Status::Info,
        meaning: "",
    };
    let mut out = [UNSET; N];
    let mut filled = 0;
    let mut part = 0;
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            out[filled] = parts[part][i];
            filled += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(filled == N, "the findings do not add up to N");
    out
}

/// How many findings `parts` hold together.
pub(crate) const fn total(parts: &[&[FindingDecl]]) -> usize {
    let mut n = 0;
    let mut part = 0;
    while part < parts.len() {
        n += parts[part].len();
        part += 1;
    }
    n
}

/// `META.findings` from slices of declarations, in order:
/// `findings!(&[FindingDecl { .. }, ..], HOME_PAGE_FINDINGS)`.
macro_rules! findings {
    ($($part:expr),+ $(,)?) => {{
        const PARTS: &[&[govscan_model::FindingDecl]] = &[$($part),+];
        const ALL: [govscan_model::FindingDecl; $crate::finding_decls::total(PARTS)] =
            $crate::finding_decls::concat(PARTS);
        &ALL
    }};
}
pub(crate) use findings;

#[cfg(test)]
mod tests {
    use super::*;

    const A: FindingDecl = FindingDecl {
        key: "a",
        status: Status::Pass,
        meaning: "first",
    };
    const B: FindingDecl = FindingDecl {
        key: "b",
        status: Status::Fail,
        meaning: "second",
    };
    const SHARED: &[FindingDecl] = &[B, A];

    #[test]
    fn parts_are_joined_in_order() {
        let joined: &[FindingDecl] = findings!(&[A], SHARED, &[B]);
        let keys: Vec<&str> = joined.iter().map(|f| f.key).collect();
        assert_eq!(keys, ["a", "b", "a", "b"]);
        assert_eq!(joined[1], B);
    }
}
