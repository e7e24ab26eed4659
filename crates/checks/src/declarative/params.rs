//! Parameters a declarative check declares (type, default, bounds) and reads in its rule as
//! `"{params.NAME}"`; a baseline rule for the check may set them (`params:`).

use serde_json::Value;

use super::tree::Operand;

/// The declaration of a parameter: the model's, shared with built-in checks.
pub use govscan_model::{InvalidParam, ParamDecl, ParamKind};

/// The parameters in force for one evaluation: the baseline's values over the defaults.
pub struct Params<'a> {
    /// The check's declarations.
    pub decls: &'a [ParamDecl],
    /// The baseline's `params` object for the check, if any.
    pub given: Option<&'a Value>,
}

/// A parameter a rule reads that has no usable value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// The rule reads a parameter the check does not declare.
    #[error("parameter {0} is not declared")]
    Undeclared(String),
    /// The baseline's value is of the wrong type or out of bounds.
    #[error(transparent)]
    Invalid(#[from] InvalidParam),
    /// A list operand reads a parameter whose value is not a list, string or number.
    #[error("parameter {name} = {value} is not a list")]
    NotAList {
        /// The parameter.
        name: String,
        /// Its value.
        value: Value,
    },
    /// A numeric operand reads a parameter whose value is not a number.
    #[error("parameter {0} is not a number")]
    NotANumber(String),
}

impl Params<'_> {
    /// The value of a parameter (the baseline's when valid; an invalid one is an error, never
    /// silently replaced by the default).
    pub fn value(&self, name: &str) -> Result<Value, ParamError> {
        let decl = self
            .decls
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| ParamError::Undeclared(name.to_owned()))?;
        match self.given.and_then(|g| g.get(name)) {
            Some(v) => {
                decl.validate(v)?;
                Ok(v.clone())
            }
            None => Ok(decl.default_json()),
        }
    }

    /// A list operand.
    pub fn list(&self, op: &Operand<Vec<String>>) -> Result<Vec<String>, ParamError> {
        match op {
            Operand::Fixed(items) => Ok(items.clone()),
            Operand::Param(name) => match self.value(name)? {
                Value::Array(items) => Ok(items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()),
                Value::String(s) => Ok(vec![s]),
                Value::Number(n) => Ok(vec![n.to_string()]),
                other => Err(ParamError::NotAList {
                    name: name.clone(),
                    value: other,
                }),
            },
        }
    }

    /// A numeric operand.
    pub fn number(&self, op: &Operand<f64>) -> Result<f64, ParamError> {
        match op {
            Operand::Fixed(n) => Ok(*n),
            Operand::Param(name) => self
                .value(name)?
                .as_f64()
                .ok_or_else(|| ParamError::NotANumber(name.clone())),
        }
    }
}
