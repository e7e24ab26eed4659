//! The streamed report (light scan + one domain at a time, pages on rayon) writes the same
//! documents and pages as the in-memory report.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{builtin_checks, sample_result};
use govscan_model::{DomainResult, LightScan};
use govscan_report::{DomainLoader, LoadError, ReportInput, write_report, write_report_streamed};
use govscan_score::Baseline;

struct MapLoader(BTreeMap<String, DomainResult>);

impl DomainLoader for MapLoader {
    fn load(&mut self, domain: &str) -> Result<DomainResult, LoadError> {
        self.0
            .get(domain)
            .cloned()
            .ok_or_else(|| "not stored".into())
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for sub in ["", "domains", "orgs"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("dir").flatten() {
            if entry.path().is_file() {
                let name = format!("{sub}/{}", entry.file_name().to_string_lossy());
                out.insert(name, std::fs::read(entry.path()).expect("read"));
            }
        }
    }
    out
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("valid JSON")
}

#[test]
fn streamed_report_equals_the_in_memory_report() {
    let scan = sample_result();
    let baseline = Baseline::builtin_estonia();
    let whole = tempfile::tempdir().expect("tempdir");
    write_report(
        &ReportInput::new(&scan, &baseline, builtin_checks()),
        whole.path(),
    )
    .expect("whole");

    let light = LightScan::from(&scan);
    let streamed = tempfile::tempdir().expect("tempdir");
    // A page that no govscan manifest lists is someone else's: it is left alone (govscan's own
    // stale pages are removed through its manifest; see tests/html.rs).
    std::fs::create_dir_all(streamed.path().join("domains")).expect("mkdir");
    std::fs::write(streamed.path().join("domains/gone.html"), "old").expect("foreign");
    let map: BTreeMap<String, DomainResult> = scan
        .domains
        .iter()
        .map(|d| (d.domain.clone(), d.clone()))
        .collect();
    write_report_streamed(
        &ReportInput::from_light(&light, &baseline, builtin_checks()),
        || Ok(MapLoader(map.clone())),
        streamed.path(),
    )
    .expect("streamed");

    let (a, mut b) = (files(whole.path()), files(streamed.path()));
    assert_eq!(b.remove("domains/gone.html").as_deref(), Some(&b"old"[..]));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        if name.ends_with(".json") || name.ends_with(".sarif") {
            assert_eq!(json(bytes), json(&b[name]), "{name}");
        } else {
            assert_eq!(
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&b[name]),
                "{name}"
            );
        }
    }
}

#[test]
fn a_domain_that_cannot_be_loaded_fails_the_report() {
    let scan = sample_result();
    let baseline = Baseline::builtin_estonia();
    let light = LightScan::from(&scan);
    let out = tempfile::tempdir().expect("tempdir");
    let err = write_report_streamed(
        &ReportInput::from_light(&light, &baseline, builtin_checks()),
        || Ok(MapLoader(BTreeMap::new())),
        out.path(),
    )
    .expect_err("nothing loads");
    assert!(err.to_string().contains("not stored"), "{err}");
    assert!(
        !out.path().join("results.json").exists(),
        "no half-written file"
    );
}
