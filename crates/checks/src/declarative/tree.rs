//! Composable rules: `all` / `any` / `not` trees over leaf matchers, judged in three-valued
//! (Kleene) logic so that a missing observation never turns into a pass.
//!
//! A leaf reads one observation as a set of text values ([`super::sources`]), applies one
//! matcher to them under a quantifier, and answers true, false or unknown. `all` is false as
//! soon as one child is false, `any` true as soon as one child is true; otherwise an unknown
//! child makes the node unknown. The verdict is given only when it holds whatever the missing
//! observations would have shown.
//!
//! This module holds the tree's types and the `all`/`any`/`not` logic; a leaf is judged in
//! `tree_leaf`.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::Value;

use super::params::Params;
use super::sources::{Scope, Source};

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
