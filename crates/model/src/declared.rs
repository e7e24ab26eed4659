//! What a check declares besides its requirement: the findings it can emit and the baseline
//! parameters it reads, each with a one-line meaning, so that a finding or a parameter nobody
//! declared is an error in tests (findings) or when a baseline is loaded (parameters).

use serde::Serialize;
use serde_json::Value;

use crate::outcome::Status;

/// One finding a check can emit: its key, the status it comes with, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FindingDecl {
    /// The stable key (`Outcome::finding`), e.g. `max_age_below_minimum`.
    pub key: &'static str,
    /// The status an outcome with this key has.
    pub status: Status,
    /// What it means, in one line.
    pub meaning: &'static str,
}

/// Findings any check can get from the runner and the endpoint combination rather than from
/// its own judgement: a domain that cannot be judged (excluded, NXDOMAIN, blocked addresses,
/// a probe that gave no data, a failure on the scanner's side, an address family whose lookup
/// failed) or, for checks of the web endpoints, a domain that only handles mail.
pub const RUNNER_FINDINGS: &[FindingDecl] = &[
    FindingDecl {
        key: "probe_incomplete",
        status: Status::Inconclusive,
        meaning: "a probe the check needs failed, timed out or was skipped",
    },
    FindingDecl {
        key: "scanner_failure",
        status: Status::Inconclusive,
        meaning: "a probe failed on the scanner's side (its network, resolver or limits), not the target's",
    },
    FindingDecl {
        key: "address_blocked",
        status: Status::Inconclusive,
        meaning: "the addresses to probe are ones govscan does not contact (loopback, private, excluded)",
    },
    FindingDecl {
        key: "address_family_unknown",
        status: Status::Inconclusive,
        meaning: "the A or AAAA lookup gave no answer, so some endpoints are unknown",
    },
    FindingDecl {
        key: "domain_does_not_exist",
        status: Status::Inconclusive,
        meaning: "the resolver answered NXDOMAIN for the domain: a target-list problem",
    },
    FindingDecl {
        key: "excluded",
        status: Status::Inconclusive,
        meaning: "the domain is on the exclude list and was not contacted",
    },
    FindingDecl {
        key: "mail_only_domain",
        status: Status::NotApplicable,
        meaning: "the domain has no address but mail exchangers: there is no web endpoint to judge",
    },
];

/// The type and bounds of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParamKind {
    /// An integer in `min..=max`.
    Integer {
        /// Least value.
        min: i64,
        /// Greatest value.
        max: i64,
    },
    /// `true` or `false`.
    Bool,
    /// A string of at most [`MAX_PARAM_TEXT`] bytes.
    Text,
    /// A list of at most `max_items` strings.
    List {
        /// Most items.
        max_items: usize,
    },
    /// One of these strings.
    OneOf {
        /// The accepted values.
        values: &'static [&'static str],
    },
}

/// Longest string parameter (and list item), in bytes.
pub const MAX_PARAM_TEXT: usize = 1000;

/// A parameter's default value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// An integer.
    Integer(i64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Text(&'static str),
    /// A list of strings.
    List(&'static [&'static str]),
}

impl ParamValue {
    /// The value as JSON, as a baseline would give it.
    pub fn to_json(self) -> Value {
        match self {
            ParamValue::Integer(i) => Value::from(i),
            ParamValue::Bool(b) => Value::from(b),
            ParamValue::Text(t) => Value::from(t),
            ParamValue::List(items) => Value::from(items.to_vec()),
        }
    }
}

/// A parameter a check reads from its baseline rule (`params:`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParamDecl {
    /// Its name, e.g. `min_max_age`.
    pub name: &'static str,
    /// Type and bounds.
    pub kind: ParamKind,
    /// The value used when the baseline does not set it (valid for `kind`).
    pub default: ParamValue,
    /// What it sets, in one line (may be empty for a declarative check that does not say).
    pub doc: &'static str,
}

impl ParamDecl {
    /// Checks a value against the type and bounds; the error says what is wanted.
    pub fn validate(&self, value: &Value) -> Result<(), InvalidParam> {
        let text_ok = |v: &Value| v.as_str().is_some_and(|s| s.len() <= MAX_PARAM_TEXT);
        let ok = match self.kind {
            ParamKind::Integer { min, max } => {
                value.as_i64().is_some_and(|v| (min..=max).contains(&v))
            }
            ParamKind::Bool => value.is_boolean(),
            ParamKind::Text => text_ok(value),
            ParamKind::List { max_items } => value
                .as_array()
                .is_some_and(|items| items.len() <= max_items && items.iter().all(text_ok)),
            ParamKind::OneOf { values } => value.as_str().is_some_and(|s| values.contains(&s)),
        };
        if ok {
            return Ok(());
        }
        Err(InvalidParam {
            name: self.name,
            value: value.clone(),
            kind: self.kind,
        })
    }

