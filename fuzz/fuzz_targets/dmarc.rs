//! Fuzzes the DMARC parser and the check that uses it, through
//! `govscan_checks::fuzzing::dmarc` (which asserts the invariants).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // DNS TXT data and header values reach the parser as (lossily decoded) text.
    govscan_checks::fuzzing::dmarc(&String::from_utf8_lossy(bytes));
});
