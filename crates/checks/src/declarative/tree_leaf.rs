//! Judging one leaf of a rule tree: read its values, apply the matcher under the quantifier
//! (an incomplete read that could have changed the answer is unknown), and record what was
//! read, the deciding value and any extracted value in the trace.

use serde_json::json;

use super::params::{ParamError, Params};
use super::sources::{Scope, Values};
use super::tree::{Leaf, Matcher, NumOp, Quantifier, Trace, Truth};

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
impl Leaf {
    /// Judges the leaf and records it in `trace`.
    pub(super) fn eval(&self, scope: &Scope<'_>, params: &Params<'_>, trace: &mut Trace) -> Truth {
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
            Err(why) => (Truth::Unknown(why.to_string()), None),
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
    ) -> Result<(Truth, Option<String>), ParamError> {
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

    fn value_matches(&self, value: &str, params: &Params<'_>) -> Result<bool, ParamError> {
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
