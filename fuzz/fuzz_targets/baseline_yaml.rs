//! Fuzzes `govscan_score::Baseline::from_yaml`. Invariants: no panic; an error names the file;
//! an accepted baseline validates against its own rules and yields its parameters.
#![no_main]

use govscan_score::Baseline;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    match Baseline::from_yaml("fuzz.yaml", text) {
        Ok(baseline) => {
            let _ = baseline.params();
            let _ = baseline.reference();
            let _ = baseline.validate_against(&govscan_model::CheckCatalog::default());
            let _ = baseline.validate_against(&govscan_checks::CheckSet::builtin().catalog());
        }
        Err(error) => {
            let message = error.to_string();
            assert!(
                message.contains("fuzz.yaml"),
                "error does not name the file: {message}"
            );
        }
    }
});
