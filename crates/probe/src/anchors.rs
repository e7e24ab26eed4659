//! DNSSEC trust anchors (`--trust-anchor`): DS and DNSKEY records at any zone, several in one
//! file, in unbound's `trust-anchor-file` format or in IANA's root-anchors XML (RFC 9718),
//! read by `anchor_file.rs`.
//!
//! As unbound does, a name is validated from its closest enclosing anchor, and a name under no
//! anchor is insecure (RFC 4033 §5 calls it "no trust anchor"; unbound answers it without AD).

use std::path::Path;

use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DS};
use hickory_resolver::proto::dnssec::{PublicKey as _, PublicKeyBuf, TrustAnchors, Verifier as _};
use hickory_resolver::proto::rr::Name;

use crate::anchor_file;
use crate::dns::name_text;
use crate::error::ProbeError;

/// What an anchor pins: the digest of a key (DS) or the key itself (DNSKEY).
#[derive(Debug, Clone)]
pub(crate) enum AnchorKey {
    /// A DS record: a DNSKEY of the zone must match its digest.
    Ds(DS),
    /// A DNSKEY record: the zone must publish this key.
    Key(DNSKEY),
}

/// One trust anchor.
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    /// The zone it is for, lower case, fully qualified.
    pub(crate) zone: Name,
    /// The DS or DNSKEY.
    pub(crate) key: AnchorKey,
}

impl AnchorKey {
    /// True when `key` (a DNSKEY of `zone`) is the key this anchor pins.
    pub(crate) fn matches(&self, zone: &Name, key: &DNSKEY) -> bool {
        match self {
            AnchorKey::Ds(ds) => {
                ds.algorithm() == key.algorithm()
                    && key.calculate_key_tag().ok() == Some(ds.key_tag())
                    && ds.covers(zone, key).unwrap_or(false)
            }
            AnchorKey::Key(anchor) => {
                anchor.algorithm() == key.algorithm()
                    && anchor.public_key().public_bytes() == key.public_key().public_bytes()
            }
        }
    }

    /// The key tag, for messages.
    pub(crate) fn key_tag(&self) -> Option<u16> {
        match self {
            AnchorKey::Ds(ds) => Some(ds.key_tag()),
            AnchorKey::Key(key) => key.calculate_key_tag().ok(),
        }
    }
}

/// The anchors of a scan and a description of where they came from.
#[derive(Debug, Clone)]
pub(crate) struct AnchorSet {
    pub(crate) anchors: Vec<Anchor>,
    pub(crate) description: String,
}

impl AnchorSet {
    /// The IANA root KSKs that hickory ships.
    pub(crate) fn iana_root() -> AnchorSet {
        let built_in = TrustAnchors::default();
        let anchors = (0..built_in.len())
            .filter_map(|i| built_in.get(i))
            .map(|key| Anchor {
                zone: Name::root(),
                key: AnchorKey::Key(DNSKEY::with_flags(
                    257,
                    PublicKeyBuf::new(key.public_bytes().to_vec(), key.algorithm()),
                )),
            })
            .collect();
        AnchorSet {
            anchors,
            description: "IANA root KSKs (built in)".to_string(),
        }
    }

    /// Reads a `--trust-anchor` file; errors name the file and line.
    pub(crate) fn from_file(path: &Path) -> Result<AnchorSet, ProbeError> {
        let err = |detail: String| {
            ProbeError::Config(format!("--trust-anchor {}: {detail}", path.display()))
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        let anchors =
            anchor_file::parse_anchors(&text, time::OffsetDateTime::now_utc()).map_err(err)?;
        let zones: Vec<String> =
            anchors
                .iter()
                .map(|a| zone_text(&a.zone))
                .fold(Vec::new(), |mut zones, zone| {
                    if !zones.contains(&zone) {
                        zones.push(zone);
                    }
                    zones
                });
        Ok(AnchorSet {
            description: format!(
                "--trust-anchor {} ({} anchor(s) for {})",
                path.display(),
                anchors.len(),
                zones.join(", ")
            ),
            anchors,
        })
    }

    /// The closest anchor zone enclosing `name` (the deepest anchor zone that is `name` or
    /// one of its ancestors), or `None` when no anchor covers it.
    pub(crate) fn closest(&self, name: &Name) -> Option<Name> {
        self.anchors
            .iter()
            .map(|a| &a.zone)
            .filter(|zone| zone.zone_of(name))
            .max_by_key(|zone| zone.num_labels())
            .cloned()
    }

    /// The anchors for exactly `zone`.
    pub(crate) fn at<'a>(&'a self, zone: &'a Name) -> impl Iterator<Item = &'a AnchorKey> + 'a {
        self.anchors
            .iter()
            .filter(move |a| a.zone == *zone)
            .map(|a| &a.key)
    }
}

/// "." for the root, else the name without its trailing dot.
pub(crate) fn zone_text(zone: &Name) -> String {
    if zone.is_root() {
        ".".to_string()
    } else {
        name_text(zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anchor_file::{parse_anchors, parse_dnskey};
    use hickory_resolver::proto::dnssec::DigestType;
    use std::str::FromStr;

    fn name(s: &str) -> Name {
        Name::from_str(s).expect("name")
    }

    const KEY: &str =
        "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==";

    #[test]
    fn the_closest_enclosing_anchor_is_chosen() {
        let set = AnchorSet {
            anchors: parse_anchors(
                &format!("test. DNSKEY 257 3 13 {KEY}\nvault.plain.test. DNSKEY 257 3 13 {KEY}\n"),
                time::OffsetDateTime::now_utc(),
            )
            .expect("parses"),
            description: String::new(),
        };
        assert_eq!(
            set.closest(&name("www.vault.plain.test.")),
            Some(name("vault.plain.test."))
        );
        assert_eq!(set.closest(&name("plain.test.")), Some(name("test.")));
        assert_eq!(set.closest(&name("TEST.")), Some(name("test.")));
        assert_eq!(set.closest(&name("example.org.")), None);
        assert_eq!(
            AnchorSet::iana_root().closest(&name("example.org.")),
            Some(Name::root())
        );
    }

    #[test]
    fn a_ds_anchor_matches_the_key_it_digests() {
        let zone = name("lab.test.");
        let key = parse_dnskey(&["257", "3", "13", KEY]).expect("key");
        let ds = DS::from_key(key.public_key(), &zone, DigestType::SHA256).expect("digest");
        assert!(AnchorKey::Ds(ds.clone()).matches(&zone, &key));
        assert!(!AnchorKey::Ds(ds).matches(&name("other.test."), &key));
        assert!(AnchorKey::Key(key.clone()).matches(&zone, &key));
    }
}
