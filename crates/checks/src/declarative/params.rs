//! Parameters a declarative check declares (type, default, bounds) and reads in its rule as
//! `"{params.NAME}"`; a baseline rule for the check may set them (`params:`).

use serde_json::Value;

use super::tree::Operand;

/// The type and bounds of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamKind {
    /// An integer in `min..=max`.
    Integer {
        /// Least value.
        min: i64,
        /// Greatest value.
        max: i64,
    },
    /// A string.
    Text,
    /// A list of strings, at most `max_items` long.
    List {
        /// Most items.
        max_items: usize,
    },
}

/// A declared parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    /// Its name.
    pub name: String,
    /// Type and bounds.
    pub kind: ParamKind,
    /// The value used when the baseline does not set it (valid for `kind`).
    pub default: Value,
}

impl ParamDecl {
    /// Checks a value against the type and bounds; the error says what is wanted.
    pub fn validate(&self, value: &Value) -> Result<(), String> {
        let ok = match &self.kind {
            ParamKind::Integer { min, max } => {
                value.as_i64().is_some_and(|v| (*min..=*max).contains(&v))
            }
            ParamKind::Text => value.as_str().is_some_and(|s| s.len() <= 1000),
            ParamKind::List { max_items } => value.as_array().is_some_and(|items| {
                items.len() <= *max_items
                    && items
                        .iter()
                        .all(|i| i.as_str().is_some_and(|s| s.len() <= 1000))
            }),
        };
        if ok {
            return Ok(());
        }
        let wanted = match &self.kind {
            ParamKind::Integer { min, max } => format!("an integer in {min}..={max}"),
            ParamKind::Text => "a string of at most 1000 characters".to_owned(),
            ParamKind::List { max_items } => format!("a list of at most {max_items} strings"),
        };
        Err(format!(
            "parameter {} = {value} must be {wanted}",
            self.name
        ))
    }
}

/// The parameters in force for one evaluation: the baseline's values over the defaults.
pub struct Params<'a> {
    /// The check's declarations.
    pub decls: &'a [ParamDecl],
    /// The baseline's `params` object for the check, if any.
    pub given: Option<&'a Value>,
}

impl Params<'_> {
    /// The value of a parameter (the baseline's when valid; an invalid one is an error, never
    /// silently replaced by the default).
    pub fn value(&self, name: &str) -> Result<Value, String> {
        let decl = self
            .decls
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| format!("parameter {name} is not declared"))?;
        match self.given.and_then(|g| g.get(name)) {
            Some(v) => {
                decl.validate(v)?;
                Ok(v.clone())
            }
            None => Ok(decl.default.clone()),
        }
    }

    /// A list operand.
    pub fn list(&self, op: &Operand<Vec<String>>) -> Result<Vec<String>, String> {
        match op {
            Operand::Fixed(items) => Ok(items.clone()),
            Operand::Param(name) => match self.value(name)? {
                Value::Array(items) => Ok(items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()),
                Value::String(s) => Ok(vec![s]),
                Value::Number(n) => Ok(vec![n.to_string()]),
                other => Err(format!("parameter {name} = {other} is not a list")),
            },
        }
    }

    /// A numeric operand.
    pub fn number(&self, op: &Operand<f64>) -> Result<f64, String> {
        match op {
            Operand::Fixed(n) => Ok(*n),
            Operand::Param(name) => self
                .value(name)?
                .as_f64()
                .ok_or_else(|| format!("parameter {name} is not a number")),
        }
    }
}
