//! Fuzzes revocation answers: the bytes as a stapled OCSP response, a fetched OCSP response and
//! a fetched CRL for a real chain (the good leaf and issuing CA of
//! `fixtures/revocation/vectors.json`), through `govscan_checks::fuzzing::revocation` (which
//! asserts the invariants).
#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;

/// (leaf DER, issuer DER) from the committed vectors.
fn chain() -> &'static (Vec<u8>, Vec<u8>) {
    static CHAIN: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    CHAIN.get_or_init(|| {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/revocation/vectors.json"))
                .expect("vectors.json is JSON");
        let der = |name: &str| {
            STANDARD
                .decode(vectors["certs"][name].as_str().expect("base64 string"))
                .expect("base64")
        };
        (der("leaf_good"), der("inter"))
    })
}

fuzz_target!(|bytes: &[u8]| {
    let (leaf, issuer) = chain();
    govscan_checks::fuzzing::revocation(leaf, issuer, bytes);
});
