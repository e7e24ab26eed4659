//! Classes of cipher suites for the enumeration: the suites usable at one version, cut into
//! two disjoint classes, ECDHE with an AEAD cipher (what a current server accepts) and all the
//! rest. Each class is offered whole in one hello; a class the server refuses costs that one
//! hello, and only inside a class it accepts are the suites enumerated one pick at a time. The
//! classes are enumerated at the same time in the lanes (docs/design/performance.md). More
//! classes would run more chains side by side, but each costs a refusal on every server, and
//! most servers accept nothing outside the first.

use govscan_tls_hello::ProtocolVersion;
use govscan_tls_hello::suites::{self, CipherMode, KeyExchange};

/// The class of one suite id (unknown ids go with the rest).
fn class_of(id: u16) -> usize {
    match suites::lookup(id) {
        Some(s) if s.key_exchange == KeyExchange::Ecdhe && s.mode == CipherMode::Aead => 0,
        _ => 1,
    }
}

/// The suites usable at `version` that are not in `known`, cut into non-empty classes, each
/// in the table's order. TLS 1.3 (five suites) is one class.
pub(super) fn suite_classes(version: ProtocolVersion, known: &[u32]) -> Vec<Vec<u16>> {
    let open = suites::ids_usable_at(version)
        .into_iter()
        .filter(|id| !known.contains(&u32::from(*id)));
    if version == ProtocolVersion::Tls13 {
        let all: Vec<u16> = open.collect();
        return if all.is_empty() {
            Vec::new()
        } else {
            vec![all]
        };
    }
    let mut classes: Vec<Vec<u16>> = vec![Vec::new(); 2];
    for id in open {
        if let Some(class) = classes.get_mut(class_of(id)) {
            class.push(id);
        }
    }
    classes.retain(|c| !c.is_empty());
    classes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_partition_the_usable_suites() {
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
            let mut all: Vec<u16> = classes.iter().flatten().copied().collect();
            assert_eq!(all.len(), usable.len() - 1, "{version}: disjoint");
            all.sort_unstable();
            let mut expected = usable[1..].to_vec();
            expected.sort_unstable();
            assert_eq!(
                all, expected,
                "{version}: every open suite once, the known one left out"
            );
            assert!(classes.iter().all(|c| !c.is_empty()));
        }
        assert_eq!(suite_classes(ProtocolVersion::Tls13, &[]).len(), 1);
        assert_eq!(suite_classes(ProtocolVersion::Tls12, &[]).len(), 2);
    }
}
