//! Baselines: which checks count, how much, with which parameters, and the source behind each.
//!
//! A baseline is a YAML file (see `baselines/estonia.yaml` and `docs/scoring.md`). Loading it
//! parses with `serde-saphyr` (unknown keys are errors) and then checks the values; every error
//! names the file and the line.

use std::collections::BTreeMap;
use std::path::Path;

use govscan_model::{BaselineRef, CheckCatalog, Family};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{BaselineError, Location};
use crate::scoring::{BASELINE_SCORING_VERSIONS, SCORING_VERSION};

/// The smallest weight a rule may have. With [`MAX_WEIGHT`] it bounds every sum the scoring
/// makes (at most `MAX_WEIGHT` × the number of rules), so every score is a finite number;
/// a ratio of a million between two rules is more than any baseline needs.
pub const MIN_WEIGHT: f64 = 0.001;
/// The largest weight a rule may have (see [`MIN_WEIGHT`]).
pub const MAX_WEIGHT: f64 = 1000.0;

/// The Estonia baseline shipped with govscan.
const BUILTIN_ESTONIA: &str = include_str!("../../../baselines/estonia.yaml");

/// A loaded and validated baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// Baseline id, e.g. `estonia`.
    pub id: String,
    /// Baseline version, e.g. `2026.1`.
    pub version: String,
    /// The scoring algorithm the baseline was written for (one of
    /// [`crate::BASELINE_SCORING_VERSIONS`]; results record the [`SCORING_VERSION`] they were
    /// scored with).
    pub scoring_version: u32,
    /// A short title for reports.
    pub title: Option<String>,
    /// What the baseline is, in plain words.
    pub description: Option<String>,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The file name the baseline was loaded from (for messages).
    pub file: String,
    /// Check id → rule.
    pub rules: BTreeMap<String, Rule>,
    /// The measured half, written by `govscan baseline derive` (empty until then).
    pub reference: MeasuredReference,
    /// Third-party figures shown for context, never scored against.
    pub context: Vec<ContextFigure>,
    /// Check id → 1-based line of its rule in the file, for errors found later.
    #[serde(skip)]
    rule_lines: BTreeMap<String, u64>,
    /// (check id, parameter name) → 1-based line of the parameter, for errors found when the
    /// parameters are validated against the checks' declarations.
    #[serde(skip)]
    param_lines: BTreeMap<(String, String), u64>,
}

/// How one check counts in the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Required, recommended or optional.
    pub level: RuleLevel,
    /// Weight in the score, from [`MIN_WEIGHT`] to [`MAX_WEIGHT`].
    pub weight: f64,
    /// Parameters handed to the check (an object), e.g. `{ min_max_age: 31536000 }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<serde_json::Value>,
    /// The source that justifies the rule.
    pub source: Source,
    /// Whether the source is Estonian or an external fallback.
    pub origin: Origin,
}

/// govscan's scoring level for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleLevel {
    /// A failure caps the grade at C.
    Required,
    /// Counts in the score.
    Recommended,
    /// Counts in the score; usually a small weight.
    Optional,
}

/// How strongly the source words the point (RFC 2119 sense).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// MUST / mandatory.
    Must,
    /// SHOULD / recommended.
    Should,
    /// MAY / optional.
    May,
}

/// Where a source comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Published by an Estonian public authority.
    Estonia,
    /// Not Estonian (RFC, CA/Browser Forum, foreign guidance): Estonia is silent on the point.
    External,
}

/// A citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Who published it.
    pub issuer: String,
    /// Its title.
    pub title: String,
    /// An `https://` URL.
    pub url: String,
    /// The issuer's version or date of the document, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The section that says it.
    pub section: String,
    /// How the source words it.
    pub strength: Strength,
    /// When we read it (`YYYY-MM-DD`).
    pub read_on: String,
    /// A remark: a quote, a caveat, why the level differs from the strength.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The measured half of a baseline: how the reference country's domains did, per check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredReference {
    /// The day of the scan (`YYYY-MM-DD`), `None` before the first derive run.
    #[serde(default)]
    pub measured_on: Option<String>,
    /// The target file that was scanned.
    #[serde(default)]
    pub targets: Option<String>,
    /// Hex SHA-256 of that target file.
    #[serde(default)]
    pub targets_sha256: Option<String>,
    /// The govscan version that made the scan.
    #[serde(default)]
    pub govscan_version: Option<String>,
    /// The scoring version the counts were made under.
    #[serde(default)]
    pub scoring_version: Option<u32>,
    /// Domains in the scan.
    #[serde(default)]
    pub domains: Option<u32>,
    /// Check id → measured counts.
    #[serde(default)]
    pub per_check: BTreeMap<String, MeasuredRate>,
}

