//! Fuzzes certificate handling: the bytes are the DER of the leaf (and of the intermediate)
//! of a TLS observation judged by every `cert.*` check, through
//! `govscan_checks::fuzzing::certificate` (which asserts the invariants).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|der: &[u8]| {
    govscan_checks::fuzzing::certificate(der);
});
