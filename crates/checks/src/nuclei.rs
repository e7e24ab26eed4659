//! Converts the passive subset of Nuclei templates (ProjectDiscovery's YAML format) into
//! govscan declarative checks, and refuses every other template with the reason.
//!
//! Accepted: one `http` request that GETs same-origin paths (`{{BaseURL}}/…` or
//! `{{RootURL}}/…`) without custom headers, bodies, payloads, fuzzing or redirects; one `dns`
//! query of `{{FQDN}}` (or a label under it); one `ssl` request; with `status`, `word` and
//! `regex` matchers (`part`, `condition`, `negative`, `case-insensitive`),
//! `matchers-condition: and|or`, and `dsl` matchers of the documented forms
//! (`status_code == N`, `status_code != N`, `contains(body, "…")`, `contains(header, "…")`,
//! joined with `&&`). A Nuclei template describes a *finding* (a match is bad), so the check's
//! rule is `not:` the matchers. Pure text in, text out: the caller reads and writes files.

use serde_json::{Map, Value, json};

use crate::declarative::{DeclarativeCheck, DeclarativeError};

mod http;
mod yaml;

use yaml::to_yaml;

/// A converted template: the check's id and its YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The govscan check id (`http.nuclei-<template id>`).
    pub id: String,
    /// The check file's text.
    pub yaml: String,
}

/// Why a template was not converted; the text is what `govscan checks import-nuclei` prints
/// after the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// The text does not parse as YAML (the parser's first line).
    #[error("not YAML: {0}")]
    NotYaml(String),
    /// The template is not one Nuclei would run: a part is missing or of the wrong shape.
    #[error("{0}")]
    Malformed(String),
    /// The template does something outside the passive subset govscan converts (the reason).
    #[error("refused: {0}")]
    Refused(String),
    /// The converted check fails govscan's own validation.
    #[error("refused: the converted check does not validate: {}", .0.message)]
    DoesNotValidate(#[source] DeclarativeError),
}

/// A template outside the passive subset, and why.
fn refused(why: impl Into<String>) -> ConvertError {
    ConvertError::Refused(why.into())
}

/// A template with a missing or misshapen part.
fn malformed(what: impl Into<String>) -> ConvertError {
    ConvertError::Malformed(what.into())
}

/// Converts one template; the error is the reason it was refused.
pub fn convert(file_name: &str, text: &str) -> Result<Converted, ConvertError> {
    let t: Value = serde_saphyr::from_str(text).map_err(|e| {
        let first = e.to_string();
        ConvertError::NotYaml(first.lines().next().unwrap_or("invalid").to_owned())
    })?;
    let t = t
        .as_object()
        .ok_or_else(|| malformed("not a Nuclei template (no mapping)"))?;
    for (key, why) in [
        ("code", "runs code"),
        ("javascript", "runs JavaScript"),
        ("headless", "drives a browser"),
        ("network", "opens raw network connections"),
        ("tcp", "opens raw network connections"),
        ("file", "reads local files"),
        ("workflows", "is a multi-step workflow"),
        ("flow", "is a multi-step flow"),
        ("whois", "queries WHOIS"),
        ("websocket", "opens websockets"),
        ("variables", "uses variables (payload generation)"),
    ] {
        if t.contains_key(key) {
            return Err(refused(format!("the template {why} (`{key}:`)")));
        }
    }
    let raw = serde_json::to_string(t).unwrap_or_default();
    if raw.contains("interactsh") {
        return Err(refused("out-of-band interaction (interactsh)"));
    }
    let template_id = t
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("no `id:`"))?
        .to_owned();
    let info = t
        .get("info")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("no `info:`"))?;
    let protocols: Vec<&str> = ["http", "requests", "dns", "ssl"]
        .into_iter()
        .filter(|k| t.contains_key(*k))
        .collect();
    let [protocol] = protocols.as_slice() else {
        return Err(refused(format!(
            "needs exactly one of http, dns, ssl requests (found {})",
            if protocols.is_empty() {
                "none".to_owned()
            } else {
                protocols.join(", ")
            }
        )));
    };
    let requests = t
        .get(*protocol)
        .and_then(Value::as_array)
        .ok_or_else(|| malformed(format!("`{protocol}:` is not a list")))?;
    let [request] = requests.as_slice() else {
        return Err(refused(format!(
            "{} {protocol} requests (a multi-step template)",
            requests.len()
        )));
    };
    let request = request
        .as_object()
        .ok_or_else(|| malformed("a request is not a mapping"))?;
    let (family, rule) = match *protocol {
        "dns" => ("dns", dns_rule(request)?),
        "ssl" => ("tls", ssl_rule(request)?),
        _ => ("http", http::http_rule(request)?),
    };
    let check = check_document(&template_id, family, info, rule, file_name)?;
    let yaml = format!(
        "# Converted by `govscan checks import-nuclei` from {file_name} (Nuclei template {template_id}).\n{}",
        to_yaml(&check, 0)
    );
    let id = check["id"].as_str().unwrap_or_default().to_owned();
    // The result must load as a check (regex syntax, path rules, every format rule).
    DeclarativeCheck::from_yaml(&format!("{id}.yaml"), &yaml)
        .map_err(ConvertError::DoesNotValidate)?;
    Ok(Converted { id, yaml })
}