/// How many reference domains passed one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredRate {
    /// Domains judged or not (all scanned domains the check was scored on).
    pub n: u32,
    /// Passed.
    pub pass: u32,
    /// Warned.
    #[serde(default)]
    pub warn: u32,
    /// Failed.
    pub fail: u32,
    /// Could not be judged.
    pub inconclusive: u32,
    /// pass / (pass + warn + fail), 0–1; `None` when no domain could be judged.
    pub share: Option<f64>,
}

/// A third-party figure, shown beside results for context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextFigure {
    /// What was measured, in plain words.
    pub label: String,
    /// Over which population.
    pub population: String,
    /// The share, 0–1.
    pub value: f64,
    /// When (as precise as the source says).
    pub measured: String,
    /// Who published it.
    pub source: String,
    /// An `https://` URL.
    pub url: String,
    /// How sure the reading is: high, medium or low.
    pub confidence: String,
}

/// The file's shape, before semantic checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaseline {
    id: String,
    version: String,
    scoring_version: u32,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    rules: BTreeMap<String, Rule>,
    #[serde(default)]
    reference: MeasuredReference,
    #[serde(default)]
    context: Vec<ContextFigure>,
}

impl Baseline {
    /// Reads and validates a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_owned(),
            source,
        })?;
        Baseline::from_yaml(&path.display().to_string(), &text)
    }

    /// Parses and validates baseline text; `name_for_errors` is the file name used in errors.
    pub fn from_yaml(name_for_errors: &str, text: &str) -> Result<Baseline, BaselineError> {
        let raw: RawBaseline = serde_saphyr::from_str(text).map_err(|err| {
            let location = err.location();
            BaselineError::Parse {
                at: Location {
                    file: name_for_errors.to_owned(),
                    line: location
                        .as_ref()
                        .map(serde_saphyr::Location::line)
                        .filter(|l| *l > 0),
                    column: location
                        .as_ref()
                        .map(serde_saphyr::Location::column)
                        .filter(|c| *c > 0),
                },
                message: first_line(&err.without_snippet().to_string()),
            }
        })?;
        let finder = LineFinder {
            file: name_for_errors,
            text,
        };
        validate_raw(&raw, &finder)?;
        let rule_lines = raw
            .rules
            .keys()
            .filter_map(|check| finder.rule_line(check).map(|line| (check.clone(), line)))
            .collect();
        let param_lines = raw
            .rules
            .iter()
            .flat_map(|(check, rule)| {
                let names = rule.params.as_ref().and_then(serde_json::Value::as_object);
                names
                    .into_iter()
                    .flat_map(move |map| map.keys().map(move |name| (check.clone(), name.clone())))
            })
            .filter_map(|(check, name)| {
                let line = finder
                    .rule_field_line(&check, &name)
                    .or_else(|| finder.rule_field_line(&check, "params"))?;
                Some(((check, name), line))
            })
            .collect();
        Ok(Baseline {
            id: raw.id,
            version: raw.version,
            scoring_version: raw.scoring_version,
            title: raw.title,
            description: raw.description,
            sha256: hex_sha256(text.as_bytes()),
            file: name_for_errors.to_owned(),
            rules: raw.rules,
            reference: raw.reference,
            context: raw.context,
            rule_lines,
            param_lines,
        })
    }

    /// The Estonia baseline shipped in `baselines/estonia.yaml`.
    pub fn builtin_estonia() -> Baseline {
        match Baseline::from_yaml("baselines/estonia.yaml", BUILTIN_ESTONIA) {
            Ok(baseline) => baseline,
            // The embedded file is validated by this crate's tests; it cannot change at runtime.
            Err(err) => panic!("the built-in Estonia baseline is invalid: {err}"),
        }
    }

    /// Check id → parameters object, for `govscan_checks::Context::params`.
    pub fn params(&self) -> BTreeMap<String, serde_json::Value> {
        self.rules
            .iter()
            .filter_map(|(id, rule)| rule.params.clone().map(|p| (id.clone(), p)))
            .collect()
    }

    /// The id, version and hash stored with every result.
    pub fn reference(&self) -> BaselineRef {
        BaselineRef {
            id: self.id.clone(),
            version: self.version.clone(),
            sha256: self.sha256.clone(),
        }
    }

    /// Checks the rules against the checks that exist (built-in and declarative, with what
    /// each declares). A rule for an unknown check id is an error (naming the line), and so is
    /// a parameter the check does not declare or a value of the wrong type or out of its
    /// declared bounds (naming the parameter's line): a silently ignored parameter would make
    /// a baseline say something the scan does not do. Known checks without a rule are NOT an
    /// error: they run and are reported but not scored; list them with
    /// [`Baseline::unruled_checks`].
    pub fn validate_against(&self, checks: &CheckCatalog) -> Result<(), BaselineError> {
        let unknown: Vec<&str> = self
            .rules
            .keys()
            .map(String::as_str)
            .filter(|id| checks.find(id).is_none())
            .collect();
        if let Some(first) = unknown.first() {
            return Err(BaselineError::Invalid {
                at: self.location(self.rule_lines.get(*first).copied()),
                message: format!("rule for unknown check id(s): {}", unknown.join(", ")),
            });
        }
        for (id, rule) in &self.rules {
            let (Some(meta), Some(given)) = (
                checks.find(id),
                rule.params.as_ref().and_then(serde_json::Value::as_object),
            ) else {
                continue;
            };
            if let Err(error) = govscan_model::validate_params(id, meta.params, given) {
                let line = self
                    .param_lines
                    .get(&(id.clone(), error.parameter().to_owned()))
                    .or_else(|| self.rule_lines.get(id))
                    .copied();
                return Err(BaselineError::Invalid {
                    at: self.location(line),
                    message: error.to_string(),
                });
            }
        }
        Ok(())
    }

    fn location(&self, line: Option<u64>) -> Location {
        Location {
            file: self.file.clone(),
            line,
            column: None,
        }
    }

    /// Known checks that have no rule in this baseline (they are not scored), sorted.
    pub fn unruled_checks(&self, known_check_ids: &[&str]) -> Vec<String> {
        let mut ids: Vec<String> = known_check_ids
            .iter()
            .filter(|id| !self.rules.contains_key(**id))
            .map(|id| (*id).to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// Finds the line of a key in the YAML text, for errors found after parsing.
struct LineFinder<'a> {
    file: &'a str,
    text: &'a str,
}

impl LineFinder<'_> {
    /// The first line whose content starts with `key:` (optionally quoted).
    fn key_line(&self, key: &str) -> Option<u64> {
        self.key_line_after(key, 0, None)
    }

    /// Like `key_line`, starting after line index `start`; when `indent_limit` is given, stops
    /// at the first non-blank line indented at most that much (the end of the parent block).
    fn key_line_after(&self, key: &str, start: usize, indent_limit: Option<usize>) -> Option<u64> {
        for (index, line) in self.text.lines().enumerate().skip(start) {
            let content = line.trim_start();
            let indent = line.len() - content.len();
            if let Some(limit) = indent_limit
                && !content.is_empty()
                && !content.starts_with('#')
                && indent <= limit
            {
                return None;
            }
            let unquoted = content.trim_start_matches(['"', '\'']);
            if let Some(rest) = unquoted.strip_prefix(key) {
                let rest = rest.trim_start_matches(['"', '\'']);
                if rest.starts_with(':') {
                    return u64::try_from(index + 1).ok();
                }
            }
        }
        None
    }

    /// The line of the rule for `check`: its key inside the top-level `rules:` block.
    fn rule_line(&self, check: &str) -> Option<u64> {
        let rules = usize::try_from(self.key_line("rules")?).ok()?;
        self.key_line_after(check, rules, Some(0))
    }

    /// The line of `field` inside the rule for `check` (or of the rule itself).
    fn rule_field_line(&self, check: &str, field: &str) -> Option<u64> {
        let rule_line = self.rule_line(check)?;
        let index = usize::try_from(rule_line).ok()?;
        let rule_text = self.text.lines().nth(index - 1)?;
        let indent = rule_text.len() - rule_text.trim_start().len();
        self.key_line_after(field, index, Some(indent))
            .or(Some(rule_line))
    }

    fn at(&self, line: Option<u64>) -> Location {
        Location {
            file: self.file.to_owned(),
            line,
            column: None,
        }
    }

    fn invalid(&self, line: Option<u64>, message: String) -> BaselineError {
        BaselineError::Invalid {
            at: self.at(line),
            message,
        }
    }
}

