//! The JSON Schema of `results.json`, generated from the model types (schemars) so that the
//! schema and the serde form cannot drift apart: `schema/results.schema.json` is this function's
//! output, and a test fails when the committed file is stale.
//!
//! Descriptions are the types' and fields' doc comments (lines unwrapped); serde's attributes
//! (renames, tags, `skip_serializing_if`, defaults) shape the schema as they shape the JSON;
//! constraints a reader can check are `#[schemars(...)]` attributes on the fields (enumerations
//! of strings, patterns, ranges). The format's conventions are applied to every object here,
//! once, rather than type by type:
//!
//! * **Every object is closed** (`additionalProperties: false`): a reader may rely on the
//!   documented fields and nothing else, and a field govscan does not write is an error.
//! * **A field is required unless govscan may leave it out.** The schema describes what govscan
//!   writes (schemars' serialize contract: a field skipped when empty may be absent, an `Option`
//!   is present as `null`), and a field with a serde default may also be absent, because
//!   results written before it existed are still `schema_version` 1 and read with that default
//!   (which the schema names as the field's `default`).
//! * **A field left out when empty is never `null`**: `skip_serializing_if` without a stated
//!   default means govscan omits the field rather than writing `null`.
//! * **32-bit integers state their upper bound**, as schemars does for 8- and 16-bit ones.

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value};

use crate::{SCHEMA_VERSION, ScanResult};

/// Where the generated schema is committed, relative to the repository root.
pub const RESULTS_SCHEMA_PATH: &str = "schema/results.schema.json";

/// The JSON Schema (draft 2020-12) of `results.json`, the serde form of [`ScanResult`].
pub fn results_schema() -> Schema {
    let generator: SchemaGenerator = SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(FormatConventions)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<ScanResult>();
    schema.insert(
        "title".to_owned(),
        Value::from(format!(
            "govscan results.json, schema_version {SCHEMA_VERSION}"
        )),
    );
    schema.insert(
        "$comment".to_owned(),
        Value::from(
            "Generated from the govscan_model types; do not edit. Regenerate with \
             GOVSCAN_UPDATE_SCHEMA=1 cargo test -p govscan-model --test results_schema. \
             Documented in docs/results-format.md.",
        ),
    );
    schema
}

/// The schema as committed: pretty-printed JSON with a final newline. Keys are sorted (after
/// the leading keywords schemars puts first), so the text does not depend on whether some
/// crate in the build enables serde_json's `preserve_order`.
pub fn results_schema_text() -> String {
    let sorted = sort_keys(results_schema().to_value());
    // The root schema is an object, and sorting keeps it one.
    let schema = Schema::try_from(sorted).expect("the root schema is an object");
    // Printing a JSON value cannot fail: its keys are strings and it holds no foreign types.
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON value always prints");
    text.push('\n');
    text
}

/// `value` with the keys of every object in sorted order.
fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// The format's conventions, applied to every schema (see the module documentation).
#[derive(Debug, Clone, Copy)]
struct FormatConventions;

impl Transform for FormatConventions {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(object) = schema.as_object_mut() {
            // Doc comments are wrapped at 100 columns; a description is read as one paragraph.
            if let Some(Value::String(description)) = object.get_mut("description") {
                *description = unwrap_lines(description);
            }
            if object.contains_key("properties") {
                apply_object_conventions(object);
            }
            // schemars states the bounds of 8- and 16-bit integers but only the format of 32-bit
            // ones; the bound is a constraint a reader can check, so it is stated too.
            if object.get("format").and_then(Value::as_str) == Some("uint32") {
                object.entry("maximum").or_insert(Value::from(u32::MAX));
            }
        }
        transform_subschemas(self, schema);
    }
}

/// `text` with the line breaks inside paragraphs replaced by spaces (blank lines kept).
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// For one object schema: a field with a default is not required; a field govscan leaves out
/// when it has nothing to say (`skip_serializing_if`, no default stated) is never `null`; the
/// object is closed.
fn apply_object_conventions(object: &mut Map<String, Value>) {
    let required: Vec<String> = match object.get("required") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let mut still_required = Vec::new();
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            let Value::Object(property) = property else {
                continue;
            };
            let has_default = property.contains_key("default");
            if required.contains(name) {
                if !has_default {
                    still_required.push(Value::from(name.as_str()));
                }
            } else if !has_default {
                strip_null(property);
            }
        }
    }
    // Keep the declaration order of `required`.
    still_required.sort_by_key(|name| {
        required
            .iter()
            .position(|r| Some(r.as_str()) == name.as_str())
    });
    if still_required.is_empty() {
        object.remove("required");
    } else {
        object.insert("required".to_owned(), Value::Array(still_required));
    }
    object
        .entry("additionalProperties")
        .or_insert(Value::Bool(false));
}

/// Removes `null` from what a property schema accepts: from `type: [T, "null"]`, or the
/// `{"type": "null"}` branch of an `anyOf` (schemars' form for an optional reference).
fn strip_null(property: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = property.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            property.insert("type".to_owned(), only);
        }
    }
    let is_null = |branch: &Value| branch.get("type").and_then(Value::as_str) == Some("null");
    if let Some(Value::Array(branches)) = property.get_mut("anyOf")
        && branches.iter().any(is_null)
    {
        branches.retain(|b| !is_null(b));
        if let [Value::Object(only)] = branches.as_slice() {
            let only = only.clone();
            property.remove("anyOf");
            for (key, value) in only {
                property.entry(key).or_insert(value);
            }
        }
    }
}
