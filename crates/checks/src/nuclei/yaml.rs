//! The YAML text of a converted check: block mappings and sequences, every string
//! double-quoted, so that any template text round-trips.

use serde_json::Value;

/// A small YAML emitter: block mappings and sequences, every string double-quoted (JSON
/// escapes are valid YAML), so that any text round-trips.
pub(super) fn to_yaml(v: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let scalar = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    match v {
        Value::Object(map) => {
            let mut out = String::new();
            for (k, val) in map {
                match val {
                    Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{k}:\n{}", to_yaml(val, indent + 2)));
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{k}:\n{}", to_yaml(val, indent + 2)));
                    }
                    _ => out.push_str(&format!("{pad}{k}: {}\n", scalar(val))),
                }
            }
            out
        }
        Value::Array(items) => {
            let mut out = String::new();
            for item in items {
                let body = match item {
                    Value::Object(_) | Value::Array(_) => to_yaml(item, indent + 2),
                    _ => format!("{pad}  {}\n", scalar(item)),
                };
                // "- " replaces the first two spaces of the item's first line.
                let body = body.get(indent + 2..).unwrap_or_default();
                out.push_str(&format!("{pad}- {body}"));
            }
            out
        }
        other => format!("{pad}{}\n", scalar(other)),
    }
}