    /// The default as JSON.
    pub fn default_json(&self) -> Value {
        self.default.to_json()
    }
}

/// A parameter value of the wrong type or out of bounds: `parameter min_age = 11 must be an
/// integer in 0..=10`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("parameter {name} = {value} must be {}", wanted(.kind))]
pub struct InvalidParam {
    /// The parameter's name.
    pub name: &'static str,
    /// The value given.
    pub value: Value,
    /// What the parameter accepts.
    pub kind: ParamKind,
}

/// What a parameter of `kind` accepts, in words.
fn wanted(kind: &ParamKind) -> String {
    match *kind {
        ParamKind::Integer { min, max } => format!("an integer in {min}..={max}"),
        ParamKind::Bool => "true or false".to_owned(),
        ParamKind::Text => format!("a string of at most {MAX_PARAM_TEXT} characters"),
        ParamKind::List { max_items } => format!("a list of at most {max_items} strings"),
        ParamKind::OneOf { values } => format!("one of {}", values.join(", ")),
    }
}

/// Why the parameters a baseline gives a check are refused; every variant names the check.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamsError {
    /// The check declares no parameters at all.
    #[error("{check}: takes no parameters, but params names {name:?}")]
    TakesNone {
        /// The check id.
        check: String,
        /// The parameter given.
        name: String,
    },
    /// The check does not declare this parameter.
    #[error("{check}: unknown parameter {name:?} (accepted: {})", .accepted.join(", "))]
    Unknown {
        /// The check id.
        check: String,
        /// The parameter given.
        name: String,
        /// The parameters the check declares.
        accepted: Vec<&'static str>,
    },
    /// A declared parameter with a value of the wrong type or out of bounds.
    #[error("{check}: {source}")]
    Invalid {
        /// The check id.
        check: String,
        /// What is wrong with the value.
        #[source]
        source: InvalidParam,
    },
}

impl ParamsError {
    /// The parameter the error is about (for the error's line in the baseline file).
    pub fn parameter(&self) -> &str {
        match self {
            ParamsError::TakesNone { name, .. } | ParamsError::Unknown { name, .. } => name,
            ParamsError::Invalid { source, .. } => source.name,
        }
    }
}

/// Validates the parameters a baseline gives one check against what it declares: an
/// undeclared name, or a value of the wrong type or out of bounds, is an error naming the
/// check and the parameter ([`ParamsError::parameter`], for the error's line).
pub fn validate_params(
    check: &str,
    declared: &[ParamDecl],
    given: &serde_json::Map<String, Value>,
) -> Result<(), ParamsError> {
    for (name, value) in given {
        let Some(decl) = declared.iter().find(|d| d.name == name) else {
            return Err(if declared.is_empty() {
                ParamsError::TakesNone {
                    check: check.to_owned(),
                    name: name.clone(),
                }
            } else {
                ParamsError::Unknown {
                    check: check.to_owned(),
                    name: name.clone(),
                    accepted: declared.iter().map(|d| d.name).collect(),
                }
            });
        };
        decl.validate(value)
            .map_err(|source| ParamsError::Invalid {
                check: check.to_owned(),
                source,
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MIN_AGE: ParamDecl = ParamDecl {
        name: "min_age",
        kind: ParamKind::Integer { min: 0, max: 10 },
        default: ParamValue::Integer(5),
        doc: "",
    };

    #[test]
    fn values_are_checked_against_kind_and_bounds() {
        assert!(MIN_AGE.validate(&json!(10)).is_ok());
        assert!(MIN_AGE.validate(&json!(11)).is_err());
        assert_eq!(
            MIN_AGE.validate(&json!("5")).expect_err("text").to_string(),
            "parameter min_age = \"5\" must be an integer in 0..=10"
        );
        assert_eq!(MIN_AGE.default_json(), json!(5));
        let given = json!({"min_agee": 1});
        let err = validate_params("x.y", &[MIN_AGE], given.as_object().expect("object"))
            .expect_err("unknown");
        assert_eq!(err.parameter(), "min_agee");
        assert_eq!(
            err.to_string(),
            "x.y: unknown parameter \"min_agee\" (accepted: min_age)"
        );
        let err = validate_params("x.y", &[], given.as_object().expect("object"))
            .expect_err("takes none");
        assert!(err.to_string().contains("takes no parameters"), "{err}");
        let given = json!({"min_age": 11});
        let err = validate_params("x.y", &[MIN_AGE], given.as_object().expect("object"))
            .expect_err("out of bounds");
        assert_eq!(err.parameter(), "min_age");
        assert_eq!(
            err.to_string(),
            "x.y: parameter min_age = 11 must be an integer in 0..=10"
        );
    }
}
