//! Fuzzes the security_txt parser (and the check that uses it) through
//! `govscan_checks::fuzzing::security_txt`, which asserts the invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    govscan_checks::fuzzing::security_txt(&String::from_utf8_lossy(bytes));
});
