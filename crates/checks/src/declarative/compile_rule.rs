//! Validation of a check's `rule:`: which kind is given, and the three single rules
//! (`header`, `dns_txt`, `path`) with the same-origin path check that tree leaves share.

use govscan_model::Family;
use serde_saphyr::Spanned;

use super::DeclarativeError;
use super::compile::Validator;
use super::params::ParamDecl;
use super::rule::{HeaderExpect, Rule, TxtAt, TxtExpect};
use super::schema::{RawHeaderRule, RawPathRule, RawRule, RawTxtRule};
use super::tree::Node;
use super::tree_compile::TreeContext;

/// Longest accepted declared path.
const MAX_PATH_LEN: usize = 512;

impl Validator<'_> {
    pub(super) fn rule(
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
