//! The fixture cases of one check, found in one place for the docs: `fixtures/checks/<id>/`
//! (the agreed layout), else the older places (`fixtures/checks/<family>/<slug_with_underscores>/`
//! for a built-in check, `fixtures/declarative/<id>/` for a declarative one). What a case says
//! does not depend on where it was found; only its path does.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The statuses a fixture file name starts with (`<status>_<case>.json`), in page order, with
/// the word a page shows for each.
pub(crate) const STATUSES: &[(&str, &str)] = &[
    ("pass", "pass"),
    ("warn", "warn"),
    ("fail", "fail"),
    ("info", "info"),
    ("na", "not applicable"),
    ("inconclusive", "inconclusive"),
];

/// One fixture: the observations (a JSON merge patch), the verdict the check must give, and
/// where the file is.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureCase {
    /// The file, relative to the repository root, with `/` separators.
    pub path: String,
    /// The status from the file name (`pass`, `fail`, `warn`, `info`, `na`, `inconclusive`).
    pub status: String,
    /// The case from the file name in words (`missing_on_final_response` → "missing on final
    /// response").
    pub case: String,
    /// The finding the fixture expects, when it names one.
    pub finding: Option<String>,
    /// The baseline parameters the fixture sets for the check, when any (fixtures key them
    /// by check id; the check's own object is kept).
    pub params: Option<Value>,
    /// The per-family base observations the patch applies to, when the fixture names one.
    pub base: Option<String>,
    /// The moment the check judges at, when the fixture sets it (Unix seconds).
    pub now_unix: Option<i64>,
    /// The observations patch (RFC 7396) as written.
    pub observations: Value,
}

/// Every fixture case of check `id` under `root` (the repository), sorted by status (in
/// [`STATUSES`] order) and then by file name. The first existing directory of
/// [`fixture_dirs`] is read; a file that is not `<status>_<case>.json` or not JSON is an
/// error naming it.
pub fn fixture_cases(root: &Path, id: &str) -> Result<Vec<FixtureCase>, String> {
    let Some(dir) = fixture_dirs(id).into_iter().find(|d| root.join(d).is_dir()) else {
        return Ok(Vec::new());
    };
    let entries = std::fs::read_dir(root.join(&dir))
        .map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && entry.path().is_file() {
            names.push(name);
        }
    }
    let mut cases = Vec::with_capacity(names.len());
    for name in names {
        let path = dir.join(&name);
        let shown = path.to_string_lossy().replace('\\', "/");
        let stem = name.trim_end_matches(".json");
        let (status, case) = STATUSES
            .iter()
            .find_map(|(status, _)| {
                stem.strip_prefix(status)
                    .and_then(|rest| rest.strip_prefix('_'))
                    .map(|case| (*status, case))
            })
            .ok_or_else(|| format!("{shown}: not named <status>_<case>.json"))?;
        let text = std::fs::read_to_string(root.join(&path))
            .map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let fixture: Value =
            serde_json::from_str(&text).map_err(|e| format!("{shown}: not JSON: {e}"))?;
        cases.push(FixtureCase {
            path: shown,
            status: status.to_owned(),
            case: case.replace('_', " "),
            finding: fixture["expect"]["finding"].as_str().map(str::to_owned),
            params: fixture
                .get("params")
                .filter(|p| !p.is_null())
                .map(|p| p.get(id).unwrap_or(p).clone()),
            base: fixture["base"].as_str().map(str::to_owned),
            now_unix: fixture["now_unix"].as_i64(),
            observations: fixture.get("observations").cloned().unwrap_or(Value::Null),
        });
    }
    let rank = |status: &str| STATUSES.iter().position(|(s, _)| *s == status);
    cases.sort_by(|a, b| {
        rank(&a.status)
            .cmp(&rank(&b.status))
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(cases)
}

/// Where the fixtures of check `id` may be, relative to the repository, the agreed layout
/// first.
pub fn fixture_dirs(id: &str) -> Vec<PathBuf> {
    let mut dirs = vec![Path::new("fixtures/checks").join(id)];
    if let Some((family, slug)) = id.split_once('.') {
        dirs.push(
            Path::new("fixtures/checks")
                .join(family)
                .join(slug.replace('-', "_")),
        );
    }
    dirs.push(Path::new("fixtures/declarative").join(id));
    dirs
}

/// The word a page shows for a fixture status (`na` → "not applicable").
pub(crate) fn status_word(status: &str) -> &str {
    STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map_or(status, |(_, word)| word)
}

/// The patch as a reader wants it: probes skipped as "not needed" left out (filler), strings
/// longer than [`LONG_STRING`] characters shortened (their length said), printed as JSON
/// with every value that fits in [`WIDTH`] columns on one line, and cut after `max_lines`
/// lines (the last line says how many more the file has).
pub(crate) fn shown_patch(observations: &Value, max_lines: usize) -> String {
    let pruned = prune(observations).unwrap_or(Value::Null);
    let mut out = String::new();
    write_value(&mut out, &pruned, 0, 0);
    let total = out.lines().count();
    if total <= max_lines {
        return out;
    }
    let mut cut: Vec<&str> = out.lines().take(max_lines).collect();
    let more = format!("… ({} more lines in the fixture file)", total - max_lines);
    cut.push(&more);
    cut.join("\n")
}

/// Longest string shown whole in a patch.
const LONG_STRING: usize = 96;
/// The width a value must fit in to be printed on one line.
const WIDTH: usize = 96;

fn prune(value: &Value) -> Option<Value> {
    match value {
        Value::Object(map) => {
            let skipped = map.get("state").and_then(Value::as_str) == Some("skipped")
                && map.get("why").and_then(Value::as_str) == Some("not needed");
            if skipped {
                return None;
            }
            Some(Value::Object(
                map.iter()
                    .filter_map(|(k, v)| prune(v).map(|v| (k.clone(), v)))
                    .collect(),
            ))
        }
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|v| prune(v).unwrap_or(Value::Null))
                .collect(),
        )),
        Value::String(s) if s.chars().count() > LONG_STRING => {
            let head: String = s.chars().take(LONG_STRING / 2).collect();
            Some(Value::String(format!(
                "{head}… ({} characters)",
                s.chars().count()
            )))
        }
        other => Some(other.clone()),
    }
}

