//! `schema/results.schema.json` is generated from the model types: this test fails when the
//! committed file differs from what the types generate, and rewrites it when
//! `GOVSCAN_UPDATE_SCHEMA` is set (`GOVSCAN_UPDATE_SCHEMA=1 cargo test -p govscan-model --test
//! results_schema`).

use std::path::PathBuf;

use govscan_model::{RESULTS_SCHEMA_PATH, results_schema_text};

#[test]
fn the_committed_results_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(RESULTS_SCHEMA_PATH);
    let generated = results_schema_text();
    if std::env::var_os("GOVSCAN_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write the schema");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let first_difference = committed
        .lines()
        .zip(generated.lines())
        .enumerate()
        .find(|(_, (c, g))| c != g)
        .map(|(n, (c, g))| format!("line {}: committed {c:?}, generated {g:?}", n + 1))
        .unwrap_or_else(|| "the files differ in length".to_owned());
    assert!(
        committed == generated,
        "{RESULTS_SCHEMA_PATH} is out of date with the model types ({first_difference}); \
         regenerate it with GOVSCAN_UPDATE_SCHEMA=1 cargo test -p govscan-model --test results_schema"
    );
}

#[test]
fn the_check_id_pattern_names_every_family() {
    let schema = govscan_model::results_schema().to_value();
    let pattern = schema["$defs"]["Outcome"]["properties"]["check"]["pattern"]
        .as_str()
        .expect("an outcome's check has a pattern");
    let families = pattern
        .strip_prefix("^(")
        .and_then(|p| p.split_once(')'))
        .map(|(list, _)| list.split('|').collect::<Vec<_>>())
        .expect("the pattern starts with the family alternatives");
    let expected: Vec<&str> = govscan_model::Family::ALL
        .iter()
        .map(|f| f.prefix())
        .collect();
    assert_eq!(families, expected, "{pattern}");
}
