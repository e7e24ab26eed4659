//! The findings a declarative check can emit: fixed by the kind of its rule and its
//! `on_mismatch`, with a generic meaning each; a file's optional `findings:` list gives them
//! meanings in its own words (a key the rule cannot emit, or a status it never has, is an
//! error naming the line).

use govscan_model::{FindingDecl, Status};
use serde_saphyr::Spanned;

use super::DeclarativeError;
use super::compile::Validator;
use super::rule::{HeaderExpect, Rule, TxtExpect};
use super::schema::RawFinding;

/// Longest accepted meaning of a finding.
const MAX_MEANING: usize = 300;

/// One finding: key, status, generic meaning.
type Engine = (&'static str, Status, &'static str);

/// The findings `rule` can emit (besides the runner's), given the status of a mismatch and
/// whether the check has an `applies_when` condition.
pub(super) fn engine_findings(
    rule: &Rule,
    on_mismatch: Status,
    has_applies_when: bool,
) -> Vec<Engine> {
    let mut out: Vec<Engine> = match rule {
        Rule::Header { expect, .. } => match expect {
            HeaderExpect::Present => vec![
                ("header_present", Status::Pass, "the header is sent"),
                ("header_missing", on_mismatch, "the header is not sent"),
            ],
            HeaderExpect::Absent => vec![
                ("header_absent", Status::Pass, "the header is not sent"),
                (
                    "header_present",
                    on_mismatch,
                    "the header is sent, and should not be",
                ),
            ],
            HeaderExpect::Matches(_) => vec![
                (
                    "header_matches",
                    Status::Pass,
                    "a value of the header matches the pattern",
                ),
                ("header_missing", on_mismatch, "the header is not sent"),
                (
                    "header_mismatch",
                    on_mismatch,
                    "the header is sent, but no value matches the pattern",
                ),
            ],
        },
        Rule::DnsTxt { expect, .. } => match expect {
            TxtExpect::Matches => vec![
                (
                    "txt_match",
                    Status::Pass,
                    "a TXT record matches the pattern",
                ),
                (
                    "txt_no_match",
                    on_mismatch,
                    "no TXT record matches the pattern",
                ),
            ],
            TxtExpect::NoMatch => vec![
                (
                    "txt_no_match",
                    Status::Pass,
                    "no TXT record matches the pattern",
                ),
                (
                    "txt_match",
                    on_mismatch,
                    "a TXT record matches the pattern, and should not",
                ),
            ],
        },
        Rule::Path { .. } => vec![
            (
                "path_as_expected",
                Status::Pass,
                "the declared path answers as expected",
            ),
            (
                "path_mismatch",
                on_mismatch,
                "the declared path's status or body is not as expected",
            ),
            (
                "path_not_fetched",
                Status::Inconclusive,
                "the path was not fetched in this scan (the check is newer than the scan)",
            ),
            (
                "body_truncated",
                Status::Inconclusive,
                "the body is longer than was read, and the part read does not decide",
            ),
        ],
        Rule::Tree(_) => vec![
            ("rule_holds", Status::Pass, "the rule holds"),
            ("rule_mismatch", on_mismatch, "the rule does not hold"),
            (
                "page_elsewhere",
                Status::NotApplicable,
                "the home page lives on another host",
            ),
            (
                "no_page",
                Status::Inconclusive,
                "the redirects never reach a page to judge",
            ),
        ],
    };
    if has_applies_when {
        out.push((
            "does_not_apply",
            Status::NotApplicable,
            "the applies_when condition does not hold for the domain",
        ));
    }
    out
}

impl Validator<'_> {
    /// The declared findings: the rule's, with the meanings the file's `findings:` gives.
    pub(super) fn findings(
        &self,
        engine: &[Engine],
        raw: Option<&Spanned<Vec<Spanned<RawFinding>>>>,
    ) -> Result<Vec<FindingDecl>, DeclarativeError> {
        let mut meanings: Vec<(&str, String)> = Vec::new();
        for entry in raw.map(|r| r.value.as_slice()).unwrap_or_default() {
            let f = &entry.value;
            let key = f.key.value.trim();
            let Some((_, status, _)) = engine.iter().find(|(k, _, _)| *k == key) else {
                let keys: Vec<&str> = engine.iter().map(|(k, _, _)| *k).collect();
                return Err(self.error(
                    &f.key,
                    format!(
                        "finding {key:?} is not one this rule emits ({})",
                        keys.join(", ")
                    ),
                ));
            };
            if status_name(*status) != f.status.value.trim() {
                return Err(self.error(
                    &f.status,
                    format!(
                        "finding {key:?} has status {} with this rule and on_mismatch, not {:?}",
                        status_name(*status),
                        f.status.value.trim()
                    ),
                ));
            }
            if meanings.iter().any(|(k, _)| *k == key) {
                return Err(self.error(&f.key, format!("finding {key:?} is declared twice")));
            }
            let meaning = f.meaning.value.trim();
            if meaning.is_empty() || meaning.chars().count() > MAX_MEANING {
                return Err(self.error(
                    &f.meaning,
                    format!("meaning must be 1 to {MAX_MEANING} characters"),
                ));
            }
            meanings.push((key, meaning.to_owned()));
        }
        Ok(engine
            .iter()
            .map(|(key, status, generic)| FindingDecl {
                key,
                status: *status,
                meaning: match meanings.iter().find(|(k, _)| k == key) {
                    Some((_, own)) => Box::leak(own.clone().into_boxed_str()),
                    None => generic,
                },
            })
            .collect())
    }
}

/// A status as written in a check file.
fn status_name(status: Status) -> &'static str {
    status.as_str()
}