fn check_document(
    template_id: &str,
    family: &str,
    info: &Map<String, Value>,
    rule: Value,
    file_name: &str,
) -> Result<Value, ConvertError> {
    let slug: String = template_id
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug.trim_matches('-').to_owned();
    let id = format!("{family}.nuclei-{slug}");
    if slug.is_empty() || id.len() > 64 {
        return Err(refused(format!(
            "template id {template_id:?} does not make a check id of at most 64 characters"
        )));
    }
    let name = info
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(template_id);
    let severity = info
        .get("severity")
        .and_then(Value::as_str)
        .unwrap_or("info")
        .to_ascii_lowercase();
    let (level, on_mismatch) = match severity.as_str() {
        "critical" | "high" => ("must", "fail"),
        "medium" => ("should", "fail"),
        "low" => ("should", "warn"),
        "info" | "unknown" => ("may", "info"),
        other => return Err(malformed(format!("unknown severity {other:?}"))),
    };
    let references: Vec<Value> = match info.get("reference") {
        Some(Value::String(s)) => vec![Value::String(s.clone())],
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter_map(|r| r.as_str().map(|s| s.trim().to_owned()))
    .filter(|r| r.starts_with("https://") && !r.contains(char::is_whitespace))
    .map(|url| json!({ "title": format!("{name} (reference of Nuclei template {template_id})"), "url": url }))
    .collect();
    if references.is_empty() {
        return Err(refused(
            "no https:// reference to cite (govscan checks cite their source)",
        ));
    }
    let description = info
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or_else(
            || format!("Nuclei template {template_id}: {name}."),
            str::to_owned,
        );
    let remediation = info
        .get("remediation")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or("See the references of the original template.");
    Ok(json!({
        "id": id,
        "family": family,
        "title": format!("Not detected: {name}"),
        "level": level,
        "rationale": description,
        "remediation": remediation,
        "references": references,
        "origin": format!("Nuclei template {template_id} ({file_name}), severity {severity}"),
        "on_mismatch": on_mismatch,
        "rule": rule,
    }))
}

/// Turns one Nuclei matcher into the leaves of a govscan rule.
type LeavesFor<'a> = &'a dyn Fn(&Map<String, Value>) -> Result<Vec<Value>, ConvertError>;

/// `not:` the template's matchers: the check holds when the finding is absent.
pub(super) fn finding_absent(
    request: &Map<String, Value>,
    leaves_for: LeavesFor<'_>,
) -> Result<Value, ConvertError> {
    let matchers = request
        .get("matchers")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| refused("no matchers"))?;
    let mut nodes = Vec::new();
    for m in matchers {
        let m = m
            .as_object()
            .ok_or_else(|| malformed("a matcher is not a mapping"))?;
        if m.get("internal").and_then(Value::as_bool) == Some(true) {
            return Err(refused("internal matchers (multi-step logic)"));
        }
        let leaves = leaves_for(m)?;
        let and = m.get("condition").and_then(Value::as_str) == Some("and");
        let node = if leaves.len() == 1 {
            leaves.into_iter().next().unwrap_or(Value::Null)
        } else if and {
            json!({ "all": leaves })
        } else {
            json!({ "any": leaves })
        };
        let node = if m.get("negative").and_then(Value::as_bool) == Some(true) {
            json!({ "not": node })
        } else {
            node
        };
        nodes.push(node);
    }
    let and = request.get("matchers-condition").and_then(Value::as_str) == Some("and");
    let found = if nodes.len() == 1 {
        nodes.remove(0)
    } else if and {
        json!({ "all": nodes })
    } else {
        json!({ "any": nodes })
    };
    Ok(json!({ "not": found }))
}

