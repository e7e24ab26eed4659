//! The baseline's rules on the dashboard: our pass share beside the measured reference, each
//! rule's level (govscan's choice) shown apart from its source's own wording, and the
//! glossary's numbers about the baseline, all counted from the baseline's rules.

use govscan_model::Rollups;
use serde::Serialize;

use crate::input::ReportInput;
use crate::plain::plain_words;
use crate::text::{capitalise, percent};

/// Our pass shares beside the baseline's measured reference.
#[derive(Debug, Serialize)]
pub(crate) struct ReferenceView {
    pub(crate) baseline: String,
    pub(crate) has_reference: bool,
    pub(crate) rows: Vec<ReferenceRow>,
}

/// One rule: its level, its source's wording, ours and the reference's share.
#[derive(Debug, Serialize)]
pub(crate) struct ReferenceRow {
    pub(crate) check: String,
    pub(crate) title: String,
    pub(crate) plain: String,
    /// govscan's level: required, recommended, optional.
    pub(crate) level: String,
    /// How the source words it: must, should, may.
    pub(crate) source_says: String,
    /// "Estonian" or "outside Estonia".
    pub(crate) source_from: String,
    pub(crate) ours: String,
    pub(crate) ours_counts: String,
    pub(crate) reference: String,
    pub(crate) behind: bool,
    /// Where a declarative check came from (its file), empty for a built-in check.
    pub(crate) origin: String,
}

/// The baseline in numbers, for the glossary.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct BaselineFacts {
    pub(crate) rules: usize,
    pub(crate) required: usize,
    /// Required rules whose source says "should" or "may".
    pub(crate) required_not_must: usize,
    /// Rules whose source says "must" but that are not required.
    pub(crate) must_not_required: usize,
    /// Rules whose source is not an Estonian public authority.
    pub(crate) external: usize,
    /// The glossary entry on required rules.
    pub(crate) required_text: String,
    /// The glossary entry on where the rules come from.
    pub(crate) sources_text: String,
}

pub(crate) fn reference(input: &ReportInput<'_>) -> ReferenceView {
    let rows: Vec<ReferenceRow> = input
        .rollups
        .checks
        .iter()
        .map(|c| {
            let judged = c.pass + c.warn + c.fail;
            let title = input
                .checks
                .find(&c.check)
                .map_or_else(|| c.check.clone(), |m| m.title.to_owned());
            ReferenceRow {
                check: c.check.clone(),
                plain: plain_words(&c.check).map_or_else(|| title.clone(), str::to_owned),
                title,
                level: c.level.clone(),
                source_says: c.strength.clone(),
                source_from: match c.origin.as_str() {
                    "estonia" => "Estonian".to_owned(),
                    "external" => "outside Estonia".to_owned(),
                    _ => String::new(),
                },
                ours: c.share.map_or_else(|| "not judged".to_owned(), percent),
                ours_counts: format!("{} of {judged}", c.pass),
                reference: match (c.reference_share, c.reference_n) {
                    (Some(s), Some(n)) => format!("{} of {n} domains", percent(s)),
                    (Some(s), None) => percent(s),
                    _ => "not measured yet".to_owned(),
                },
                behind: matches!((c.share, c.reference_share), (Some(o), Some(r)) if o < r),
                origin: input
                    .checks
                    .origin(&c.check)
                    .map_or_else(String::new, |o| o.to_string()),
            }
        })
        .collect();
    ReferenceView {
        baseline: format!(
            "{} {}",
            capitalise(&input.scan.header.baseline.id),
            input.scan.header.baseline.version
        ),
        has_reference: input
            .rollups
            .checks
            .iter()
            .any(|c| c.reference_share.is_some()),
        rows,
    }
}

/// The glossary's numbers, counted from the baseline's rules (never written by hand).
pub(crate) fn baseline_facts(rollups: &Rollups, baseline_name: &str) -> BaselineFacts {
    let checks = &rollups.checks;
    let rules = checks.len();
    let required = checks.iter().filter(|c| c.level == "required").count();
    let required_not_must = checks
        .iter()
        .filter(|c| c.level == "required" && c.strength != "must")
        .count();
    let must_not_required = checks
        .iter()
        .filter(|c| c.level != "required" && c.strength == "must")
        .count();
    let external = checks.iter().filter(|c| c.origin == "external").count();
    let mut required_text = format!(
        "A level that govscan chose, not the source's own wording: a domain that fails a \
         required rule gets at most a C. {required} of the {rules} rules of the \
         {baseline_name} baseline are required."
    );
    if required_not_must > 0 || must_not_required > 0 {
        required_text.push_str(&format!(
            " The sources of {required_not_must} of the required rules say \"should\" or \
             \"may\" rather than \"must\", and {must_not_required} rules whose source says \
             \"must\" are only recommended or optional here."
        ));
    }
    required_text.push_str(
        " The rule-by-rule table shows each rule's level and, separately, what its source says.",
    );
    let sources_text = format!(
        "{} of the {rules} rules rest on Estonian public guidance; the other {external} come \
         from outside Estonian sources (RFCs, the CA/Browser Forum or other countries' \
         guidance), where Estonian guidance is silent.",
        rules - external
    );
    BaselineFacts {
        rules,
        required,
        required_not_must,
        must_not_required,
        external,
        required_text,
        sources_text,
    }
}
