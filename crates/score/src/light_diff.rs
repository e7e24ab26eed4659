//! The diff of two scans held light ([`LightScan`]): the light views decide which domains
//! changed, and only those are loaded whole, so two large scans are compared in the memory of
//! their light views.

use std::collections::{HashMap, HashSet};

use govscan_model::{DomainResult, LightDomainRef, LightScan};

use crate::diff::{DiffBuilder, ScanDiff};

/// Which of the two scans a domain is loaded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanSide {
    /// The older scan.
    Old,
    /// The newer scan.
    New,
}

/// [`crate::diff_scans`] of two scans given light: `load` reads a domain of one side whole, and
/// is called only for domains in both scans whose light views differ in a status, the score or
/// the grade. The result equals `diff_scans` on the whole scans.
pub fn diff_light<E>(
    old: &LightScan,
    new: &LightScan,
    mut load: impl FnMut(ScanSide, &str) -> Result<DomainResult, E>,
) -> Result<ScanDiff, E> {
    let old_by_name: HashMap<&str, LightDomainRef<'_>> =
        old.domains().map(|d| (d.domain(), d)).collect();
    let mut builder = DiffBuilder::new(&old.header, &new.header);
    for now in new.domains() {
        match old_by_name.get(now.domain()) {
            None => builder.added(&now),
            Some(before) if DiffBuilder::would_change(before, &now) => {
                let before = load(ScanSide::Old, before.domain())?;
                let now = load(ScanSide::New, now.domain())?;
                builder.domain(Some(&before), &now);
            }
            Some(_) => {}
        }
    }
    let new_names: HashSet<&str> = new.domains().map(|d| d.domain()).collect();
    for gone in old.domains() {
        if !new_names.contains(gone.domain()) {
            builder.removed(&gone);
        }
    }
    Ok(builder.finish())
}
