//! Validation of a parsed declarative check's metadata (id, family, level, texts, references)
//! and the rule's dispatch; every error names the file and the line of the offending value.
//! The rules themselves are validated in `compile_rule` (single rules), `tree_compile` (trees)
//! and `params_compile` (parameters); `meta` makes the result a `'static` `CheckMeta`.

use govscan_model::{Family, FindingDecl, Level, Status};
use regex::{Regex, RegexBuilder};
use serde_saphyr::Spanned;

use super::DeclarativeError;
use super::params::ParamDecl;
use super::rule::Rule;
use super::schema::RawCheck;
use super::tree::Node;
use super::tree_compile::TreeContext;

/// Compiled-program size limit for one pattern (the regex crate runs in linear time; this
/// bounds memory).
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Longest accepted pattern, in characters.
const MAX_PATTERN_LEN: usize = 1000;
/// Longest accepted id.
const MAX_ID_LEN: usize = 64;

/// A validated check, before its metadata is made `'static`.
pub(super) struct Compiled {
    pub(super) id: String,
    pub(super) family: Family,
    pub(super) title: String,
    pub(super) level: Level,
    pub(super) rationale: String,
    pub(super) remediation: String,
    pub(super) references: Vec<(String, String)>,
    pub(super) on_mismatch: Status,
    pub(super) rule: Rule,
    /// Declared parameters.
    pub(super) params: Vec<ParamDecl>,
    /// Declared findings (see `super::findings`).
    pub(super) findings: Vec<FindingDecl>,
    /// Message templates (pass, fail) of a tree rule.
    pub(super) messages: (Option<String>, Option<String>),
    /// Where a converted check came from.
    pub(super) origin: Option<String>,
    /// When the check applies (domain-level tree); `None`: always.
    pub(super) applies_when: Option<Node>,
    /// Line of the `id` value.
    pub(super) id_line: u64,
}

/// Turns parse-level values into errors that name `file` and a line.
pub(super) struct Validator<'a> {
    pub(super) file: &'a str,
}