/// Semantic checks that serde cannot express.
fn validate_raw(raw: &RawBaseline, finder: &LineFinder<'_>) -> Result<(), BaselineError> {
    if !is_slug(&raw.id) {
        return Err(finder.invalid(
            finder.key_line("id"),
            format!(
                "id {:?} must be lower-case letters, digits and dashes",
                raw.id
            ),
        ));
    }
    if raw.version.trim().is_empty() {
        return Err(finder.invalid(finder.key_line("version"), "version is empty".to_owned()));
    }
    if !BASELINE_SCORING_VERSIONS.contains(&raw.scoring_version) {
        return Err(finder.invalid(
            finder.key_line("scoring_version"),
            format!(
                "scoring_version {} is not supported (this govscan reads baselines written for \
                 scoring versions {} to {SCORING_VERSION})",
                raw.scoring_version,
                BASELINE_SCORING_VERSIONS.start()
            ),
        ));
    }
    if raw.rules.is_empty() {
        return Err(finder.invalid(finder.key_line("rules"), "rules: is empty".to_owned()));
    }
    for (check, rule) in &raw.rules {
        validate_rule(check, rule, finder)?;
    }
    validate_reference(&raw.reference, &raw.rules, finder)?;
    for figure in &raw.context {
        if !(0.0..=1.0).contains(&figure.value) {
            return Err(finder.invalid(
                finder.key_line("context"),
                format!(
                    "context figure {:?}: value {} is not a share in 0..=1",
                    figure.label, figure.value
                ),
            ));
        }
    }
    Ok(())
}

