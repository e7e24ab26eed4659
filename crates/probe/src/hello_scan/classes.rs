//! The class of cipher suites the enumeration offers at one version: every suite usable at that
//! version that the version probe has not already seen, offered whole in one hello. A refused
//! class proves, in that one hello, that the server accepts none of its suites; in a class the
//! server accepts, each hello names one more accepted suite (the server's pick), which is
//! removed before the class is offered again, until the server refuses the rest.
//!
//! Why one class: a hello answered with a ServerHello names exactly one accepted suite, and only
//! a refusal proves suites absent, so listing `a` accepted suites costs at least `a` hellos
//! (the first of them is the version probe's) plus one refusal. Every further class costs one
//! more refusal on every server that does not accept all of it, which is every server: cutting
//! TLS 1.0–1.2 into "ECDHE with an AEAD cipher" and "the rest" (as until 2026-12-03) cost one
//! hello more per accepted version and saved none; testssl.sh-style classes (NULL, export, RC4,
//! 3DES, CBC, static RSA, …) would cost one refusal each. The cost model is in
//! docs/design/performance.md.

use govscan_tls_hello::ProtocolVersion;
use govscan_tls_hello::suites;

/// The suites usable at `version` that are not in `known`, in the table's order, as the classes
/// to enumerate (none when every suite is known).
pub(super) fn suite_classes(version: ProtocolVersion, known: &[u32]) -> Vec<Vec<u16>> {
    let open: Vec<u16> = suites::ids_usable_at(version)
        .into_iter()
        .filter(|id| !known.contains(&u32::from(*id)))
        .collect();
    if open.is_empty() {
        Vec::new()
    } else {
        vec![open]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_class_holds_every_open_suite_once() {
        for version in [
            ProtocolVersion::Ssl3,
            ProtocolVersion::Tls10,
            ProtocolVersion::Tls11,
            ProtocolVersion::Tls12,
            ProtocolVersion::Tls13,
        ] {
            let usable = suites::ids_usable_at(version);
            let known = [u32::from(usable[0])];
            let classes = suite_classes(version, &known);
            assert_eq!(classes.len(), 1, "{version}");
            assert_eq!(
                classes[0],
                usable[1..].to_vec(),
                "{version}: the known one left out"
            );
            let all: Vec<u32> = usable.iter().map(|id| u32::from(*id)).collect();
            assert!(suite_classes(version, &all).is_empty(), "{version}");
        }
    }
}