pub(super) fn strings(m: &Map<String, Value>, key: &str) -> Result<Vec<String>, ConvertError> {
    let items = m
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| malformed(format!("a matcher has no `{key}:` list")))?;
    items
        .iter()
        .map(|v| match v {
            Value::String(s) if s.contains("{{") => {
                Err(refused(format!("`{key}` uses template expressions ({s})")))
            }
            Value::String(s) => Ok(s.clone()),
            other => Ok(other.to_string()),
        })
        .collect()
}

/// The word/regex leaves of one matcher over the values a `read` gives.
pub(super) fn text_leaves(
    m: &Map<String, Value>,
    read: &Value,
) -> Result<Vec<Value>, ConvertError> {
    let kind = m.get("type").and_then(Value::as_str).unwrap_or("");
    let insensitive = m.get("case-insensitive").and_then(Value::as_bool) == Some(true);
    let base = |extra: Value| {
        let mut leaf = read.as_object().cloned().unwrap_or_default();
        if let Value::Object(e) = extra {
            leaf.extend(e);
        }
        Value::Object(leaf)
    };
    match kind {
        "word" => Ok(strings(m, "words")?
            .into_iter()
            .map(|w| {
                // Nuclei matches words case-sensitively unless told otherwise.
                let case = if insensitive {
                    "insensitive"
                } else {
                    "sensitive"
                };
                base(json!({ "words": [w], "case": case }))
            })
            .collect()),
        "regex" => Ok(strings(m, "regex")?
            .into_iter()
            .map(|r| {
                let r = if insensitive { format!("(?i){r}") } else { r };
                base(json!({ "regex": r }))
            })
            .collect()),
        other => Err(refused(format!(
            "`{other}` matchers are not converted (status, word, regex, documented dsl only)"
        ))),
    }
}

fn dns_rule(r: &Map<String, Value>) -> Result<Value, ConvertError> {
    let name = r
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("a dns request has no `name:`"))?;
    let name = name
        .replace("{{FQDN}}", "{domain}")
        .trim_end_matches('.')
        .to_owned();
    if name.contains("{{") || !name.contains("{domain}") {
        return Err(refused(format!(
            "dns name {name:?} is not {{{{FQDN}}}} or a name under it"
        )));
    }
    let rtype = r
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("A")
        .to_ascii_uppercase();
    let leaves = |m: &Map<String, Value>| -> Result<Vec<Value>, ConvertError> {
        match m.get("part").and_then(Value::as_str).unwrap_or("answer") {
            "answer" | "raw" | "all" => {}
            other => return Err(refused(format!("dns matcher part {other:?}"))),
        }
        text_leaves(
            m,
            &json!({ "read": "dns.records", "dns": { "name": name, "type": rtype } }),
        )
    };
    finding_absent(r, &leaves)
}

fn ssl_rule(r: &Map<String, Value>) -> Result<Value, ConvertError> {
    let address = r
        .get("address")
        .and_then(Value::as_str)
        .unwrap_or("{{Host}}:{{Port}}");
    if address != "{{Host}}:{{Port}}" && address != "{{Host}}:443" {
        return Err(refused(format!(
            "ssl address {address:?} (the scanned host's port 443 only)"
        )));
    }
    for key in [
        "min_version",
        "max_version",
        "cipher_suites",
        "scan_mode",
        "tls_version_enum",
        "tls_cipher_enum",
    ] {
        if r.contains_key(key) {
            return Err(refused(format!(
                "`{key}:` (govscan's own TLS scan decides versions and suites; use tls.versions / tls.suites)"
            )));
        }
    }
    let leaves = |m: &Map<String, Value>| -> Result<Vec<Value>, ConvertError> {
        let part = m.get("part").and_then(Value::as_str).unwrap_or("");
        let read = match part {
            "issuer_dn" | "issuer_cn" | "issuer_org" => "cert.issuer",
            "subject_dn" | "subject_cn" | "subject_org" => "cert.subject",
            "subject_an" => "cert.sans",
            "tls_version" => "tls.version",
            "cipher" => "tls.cipher",
            other => return Err(refused(format!("ssl matcher part {other:?}"))),
        };
        text_leaves(m, &json!({ "read": read }))
    };
    finding_absent(r, &leaves)
}
