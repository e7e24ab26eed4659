//! Fuzzes the target-file parser `govscan_targets::parse` (the `govscan-targets` crate, which
//! depends only on the model, serde, serde-saphyr and idna, so this project need not build the
//! whole CLI).
//!
//! Invariants: no panic; an error names the origin; every accepted domain is already
//! normalised, appears once, and belongs to a listed organisation (if any).
#![no_main]

use govscan_targets as targets;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    match targets::parse("fuzz.yaml", text) {
        Ok(portfolio) => {
            let mut seen = std::collections::BTreeSet::new();
            for target in &portfolio.targets {
                assert_eq!(
                    targets::normalise_domain(&target.domain).as_deref(),
                    Ok(target.domain.as_str()),
                    "accepted domain is not normalised"
                );
                assert!(
                    seen.insert(&target.domain),
                    "{} listed twice",
                    target.domain
                );
                if let Some(org) = &target.organisation {
                    assert!(
                        portfolio.organisations.iter().any(|o| &o.name == org),
                        "{} belongs to unknown organisation {org:?}",
                        target.domain
                    );
                }
            }
        }
        Err(error) => {
            assert!(error.to_string().starts_with("fuzz.yaml"), "{error}");
            assert!(!error.message.is_empty());
        }
    }
});
