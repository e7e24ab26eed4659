//! Nuclei `http` requests: one GET of same-origin paths, matchers over status, body and
//! headers, and the documented `dsl` subset.

use serde_json::{Map, Value, json};

use super::{ConvertError, finding_absent, malformed, refused, strings, text_leaves};

pub(super) fn http_rule(r: &Map<String, Value>) -> Result<Value, ConvertError> {
    for (key, why) in [
        ("raw", "raw requests"),
        ("body", "a request body"),
        ("payloads", "payloads"),
        ("fuzzing", "fuzzing"),
        ("attack", "payload attacks"),
        ("headers", "custom request headers"),
        ("race", "race requests"),
        ("unsafe", "unsafe raw requests"),
        ("pipeline", "pipelined requests"),
    ] {
        if r.contains_key(key) {
            return Err(refused(format!("{why} (`{key}:`)")));
        }
    }
    for key in ["redirects", "host-redirects"] {
        if r.get(key).and_then(Value::as_bool) == Some(true) {
            return Err(refused(format!(
                "follows redirects (`{key}: true`); declared paths are judged as answered"
            )));
        }
    }
    let method = r.get("method").and_then(Value::as_str).unwrap_or("GET");
    if !method.eq_ignore_ascii_case("GET") {
        return Err(refused(format!("method {method} (only GET is passive)")));
    }
    let paths = r
        .get("path")
        .and_then(Value::as_array)
        .ok_or_else(|| refused("no `path:` list"))?;
    let mut fetches = Vec::new();
    for p in paths {
        let p = p
            .as_str()
            .ok_or_else(|| malformed("a path is not a string"))?;
        let rest = p
            .strip_prefix("{{BaseURL}}")
            .or_else(|| p.strip_prefix("{{RootURL}}"))
            .ok_or_else(|| refused(format!("path {p:?} is not {{{{BaseURL}}}}/… (same origin)")))?;
        if rest.contains("{{") {
            return Err(refused(format!("path {p:?} uses template expressions")));
        }
        fetches.push(if rest.is_empty() {
            "/".to_owned()
        } else {
            rest.to_owned()
        });
    }
    // A finding on any path is a finding: the check holds when it is absent on every path.
    let mut per_path = Vec::new();
    for fetch in &fetches {
        let leaves = |m: &Map<String, Value>| -> Result<Vec<Value>, ConvertError> {
            match m.get("type").and_then(Value::as_str) {
                Some("status") => {
                    let codes = m
                        .get("status")
                        .and_then(Value::as_array)
                        .ok_or_else(|| malformed("a status matcher has no `status:` list"))?;
                    let codes: Vec<String> = codes.iter().map(Value::to_string).collect();
                    Ok(vec![
                        json!({ "read": "http.status", "fetch": fetch, "in": codes }),
                    ])
                }
                Some("dsl") => dsl_leaves(m, fetch),
                _ => {
                    let read = match m.get("part").and_then(Value::as_str).unwrap_or("body") {
                        "body" => json!({ "read": "http.body", "fetch": fetch }),
                        "header" => json!({ "read": "http.headers_text", "fetch": fetch }),
                        other => {
                            return Err(refused(format!(
                                "matcher part {other:?} (body or header only)"
                            )));
                        }
                    };
                    text_leaves(m, &read)
                }
            }
        };
        per_path.push(finding_absent(r, &leaves)?);
    }
    Ok(if per_path.len() == 1 {
        per_path.remove(0)
    } else {
        json!({ "all": per_path })
    })
}

/// The documented DSL subset: `status_code == N`, `status_code != N`,
/// `contains(body, "…")`, `contains(header, "…")` (also with `tolower(…)` and a lower-case
/// word), joined with `&&`; each expression of the list is one alternative (or, `and` with
/// `condition: and`).
fn dsl_leaves(m: &Map<String, Value>, fetch: &str) -> Result<Vec<Value>, ConvertError> {
    let mut out = Vec::new();
    for expr in strings(m, "dsl")? {
        let mut parts = Vec::new();
        for term in expr.split("&&").map(str::trim) {
            parts.push(
                dsl_term(term, fetch).ok_or_else(|| {
                    refused(format!("dsl {term:?} is beyond the documented subset"))
                })?,
            );
        }
        out.push(if parts.len() == 1 {
            parts.remove(0)
        } else {
            json!({ "all": parts })
        });
    }
    Ok(out)
}

fn dsl_term(term: &str, fetch: &str) -> Option<Value> {
    let compact: String = term.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(n) = compact.strip_prefix("status_code==") {
        let n: u16 = n.parse().ok()?;
        return Some(json!({ "read": "http.status", "fetch": fetch, "equals": n.to_string() }));
    }
    if let Some(n) = compact.strip_prefix("status_code!=") {
        let n: u16 = n.parse().ok()?;
        return Some(
            json!({ "not": { "read": "http.status", "fetch": fetch, "equals": n.to_string() } }),
        );
    }
    let inner = term.trim().strip_prefix("contains(")?.strip_suffix(')')?;
    let (subject, word) = inner.split_once(',')?;
    let word = word.trim().strip_prefix('"')?.strip_suffix('"')?;
    if word.contains('"') || word.contains('\\') {
        return None;
    }
    let subject: String = subject.chars().filter(|c| !c.is_whitespace()).collect();
    let (read, case) = match subject.as_str() {
        "body" => ("http.body", "sensitive"),
        "header" => ("http.headers_text", "sensitive"),
        "tolower(body)" if word == word.to_lowercase() => ("http.body", "insensitive"),
        "tolower(header)" if word == word.to_lowercase() => ("http.headers_text", "insensitive"),
        _ => return None,
    };
    Some(json!({ "read": read, "fetch": fetch, "words": [word], "case": case }))
}
