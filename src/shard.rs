//! `--shard K/N`: a deterministic partition of the targets by registrable domain.
//!
//! A target belongs to shard `1 + (u64_be(SHA-256(key)[0..8]) mod N)`, where `key` is the
//! target's registrable domain (public suffix + one label, from the Public Suffix List compiled
//! into govscan; the name itself when the list cannot place it), lower case, without a trailing
//! dot, as UTF-8 bytes. Every name under one registrable domain lands in the same shard, so the
//! things govscan shares between such names (the organisational DMARC record, the politeness
//! caps of hosting they usually share) stay in one process. The formula uses nothing but the
//! name: the same target is in the same shard in every run, on every machine, and in every
//! govscan version whose Public Suffix List places it in the same registrable domain.
//! `docs/design/sharding.md` has the formula with test vectors.

use std::fmt::Write as _;

use govscan_store::ShardSpec;
use sha2::{Digest, Sha256};

/// The largest N accepted.
pub const MAX_SHARDS: u32 = 10_000;

/// A `--shard` value that is not `K/N` with 1 ≤ K ≤ N ≤ [`MAX_SHARDS`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--shard {text:?}: expected K/N with 1 ≤ K ≤ N ≤ {MAX_SHARDS}, e.g. 1/4")]
pub struct ShardParseError {
    /// The value as given.
    pub text: String,
}

/// Parses `K/N` (1 ≤ K ≤ N ≤ [`MAX_SHARDS`]).
pub fn parse_shard(text: &str) -> Result<ShardSpec, ShardParseError> {
    let usage = || ShardParseError {
        text: text.to_owned(),
    };
    let (k, n) = text.trim().split_once('/').ok_or_else(usage)?;
    let number = |s: &str| {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 6 {
            return None;
        }
        s.parse::<u32>().ok()
    };
    let (Some(index), Some(count)) = (number(k), number(n)) else {
        return Err(usage());
    };
    if count == 0 || count > MAX_SHARDS || index == 0 || index > count {
        return Err(usage());
    }
    Ok(ShardSpec { index, count })
}

/// The partition key of a target: its registrable domain, lower case, no trailing dot (the
/// name itself when it is a public suffix or the list cannot place it).
pub fn partition_key(domain: &str) -> String {
    let name = domain.trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&name).map_or(name.clone(), str::to_owned)
}

/// The shard (1..=count) a target belongs to. `count` 0 is treated as 1.
pub fn shard_of(domain: &str, count: u32) -> u32 {
    let digest = Sha256::digest(partition_key(domain).as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32 + 1
}

/// True when `domain` falls in `shard`.
pub fn contains(shard: ShardSpec, domain: &str) -> bool {
    shard_of(domain, shard.count) == shard.index
}

/// `1, 3, 4` for a list of shard indexes.
pub fn index_list(indexes: &[u32]) -> String {
    let mut text = String::new();
    for (i, index) in indexes.iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        let _ = write!(text, "{index}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!(parse_shard("1/4"), Ok(ShardSpec { index: 1, count: 4 }));
        assert_eq!(parse_shard(" 4/4 "), Ok(ShardSpec { index: 4, count: 4 }));
        assert_eq!(parse_shard("1/1"), Ok(ShardSpec { index: 1, count: 1 }));
        for bad in [
            "0/4",
            "5/4",
            "1/0",
            "4",
            "1/",
            "/4",
            "a/b",
            "-1/4",
            "+1/4",
            "1/4/8",
            "1/10001",
            "",
            "99999999999/1",
        ] {
            let err = parse_shard(bad).expect_err(bad).to_string();
            assert!(err.contains("--shard"), "{err}");
        }
    }

    #[test]
    fn the_key_is_the_registrable_domain() {
        assert_eq!(partition_key("www.ria.ee"), "ria.ee");
        assert_eq!(partition_key("RIA.EE."), "ria.ee");
        assert_eq!(
            partition_key("a.b.cabinetoffice.gov.uk"),
            "cabinetoffice.gov.uk"
        );
        // Unlisted TLD: the default rule "*" makes `test` the suffix.
        assert_eq!(partition_key("site1.bench.test"), "bench.test");
        // A public suffix itself is its own key.
        assert_eq!(partition_key("gov.uk"), "gov.uk");
    }

    /// The test vectors of docs/design/sharding.md: if this test changes, every deployed
    /// partition changes; do not change it.
    #[test]
    fn test_vectors_are_stable() {
        // SHA-256("ria.ee") starts e0b6e6d0612a31cb = 16192383292914938315.
        assert_eq!(shard_of("www.ria.ee", 4), 4);
        assert_eq!(shard_of("ria.ee", 16), 12);
        // SHA-256("cabinetoffice.gov.uk") starts a542d54fb208f785.
        assert_eq!(shard_of("x.cabinetoffice.gov.uk", 4), 2);
        assert_eq!(shard_of("x.cabinetoffice.gov.uk", 3), 1);
        // SHA-256("bench.test") starts 242d1554d9f0f1f4.
        assert_eq!(shard_of("site1.bench.test", 8), 5);
        // Every name under one registrable domain shares its shard.
        for n in 1..=64 {
            assert_eq!(shard_of("a.ria.ee", n), shard_of("b.c.ria.ee", n));
        }
        assert_eq!(shard_of("anything.example", 1), 1);
    }

    #[test]
    fn every_target_is_in_exactly_one_shard() {
        let names: Vec<String> = (0..500).map(|i| format!("www.d{i}.ee")).collect();
        let count = 7;
        let mut sizes = vec![0usize; count as usize];
        for name in &names {
            let in_shards: Vec<u32> = (1..=count)
                .filter(|&index| contains(ShardSpec { index, count }, name))
                .collect();
            assert_eq!(in_shards.len(), 1, "{name}");
            sizes[in_shards[0] as usize - 1] += 1;
        }
        // 500 distinct registrable domains spread over all 7 shards, none empty or lopsided.
        assert!(sizes.iter().all(|&s| (40..=110).contains(&s)), "{sizes:?}");
    }

    #[test]
    fn index_lists_read_naturally() {
        assert_eq!(index_list(&[2]), "2");
        assert_eq!(index_list(&[1, 3, 4]), "1, 3, 4");
        assert_eq!(index_list(&[]), "");
    }
}