/// Writes `value` starting at `column` of a line, nested `level` deep.
fn write_value(out: &mut String, value: &Value, level: usize, column: usize) {
    let compact = compact(value);
    if column + compact.chars().count() <= WIDTH {
        out.push_str(&compact);
        return;
    }
    let pad = "  ".repeat(level + 1);
    let close_pad = "  ".repeat(level);
    match value {
        Value::Object(map) => {
            out.push_str("{\n");
            let last = map.len().saturating_sub(1);
            for (i, (key, item)) in map.iter().enumerate() {
                let key = compact_key(key);
                out.push_str(&pad);
                out.push_str(&key);
                out.push_str(": ");
                write_value(out, item, level + 1, pad.len() + key.chars().count() + 2);
                out.push_str(if i == last { "\n" } else { ",\n" });
            }
            out.push_str(&close_pad);
            out.push('}');
        }
        Value::Array(items) => {
            out.push_str("[\n");
            let last = items.len().saturating_sub(1);
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                write_value(out, item, level + 1, pad.len());
                out.push_str(if i == last { "\n" } else { ",\n" });
            }
            out.push_str(&close_pad);
            out.push(']');
        }
        _ => out.push_str(&compact),
    }
}

fn compact_key(key: &str) -> String {
    Value::String(key.to_owned()).to_string()
}

/// One-line JSON with a space after `:` and `,`, as people write it.
fn compact(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", compact_key(k), compact(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(compact).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_drops_filler_and_fits_small_values_on_one_line() {
        let patch = json!({
            "dns": {"a": {"state": "ok", "value": ["192.0.2.10"]}},
            "endpoints": [{
                "address": "192.0.2.10",
                "tls": {"state": "skipped", "why": "not needed"},
                "https": {"state": "failed", "kind": "timeout", "detail": "x".repeat(200)}
            }]
        });
        let shown = shown_patch(&patch, 100);
        assert!(!shown.contains("not needed"), "{shown}");
        assert!(shown.contains("\"a\": {\"state\": \"ok\", \"value\": [\"192.0.2.10\"]}"));
        assert!(shown.contains("(200 characters)"), "{shown}");
        let back: Value = serde_json::from_str(&shown).expect("still JSON");
        assert_eq!(back["endpoints"][0]["address"], "192.0.2.10");
        let cut = shown_patch(&patch, 3);
        assert_eq!(cut.lines().count(), 4, "{cut}");
        assert!(cut.ends_with("more lines in the fixture file)"), "{cut}");
    }

    #[test]
    fn a_case_reads_the_same_from_the_new_and_the_old_places() {
        let root = tempfile::tempdir().expect("tempdir");
        let fixture = json!({
            "base": "http",
            "observations": {"dns": {"a": {"state": "ok", "value": ["192.0.2.1"]}}},
            "expect": {"status": "fail", "finding": "header_missing"}
        });
        let write = |dir: &str, name: &str| {
            let dir = root.path().join(dir);
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(dir.join(name), fixture.to_string()).expect("write");
        };
        write("fixtures/checks/http/x_y", "fail_header_missing_here.json");
        write("fixtures/checks/http/x_y", "pass_a.json");
        let old = fixture_cases(root.path(), "http.x-y").expect("old layout");
        assert_eq!(old.len(), 2);
        assert_eq!(old[0].status, "pass", "pass first");
        assert_eq!(old[1].case, "header missing here");
        assert_eq!(old[1].base.as_deref(), Some("http"));
        assert_eq!(
            old[1].path,
            "fixtures/checks/http/x_y/fail_header_missing_here.json"
        );
        write("fixtures/checks/http.x-y", "fail_header_missing_here.json");
        let new = fixture_cases(root.path(), "http.x-y").expect("new layout");
        assert_eq!(
            new.len(),
            1,
            "only the agreed layout is read once it exists"
        );
        assert_eq!(
            new[0].path,
            "fixtures/checks/http.x-y/fail_header_missing_here.json"
        );
        assert_eq!(
            FixtureCase {
                path: String::new(),
                ..new[0].clone()
            },
            FixtureCase {
                path: String::new(),
                ..old[1].clone()
            },
            "only the path depends on where the file was found"
        );
        write("fixtures/checks/http.x-y", "broken.json");
        let err = fixture_cases(root.path(), "http.x-y").expect_err("a misnamed file");
        assert!(err.contains("broken.json"), "{err}");
    }

    #[test]
    fn the_agreed_layout_is_looked_at_first() {
        let dirs = fixture_dirs("http.hsts-preload-ready");
        assert_eq!(
            dirs[0],
            Path::new("fixtures/checks/http.hsts-preload-ready")
        );
        assert_eq!(
            dirs[1],
            Path::new("fixtures/checks/http/hsts_preload_ready")
        );
        assert_eq!(
            dirs[2],
            Path::new("fixtures/declarative/http.hsts-preload-ready")
        );
    }
}
