//! Composable rules: `all` / `any` / `not` trees over leaf matchers, judged in three-valued
//! (Kleene) logic so that a missing observation never turns into a pass.
//!
//! A leaf reads one observation as a set of text values ([`super::sources`]), applies one
//! matcher to them under a quantifier, and answers true, false or unknown. `all` is false as
//! soon as one child is false, `any` true as soon as one child is true; otherwise an unknown
//! child makes the node unknown. The verdict is given only when it holds whatever the missing
//! observations would have shown.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::{Value, json};

use super::params::Params;
use super::sources::{Scope, Source, Values};

/// A node of a rule tree.
#[derive(Debug, Clone)]
pub enum Node {
    /// Every child holds.
    All(Vec<Node>),
    /// Some child holds.
    Any(Vec<Node>),
    /// The child does not hold.
    Not(Box<Node>),
    /// One observation and one matcher.
    Leaf(Box<Leaf>),
}

/// How many of the values must satisfy the matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// At least one (an empty set does not).
    Any,
    /// Every one (an empty set does, vacuously; add `exists: true` to demand values).
    All,
    /// No value.
    None,
}

/// A literal operand or a parameter of the check (`"{params.NAME}"`).
#[derive(Debug, Clone)]
pub enum Operand<T> {
    /// Written in the check.
    Fixed(T),
    /// Read from the check's parameters (baseline value, else the declared default).
    Param(String),
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumOp {
    /// `>=`
    AtLeast,
    /// `<=`
    AtMost,
    /// `>`
    GreaterThan,
    /// `<`
    LessThan,
}

/// What a leaf demands of its values.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// The set is non-empty (`true`) or empty (`false`).
    Exists(bool),
    /// A value equals one of these (one given: equals it).
    Equals(Operand<Vec<String>>),
    /// A value contains one of these as a substring (`and`: all of them).
    Words {
        /// The words.
        words: Vec<String>,
        /// All words must occur in the same value.
        all: bool,
    },
    /// A value matches the pattern.
    Regex(Regex),
    /// A value, read as a number, compares so.
    Number(NumOp, Operand<f64>),
    /// The set, taken whole, contains every one of these values.
    Contains(Operand<Vec<String>>),
    /// The number of values lies within bounds.
    Count {
        /// Least number.
        at_least: Option<u64>,
        /// Most number.
        at_most: Option<u64>,
    },
}

/// One observation, one matcher.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// What is read.
    pub source: Source,
    /// Join all values into one, separated by ", ".
    pub combine: bool,
    /// How many values must satisfy the matcher.
    pub quantifier: Quantifier,
    /// Compare text case-sensitively (equals, contains, words).
    pub case_sensitive: bool,
    /// The matcher.
    pub matcher: Matcher,
    /// Name under which the deciding value is stored (`{extracted.NAME}`).
    pub extract: Option<String>,
}

/// Three-valued truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Cannot be told: the observation is missing or incomplete (why).
    Unknown(String),
}

/// What evaluating a tree left behind for evidence and messages.
#[derive(Debug, Default)]
pub struct Trace {
    /// One entry per leaf evaluated.
    pub leaves: Vec<Value>,
    /// `extract` name → deciding value.
    pub extracted: BTreeMap<String, String>,
    /// The last leaf that decided a true or false answer, in words.
    pub decisive: Option<String>,
}

/// Most values listed per leaf in evidence, and most characters per value.
const EVIDENCE_VALUES: usize = 10;
const EVIDENCE_CHARS: usize = 300;

fn short(text: &str) -> String {
    if text.chars().count() <= EVIDENCE_CHARS {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(EVIDENCE_CHARS).collect();
        format!("{cut}…")
    }
}

impl Node {
    /// Judges the node; leaves record themselves in `trace`.
    pub fn eval(&self, scope: &Scope<'_>, params: &Params<'_>, trace: &mut Trace) -> Truth {
        match self {
            Node::All(children) => {
                let mut unknown = None;
                for child in children {
                    match child.eval(scope, params, trace) {
                        Truth::False => return Truth::False,
                        Truth::Unknown(why) => {
                            unknown.get_or_insert(why);
                        }
                        Truth::True => {}
                    }
                }
                unknown.map_or(Truth::True, Truth::Unknown)
            }
            Node::Any(children) => {
                let mut unknown = None;
                for child in children {
                    match child.eval(scope, params, trace) {
                        Truth::True => return Truth::True,
                        Truth::Unknown(why) => {
                            unknown.get_or_insert(why);
                        }
                        Truth::False => {}
                    }
                }
                unknown.map_or(Truth::False, Truth::Unknown)
            }
            Node::Not(child) => match child.eval(scope, params, trace) {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                unknown => unknown,
            },
            Node::Leaf(leaf) => leaf.eval(scope, params, trace),
        }
    }