/// The measured half: dates, shares and counts that add up, only for checks with a rule.
fn validate_reference(
    reference: &MeasuredReference,
    rules: &BTreeMap<String, Rule>,
    finder: &LineFinder<'_>,
) -> Result<(), BaselineError> {
    if let Some(day) = &reference.measured_on
        && !is_iso_date(day)
    {
        return Err(finder.invalid(
            finder.key_line("measured_on"),
            format!("reference.measured_on {day:?} must be a date YYYY-MM-DD"),
        ));
    }
    let entry_line = |check: &str| {
        finder
            .key_line("per_check")
            .and_then(|line| usize::try_from(line).ok())
            .and_then(|line| finder.key_line_after(check, line, None))
    };
    for (check, rate) in &reference.per_check {
        if !rules.contains_key(check) {
            return Err(finder.invalid(
                entry_line(check),
                format!("reference.per_check names {check}, which has no rule"),
            ));
        }
        let counted = u64::from(rate.pass)
            + u64::from(rate.warn)
            + u64::from(rate.fail)
            + u64::from(rate.inconclusive);
        let share_ok = rate
            .share
            .is_none_or(|share| share.is_finite() && (0.0..=1.0).contains(&share));
        if counted != u64::from(rate.n) || !share_ok {
            return Err(finder.invalid(
                entry_line(check),
                format!(
                    "reference.per_check.{check}: pass + warn + fail + inconclusive must equal n and share must be in 0..=1"
                ),
            ));
        }
    }
    Ok(())
}

fn validate_rule(check: &str, rule: &Rule, finder: &LineFinder<'_>) -> Result<(), BaselineError> {
    let family_ok = check
        .split_once('.')
        .is_some_and(|(prefix, slug)| Family::from_prefix(prefix).is_some() && is_slug(slug));
    if !family_ok {
        return Err(finder.invalid(
            finder.rule_line(check),
            format!("{check:?} is not a check id (<family>.<kebab-slug>, family one of tls, cert, dns, mail, http, net)"),
        ));
    }
    if !(MIN_WEIGHT..=MAX_WEIGHT).contains(&rule.weight) {
        return Err(finder.invalid(
            finder.rule_field_line(check, "weight"),
            format!(
                "{check}: weight {} must be a number from {MIN_WEIGHT} to {MAX_WEIGHT} \
                 (weights are relative; the bounds keep every score finite)",
                short_number(rule.weight)
            ),
        ));
    }
    // Names and values are validated against the check's declared parameters by
    // `Baseline::validate_against`, which knows the checks.
    if rule.params.as_ref().is_some_and(|p| !p.is_object()) {
        return Err(finder.invalid(
            finder.rule_field_line(check, "params"),
            format!("{check}: params must be a mapping of name: value"),
        ));
    }
    let source = &rule.source;
    if !source.url.starts_with("https://") {
        return Err(finder.invalid(
            finder.rule_field_line(check, "url"),
            format!(
                "{check}: source url {:?} must start with https://",
                source.url
            ),
        ));
    }
    for (field, value) in [
        ("issuer", &source.issuer),
        ("title", &source.title),
        ("section", &source.section),
    ] {
        if value.trim().is_empty() {
            return Err(finder.invalid(
                finder.rule_field_line(check, field),
                format!("{check}: source {field} is empty"),
            ));
        }
    }
    if !is_iso_date(&source.read_on) {
        return Err(finder.invalid(
            finder.rule_field_line(check, "read_on"),
            format!(
                "{check}: read_on {:?} must be a date YYYY-MM-DD",
                source.read_on
            ),
        ));
    }
    Ok(())
}

/// A number as written in messages: `1e308` rather than 309 digits.
fn short_number(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Lower-case ASCII letters, digits and inner dashes.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `YYYY-MM-DD` with plausible month and day.
pub(crate) fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let digits = |p: &str, n: usize| p.len() == n && p.chars().all(|c| c.is_ascii_digit());
    digits(year, 4)
        && digits(month, 2)
        && digits(day, 2)
        && matches!(month.parse::<u8>(), Ok(1..=12))
        && matches!(day.parse::<u8>(), Ok(1..=31))
}

/// The parser's message without the snippet and without a trailing "at line N, column M"
/// (the location is printed in front).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default().trim();
    match line.rfind(" at line ") {
        Some(at) if line[at..].contains(", column ") => line[..at].to_owned(),
        _ => line.to_owned(),
    }
}

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
