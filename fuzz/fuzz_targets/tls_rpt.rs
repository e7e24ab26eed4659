//! Fuzzes the TLS-RPT record parser and the check that uses it, through
//! `govscan_checks::fuzzing::tls_rpt` (which asserts the invariants).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // DNS TXT data and fetched policy files reach the parsers as (lossily decoded) text.
    govscan_checks::fuzzing::tls_rpt(&String::from_utf8_lossy(bytes));
});
