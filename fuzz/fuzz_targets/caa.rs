//! Fuzzes CAA record judging (tag and issuer-value grammar) in the check that uses it, through
//! `govscan_checks::fuzzing::caa` (which asserts the invariants).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // CAA tags and values reach the check as (lossily decoded) text, one record a line.
    govscan_checks::fuzzing::caa(&String::from_utf8_lossy(bytes));
});