    /// Every leaf of the tree.
    pub fn leaves(&self) -> Vec<&Leaf> {
        match self {
            Node::All(c) | Node::Any(c) => c.iter().flat_map(Node::leaves).collect(),
            Node::Not(c) => c.leaves(),
            Node::Leaf(l) => vec![l],
        }
    }
}

impl Leaf {
    fn eval(&self, scope: &Scope<'_>, params: &Params<'_>, trace: &mut Trace) -> Truth {
        let label = self.source.label();
        let values = match self.source.read(scope) {
            Ok(values) => values,
            Err(why) => {
                let why = format!("{label}: {why}");
                trace.leaves.push(json!({
                    "read": label,
                    "matcher": self.matcher.describe(),
                    "result": "unknown",
                    "why": why,
                }));
                return Truth::Unknown(why);
            }
        };
        let values = if self.combine && !values.items.is_empty() {
            Values {
                items: vec![values.items.join(", ")],
                ..values
            }
        } else {
            values
        };
        let (truth, deciding) = match self.judge(&values, params) {
            Ok(judged) => judged,
            Err(why) => (Truth::Unknown(why), None),
        };
        let shown: Vec<String> = values
            .items
            .iter()
            .take(EVIDENCE_VALUES)
            .map(|v| short(v))
            .collect();
        let result = match &truth {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Unknown(_) => "unknown",
        };
        let mut entry = json!({
            "read": label,
            "at": values.at,
            "values": shown,
            "value_count": values.items.len(),
            "complete": values.complete,
            "matcher": self.matcher.describe(),
            "quantifier": format!("{:?}", self.quantifier).to_lowercase(),
            "result": result,
        });
        if let Truth::Unknown(why) = &truth {
            entry["why"] = json!(why);
        }
        if let Some(d) = &deciding {
            entry["deciding_value"] = json!(short(d));
        }
        trace.leaves.push(entry);
        if let Some(name) = &self.extract {
            // Without a deciding value, what was read (short values only: a body is not
            // repeated into a message).
            let value = deciding.clone().unwrap_or_else(|| {
                let first: Vec<&str> = values.items.iter().take(5).map(String::as_str).collect();
                let joined = first.join(", ");
                if joined.is_empty() {
                    "(none)".to_owned()
                } else if joined.chars().count() > 120 {
                    "(not shown)".to_owned()
                } else {
                    joined
                }
            });
            trace.extracted.insert(name.clone(), short(&value));
        }
        if !matches!(truth, Truth::Unknown(_)) {
            let shown = match &deciding {
                Some(d) => format!("{label} = {:?}", short(d)),
                None if values.items.is_empty() => format!("{label}: no value"),
                None => format!("{label} = {:?}", short(&values.items.join(", "))),
            };
            trace.decisive = Some(format!("{shown} ({} is {result})", self.matcher.describe()));
        }
        truth
    }