impl Validator<'_> {
    pub(super) fn error<T>(&self, at: &Spanned<T>, message: impl Into<String>) -> DeclarativeError {
        DeclarativeError::at(self.file, Some(at.referenced.line()), message)
    }

    fn text(
        &self,
        field: &str,
        value: &Spanned<String>,
        max: usize,
    ) -> Result<String, DeclarativeError> {
        let text = value.value.trim();
        if text.is_empty() {
            return Err(self.error(value, format!("{field} is empty")));
        }
        if text.chars().count() > max {
            return Err(self.error(value, format!("{field} is longer than {max} characters")));
        }
        Ok(text.to_owned())
    }

    pub(super) fn regex(&self, value: &Spanned<String>) -> Result<Regex, DeclarativeError> {
        if value.value.chars().count() > MAX_PATTERN_LEN {
            return Err(self.error(
                value,
                format!("pattern is longer than {MAX_PATTERN_LEN} characters"),
            ));
        }
        RegexBuilder::new(&value.value)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                let first = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                self.error(value, format!("bad regex {:?}: {first}", value.value))
            })
    }

    /// Validates a whole check.
    pub(super) fn check(&self, raw: &RawCheck) -> Result<Compiled, DeclarativeError> {
        let id = raw.id.value.trim().to_owned();
        let family = self.family(raw)?;
        let level = match raw.level.value.trim() {
            "must" => Level::Must,
            "should" => Level::Should,
            "may" => Level::May,
            other => {
                return Err(self.error(
                    &raw.level,
                    format!("level {other:?}: expected must, should or may"),
                ));
            }
        };
        let on_mismatch = match raw.on_mismatch.as_ref().map(|s| (s, s.value.trim())) {
            None | Some((_, "fail")) => Status::Fail,
            Some((_, "warn")) => Status::Warn,
            Some((_, "info")) => Status::Info,
            Some((at, other)) => {
                return Err(self.error(
                    at,
                    format!("on_mismatch {other:?}: expected fail, warn or info"),
                ));
            }
        };
        let references = self.references(raw)?;
        let params = self.params(raw.params.as_ref())?;
        let rule = self.rule(&raw.rule, family, &params)?;
        if !params.is_empty() && !matches!(rule, Rule::Tree(_)) {
            return Err(self.error(
                &raw.rule,
                "params: are read by tree rules (all:/any:/not:) only",
            ));
        }
        let messages = match &raw.message {
            Some(m) => {
                if !matches!(rule, Rule::Tree(_)) {
                    return Err(
                        self.error(m, "message: applies to tree rules (all:/any:/not:) only")
                    );
                }
                let pass = m
                    .value
                    .pass
                    .as_ref()
                    .map(|t| self.text("message.pass", t, 500))
                    .transpose()?;
                let fail = m
                    .value
                    .fail
                    .as_ref()
                    .map(|t| self.text("message.fail", t, 500))
                    .transpose()?;
                (pass, fail)
            }
            None => (None, None),
        };
        let origin = raw
            .origin
            .as_ref()
            .map(|o| self.text("origin", o, 300))
            .transpose()?;
        let applies_when = match &raw.applies_when {
            Some(node) => {
                let tree = self.node(node, 1, &TreeContext { params: &params })?;
                if tree.leaves().iter().any(|l| l.source.per_endpoint()) {
                    return Err(self.error(
                        node,
                        "applies_when: reads DNS and mail facts only (judged once per domain)",
                    ));
                }
                Some(tree)
            }
            None => None,
        };
        let engine = super::findings::engine_findings(&rule, on_mismatch, applies_when.is_some());
        let findings = self.findings(&engine, raw.findings.as_ref())?;
        Ok(Compiled {
            findings,
            id,
            family,
            title: self.text("title", &raw.title, 200)?,
            level,
            rationale: self.text("rationale", &raw.rationale, 4000)?,
            remediation: self.text("remediation", &raw.remediation, 4000)?,
            references,
            on_mismatch,
            rule,
            params,
            messages,
            origin,
            applies_when,
            id_line: raw.id.referenced.line(),
        })
    }

    fn family(&self, raw: &RawCheck) -> Result<Family, DeclarativeError> {
        let id = raw.id.value.trim();
        let Some((prefix, slug)) = id.split_once('.') else {
            return Err(self.error(
                &raw.id,
                format!("id {id:?} must be <family>.<kebab-case-name>"),
            ));
        };
        let Some(family) = Family::from_prefix(prefix) else {
            return Err(self.error(
                &raw.id,
                format!("id {id:?}: unknown family prefix {prefix:?} (tls, cert, dns, mail, http)"),
            ));
        };
        let kebab = !slug.is_empty()
            && !slug.starts_with('-')
            && !slug.ends_with('-')
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !kebab || id.len() > MAX_ID_LEN {
            return Err(self.error(
                &raw.id,
                format!("id {id:?}: the name after the family must be kebab-case (a-z, 0-9, -), at most {MAX_ID_LEN} characters in all"),
            ));
        }
        if raw.family.value.trim() != prefix {
            return Err(self.error(
                &raw.family,
                format!(
                    "family {:?} does not match the id prefix {prefix:?}",
                    raw.family.value
                ),
            ));
        }
        Ok(family)
    }

    fn references(&self, raw: &RawCheck) -> Result<Vec<(String, String)>, DeclarativeError> {
        if raw.references.value.is_empty() {
            return Err(self.error(&raw.references, "references: cite at least one source"));
        }
        raw.references
            .value
            .iter()
            .map(|r| {
                let title = self.text("reference title", &r.title, 300)?;
                let url = r.url.value.trim();
                let https = url.strip_prefix("https://").is_some_and(|rest| {
                    !rest.is_empty()
                        && !rest.starts_with('/')
                        && !rest.contains(char::is_whitespace)
                });
                if !https {
                    return Err(self.error(
                        &r.url,
                        format!("reference url {url:?} must be an https:// URL"),
                    ));
                }
                Ok((title, url.to_owned()))
            })
            .collect()
    }
}
