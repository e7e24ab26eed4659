//! The organisation tree (ministry → agencies) in league order, with safe page names.

use std::collections::{BTreeMap, BTreeSet};

use govscan_model::{OrgKind, OrganisationScore, Rollups};

use crate::text::unique_slugs;

/// Deepest nesting shown; deeper (or cyclic) parents are cut off here.
const MAX_DEPTH: usize = 6;

/// One organisation in display order.
#[derive(Debug, Clone)]
pub(crate) struct OrgEntry<'r> {
    pub(crate) score: &'r OrganisationScore,
    pub(crate) depth: usize,
    pub(crate) slug: String,
}

/// Organisations in league order: top-level organisations by score (best first, unscored
/// last, then name), each followed by its children ordered the same way. Every organisation
/// appears exactly once, even with unknown or cyclic parents.
pub(crate) fn league_order(rollups: &Rollups) -> Vec<OrgEntry<'_>> {
    let slugs = org_slugs(rollups);
    let names: BTreeSet<&str> = rollups
        .organisations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    let mut children: BTreeMap<Option<&str>, Vec<&OrganisationScore>> = BTreeMap::new();
    for org in &rollups.organisations {
        let parent = org
            .parent
            .as_deref()
            .filter(|p| names.contains(p) && *p != org.name);
        children.entry(parent).or_default().push(org);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| {
            rank_key(b)
                .partial_cmp(&rank_key(a))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.name.cmp(&b.name))
        });
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    visit(None, 0, &children, &slugs, &mut seen, &mut out);
    // Organisations only reachable through a cycle: list them at the top level.
    for org in &rollups.organisations {
        if !seen.contains(org.name.as_str()) {
            seen.insert(org.name.as_str());
            out.push(OrgEntry {
                score: org,
                depth: 0,
                slug: slugs[org.name.as_str()].clone(),
            });
        }
    }
    out
}

fn visit<'r>(
    parent: Option<&'r str>,
    depth: usize,
    children: &BTreeMap<Option<&'r str>, Vec<&'r OrganisationScore>>,
    slugs: &BTreeMap<&'r str, String>,
    seen: &mut BTreeSet<&'r str>,
    out: &mut Vec<OrgEntry<'r>>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for org in children.get(&parent).into_iter().flatten() {
        if !seen.insert(org.name.as_str()) {
            continue;
        }
        out.push(OrgEntry {
            score: org,
            depth,
            slug: slugs[org.name.as_str()].clone(),
        });
        visit(
            Some(org.name.as_str()),
            depth + 1,
            children,
            slugs,
            seen,
            out,
        );
    }
}

/// Scored organisations first, by score; `-1` puts unscored ones last.
fn rank_key(org: &OrganisationScore) -> f64 {
    org.with_children.score.unwrap_or(-1.0)
}

/// Organisation name → safe, unique page stem (`orgs/<stem>.html`).
pub(crate) fn org_slugs(rollups: &Rollups) -> BTreeMap<&str, String> {
    let names: Vec<&str> = rollups
        .organisations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    names
        .iter()
        .copied()
        .zip(unique_slugs(names.iter().copied()))
        .collect()
}

/// A plain word for an organisation kind.
pub(crate) fn kind_word(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Government => "Government",
        OrgKind::Ministry => "Ministry",
        OrgKind::Agency => "Agency",
        OrgKind::Parliament => "Parliament",
        OrgKind::Court => "Court",
        OrgKind::Constitutional => "Constitutional body",
        OrgKind::Municipality => "Local government",
        OrgKind::Other => "Other",
    }
}
