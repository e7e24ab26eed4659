//! Validation of a parsed declarative check: every rule of the format is enforced here, and
//! every error names the file and the line of the offending value.

use govscan_model::{CheckMeta, Family, FindingDecl, Level, Need, Reference, Status};
use regex::{Regex, RegexBuilder};
use serde_saphyr::Spanned;

use super::DeclarativeError;
use super::params::ParamDecl;
use super::rule::{HeaderExpect, Rule, TxtAt, TxtExpect};
use super::schema::{RawCheck, RawHeaderRule, RawPathRule, RawRule, RawTxtRule};
use super::tree::Node;
use super::tree_compile::TreeContext;

/// Compiled-program size limit for one pattern (the regex crate runs in linear time; this
/// bounds memory).
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Longest accepted pattern, in characters.
const MAX_PATTERN_LEN: usize = 1000;
/// Longest accepted id.
const MAX_ID_LEN: usize = 64;
/// Longest accepted declared path.
const MAX_PATH_LEN: usize = 512;

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

    fn rule(
        &self,
        raw: &Spanned<RawRule>,
        family: Family,
        params: &[ParamDecl],
    ) -> Result<Rule, DeclarativeError> {
        let r = &raw.value;
        let given = [
            r.header.is_some(),
            r.dns_txt.is_some(),
            r.path.is_some(),
            r.all.is_some(),
            r.any.is_some(),
            r.not.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(self.error(
                raw,
                "rule: give exactly one of all, any, not (a tree) or header, dns_txt, path",
            ));
        }
        let cx = TreeContext { params };
        if let Some(children) = r.all.as_ref().or(r.any.as_ref()) {
            if children.value.is_empty() {
                return Err(self.error(children, "all:/any: give at least one rule"));
            }
            let nodes = children
                .value
                .iter()
                .map(|c| self.node(c, 1, &cx))
                .collect::<Result<Vec<_>, _>>()?;
            let root = if r.all.is_some() {
                Node::All(nodes)
            } else {
                Node::Any(nodes)
            };
            return Ok(Rule::Tree(self.tree(raw, root)?));
        }
        if let Some(child) = &r.not {
            let root = Node::Not(Box::new(self.node(child, 1, &cx)?));
            return Ok(Rule::Tree(self.tree(raw, root)?));
        }
        if let Some(h) = &r.header {
            self.family_for(h, family, &[Family::Http], "header")?;
            return self.header(&h.value);
        }
        if let Some(t) = &r.dns_txt {
            self.family_for(t, family, &[Family::Dns, Family::Mail], "dns_txt")?;
            return self.txt(&t.value);
        }
        match &r.path {
            Some(p) => {
                self.family_for(p, family, &[Family::Http], "path")?;
                self.path(p)
            }
            None => Err(self.error(raw, "rule: give exactly one of header, dns_txt, path")),
        }
    }

    fn family_for<T>(
        &self,
        at: &Spanned<T>,
        family: Family,
        allowed: &[Family],
        kind: &str,
    ) -> Result<(), DeclarativeError> {
        if allowed.contains(&family) {
            return Ok(());
        }
        let names: Vec<&str> = allowed.iter().map(|f| f.prefix()).collect();
        Err(self.error(
            at,
            format!(
                "a {kind} rule belongs to family {}, not {}",
                names.join(" or "),
                family.prefix()
            ),
        ))
    }

    fn header(&self, h: &RawHeaderRule) -> Result<Rule, DeclarativeError> {
        let name = h.name.value.trim().to_ascii_lowercase();
        let token = !name.is_empty()
            && name.len() <= 100
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            return Err(self.error(
                &h.name,
                format!("header name {:?} is not an HTTP field name", h.name.value),
            ));
        }
        let expect = match (h.expect.value.trim(), &h.pattern) {
            ("present", None) => HeaderExpect::Present,
            ("absent", None) => HeaderExpect::Absent,
            ("matches", Some(p)) => HeaderExpect::Matches(self.regex(p)?),
            ("matches", None) => {
                return Err(self.error(&h.expect, "expect: matches needs a pattern"));
            }
            ("present" | "absent", Some(p)) => {
                return Err(self.error(p, "pattern is only allowed with expect: matches"));
            }
            (other, _) => {
                return Err(self.error(
                    &h.expect,
                    format!("expect {other:?}: expected present, absent or matches"),
                ));
            }
        };
        Ok(Rule::Header { name, expect })
    }

    fn txt(&self, t: &RawTxtRule) -> Result<Rule, DeclarativeError> {
        let at = match t.at.value.trim() {
            "domain" => TxtAt::Domain,
            "dmarc" => TxtAt::Dmarc,
            "dmarc_record" => TxtAt::DmarcRecord,
            other => {
                return Err(self.error(
                    &t.at,
                    format!("at {other:?}: expected domain, dmarc or dmarc_record"),
                ));
            }
        };
        let expect = match t.expect.value.trim() {
            "matches" => TxtExpect::Matches,
            "no_match" => TxtExpect::NoMatch,
            other => {
                return Err(self.error(
                    &t.expect,
                    format!("expect {other:?}: expected matches or no_match"),
                ));
            }
        };
        Ok(Rule::DnsTxt {
            at,
            expect,
            pattern: self.regex(&t.pattern)?,
        })
    }

    /// A declared same-origin path: one leading '/', printable ASCII, no '\\' or '#'.
    pub(super) fn same_origin_path(
        &self,
        at: &Spanned<String>,
    ) -> Result<String, DeclarativeError> {
        let path = at.value.trim();
        let same_origin = path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && !path.contains('#')
            && path.len() <= MAX_PATH_LEN
            && path.bytes().all(|b| b.is_ascii_graphic());
        if !same_origin {
            return Err(self.error(
                at,
                format!("path {path:?} must be a same-origin path: start with one '/', printable ASCII, no '\\' or '#', at most {MAX_PATH_LEN} characters"),
            ));
        }
        Ok(path.to_owned())
    }

    fn path(&self, p: &Spanned<RawPathRule>) -> Result<Rule, DeclarativeError> {
        let raw = &p.value;
        let path = self.same_origin_path(&raw.path)?;
        let path = path.as_str();
        let status = match &raw.status {
            Some(s) => {
                if s.value.is_empty() || s.value.iter().any(|c| !(100..=599).contains(c)) {
                    return Err(self.error(s, "status: give a list of HTTP status codes (100-599)"));
                }
                s.value.clone()
            }
            None => Vec::new(),
        };
        let body_matches = raw
            .body_matches
            .as_ref()
            .map(|r| self.regex(r))
            .transpose()?;
        let body_not_matches = raw
            .body_not_matches
            .as_ref()
            .map(|r| self.regex(r))
            .transpose()?;
        if status.is_empty() && body_matches.is_none() && body_not_matches.is_none() {
            return Err(self.error(
                p,
                "path rule: give at least one of status, body_matches, body_not_matches",
            ));
        }
        Ok(Rule::Path {
            path: path.to_owned(),
            status,
            body_matches,
            body_not_matches,
        })
    }
}