    /// The truth over the values and the value that decided it, if one did.
    fn judge(
        &self,
        values: &Values,
        params: &Params<'_>,
    ) -> Result<(Truth, Option<String>), String> {
        let incomplete = || {
            Truth::Unknown(format!(
                "{}: not every value could be read",
                self.source.label()
            ))
        };
        match &self.matcher {
            Matcher::Exists(want) => Ok(match (values.items.first(), values.complete) {
                (Some(first), _) => (truth(*want), Some(first.clone())),
                (None, true) => (truth(!*want), None),
                (None, false) => (incomplete(), None),
            }),
            Matcher::Count { at_least, at_most } => {
                let n = values.items.len() as u64;
                let too_many = at_most.is_some_and(|m| n > m);
                let enough = at_least.is_none_or(|m| n >= m);
                Ok(if too_many {
                    (Truth::False, None)
                } else if enough {
                    (Truth::True, None)
                } else if values.complete {
                    (Truth::False, None)
                } else {
                    (incomplete(), None)
                })
            }
            Matcher::Contains(wanted) => {
                let wanted = params.list(wanted)?;
                let missing = wanted
                    .iter()
                    .find(|w| !values.items.iter().any(|v| self.text_eq(v, w)));
                Ok(match missing {
                    None => (Truth::True, wanted.first().cloned()),
                    Some(_) if !values.complete => (incomplete(), None),
                    Some(m) => (Truth::False, Some(m.clone())),
                })
            }
            _ => {
                let mut first_match = None;
                let mut first_miss = None;
                for v in &values.items {
                    if self.value_matches(v, params)? {
                        first_match.get_or_insert(v);
                    } else {
                        first_miss.get_or_insert(v);
                    }
                }
                // A regex decides by the text it matched (like an extractor), not the whole
                // value (a body, say).
                let matched = match (&self.matcher, first_match) {
                    (Matcher::Regex(re), Some(v)) => re.find(v).map(|m| m.as_str().to_owned()),
                    (_, v) => v.cloned(),
                };
                let first_match = matched.as_ref();
                Ok(match self.quantifier {
                    Quantifier::Any => match (first_match, values.complete) {
                        (Some(v), _) => (Truth::True, Some(v.clone())),
                        (None, true) => (Truth::False, None),
                        (None, false) => (incomplete(), None),
                    },
                    Quantifier::All => match (first_miss, values.complete) {
                        (Some(v), _) => (Truth::False, Some(v.clone())),
                        (None, true) => (Truth::True, first_match.cloned()),
                        (None, false) => (incomplete(), None),
                    },
                    Quantifier::None => match (first_match, values.complete) {
                        (Some(v), _) => (Truth::False, Some(v.clone())),
                        (None, true) => (Truth::True, None),
                        (None, false) => (incomplete(), None),
                    },
                })
            }
        }
    }

    fn text_eq(&self, a: &str, b: &str) -> bool {
        if self.case_sensitive {
            a == b
        } else {
            a.eq_ignore_ascii_case(b)
        }
    }

    fn value_matches(&self, value: &str, params: &Params<'_>) -> Result<bool, String> {
        Ok(match &self.matcher {
            Matcher::Equals(set) => params.list(set)?.iter().any(|w| self.text_eq(value, w)),
            Matcher::Words { words, all } => {
                let hit = |w: &String| {
                    if self.case_sensitive {
                        value.contains(w.as_str())
                    } else {
                        value.to_lowercase().contains(&w.to_lowercase())
                    }
                };
                if *all {
                    words.iter().all(hit)
                } else {
                    words.iter().any(hit)
                }
            }
            Matcher::Regex(re) => re.is_match(value),
            Matcher::Number(op, operand) => {
                let bound = params.number(operand)?;
                match value.trim().parse::<f64>() {
                    Ok(n) => match op {
                        NumOp::AtLeast => n >= bound,
                        NumOp::AtMost => n <= bound,
                        NumOp::GreaterThan => n > bound,
                        NumOp::LessThan => n < bound,
                    },
                    Err(_) => false,
                }
            }
            Matcher::Exists(_) | Matcher::Count { .. } | Matcher::Contains(_) => false,
        })
    }
}

fn truth(b: bool) -> Truth {
    if b { Truth::True } else { Truth::False }
}

impl Matcher {
    /// The matcher in words, for evidence and messages.
    pub fn describe(&self) -> String {
        fn operand<T: std::fmt::Debug>(o: &Operand<T>) -> String {
            match o {
                Operand::Fixed(v) => format!("{v:?}"),
                Operand::Param(name) => format!("{{params.{name}}}"),
            }
        }
        match self {
            Matcher::Exists(true) => "exists".to_owned(),
            Matcher::Exists(false) => "is absent".to_owned(),
            Matcher::Equals(set) => format!("equals one of {}", operand(set)),
            Matcher::Words { words, all: true } => format!("contains all words {words:?}"),
            Matcher::Words { words, .. } => format!("contains a word of {words:?}"),
            Matcher::Regex(re) => format!("matches /{re}/"),
            Matcher::Number(op, o) => {
                let op = match op {
                    NumOp::AtLeast => ">=",
                    NumOp::AtMost => "<=",
                    NumOp::GreaterThan => ">",
                    NumOp::LessThan => "<",
                };
                format!("{op} {}", operand(o))
            }
            Matcher::Contains(set) => format!("includes {}", operand(set)),
            Matcher::Count { at_least, at_most } => {
                format!(
                    "count in {}..={}",
                    at_least.unwrap_or(0),
                    at_most.map_or("".to_owned(), |m| m.to_string())
                )
            }
        }
    }
}
