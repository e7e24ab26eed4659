//! Validation of declared parameters (`params:`) and of the operands that read them
//! (`"{params.NAME}"`); every error names the file and the line.

use std::collections::BTreeMap;

use govscan_model::ParamValue;
use serde_saphyr::Spanned;

use super::DeclarativeError;
use super::compile::Validator;
use super::params::{ParamDecl, ParamKind};
use super::schema::{RawParam, RawScalarOrList};
use super::tree::Operand;
use super::tree_compile::TreeContext;

impl Validator<'_> {
    pub(super) fn param_ref<'s>(&self, text: &'s str) -> Option<&'s str> {
        text.trim().strip_prefix("{params.")?.strip_suffix('}')
    }

    pub(super) fn declared<'c, T>(
        &self,
        at: &Spanned<T>,
        name: &str,
        cx: &TreeContext<'c>,
    ) -> Result<&'c ParamKind, DeclarativeError> {
        cx.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.kind)
            .ok_or_else(|| {
                self.error(
                    at,
                    format!("parameter {name:?} is not declared under params:"),
                )
            })
    }

    pub(super) fn list_operand(
        &self,
        v: &Spanned<RawScalarOrList>,
        cx: &TreeContext<'_>,
    ) -> Result<Operand<Vec<String>>, DeclarativeError> {
        Ok(match &v.value {
            RawScalarOrList::Text(t) => match self.param_ref(t) {
                Some(name) => {
                    self.declared(v, name, cx)?;
                    Operand::Param(name.to_owned())
                }
                None => Operand::Fixed(vec![t.clone()]),
            },
            RawScalarOrList::Integer(i) => Operand::Fixed(vec![i.to_string()]),
            RawScalarOrList::Number(n) => Operand::Fixed(vec![n.to_string()]),
            RawScalarOrList::List(items) if items.is_empty() => {
                return Err(self.error(v, "give at least one value"));
            }
            RawScalarOrList::List(items) => Operand::Fixed(items.clone()),
        })
    }

    pub(super) fn number_operand(
        &self,
        v: &Spanned<RawScalarOrList>,
        cx: &TreeContext<'_>,
    ) -> Result<Operand<f64>, DeclarativeError> {
        match &v.value {
            RawScalarOrList::Integer(i) => Ok(Operand::Fixed(*i as f64)),
            RawScalarOrList::Number(n) if n.is_finite() => Ok(Operand::Fixed(*n)),
            RawScalarOrList::Text(t) => match self.param_ref(t) {
                Some(name) => match self.declared(v, name, cx)? {
                    ParamKind::Integer { .. } => Ok(Operand::Param(name.to_owned())),
                    _ => Err(self.error(v, format!("parameter {name:?} is not an integer"))),
                },
                None => Err(self.error(v, format!("{t:?} is not a number or {{params.NAME}}"))),
            },
            _ => Err(self.error(v, "expected a number or {params.NAME}")),
        }
    }

    /// Compiles the `params:` declarations.
    pub(super) fn params(
        &self,
        raw: Option<&Spanned<BTreeMap<String, Spanned<RawParam>>>>,
    ) -> Result<Vec<ParamDecl>, DeclarativeError> {
        let Some(raw) = raw else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (name, p) in &raw.value {
            let ok = !name.is_empty()
                && name.len() <= 40
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                return Err(self.error(p, format!("parameter name {name:?}: a-z, 0-9 and _ only")));
            }
            let q = &p.value;
            let kind = match q.kind.value.trim() {
                "integer" => ParamKind::Integer {
                    min: q.min.unwrap_or(i64::MIN),
                    max: q.max.unwrap_or(i64::MAX),
                },
                "string" => ParamKind::Text,
                "list" => ParamKind::List {
                    max_items: q.max_items.unwrap_or(100),
                },
                other => {
                    return Err(self.error(
                        &q.kind,
                        format!("type {other:?}: expected integer, string or list"),
                    ));
                }
            };
            let default = match &q.default.value {
                RawScalarOrList::Integer(i) => ParamValue::Integer(*i),
                RawScalarOrList::Text(t) => ParamValue::Text(leak(t)),
                RawScalarOrList::List(items) => {
                    let items: Vec<&'static str> = items.iter().map(|i| leak(i)).collect();
                    ParamValue::List(Box::leak(items.into_boxed_slice()))
                }
                RawScalarOrList::Number(n) => {
                    return Err(self.error(
                        &q.default,
                        format!("default: {n} is not an integer, a string or a list"),
                    ));
                }
            };
            let doc = match &q.doc {
                Some(doc) if doc.value.trim().chars().count() > 300 => {
                    return Err(self.error(doc, "doc is longer than 300 characters"));
                }
                Some(doc) => leak(doc.value.trim()),
                None => "",
            };
            let decl = ParamDecl {
                name: leak(name),
                kind,
                default,
                doc,
            };
            decl.validate(&decl.default_json())
                .map_err(|e| self.error(&q.default, format!("default: {e}")))?;
            out.push(decl);
        }
        Ok(out)
    }
}

/// Makes a declared name or default `'static`, as the check's metadata is (see
/// `compile::leak_meta`: checks are loaded once per process).
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}