/// The probe data a rule reads (the runner answers `Inconclusive` when it is missing).
pub(super) fn needs_of(rule: &Rule) -> &'static [Need] {
    match rule {
        Rule::Tree(root) => tree_needs(root),
        Rule::Header { .. } => &[Need::DnsAddresses, Need::Https],
        Rule::DnsTxt {
            at: TxtAt::Domain, ..
        } => &[Need::DnsTxt],
        Rule::DnsTxt {
            at: TxtAt::Dmarc | TxtAt::DmarcRecord,
            ..
        } => &[Need::DnsDmarc],
        Rule::Path { .. } => &[Need::DnsAddresses, Need::Paths],
    }
}

/// The endpoint probes a tree reads (none for a domain-level tree), leaked once per check.
fn tree_needs(root: &Node) -> &'static [Need] {
    use super::sources::{HttpTarget, Source};
    let mut needs = Vec::new();
    for leaf in root.leaves() {
        let need = match &leaf.source {
            Source::Http(HttpTarget::Home | HttpTarget::HomeHttps, _) => Need::Https,
            Source::Http(HttpTarget::HomeHttp, _) => Need::Http,
            Source::Http(HttpTarget::Path(_), _) => Need::Paths,
            Source::Tls(_) | Source::Cert(_) | Source::Chain(_) => Need::Tls,
            Source::Dns { .. } | Source::Mail(_) | Source::Dnssec => continue,
        };
        if needs.is_empty() {
            needs.push(Need::DnsAddresses);
        }
        if !needs.contains(&need) {
            needs.push(need);
        }
    }
    Box::leak(needs.into_boxed_slice())
}

/// Makes the metadata `'static` by leaking it, so that declarative checks share `CheckMeta`
/// with built-in ones. Checks are loaded once per process (at start-up), so the leak is
/// bounded by the size of the checks directories.
pub(super) fn leak_meta(c: &Compiled) -> &'static CheckMeta {
    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_owned().into_boxed_str())
    }
    let references: Vec<Reference> = c
        .references
        .iter()
        .map(|(title, url)| Reference {
            title: leak(title),
            url: leak(url),
        })
        .collect();
    Box::leak(Box::new(CheckMeta {
        id: leak(&c.id),
        family: c.family,
        title: leak(&c.title),
        level: c.level,
        rationale: leak(&c.rationale),
        remediation: leak(&c.remediation),
        references: Box::leak(references.into_boxed_slice()),
        needs: needs_of(&c.rule),
        findings: Box::leak(c.findings.clone().into_boxed_slice()),
        params: Box::leak(c.params.clone().into_boxed_slice()),
    }))
}
